import { DateTime } from "luxon";
import { shown } from "../errors.js";
import { formatInstant, Zone, type Instant } from "../time.js";
import { timestampCells } from "./timestamp-cells.js";
import type { ColumnMapping } from "./mapping.js";

/**
 * Exports of one row a day (OpenRouter's activity export: `date`, a UTC day) read by a mapping whose
 * `timestamp_zone:` is not the account's: each row is at that zone's midnight, so a whole day lands
 * on one side of a cycle boundary that falls inside it (New York's November starts at 04:00 UTC, and
 * November 1st's rows, read at 00:00 UTC, are October's). The figures follow the documented rule;
 * the day is named on standard error, with the key that reads the dates as the account's days.
 */

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The distinct dates of a usage file (CSV, JSON Lines or Parquet, since stop 41) whose first row's timestamp is a
 * date without a time; none for any other (a file of instants), read no further than its first row. Memory grows
 * with the days, never with the rows.
 */
async function datedDays(file: string, mapping: ColumnMapping): Promise<Set<string>> {
  const days = new Set<string>();
  await timestampCells(file, mapping, (cell, _line, first) => {
    // A file whose first row is an instant is no export of days: read no further.
    if (first && !DATE.test(cell)) return false;
    if (DATE.test(cell)) days.add(cell);
    return true;
  });
  return days;
}

/**
 * The notes for the dated files of a run: each day whose rows, read at midnight in the mapping's
 * `timestamp_zone:`, fall before a cycle boundary inside that day (`starts`, the cycles' first
 * instants, in the account's zone). One line a file, naming its days.
 */
export async function datedDayNotes(files: ReadonlyMap<string, ColumnMapping>, account: Zone, starts: readonly Instant[]): Promise<string[]> {
  const notes: string[] = [];
  for (const [file, mapping] of files) {
    const zone = mapping.timestampZone === undefined ? undefined : Zone.of(mapping.timestampZone);
    if (zone === undefined || zone.name === account.name) continue;
    let days: Set<string>;
    try {
      days = await datedDays(file, mapping);
    } catch {
      // The replay read the file; one that cannot be read again now only goes without its note.
      continue;
    }
    const split: string[] = [];
    for (const day of [...days].sort()) {
      const start = DateTime.fromISO(day, { zone: zone.name }).startOf("day");
      const from = start.toMillis();
      const to = start.plus({ days: 1 }).toMillis();
      const boundary = starts.find((start) => start > from && start < to);
      if (boundary !== undefined) split.push(`${day} (read as ${formatInstant(from)}; the cycle starts ${account.dateTime(boundary).toFormat("yyyy-MM-dd HH:mm")})`);
    }
    if (split.length === 0) continue;
    notes.push(`burnrate: note: ${file}: its timestamps are dates without a time, read at midnight ${zone.name} (timestamp_zone: ${zone.name}), and a cycle boundary of ${account.name} falls inside a day of it, whose rows are all counted in the cycle before: ${split.join(", ")}; timestamp_zone: ${shown(account.name)} in the file's usage mapping reads the dates as the account's days\n`);
  }
  return notes;
}
