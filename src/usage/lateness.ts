import type { ShapedRows } from "../engine/rows.js";
import { formatLocation, type Location } from "../errors.js";
import { visible } from "../render/shared/escape.js";
import { MAX_LATENESS_DAYS } from "../flags.js";

/**
 * How late a log's late rows come, read from the row scanner's rows without
 * pricing them: what a reorder buffer needs to put the whole log back in time
 * order as it streams, where the default lateness was too little. A row's
 * lateness is how much earlier it is than the latest row before it; the buffer
 * passes a row on once it is the lateness older than the latest row seen, so a
 * buffer of the log's greatest lateness never meets a row earlier than one it
 * passed on (reorder.ts), unless it holds more rows than it may.
 */
export interface LogLateness {
  readonly rows: number;
  /** The greatest lateness of any row, in milliseconds (0 for a log in time order); of the rows read, where not `whole`. */
  readonly lateness: number;
  /**
   * At most how many rows a buffer of `lateness` holds at once: the rows within the
   * lateness and an hour of any instant (counted by the hour), so never fewer than it holds.
   */
  readonly held: number;
  /** Whether the whole log was read: the reading stops once the rows read are already more than a buffer may hold. */
  readonly whole: boolean;
  /** Where the row of the greatest lateness is (the first such), where a row is late at all. */
  readonly latest: Location | undefined;
  /** Of the rows read, how many came later than the lateness allowed: a few rows a fortnight late sort a month on disk (newcomer50 F8). */
  readonly beyond: number;
  /**
   * The first file whose first row came later than the lateness allowed after the file read before it: whole files given
   * out of time order (newest first, or `day-10` before `day-2` in name order), which the note names (newcomer51 #8).
   */
  readonly filesOutOfOrder?: { readonly file: string; readonly after: string; readonly by: number };
}

const HOUR = 3_600_000;
/** The most `--max-lateness` takes. */
const MAX_FLAG = MAX_LATENESS_DAYS * 86_400_000;

/**
 * The log's lateness (LogLateness), reading `batches` to their end, or until the rows within the lateness found so far
 * are more than `maxHeld` (a fully reversed log: the rest of the reading would only find more). `turn` is awaited after
 * each batch: a turn of the event loop now and then, so that a Ctrl-C is heard while no row reaches the engine.
 */
export async function latenessOf(batches: AsyncIterable<ShapedRows>, limits: { maxHeld: number; allowed: number }, turn: () => Promise<void> | undefined): Promise<LogLateness> {
  const { maxHeld, allowed } = limits;
  let latest = -Infinity;
  let lateness = 0;
  let rows = 0;
  let beyond = 0;
  let lastFile: string | undefined;
  let filesOutOfOrder: LogLateness["filesOutOfOrder"];
  let where: Location | undefined;
  // Rows by the hour of their instant: a log's hours are few (8,760 a year), whatever its rows.
  const hours = new Map<number, number>();
  for await (const batch of batches) {
    const { base, at, count } = batch;
    if (count > 0) {
      const file = batch.source.origin(batch.firstLine + batch.line[0]!).file;
      if (file !== lastFile && lastFile !== undefined && filesOutOfOrder === undefined && latest - (base + at[0]!) > allowed) filesOutOfOrder = { file, after: lastFile, by: latest - (base + at[0]!) };
      lastFile = file;
    }
    rows += count;
    for (let i = 0; i < count; i++) {
      const instant = base + at[i]!;
      const hour = Math.floor(instant / HOUR);
      hours.set(hour, (hours.get(hour) ?? 0) + 1);
      if (instant >= latest) latest = instant;
      else {
        if (latest - instant > allowed) beyond++;
        if (latest - instant > lateness) {
          lateness = latest - instant;
          where = batch.source.origin(batch.firstLine + batch.line[i]!);
        }
      }
    }
    // The rows so far within the lateness so far of the latest hour: the whole log's window can only hold more.
    const span = spanOf(lateness);
    const last = Math.floor(latest / HOUR);
    let within = 0;
    for (let h = last - span + 1; h <= last && within <= maxHeld; h++) within += hours.get(h) ?? 0;
    if (within > maxHeld) return { rows, lateness, held: within, whole: false, latest: where, beyond, ...(filesOutOfOrder === undefined ? {} : { filesOutOfOrder }) };
    await turn();
  }
  return { rows, lateness, held: mostWithin(hours, spanOf(lateness)), whole: true, latest: where, beyond, ...(filesOutOfOrder === undefined ? {} : { filesOutOfOrder }) };
}

/** The hours a buffer of `lateness` may hold rows of: the lateness, and the hour it starts in. */
function spanOf(lateness: number): number {
  return Math.ceil(lateness / HOUR) + 1;
}

/** The most rows in any `span` consecutive hours. */
function mostWithin(hours: ReadonlyMap<number, number>, span: number): number {
  const sorted = [...hours.keys()].sort((a, b) => a - b);
  let most = 0;
  let sum = 0;
  let from = 0;
  for (const hour of sorted) {
    sum += hours.get(hour)!;
    while (sorted[from]! <= hour - span) sum -= hours.get(sorted[from++]!)!;
    if (sum > most) most = sum;
  }
  return most;
}

/**
 * A lateness as `--max-lateness` takes it, rounded up to its largest whole unit
 * (3 days and 4 hours is `4d`): the flag that reads this log once.
 */
export function latenessFlag(ms: number): string {
  const units: [string, number][] = [["d", 86_400_000], ["h", HOUR], ["m", 60_000], ["s", 1000]];
  for (const [unit, size] of units) if (ms >= size) return `${Math.ceil(ms / size)}${unit}`;
  return ms === 0 ? "0" : "1s";
}

/** A lateness for a person, up to the next second: days, hours, minutes and seconds, the zero ones left out (`2d 3h`, `45m 10s`, `0.25s`). */
export function latenessText(ms: number): string {
  if (ms < 1000) return `${ms / 1000}s`;
  const parts: string[] = [];
  let rest = Math.ceil(ms / 1000);
  for (const [unit, size] of [["d", 86_400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return parts.join(" ");
}

/** What a replay did with rows later than the lateness allowed, for its note. */
export interface LateRows {
  /** The lateness allowed: `--max-lateness`, or the default where `flag` is false. */
  readonly allowed: number;
  readonly flag: boolean;
  /** The row the reorder stage met earlier than a row it had passed on, and how much earlier it is than the latest row before it. */
  readonly first: { readonly at: Location; readonly by: number };
  readonly rows: number;
  /** The rows a reorder buffer holds at most (MAX_HELD). */
  readonly maxHeld: number;
  /** What a reading of the whole log found; undefined where `--max-lateness` bounds the lateness, and the log was sorted without one. */
  readonly found: LogLateness | undefined;
  /** Whether the log was read again through a buffer of its own lateness (else sorted on disk). */
  readonly buffered: boolean;
}

/** The note that says so: how late the rows came and where the latest is, what was done, and what reads this log once. */
export function lateRowsNote({ allowed, flag, first, maxHeld, found, buffered }: LateRows): string {
  const limit = `--max-lateness ${latenessFlag(allowed)}${flag ? "" : ", the default"}`;
  const most = maxHeld.toLocaleString("en-US");
  const sorted = (readings: string) => `the log was sorted by time on disk and replayed (every row read ${readings} and written once more)`;
  // The row the stream met after rows later than it had gone on: not always the first row later than the lateness (the buffer passes rows on a batch at a time).
  const row = `the row that stopped the stream at ${visible(formatLocation(first.at))}, ${latenessText(first.by)} earlier than a row before it`;
  if (first.by <= allowed) return `burnrate: note: the rows within the lateness allowed (${limit}) came to more than the ${most} rows the reorder buffer holds (${row}), so ${sorted("twice")}\n`;
  if (found === undefined) return `burnrate: note: a row came later than the lateness allowed (${limit}; ${row}), so ${sorted("twice")}; without --max-lateness, how late the rows come is read first and they are held that long where the buffer can hold them\n`;
  const latest = found.whole && found.latest !== undefined ? ` (the latest at ${visible(formatLocation(found.latest))})` : "";
  const late = `rows of the usage came ${found.whole ? "up to" : "at least"} ${latenessText(found.lateness)} late${latest}, later than the lateness allowed (${limit}; ${row})`;
  // How few rows were that late tells a few rows to move from an export otherwise in order (newcomer50 F8).
  const files = found.filesOutOfOrder;
  const order = files === undefined ? "" : `; whole files came out of time order: ${visible(files.file)} begins ${latenessText(files.by)} before the latest row of ${visible(files.after)}, read before it (given in time order, or named so that their names sort by date: day-02, not day-2, the files stream)`;
  const few = `; of ${found.whole ? "its" : "the first"} ${found.rows.toLocaleString("en-US")} rows${found.whole ? "" : " read"}, ${found.beyond.toLocaleString("en-US")} came later than the lateness allowed${order}`;
  if (!buffered) return `burnrate: note: ${late}; holding rows that late would hold ${found.whole ? "up to" : "more than"} ${found.held.toLocaleString("en-US")} rows, more than the ${most} the buffer holds for it, so ${sorted(found.whole ? "three times" : "twice, part of it three times,")}${few}\n`;
  const once = found.lateness <= MAX_FLAG ? `; --max-lateness ${latenessFlag(found.lateness)} reads this log once` : "";
  return `burnrate: note: ${late}; the log was read again, its rows held up to ${latenessText(found.lateness)} to put them back in time order${once}\n`;
}
