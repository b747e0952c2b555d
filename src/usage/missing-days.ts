import { basename, dirname } from "node:path";
import { DateTime } from "luxon";
import type { Zone } from "../time.js";

/** A file name's one date, YYYY-MM-DD (or YYYYMMDD between non-digits), as a daily export names its files. */
const DATED = /(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)/g;

/** Daily files a folder needs before a gap among them is told: a few days' files are too few to say they are daily. */
const LEAST_DAYS = 4;

/** Days of one gap past which it is named by its first and last day. */
const LONG_GAP = 7;

/** Gaps (a day, or a long gap's first and last) named before the rest are counted. */
const NAMED_GAPS = 10;

/** A day number (days since 1970-01-01) as YYYY-MM-DD. */
const dateOf = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** A day number's ISO weekday, 1 for Monday: 1970-01-01 was a Thursday. */
const weekdayOf = (day: number) => (((day + 3) % 7) + 7) % 7 + 1;

/** The days Monday to Friday from day `from` to day `to`, both included. */
function weekdaysIn(from: number, to: number): number {
  if (to < from) return 0;
  const span = to - from + 1;
  let n = Math.floor(span / 7) * 5;
  for (let d = from + Math.floor(span / 7) * 7; d <= to; d++) if (weekdayOf(d) <= 5) n++;
  return n;
}

/**
 * The note naming the days a folder of daily files skips: a day with no usage is most often exported as a file of a
 * header alone (an empty day's file is named too, sources.ts), and a day with no file at all is most often a failed
 * export, whose usage is missing from what is read (newcomer64b L2: events-2026-11-14.jsonl was gone without a word).
 * Files are daily where each name holds one date and most of them follow the one before by a day; a folder of weekly
 * or monthly files, or of names without dates, has no note.
 */
export function missingDaysNotes(files: readonly string[]): string[] {
  return missingDays(files).map((gap) => `burnrate: note: ${gap}; a day of no usage is most often a file of a header alone, and a day with no file a failed export, whose usage is then missing from what is read\n`);
}

/**
 * The days each series of daily files skips (missingDaysNotes), said as a report says them: `the daily files in "x" skip
 * 1 day between ... (...): no usage is read for it`; with `within`, only the days in those spans (a bill's cycles, by
 * their first and last dates, YYYY-MM-DD: red70d M1, a day skipped in October flagged November's bill).
 */
export function missingDays(files: readonly string[], within?: readonly { first: string; last: string }[]): string[] {
  // A series is a folder's files named alike but for their date (red64d: two exports in one folder, merged, hid each
  // other's gaps).
  const series = new Map<string, { folder: string; template: string; dates: string[] }>();
  for (const file of files) {
    const name = basename(file);
    const dates = [...name.matchAll(DATED)].map((m) => `${m[1]}-${m[2]}-${m[3]}`).filter((d) => DateTime.fromISO(d, { zone: "UTC" }).isValid);
    if (dates.length !== 1) continue;
    const folder = dirname(file);
    // Whatever its format: a day's CSV beside another's JSON Lines or gzip is one export's (field13's daily folder).
    // An hour after the date (`2026-11-14T00.csv`) is the day's: one series, not one an hour (red64e L2).
    const template = name.replace(DATED, "DATE").replace(/DATE[T_ -]?\d{2}(?!\d)/, "DATE").replace(/(\.(csv|tsv|jsonl|ndjson|json|parquet|gz))+$/i, "");
    const key = JSON.stringify([folder, template]);
    const found = series.get(key) ?? { folder, template, dates: [] };
    found.dates.push(dates[0]!);
    series.set(key, found);
  }
  const notes: string[] = [];
  const inFolder = (folder: string) => [...series.values()].filter((s) => s.folder === folder).length;
  for (const { folder, template, dates: dated } of series.values()) {
    const days = [...new Set(dated)].sort();
    // A series of working days alone skips its weekends, as a B2B export does (red64d: every weekend was named).
    const weekdaysOnly = days.every((d) => DateTime.fromISO(d, { zone: "UTC" }).weekday <= 5);
    if (days.length < LEAST_DAYS) continue;
    const ordinal = (d: string) => Math.round(DateTime.fromISO(d, { zone: "UTC" }).toMillis() / 86_400_000);
    const steps = days.slice(1).map((d, i) => ordinal(d) - ordinal(days[i]!));
    // Daily: most steps are one day (a Friday to a Monday is one working day).
    const daily = (step: number, i: number) => step === 1 || (weekdaysOnly && step === 3 && DateTime.fromISO(days[i]!, { zone: "UTC" }).weekday === 5);
    if (steps.filter(daily).length * 2 <= steps.length) continue;
    // Each gap's days, or its first and last where it is past a week (red64d: a gap of 40 days was not told at all),
    // worked out by day numbers: a file dated 9999-12-31 beside November's is a gap of 2.9 million days (red65 H4).
    const missing: { text: string; days: number }[] = [];
    let count = 0;
    const spans = within === undefined ? undefined : merged(within.map((w) => [ordinal(w.first), ordinal(w.last)] as const));
    // Each gap as it lies within the spans, where some are given: a gap across a span's edge is counted within it.
    const gaps = steps.flatMap((step, i) => {
      const from = ordinal(days[i]!) + 1;
      const to = from + step - 2;
      return spans === undefined ? [[from, to] as const] : spans.map(([first, last]) => [Math.max(from, first), Math.min(to, last)] as const).filter(([a, b]) => a <= b);
    });
    gaps.forEach(([from, to]) => {
      const kept = (d: number) => !(weekdaysOnly && weekdayOf(d) > 5);
      const gap = weekdaysOnly ? weekdaysIn(from, to) : Math.max(0, to - from + 1);
      if (gap === 0) return;
      count += gap;
      if (gap > LONG_GAP) {
        let first = from;
        while (!kept(first)) first++;
        let last = to;
        while (!kept(last)) last--;
        missing.push({ text: `${dateOf(first)} to ${dateOf(last)}`, days: gap });
      } else {
        for (let d = from; d <= to; d++) if (kept(d)) missing.push({ text: dateOf(d), days: 1 });
      }
    });
    if (count === 0) continue;
    const shown = missing.slice(0, NAMED_GAPS);
    const rest = count - shown.reduce((n, m) => n + m.days, 0);
    const list = `${shown.map((m) => m.text).join(", ")}${rest > 0 ? ` and ${rest.toLocaleString("en-US")} more day${rest === 1 ? "" : "s"}` : ""}`;
    const them = count === 1 ? "1 day" : `${count.toLocaleString("en-US")} days`;
    // Named by their pattern where a folder holds several series (red64e L4: which export failed?).
    const files = inFolder(folder) > 1 ? `the daily files ${JSON.stringify(`${template}*`)}` : "the daily files";
    const where = folder === "." ? `${files} given` : `${files} in ${JSON.stringify(folder)}`;
    notes.push(`${where} skip ${them} between ${days[0]} and ${days.at(-1)} (${list}): no usage is read for ${count === 1 ? "it" : "them"}`);
  }
  return notes;
}

/** Spans of day numbers, those that overlap or touch made one: two accounts' Novembers are one November (red71a L3: its gap counted twice). */
function merged(spans: readonly (readonly [number, number])[]): (readonly [number, number])[] {
  const out: [number, number][] = [];
  for (const [first, last] of [...spans].sort((a, b) => a[0] - b[0])) {
    const previous = out.at(-1);
    if (previous !== undefined && first <= previous[1] + 1) previous[1] = Math.max(previous[1], last);
    else out.push([first, last]);
  }
  return out;
}

/**
 * The days of some cycles, as missingDays' `within` takes them: each cycle's first to last local date, and a day past
 * them on the side the zone reaches. A daily file is most often named by its UTC date, so west of UTC the file after a
 * cycle's last day holds its evening (red70e M1: December 1's held November 30's in New York), and east of it the file
 * before its first day holds its first hours; not both (red70f L1).
 */
export function cycleDays(cycles: readonly { start: number; end: number }[], zone: Zone): { first: string; last: string }[] {
  return cycles.map((c) => {
    const [start, end] = [zone.dateTime(c.start), zone.dateTime(c.end - 1)];
    return { first: (start.offset > 0 ? start.minus({ days: 1 }) : start).toISODate()!, last: (end.offset < 0 ? end.plus({ days: 1 }) : end).toISODate()! };
  });
}
