import type { AccountSettings } from "../account/account.js";
import type { Statement, TimelineEntry } from "../engine/types.js";
import { formatLocation, shown } from "../errors.js";
import { waitingText } from "../engine/timeline.js";
import { formatInstant } from "../time.js";

/**
 * A note per account whose plan (or allowance) is named again while a change waits for the cycle's end: the
 * re-statement changes nothing, and the downgrade still applies (newcomer72a H2: a customer's "I changed my mind",
 * written as the plan in force, billed November on the downgrade, 334 events refused, with no word). Once an account,
 * at its first re-statement: a CRM export re-states the plan every day, and each would be the same note.
 */
export function waitingNotes(settings: AccountSettings, statement: Statement): string[] {
  // Only the accounts with a plan or allowance change have cycles to read (a statement of many accounts holds them spilled).
  const changed = new Set(settings.changes.filter((c) => c.change.kind === "plan" || c.change.kind === "allowance").map((c) => c.account));
  if (changed.size === 0) return [];
  const notes: string[] = [];
  for (const a of statement.accounts) {
    if (!changed.has(a.account)) continue;
    // A change a cancellation took back does not still apply: the engine takes still_waits off the open cycle's rows,
    // but a cycle an upgrade closed early (new_cycle) is kept as it closed (red72c M1).
    const takenBack = new Set(a.cycles.flatMap((c) => c.timeline.flatMap((t) => (t.tookBack === undefined ? [] : [formatLocation(t.tookBack.origin)]))));
    const restated = a.cycles.flatMap((c) => c.timeline.filter((t): t is TimelineEntry & { stillWaits: NonNullable<TimelineEntry["stillWaits"]> } => t.stillWaits !== undefined && !takenBack.has(formatLocation(t.stillWaits.origin))));
    const first = restated[0];
    if (first === undefined) continue;
    const w = first.stillWaits;
    const more = restated.length === 1 ? "" : ` (and ${(restated.length - 1).toLocaleString("en-US")} more such change${restated.length === 2 ? "" : "s"} while one waits)`;
    const named = first.change === "plan" ? `plan ${first.to}` : `allowance ${first.to}`;
    notes.push(
      `burnrate: note: ${formatLocation(w.restatedAt)} names ${named} of ${shown(a.account)} while ${waitingText(w)} (${formatLocation(w.origin)}) waits for ${formatInstant(w.appliesAt)}${more}: ${first.granted.gt(0) ? "it raises the allowance until then" : "it changes nothing"}, and ${waitingText(w)} still applies then; where the customer took it back, - { at: ..., cancel_scheduled: true } takes it back (docs/timelines.md)\n`,
    );
  }
  return notes;
}
