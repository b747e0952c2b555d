import type { AccountSettings } from "../account/account.js";
import type { Statement } from "../engine/types.js";
import { atFlag, shown, UserError } from "../errors.js";
import { rowShare } from "../render/shared/numbers.js";
import { formatInstant, type Instant } from "../time.js";

/**
 * The note for usage rows before the first cycle that --skip-before-anchor left out: how many, of which accounts,
 * when, and where the first cycle starts in the account's zone, so that an export's first hours (a UTC month, for an
 * account west of UTC) are told apart from a wrong anchor. Every row before it is that wrong anchor (a year typed
 * 2027 for 2026), refused: an empty statement is no month end.
 */
export function beforeAnchorNote(statement: Pick<Statement, "events" | "beforeFirstCycle">, settings: AccountSettings): string | undefined {
  const before = statement.beforeFirstCycle;
  if (before === undefined) return undefined;
  const when = before.first === before.last ? `at ${formatInstant(before.first)}` : `from ${formatInstant(before.first)} to ${formatInstant(before.last)}`;
  const starts = `${startText(before.cycleStart, settings)} in ${settings.zone.name}`;
  if (statement.events.read === 0) {
    throw new UserError("every usage row is before the first cycle", atFlag("--skip-before-anchor"), `usage on or after the anchor, ${starts}: the flag leaves out rows before it, and an anchor after the whole log is likely mistyped`, `${rowsOf(before.rows)} ${when}`);
  }
  const share = rowShare(before.rows, statement.events.read + before.rows);
  const one = before.rows === 1;
  return `burnrate: note: ${rowsOf(before.rows)}${whose(before.accounts, settings)} ${when} (${share} of the usage rows) ${one ? "falls" : "fall"} before the first cycle, which starts ${starts}, and ${one ? "is" : "are"} left out (--skip-before-anchor)\n`;
}

const rowsOf = (rows: number): string => (rows === 1 ? "1 usage row" : `${rows.toLocaleString("en-US")} usage rows`);

/** The anchor as its date where it is a local midnight, else as the instant it is (an anchor of 12:00 would read as the day's start). */
function startText(at: Instant, settings: AccountSettings): string {
  return settings.zone.dateTime(at).startOf("day").toMillis() === at ? settings.zone.localDate(at) : formatInstant(at);
}

/** The accounts the rows are of, most rows first, three named: nothing for the file's own account alone, the one of a log without accounts. */
function whose(accounts: ReadonlyMap<string, number>, settings: AccountSettings): string {
  const ranked = [...accounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (ranked.length === 1) return ranked[0]![0] === settings.name ? "" : ` of account ${shown(ranked[0]![0])}`;
  const named = ranked.slice(0, SHOWN).map(([name, rows]) => `${shown(name)} (${rows.toLocaleString("en-US")})`).join(", ");
  const rest = ranked.length > SHOWN ? ` and ${(ranked.length - SHOWN).toLocaleString("en-US")} more` : "";
  return ` of ${ranked.length.toLocaleString("en-US")} accounts, ${named}${rest},`;
}

const SHOWN = 3;
