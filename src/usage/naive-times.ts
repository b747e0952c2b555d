import { shown } from "../errors.js";
import type { Instant, Zone } from "../time.js";
import { timestampCells } from "./timestamp-cells.js";
import type { ColumnMapping } from "./mapping.js";

/**
 * Times without an offset (`2026-12-01 02:30:00`, as gateways export UTC) are read in the account's time zone
 * where the usage mapping has no `timestamp_zone:`, as docs/usage.md says. A row so read that UTC would put in
 * another cycle (in America/New_York, 02:30 on December 1st is December's, and 21:30 on November 30th if it was
 * UTC) is the one a wrong reading bills in the wrong month: the rows near a boundary are counted, after the
 * replay, and told with the key that settles it (newcomer, stop 40: a row billed to December in silence).
 */

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;

/** A naive time's wall clock as if it were UTC, or undefined for any other text (an offset, a date alone). */
function wallOf(cell: string): number | undefined {
  const m = NAIVE.exec(cell);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, ms] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), Number((ms ?? "0").padEnd(3, "0")));
  return Number.isNaN(wall) ? undefined : wall;
}

const DAY = 86_400_000;

/** The UTC dates within a day of a boundary: a wall time on any other date is a day or more from every boundary. */
function nearDays(bounds: readonly Instant[]): Set<string> {
  const days = new Set<string>();
  for (const bound of bounds) for (const d of [-2, -1, 0, 1, 2]) days.add(new Date(bound + d * DAY).toISOString().slice(0, 10));
  return days;
}


/** How many of a boundary list's instants are at or before `at`: the cycle `at` is in, as a number. */
function cycleOf(bounds: readonly Instant[], at: Instant): number {
  let n = 0;
  while (n < bounds.length && bounds[n]! <= at) n++;
  return n;
}

interface Straddling {
  rows: number;
  first: number;
}

/**
 * The rows of a file whose first row's time has no offset that the account's zone and UTC put in two cycles;
 * undefined for a file of other times (offsets, dates alone), read no further than its first row.
 */
async function straddling(file: string, mapping: ColumnMapping, zone: Zone, boundsOf: () => readonly Instant[]): Promise<Straddling | undefined> {
  const found: Straddling = { rows: 0, first: 0 };
  let days: Set<string> | undefined;
  // A JSON line is read only where it holds a date near a boundary (its first, whatever it holds).
  await timestampCells(file, mapping, (cell, line, first) => {
    // Only a wall time within a day of a boundary can be read on two sides of it (no zone is a day from UTC): the
    // other rows are passed over by their date, after the first, which says whether the file's times have an offset.
    if (!first && !(days ??= nearDays(boundsOf())).has(cell.slice(0, 10))) return true;
    const wall = wallOf(cell);
    // A file whose first row has an offset (or a date alone) is read no further.
    if (wall === undefined) return !first;
    const bounds = boundsOf();
    if (!bounds.some((bound) => Math.abs(wall - bound) < DAY)) return true;
    const local = zone.fromLocal(wall);
    if (local.ok && cycleOf(bounds, local.at) !== cycleOf(bounds, wall) && found.rows++ === 0) found.first = line;
    return true;
  }, () => (days ??= nearDays(boundsOf())));
  return found.rows === 0 ? undefined : found;
}

/** The notes of the files read in the account's zone (no `timestamp_zone:`) whose times without an offset straddle a cycle boundary between that zone and UTC. */
export async function naiveTimeNotes(files: ReadonlyMap<string, ColumnMapping>, zone: Zone, bounds: () => readonly Instant[]): Promise<string[]> {
  if (zone.isUtc) return [];
  const notes: string[] = [];
  for (const [file, mapping] of files) {
    if (mapping.timestampUnit !== undefined) continue;
    let found: Straddling | undefined;
    try {
      found = await straddling(file, mapping, zone, bounds);
    } catch {
      // The replay read the file; one that cannot be read again now only goes without its note.
      continue;
    }
    if (found === undefined) continue;
    const them = found.rows === 1 ? "1 row" : `${found.rows.toLocaleString("en-US")} rows`;
    notes.push(
      `burnrate: note: ${them} of ${file} (the first at ${file}:${found.first}) ${found.rows === 1 ? "has a time" : "have times"} without an offset, read in ${zone.name}, the account's time zone, where UTC would put ${found.rows === 1 ? "it" : "them"} in another cycle; if the export writes UTC, timestamp_zone: UTC in the usage mapping reads ${found.rows === 1 ? "it" : "them"} so (timestamp_zone: ${shown(zone.name)} says the account's zone is meant, and ends this note)\n`,
    );
  }
  return notes;
}
