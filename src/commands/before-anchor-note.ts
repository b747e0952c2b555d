import type { AccountSettings } from "../account/account.js";
import type { Statement } from "../engine/types.js";
import { rowShare } from "../render/shared/numbers.js";
import { formatInstant } from "../time.js";
import { atFlag, UserError } from "../errors.js";

/**
 * The note for usage rows before the first cycle that --skip-before-anchor left out: how many, when, and where the
 * first cycle starts in the account's zone, so that rows of the month before (a UTC export's first hours, for an
 * account west of UTC) are told apart from a wrong anchor, which would leave out most of the log. Every row before
 * it is that wrong anchor (a year typed 2027 for 2026), refused: an empty statement is no month end.
 */
export function beforeAnchorNote(statement: Pick<Statement, "events" | "beforeFirstCycle">, settings: AccountSettings): string | undefined {
  const before = statement.beforeFirstCycle;
  if (before === undefined) return undefined;
  const when = before.first === before.last ? `at ${formatInstant(before.first)}` : `from ${formatInstant(before.first)} to ${formatInstant(before.last)}`;
  const starts = `${settings.zone.localDate(before.cycleStart)} in ${settings.zone.name}`;
  if (statement.events.read === 0) {
    throw new UserError("every usage row is before the first cycle", atFlag("--skip-before-anchor"), `usage on or after the anchor, ${starts}: the flag leaves out rows before it, and an anchor after the whole log is likely mistyped`, `${rowsOf(before.rows)} ${when}`);
  }
  const share = rowShare(before.rows, statement.events.read + before.rows);
  return `burnrate: note: ${rowsOf(before.rows)} ${when} (${share} of the usage) ${before.rows === 1 ? "falls" : "fall"} before the first cycle, which starts ${starts}, and ${before.rows === 1 ? "is" : "are"} left out (--skip-before-anchor)\n`;
}

const rowsOf = (rows: number): string => (rows === 1 ? "1 usage row" : `${rows.toLocaleString("en-US")} usage rows`);
