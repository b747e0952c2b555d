import { closeSync, openSync, readSync, statSync } from "node:fs";
import { eventIdKey, type IdScreen } from "../engine/event-ids.js";
import type { RateCard } from "../ratecard/types.js";
import { readColumnsFor } from "./card-columns.js";
import { formatOfFile } from "./content.js";
import { readHeader } from "./layout.js";
import { KeyRuns } from "./key-runs.js";
import type { ColumnMapping } from "./mapping.js";

/**
 * The event_id rule's first pass: which ids may be on more than one row of the
 * whole log. It reads the files' bytes once, keeps a 53-bit key of each id
 * (eventIdKey), sorts the keys (in runs of KEYS_IN_MEMORY written to a
 * temporary folder, merged, when there are more) and keeps the keys found
 * twice or more. The replay then remembers only ids with such a key: memory
 * grows with the ids that repeat (and the odd collision), not with the rows,
 * and the rule stays exact, since a repeated id's key is always among them.
 * It also finds whether the rows are in time order (TimeOrder): the scanner
 * then leaves out the ids the replay cannot need (sent-ids.ts).
 *
 * It reads only what it can prove the readers read alike: CSV without quotes
 * or carriage returns, neither compressed nor mapped from objects. On anything
 * else it answers undefined, and every id is remembered.
 */
export interface ScreenOptions {
  card: RateCard;
  alsoReadBy?: readonly RateCard[];
  mappingFor(file: string): ColumnMapping;
  stdinCopy: string | undefined;
  /** Keys sorted in memory before a run goes to disk: KEYS_IN_MEMORY, less in tests of the runs. */
  keysInMemory?: number;
}

/** A line longer than the readers take (MAX_RECORD_BYTES in read.ts) is theirs to report. */
const MAX_LINE = 1 << 20;
/** Keys sorted in memory at once: 8 MB, and as much again to sort them (more measured as more peak memory beside the replay, which starts while V8 still holds them). */
const KEYS_IN_MEMORY = 1 << 20;
const COMMA = 44;
const NEWLINE = 10;
const QUOTE = 34;
const CR = 13;

class GiveUp extends Error {}

export async function screenEventIds(files: readonly string[], options: ScreenOptions): Promise<IdScreen | undefined> {
  const keys = new KeyRuns(options.keysInMemory ?? KEYS_IN_MEMORY);
  const order = new TimeOrder();
  try {
    let anyIds = false;
    // One buffer for every file: a megabyte a file of many daily files was garbage that raised the process's memory for the whole run.
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (const file of files) {
      if (await screenFile(file, options, { keys, order, buffer })) anyIds = true;
      else order.ordered = false;
    }
    return anyIds ? keys.repeated(order.ordered) : undefined;
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  } finally {
    keys.remove();
  }
}

/** What the pass gathers: the ids' keys, and whether the rows' timestamps are in order; and the read buffer all files share. */
interface Found {
  keys: KeyRuns;
  order: TimeOrder;
  buffer: Buffer;
}

/**
 * Whether the rows so far are in time order, known from their bytes: every
 * timestamp a UTC one of the form `YYYY-MM-DDTHH:MM:SSZ`, whose order as text
 * is its order in time, none before the one before it.
 */
class TimeOrder {
  ordered = true;
  private readonly last = new Uint8Array(STAMP);
  private any = false;

  /** The next row, `buf[start .. end)`, whose timestamp is in cell `column` (found from the line's start: it is usually first). */
  row(buf: Buffer, start: number, end: number, column: number): void {
    let from = start, to = end;
    for (let i = start; i < end; i++) {
      if (buf[i] !== COMMA) continue;
      if (column-- === 0) {
        to = i;
        break;
      }
      from = i + 1;
    }
    if (column > 0 || to - from !== STAMP || buf[from + 10] !== T || buf[from + STAMP - 1] !== Z) {
      this.ordered = false;
      return;
    }
    const last = this.last;
    let k = 0;
    while (k < STAMP && buf[from + k] === last[k]) k++;
    if (k === STAMP) return;
    if (this.any && buf[from + k]! < last[k]!) this.ordered = false;
    for (; k < STAMP; k++) last[k] = buf[from + k]!;
    this.any = true;
  }
}

const STAMP = 20;
const T = 84;
const Z = 90;

/** Add a file's id keys; false when it has no event_id column. */
async function screenFile(file: string, options: ScreenOptions, found: Found): Promise<boolean> {
  const path = file === "-" ? options.stdinCopy : file;
  if (path === undefined) throw new GiveUp();
  // A FIFO or a device can be read once (or never ends): its bytes are the replay's. A path the readers cannot open is theirs to report.
  const regular = (() => {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  })();
  if (!regular) throw new GiveUp();
  const mapping = options.mappingFor(file);
  if (mapping.rows !== undefined || mapping.timestampUnit !== undefined || mapping.constants !== undefined) throw new GiveUp();
  const { format, compressed } = await formatOfFile(path).catch(() => {
    throw new GiveUp();
  });
  if (format !== "csv" || compressed) throw new GiveUp();
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    throw new GiveUp();
  }
  try {
    return new LineReader(fd, found.buffer).screen(file, mapping, options, found);
  } finally {
    closeSync(fd);
  }
}

/** A file's lines, read into one buffer (grown for a longer line). */
class LineReader {
  private start = 0;
  private end = 0;
  private done = false;
  private watching = false;

  /** `buf` is the caller's, filled from its start (a longer line grows this reader's own). */
  constructor(
    private readonly fd: number,
    private buf: Buffer,
  ) {}

  screen(file: string, mapping: ColumnMapping, options: ScreenOptions, { keys, order }: Found): boolean {
    const header = this.next();
    if (header < 0) return false;
    let from = this.start;
    // The file's own byte-order mark is not part of its first column's name.
    if (this.buf[from] === 0xef && this.buf[from + 1] === 0xbb && this.buf[from + 2] === 0xbf) from += 3;
    const { column, width, stamp } = idColumn(this.buf.toString("utf8", from, header), file, mapping, options);
    if (column < 0) return false;
    // The id cell is found from the nearer end of its line. Every reader refuses
    // a row of another width (the run stops with its error), so a row's commas
    // are counted from one end only; an empty line, which the readers skip, has no id.
    const after = width - 1 - column;
    this.skip(header);
    this.watch();
    for (let end; (end = this.next()) >= 0; this.skip(end)) {
      const buf = this.buf;
      const start = this.start;
      let cellStart = start, cellEnd = end;
      if (after < column) {
        let commas = after;
        let i = end - 1;
        for (; i >= start; i--) {
          if (buf[i] !== COMMA) continue;
          if (commas-- === 0) break;
          cellEnd = i;
        }
        if (i < start) continue;
        cellStart = i + 1;
      } else {
        let commas = column;
        let i = start;
        for (; i < end; i++) {
          if (buf[i] !== COMMA) continue;
          if (commas-- === 0) break;
          cellStart = i + 1;
        }
        if (commas > 0) continue;
        cellEnd = i;
      }
      if (cellEnd > cellStart) keys.add(eventIdKey(buf, cellStart, cellEnd));
      if (order.ordered && end > start) order.row(buf, start, end, stamp);
    }
    return true;
  }

  /** The end of the line at `start` (its newline, or the data's end), or -1 after the last. */
  private next(): number {
    for (;;) {
      const at = this.buf.indexOf(NEWLINE, this.start);
      if (at >= 0 && at < this.end) return at;
      if (this.done) return this.start < this.end ? this.end : -1;
      this.fill();
    }
  }

  private skip(lineEnd: number): void {
    this.start = lineEnd + 1;
  }

  /** From here on, a quote or a carriage return anywhere is csv-parse's to read: looked for once over the bytes read, natively. */
  private watch(): void {
    this.watching = true;
    this.check(this.start);
  }

  private check(from: number): void {
    const fresh = this.buf.subarray(from, this.end);
    if (fresh.indexOf(QUOTE) >= 0 || fresh.indexOf(CR) >= 0) throw new GiveUp();
  }

  /** Move the unfinished line to the front, grow the buffer if it fills it, and read on. */
  private fill(): void {
    const rest = this.end - this.start;
    if (rest === this.buf.length) {
      if (rest > MAX_LINE) throw new GiveUp();
      const more = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(more, 0, this.start, this.end);
      this.buf = more;
    } else {
      this.buf.copy(this.buf, 0, this.start, this.end);
    }
    this.start = 0;
    this.end = rest;
    const read = readSync(this.fd, this.buf, rest, this.buf.length - rest, null);
    this.end += read;
    if (read === 0) this.done = true;
    if (this.watching) this.check(rest);
    // indexOf past `end` would find stale bytes: the search is bounded by `end` in next().
  }
}

/** The event_id column's index in the header (-1 without one) and the header's width; a header the readers would refuse is theirs to report. */
function idColumn(header: string, file: string, mapping: ColumnMapping, options: ScreenOptions): { column: number; width: number; stamp: number } {
  if (header.includes('"') || header.includes("\r")) throw new GiveUp();
  const cells = header.split(",");
  try {
    const { index } = readHeader(cells, file, mapping, readColumnsFor(options.card, options.alsoReadBy));
    return { column: index.event_id, width: cells.length, stamp: index.timestamp };
  } catch {
    throw new GiveUp();
  }
}
