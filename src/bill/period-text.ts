import { UserError, shown, type Location } from "../errors.js";
import { parseInstant, type Zone } from "../time.js";
import type { BillPeriod } from "./types.js";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/;
const MONTH_YEAR = /^([A-Za-z]+)\.?\s+(\d{4})$/;
/** Day-first and month-first dates read alike (11/12/2026): burnrate refuses to guess. */
const SLASHED = /^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$/;
/** A range: ISO's solidus, or the word "to" as bills print it. */
const RANGE = /^(\S+)\s*(?:\/|\s+to\s+)\s*(\S+)$/i;

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

const EXPECTED = "the cycle's first day (2026-11-01), its start instant, a month (2026-11, Nov 2026) or a date range (2026-11-01/2026-11-30)";

/** The month a name stands for, 1 to 12: the full English name, its first three letters, or Sept. */
function monthNumber(name: string): number | undefined {
  const lower = name.toLowerCase();
  if (lower === "sept") return 9;
  const index = MONTHS.findIndex((m) => m === lower || (lower.length === 3 && m.startsWith(lower)));
  return index < 0 ? undefined : index + 1;
}

function monthPeriod(year: number, month: number, text: string, where: Location): BillPeriod {
  if (month < 1 || month > 12) throw new UserError("no such month", where, EXPECTED, shown(text));
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  const iso = (y: number, m: number) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-01`;
  // A month is the calendar month: from its first day to the next month's first day.
  return { kind: "start-date", date: iso(year, month), end: { date: iso(next.year, next.month), exclusive: true }, text };
}

/** A calendar month as text writes it (2026-11, Nov 2026, November 2026); `unknown`, a word that names no month; undefined for other text. */
export function monthOfText(text: string): { year: number; month: number } | { unknown: string } | undefined {
  const trimmed = text.trim();
  const ym = YEAR_MONTH.exec(trimmed);
  if (ym) return { year: Number(ym[1]), month: Number(ym[2]) };
  const my = MONTH_YEAR.exec(trimmed);
  if (!my) return undefined;
  const month = monthNumber(my[1]!);
  return month === undefined ? { unknown: my[1]! } : { year: Number(my[2]), month };
}

/**
 * A canonical bill's period as bills write it: a day or an instant the cycle
 * starts at, a calendar month, or a range from the cycle's first day to its
 * last (or to the next cycle's first day). Whether it is one of the account's
 * cycles is checked once the calendar is known (period.ts).
 */
export function parsePeriodText(text: string, zone: Zone, where: Location): BillPeriod {
  const trimmed = text.trim();
  const month = monthOfText(trimmed);
  if (month !== undefined && "unknown" in month) throw new UserError("unknown month name", where, "an English month name such as Nov or November", shown(month.unknown));
  if (month !== undefined) return monthPeriod(month.year, month.month, trimmed, where);
  if (SLASHED.test(trimmed)) throw new UserError("ambiguous date", where, "an ISO date such as 2026-11-01 (day-first and month-first dates read alike)", shown(text));
  const range = RANGE.exec(trimmed);
  if (range && !parseInstant(trimmed, zone).ok) return rangePeriod(range[1]!, range[2]!, zone, where, text);
  return pointPeriod(trimmed, zone, where, text);
}

function pointPeriod(part: string, zone: Zone, where: Location, text: string): Extract<BillPeriod, { kind: "start-date" | "start-instant" }> {
  const parsed = parseInstant(part, zone);
  if (!parsed.ok) throw new UserError(parsed.problem === "bad timestamp" ? "bad period" : `bad period: ${parsed.problem}`, where, EXPECTED, shown(text));
  return DATE.test(part) ? { kind: "start-date", date: part } : { kind: "start-instant", at: parsed.at };
}

function rangePeriod(from: string, to: string, zone: Zone, where: Location, text: string): BillPeriod {
  const start = pointPeriod(from, zone, where, text);
  const end = pointPeriod(to, zone, where, text);
  if (start.kind !== end.kind) throw new UserError("period range mixes a date and an instant", where, "two dates or two instants", shown(text));
  if (start.kind === "start-date" && end.kind === "start-date") {
    if (end.date < start.date) throw new UserError("period range ends before it starts", where, EXPECTED, shown(text));
    return { ...start, end: { date: end.date, exclusive: false }, text };
  }
  if (start.kind === "start-instant" && end.kind === "start-instant") {
    if (end.at <= start.at) throw new UserError("period range ends before it starts", where, EXPECTED, shown(text));
    return { ...start, endAt: end.at, text };
  }
  throw new Error("unreachable: both ends have one kind");
}
