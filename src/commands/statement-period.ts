import type { AccountSettings } from "../account/account.js";
import type { Statement } from "../engine/types.js";
import { atFlag, shown, UserError } from "../errors.js";
import type { Period } from "../render/statement/period.js";
import { Calendar, DATE_OR_INSTANT, parseInstant, type Instant } from "../time.js";

const FLAG = "--cycle";
const EXPECTED = `${DATE_OR_INSTANT}, or two joined by .. (FROM..THROUGH)`;

/**
 * `--cycle DATE` (the cycle holding DATE) or `--cycle FROM..THROUGH` (the cycles holding FROM, THROUGH and those
 * between), read as --through is, in the account's time zone, and made a span of whole cycles on the statement's
 * calendar: from the anchor, or without one from the first of a month (where the cycles then start). A selection of
 * what is shown, not of what is replayed: the replay still starts at the anchor, so that balances, carried credits
 * and quotas are those of the whole statement (newcomer, stop 38: finance wants November of an account anchored in
 * August). --through is not it: it runs the replay to a date, and refuses usage after it.
 */
export function askedPeriod(text: string, settings: AccountSettings): Period {
  const parts = text.split("..");
  if (parts.length > 2) throw new UserError("more than one .. in a period", atFlag(FLAG), EXPECTED, shown(text));
  const [from, through] = parts.map((part) => {
    const parsed = parseInstant(part.trim(), settings.zone);
    if (!parsed.ok) throw new UserError(parsed.problem, atFlag(FLAG), parsed.problem === "bad timestamp" ? EXPECTED : parsed.expected, shown(text));
    return parsed.at;
  }) as [Instant, Instant | undefined];
  const last = through ?? from;
  if (last < from) throw new UserError("period's first date after its last", atFlag(FLAG), "FROM on or before THROUGH", shown(text));
  if (settings.anchor !== undefined && from < settings.anchor) {
    throw new UserError("date before the first cycle", atFlag(FLAG), `a date on or after the anchor ${settings.zone.localDate(settings.anchor)}, where the statement's cycles start`, shown(text));
  }
  // Without an anchor the cycles are calendar months, whichever month they start at: counted here from FROM's.
  const calendar = new Calendar(settings.anchor ?? settings.zone.dateTime(from).startOf("month").toMillis(), settings.zone);
  return { start: calendar.start(calendar.indexOf(from)), end: calendar.start(calendar.indexOf(last) + 1) };
}

/**
 * The period must lie within the cycles the statement holds: a date past its last cycle (no usage reached it, and no
 * --through) or before its first (without an anchor, the month of the earliest usage) is a user error, not an empty
 * statement. Every account is replayed over the same cycles, so the first one's say where they are.
 */
export function checkWithin(period: Period, statement: Statement, settings: AccountSettings, text: string): void {
  const cycles = statement.accounts.find((a) => a.cycles.length > 0)?.cycles;
  if (cycles === undefined) return;
  const first = cycles[0]!.start;
  const end = cycles[cycles.length - 1]!.end;
  if (period.start >= first && period.end <= end) return;
  const date = (at: Instant) => settings.zone.localDate(at);
  throw new UserError(
    "date outside the statement's cycles",
    atFlag(FLAG),
    `a date from ${date(first)} to ${date(end - 1)}, the statement's cycles; --through DATE runs it through a cycle no usage reaches`,
    shown(text),
  );
}
