import type { AccountSettings } from "../account/account.js";
import type { LookalikeAccount } from "../account/lookalikes.js";
import type { Statement } from "../engine/types.js";
import { formatLocation, shown } from "../errors.js";
import { formatFixed, sum } from "../money.js";
import { cycleMoney, isPaidGrant, minorDigits } from "../ratecard/cycle-money.js";
import type { RateCard } from "../ratecard/types.js";

/**
 * The note for an account file whose own account (`account:`) has no usage while the log bills other accounts: a
 * reseller's file of customers that names itself at the top level was billed a plan of its own, fee and all, in the
 * totals beside its customers, with no word (newcomer60 M3). A file that writes no `account:` lists no such account
 * (ReplaySetup.unnamed); one that names it is told what it costs and how to leave it out. Not said where a lookalike
 * warning already told the account as a likely misspelling of a usage account, where a grant of the file is its
 * (a prepaid customer), or where its plan costs nothing.
 */
export function ownAccountNote(card: RateCard, settings: AccountSettings, shownCycles: Statement, lookalikes: readonly LookalikeAccount[], idle: (name: string) => boolean): string | undefined {
  if (settings.unnamed !== undefined || !idle(settings.name) || lookalikes.some((l) => l.named === settings.name)) return undefined;
  // The cycles shown (--cycle): the note's money is the one in the totals printed (red61 F5).
  const own = shownCycles.accounts.find((a) => a.account === settings.name);
  const others = shownCycles.accounts.filter((a) => a.account !== settings.name && !idle(a.account)).length;
  if (own === undefined || others === 0) return undefined;
  // Credits it bought make it a customer (a grant given free does not: red61 F6), as do a creator's rewards; a plan of no fee costs the totals nothing.
  if (settings.purchases.some((p) => p.account === settings.name && isPaidGrant(card, p.kind)) || own.cycles.some((c) => !c.rewards.earned.isZero())) return undefined;
  const money = own.cycles.map((c) => cycleMoney(card, c.plan, c)).filter((m) => m !== undefined);
  const total = sum(money.map((m) => m.total));
  if (money.length === 0 || total.isZero()) return undefined;
  const cycles = `${own.cycles.length.toLocaleString("en-US")} cycle${own.cycles.length === 1 ? "" : "s"}`;
  const cost = `${formatFixed(total, minorDigits(money[0]!.currency))} ${money[0]!.currency} over ${cycles}`;
  const accounts = `${others.toLocaleString("en-US")} usage account${others === 1 ? "" : "s"}`;
  return `burnrate: note: the account file's own account ${shown(settings.name)} (its account:) has no usage, beside ${accounts}: billed with nothing used (${cost}) in the totals; where the top level is only the terms of the accounts the file does not name, leave account: out, and no account of its own is billed\n`;
}

/**
 * The note for changes the top level writes without `account:` in a file that writes no `account:` either: they are
 * the unnamed `default`'s (docs/timelines.md), and where no row is its they change no account's terms. A reseller's
 * `{ at: ..., plan: free }` meant for its customers billed a phantom account before (red61 F1), and changes nothing now.
 */
export function unnamedChangesNote(settings: AccountSettings, statement: Statement): string | undefined {
  const unnamed = settings.unnamed;
  if (unnamed === undefined || !unnamed.inFile || statement.accounts.some((a) => a.account === unnamed.name)) return undefined;
  const changes = settings.changes.filter((c) => c.account === unnamed.name);
  if (changes.length === 0) return undefined;
  const first = changes[0]!.origin;
  const which = changes.length === 1 ? `a change (${formatLocation(first)}) is` : `${changes.length.toLocaleString("en-US")} changes (the first at ${formatLocation(first)}) are`;
  // Said alike of a change that writes no account: and of one that writes account: default (red72c L2: "names no
  // account" was said of one that named it, as the grants warning asks).
  return `burnrate: note: ${which} ${shown(unnamed.name)}'s (its account: or, left out, that of an account file that writes no account: of its own), which no row is: ${changes.length === 1 ? "it changes" : "they change"} no account's terms; write account: NAME in each change for a customer's, or its terms under accounts:\n`;
}
