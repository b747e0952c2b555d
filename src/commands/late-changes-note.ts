import type { AccountSettings } from "../account/account.js";
import type { Statement } from "../engine/types.js";
import { formatLocation, shown } from "../errors.js";
import { formatInstant } from "../time.js";

/**
 * The note for an account's changes dated at or after the end of its last cycle in the statement: they change
 * nothing shown, as docs/timelines.md says, and a mistyped month is the likelier reason in a month's or a quarter's
 * close (newcomer65 M3: an upgrade typed 2027-06-01 for 2027-02-01 billed 20 + 25 + 25 USD where 20 + 200 + 200 was
 * owed, in silence). A change of an account the statement does not list is passed over.
 */
export function lateChangesNote(settings: AccountSettings, statement: Statement): string | undefined {
  if (settings.changes.length === 0) return undefined;
  // Only the changed accounts' cycles are read: a statement of many accounts holds its closed cycles spilled, and
  // reading every account's back cost the accounts shape 54 MB of its peak.
  const changed = new Set(settings.changes.map((c) => c.account));
  const ends = new Map(statement.accounts.filter((a) => changed.has(a.account)).map((a) => [a.account, a.cycles.at(-1)?.end]));
  const late = settings.changes.filter((c) => {
    const end = ends.get(c.account);
    return end !== undefined && c.at >= end;
  });
  if (late.length === 0) return undefined;
  const first = late[0]!;
  const end = ends.get(first.account)!;
  const which = late.length === 1 ? `a change of ${shown(first.account)} (${formatLocation(first.origin)})` : `${late.length.toLocaleString("en-US")} changes (the first of ${shown(first.account)}, ${formatLocation(first.origin)})`;
  const dated = late.length === 1 ? "is dated" : "are dated";
  return `burnrate: note: ${which} ${dated} ${late.length === 1 ? formatInstant(first.at) : `from ${formatInstant(first.at)}`}, at or after the end of its account's last cycle in the statement (${formatInstant(end)}): ${late.length === 1 ? "it changes" : "they change"} nothing shown; where the date is meant, through: DATE in the account file (or --through DATE) bills the cycles up to it\n`;
}
