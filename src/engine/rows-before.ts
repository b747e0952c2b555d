import { UserError } from "../errors.js";
import type { RateCard } from "../ratecard/types.js";
import { formatInstant, type Calendar, type Instant } from "../time.js";
import type { UsageEvent } from "./types.js";

/**
 * The usage rows before the first cycle that the setup says to leave out (ReplaySetup.beforeFirstCycle): a gateway's
 * month exported in UTC starts hours before a western account's local month, and those rows are no cycle's of the
 * account (newcomer, stop 53). Counted by account, with the first and last instant, for the note that says so.
 */
export class RowsBefore {
  private rows = 0;
  private first: Instant = Infinity;
  private last: Instant = -Infinity;
  private readonly accounts = new Map<string, number>();

  add(event: UsageEvent): void {
    this.rows++;
    if (event.at < this.first) this.first = event.at;
    if (event.at > this.last) this.last = event.at;
    const rows = this.accounts.get(event.account) ?? 0;
    this.accounts.set(event.account, rows + 1);
  }

  result(): { rows: number; first: Instant; last: Instant; accounts: ReadonlyMap<string, number> } | undefined {
    return this.rows === 0 ? undefined : { rows: this.rows, first: this.first, last: this.last, accounts: this.accounts };
  }
}

/** 1971-01-01T00:00:00Z: a usage row in 1970 is an epoch count read in the wrong unit; one before 1970 is a mistyped year. */
const YEAR_1971 = 31_536_000_000;

/**
 * Why a row before the first cycle is refused, or undefined where the setup leaves it out. Only a charge (a flow or
 * unique meter's row) of the cycle before the anchor is left out (red54): a row that starts, ends or moves an item
 * carries its state into the first cycle, which bills it (a project created on 31 October is November's fee), and a
 * row older than the cycle before is most often a mistyped year, which the refusal has always caught.
 */
export function beforeFirstCycle(ask: { event: UsageEvent; card: RateCard; calendar: Calendar; skip: boolean }): UserError | undefined {
  const { event, calendar } = ask;
  const found = ask.card.events.get(event.meter);
  const charge = found?.role === "charge" && (found.meter.aggregation === "flow" || found.meter.aggregation === "unique");
  const near = event.at >= calendar.previousStart();
  if (ask.skip && charge && near) return undefined;
  // A time in 1970 is a count since 1970 read in too small a unit (newcomer64b M3: seconds read as milliseconds were
  // told to move the anchor), or an export's 0 for no time, which ISO text writes as 1970-01-01T00:00:00Z (red64d), a
  // local time in the account's zone (red65 M4: 1970-01-01 00:00 in Tokyo is 1969 in UTC). The engine does not see how
  // the time was written, so the unit is named as the condition it holds under: a log read in seconds has no such cause.
  if (in1970(event.at, calendar) && calendar.start(0) >= YEAR_1971) return new UserError("usage before the first cycle", event.origin, `an instant on or after the anchor ${formatInstant(calendar.start(0))}: a time in 1970 is most often a missing time an export wrote as 0, or a count of seconds since 1970 read under timestamp_unit: milliseconds (timestamp_unit: seconds reads it)`, formatInstant(event.at));
  const why = !ask.skip
    ? "--skip-before-anchor leaves out the charges of the cycle before, counted in a note; an anchor a cycle earlier, --anchor or anchor:, bills them in a cycle of its own, with its plan fee and recurring grants"
    : !charge
      ? "--skip-before-anchor leaves out charges alone: this row starts, ends or moves an item whose state the first cycle bills; an anchor a cycle earlier bills it in a cycle of its own"
      : `--skip-before-anchor leaves out the rows of the cycle before alone, from ${formatInstant(calendar.previousStart())}: an older row is most often a mistyped year`;
  return new UserError("usage before the first cycle", event.origin, `an instant on or after the anchor ${formatInstant(calendar.start(0))} (${why})`, formatInstant(event.at));
}

/** Whether an instant is in 1970, in UTC or in the calendar's zone, where a local time is read. */
function in1970(at: Instant, calendar: Calendar): boolean {
  return (at >= 0 && at < YEAR_1971) || calendar.zone.dateTime(at).year === 1970;
}
