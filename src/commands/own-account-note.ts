import type { AccountSettings } from "../account/account.js";
import type { LookalikeAccount } from "../account/lookalikes.js";
import type { Statement } from "../engine/types.js";
import { shown } from "../errors.js";
import { formatFixed, sum } from "../money.js";
import { cycleMoney, minorDigits } from "../ratecard/cycle-money.js";
import type { RateCard } from "../ratecard/types.js";

/**
 * The note for an account file whose own account (`account:`) has no usage while the log bills other accounts: a
 * reseller's file of customers that names itself at the top level was billed a plan of its own, fee and all, in the
 * totals beside its customers, with no word (newcomer60 M3). A file that writes no `account:` lists no such account
 * (ReplaySetup.unnamed); one that names it is told what it costs and how to leave it out. Not said where a lookalike
 * warning already told the account as a likely misspelling of a usage account, where a grant of the file is its
 * (a prepaid customer), or where its plan costs nothing.
 */
export function ownAccountNote(card: RateCard, settings: AccountSettings, statement: Statement, lookalikes: readonly LookalikeAccount[], idle: (name: string) => boolean): string | undefined {
  if (settings.unnamed !== undefined || !idle(settings.name) || lookalikes.some((l) => l.named === settings.name)) return undefined;
  const own = statement.accounts.find((a) => a.account === settings.name);
  const others = statement.accounts.filter((a) => a.account !== settings.name && !idle(a.account)).length;
  if (own === undefined || others === 0) return undefined;
  // Its own purchase or a creator's rewards make it a customer; a plan of no fee costs the totals nothing.
  if (settings.purchases.some((p) => p.account === settings.name) || own.cycles.some((c) => !c.rewards.earned.isZero())) return undefined;
  const money = own.cycles.map((c) => cycleMoney(card, c.plan, c)).filter((m) => m !== undefined);
  const total = sum(money.map((m) => m.total));
  if (money.length === 0 || total.isZero()) return undefined;
  const cycles = `${own.cycles.length.toLocaleString("en-US")} cycle${own.cycles.length === 1 ? "" : "s"}`;
  const cost = `${formatFixed(total, minorDigits(money[0]!.currency))} ${money[0]!.currency} over ${cycles}`;
  const accounts = `${others.toLocaleString("en-US")} usage account${others === 1 ? "" : "s"}`;
  return `burnrate: note: the account file's own account ${shown(settings.name)} (its account:) has no usage, beside ${accounts}: billed its plan alone (${cost}) in the totals; where the top level is only the terms of the accounts the file does not name, leave account: out, and no account of its own is billed\n`;
}
