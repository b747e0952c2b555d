import type { AccountSettings } from "../account/account.js";
import type { Statement } from "../engine/types.js";
import { shown } from "../errors.js";
import { quotaReached } from "../engine/rules.js";

/**
 * The note for accounts under `accounts:` that said nothing of overage, where the top level says `overage: true`, and
 * whose requests were refused past their plan's quota. An entry has only the terms it says (accounts.md), so each such
 * account is without overage billing: a reseller whose default bills overage wrote `{ plan: starter }` for a customer,
 * and 7,303 of its 8,303 requests were refused, their overage unbilled, with nothing on stderr (newcomer55 M1).
 */
export function quotaRefusalsNote(settings: AccountSettings, statement: Statement): string | undefined {
  const unsaid = settings.overageUnsaid;
  if (unsaid === undefined) return undefined;
  const refused: [string, number][] = [];
  for (const account of statement.accounts) {
    if (!unsaid.has(account.account)) continue;
    let events = 0;
    for (const cycle of account.cycles) for (const r of cycle.rejected) if (quotaReached(r.reason)) events += r.events;
    if (events > 0) refused.push([account.account, events]);
  }
  if (refused.length === 0) return undefined;
  const count = (n: number) => n.toLocaleString("en-US");
  const named = refused.slice(0, NAMED).map(([account, events]) => `${shown(account)} ${count(events)}`).join(", ");
  const more = refused.length > NAMED ? ` and ${count(refused.length - NAMED)} more` : "";
  const total = refused.reduce((n, [, events]) => n + events, 0);
  const which = refused.length === 1 ? "an account under accounts: that says nothing of overage had" : `${count(refused.length)} accounts under accounts: that say nothing of overage had`;
  return `burnrate: note: ${which} ${count(total)} request${total === 1 ? "" : "s"} refused past ${refused.length === 1 ? "its" : "their"} plan's quota (${named}${more}), which the top level's overage: true would bill: an entry has only the terms it says; write overage: true in each entry billed overage, or overage: false where the refusals are meant\n`;
}

/** Accounts named before the rest are counted. */
const NAMED = 5;
