import type { AccountSettings } from "../account/account.js";
import type { CycleStatement, Statement } from "../engine/types.js";
import { monthOfText } from "../bill/period-text.js";
import { atFlag, shown, UserError } from "../errors.js";
import type { Period } from "../render/statement/period.js";
import { DATE_OR_INSTANT, parseInstant, type Instant } from "../time.js";

const FLAG = "--cycle";
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const EXPECTED = `${DATE_OR_INSTANT}, a month (2026-11, Nov 2026), or two joined by .. (FROM..THROUGH)`;

/**
 * `--cycle DATE` (the cycle holding DATE) or `--cycle FROM..THROUGH` (the cycles holding FROM, THROUGH and those
 * between), read as --through is, in the account's time zone: a date is its first instant. Each account shows its own
 * cycles holding them (period.ts): a plan change may have moved one account's cycles off the anchor's calendar. A
 * selection of what is shown, not of what is replayed: the replay still starts at the anchor, so that balances,
 * carried credits and quotas are those of the whole statement (newcomer, stop 38: finance wants November of an
 * account anchored in August). --through is not it: it runs the replay to a date, and refuses usage after it.
 */
export function askedPeriod(text: string, settings: AccountSettings): Period {
  const parts = text.split("..");
  if (parts.length > 2) throw new UserError("more than one .. in a period", atFlag(FLAG), EXPECTED, shown(text));
  const [first, lastEnd] = [endOf(parts[0]!, settings, text), endOf(parts[parts.length - 1]!, settings, text)];
  // A month (finance asks for November) holding the anchor starts at it: its days before are no cycle's (newcomer, stop 40).
  const anchor = settings.anchor;
  const from = first.monthEnd !== undefined && anchor !== undefined && first.at < anchor && anchor < first.monthEnd ? anchor : first.at;
  // A month that ends the period is held to its last day, whole; so is a range's last date (consecutive ranges leave none out).
  const through = lastEnd.monthEnd === undefined ? lastEnd.at : settings.zone.dateTime(lastEnd.monthEnd).minus({ days: 1 }).toMillis();
  const last = lastEnd.monthEnd !== undefined ? lastEnd.monthEnd - 1 : parts.length === 2 && DATE_ONLY.test(parts[1]!.trim()) ? settings.zone.dateTime(through).plus({ days: 1 }).toMillis() - 1 : through;
  if ((lastEnd.monthEnd === undefined ? through : last) < from) throw new UserError("period's first date after its last", atFlag(FLAG), "FROM on or before THROUGH", shown(text));
  if (anchor !== undefined && from < anchor) {
    throw new UserError("date before the first cycle", atFlag(FLAG), `a date on or after the anchor ${settings.zone.localDate(anchor)}, where the statement's cycles start`, shown(text));
  }
  return { from, through, last };
}

/** One end of a period as written: its first instant, and for a month (2026-11, Nov 2026) the instant the month ends. */
function endOf(part: string, settings: AccountSettings, text: string): { at: Instant; monthEnd?: Instant } {
  const month = monthOfText(part);
  if (month !== undefined && "unknown" in month) throw new UserError("unknown month name", atFlag(FLAG), "an English month name such as Nov or November", shown(month.unknown));
  if (month !== undefined && (month.month < 1 || month.month > 12)) throw new UserError("no such month", atFlag(FLAG), EXPECTED, shown(text));
  const first = month === undefined ? part.trim() : `${String(month.year).padStart(4, "0")}-${String(month.month).padStart(2, "0")}-01`;
  const parsed = parseInstant(first, settings.zone);
  if (!parsed.ok) throw new UserError(parsed.problem, atFlag(FLAG), parsed.problem === "bad timestamp" ? EXPECTED : parsed.expected, shown(text));
  return month === undefined ? { at: parsed.at } : { at: parsed.at, monthEnd: settings.zone.dateTime(parsed.at).plus({ months: 1 }).toMillis() };
}

/**
 * The period must meet the cycles the statement holds: a date past every account's last cycle (no usage reached it,
 * and no --through) or before the first (without an anchor, the month of the earliest usage) is a user error, not an
 * empty statement. Every account starts on the same first cycle; one whose cycles a plan change moved may end later
 * than another, so the first account's cycles settle it when they hold the period, and only a refusal reads them all.
 */
export function checkWithin(period: Period, statement: Statement, settings: AccountSettings, text: string): void {
  const some = statement.accounts.find((a) => a.cycles.length > 0)?.cycles;
  if (some === undefined || within(period, some)) return;
  let first = some[0]!.start;
  let end = some[some.length - 1]!.end;
  for (const account of statement.accounts) {
    const cycles = account.cycles;
    if (cycles.length === 0) continue;
    first = Math.min(first, cycles[0]!.start);
    end = Math.max(end, cycles[cycles.length - 1]!.end);
  }
  if (period.from >= first && period.through < end) return;
  const date = (at: Instant) => settings.zone.localDate(at);
  throw new UserError(
    "date outside the statement's cycles",
    atFlag(FLAG),
    `a date from ${date(first)} to ${date(end - 1)}, the statement's cycles; --through DATE runs it through a cycle no usage reaches`,
    shown(text),
  );
}

/** Whether an account's cycles hold FROM and THROUGH (a date: its first instant, as --through reads it). */
const within = (period: Period, cycles: readonly CycleStatement[]): boolean => period.from >= cycles[0]!.start && period.through < cycles[cycles.length - 1]!.end;
