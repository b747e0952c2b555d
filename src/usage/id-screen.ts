import { closeSync, openSync, readSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eventIdKey, type IdScreen } from "../engine/event-ids.js";
import type { RateCard } from "../ratecard/types.js";
import { temporaryError, temporaryFolder } from "../temporary.js";
import { readColumnsFor } from "./card-columns.js";
import { formatOfFile } from "./content.js";
import { readHeader } from "./layout.js";
import type { ColumnMapping } from "./mapping.js";

/**
 * The event_id rule's first pass: which ids may be on more than one row of the
 * whole log. It reads the files' bytes once, keeps a 53-bit key of each id
 * (eventIdKey), sorts the keys (in runs of KEYS_IN_MEMORY written to a
 * temporary folder, merged, when there are more) and keeps the keys found
 * twice or more. The replay then remembers only ids with such a key: memory
 * grows with the ids that repeat (and the odd collision), not with the rows,
 * and the rule stays exact, since a repeated id's key is always among them.
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
/** Keys sorted in memory at once: 8 MB (more measured as more peak memory beside the replay, which starts while V8 still holds them). */
const KEYS_IN_MEMORY = 1 << 20;
/** Keys read from each run at a time while merging: 64 KB (fifty runs for 50 million ids). */
const MERGE_BLOCK = 1 << 13;
const COMMA = 44;
const NEWLINE = 10;
const QUOTE = 34;
const CR = 13;

class GiveUp extends Error {}

export async function screenEventIds(files: readonly string[], options: ScreenOptions): Promise<IdScreen | undefined> {
  const keys = new KeyRuns(options.keysInMemory ?? KEYS_IN_MEMORY);
  try {
    let anyIds = false;
    // One buffer for every file: a megabyte a file of many daily files was garbage that raised the process's memory for the whole run.
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (const file of files) anyIds = (await screenFile(file, options, keys, buffer)) || anyIds;
    return anyIds ? keys.repeated() : undefined;
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  } finally {
    keys.remove();
  }
}

/** Add a file's id keys; false when it has no event_id column. */
async function screenFile(file: string, options: ScreenOptions, keys: KeyRuns, buffer: Buffer): Promise<boolean> {
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
    return new LineReader(fd, buffer).screen(file, mapping, options, keys);
  } finally {
    closeSync(fd);
  }
}

/** A file's lines, read into one buffer (grown for a longer line). */
class LineReader {
  private start = 0;
  private end = 0;
  private done = false;

  /** `buf` is the caller's, filled from its start (a longer line grows this reader's own). */
  constructor(
    private readonly fd: number,
    private buf: Buffer,
  ) {}

  screen(file: string, mapping: ColumnMapping, options: ScreenOptions, keys: KeyRuns): boolean {
    const header = this.next();
    if (header < 0) return false;
    let from = this.start;
    // The file's own byte-order mark is not part of its first column's name.
    if (this.buf[from] === 0xef && this.buf[from + 1] === 0xbb && this.buf[from + 2] === 0xbf) from += 3;
    const column = idColumn(this.buf.toString("utf8", from, header), file, mapping, options);
    if (column < 0) return false;
    for (let end = this.skip(header); (end = this.next()) >= 0; ) {
      const buf = this.buf;
      let cell = 0;
      let cellStart = this.start;
      for (let i = this.start; i <= end; i++) {
        const byte = i === end ? COMMA : buf[i]!;
        if (byte === QUOTE || byte === CR) throw new GiveUp();
        if (byte !== COMMA) continue;
        if (cell === column) {
          if (i > cellStart) keys.add(eventIdKey(buf, cellStart, i));
          break;
        }
        cell++;
        cellStart = i + 1;
      }
      this.skip(end);
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

  private skip(lineEnd: number): number {
    this.start = lineEnd + 1;
    return lineEnd;
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
    // indexOf past `end` would find stale bytes: the search is bounded by `end` in next().
  }
}

/** The event_id column's index in the header, -1 without one; a header the readers would refuse is theirs to report. */
function idColumn(header: string, file: string, mapping: ColumnMapping, options: ScreenOptions): number {
  if (header.includes('"') || header.includes("\r")) throw new GiveUp();
  try {
    return readHeader(header.split(","), file, mapping, readColumnsFor(options.card, options.alsoReadBy)).index.event_id;
  } catch {
    throw new GiveUp();
  }
}

/** Keys in one array until it fills, then in sorted runs on disk. */
class KeyRuns {
  /** Grown as keys come, up to KEYS_IN_MEMORY. */
  private keys: Float64Array;
  private count = 0;
  private readonly runs: string[] = [];
  private folder: { path: string; remove(): void } | undefined;

  constructor(private readonly most: number) {
    this.keys = new Float64Array(Math.min(most, 1 << 16));
  }

  add(key: number): void {
    if (this.count === this.keys.length) this.grow();
    this.keys[this.count++] = key;
  }

  /** The keys found twice or more, as a screen. */
  repeated(): IdScreen {
    const found: number[] = [];
    if (this.runs.length === 0) {
      const keys = this.keys.subarray(0, this.count).sort();
      for (let i = 1; i < keys.length; i++) if (keys[i] === keys[i - 1] && keys[i] !== found.at(-1)) found.push(keys[i]!);
    } else {
      this.spill();
      this.merge(found);
    }
    this.keys = new Float64Array(0);
    return new SortedKeys(Float64Array.from(found));
  }

  remove(): void {
    this.folder?.remove();
  }

  private grow(): void {
    if (this.keys.length === this.most) return this.spill();
    const more = new Float64Array(Math.min(this.most, this.keys.length * 2));
    more.set(this.keys);
    this.keys = more;
  }

  private spill(): void {
    this.folder ??= temporaryFolder("burnrate-ids-");
    const run = join(this.folder.path, `run-${this.runs.length}`);
    const sorted = this.keys.subarray(0, this.count).sort();
    try {
      writeFileSync(run, new Uint8Array(sorted.buffer, sorted.byteOffset, sorted.byteLength));
    } catch (e) {
      throw temporaryError(e);
    }
    this.runs.push(run);
    this.count = 0;
  }

  /** Merge the runs, each read a block at a time, through a heap of their heads, into the keys found twice or more. */
  private merge(found: number[]): void {
    const readers = this.runs.map((path) => new RunReader(path));
    try {
      const heap = readers.filter((r) => !r.done);
      for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i);
      let last = NaN;
      let times = 0;
      while (heap.length > 0) {
        const top = heap[0]!;
        const key = top.head;
        top.advance();
        if (top.done) {
          heap[0] = heap.at(-1)!;
          heap.pop();
        }
        if (heap.length > 0) siftDown(heap, 0);
        if (key === last) {
          if (++times === 2) found.push(key);
        } else {
          last = key;
          times = 1;
        }
      }
    } finally {
      for (const r of readers) r.close();
    }
  }
}

/** Restore the heap (smallest head first) below `i`. */
function siftDown(heap: RunReader[], i: number): void {
  for (;;) {
    const left = 2 * i + 1, right = left + 1;
    let least = i;
    if (left < heap.length && heap[left]!.head < heap[least]!.head) least = left;
    if (right < heap.length && heap[right]!.head < heap[least]!.head) least = right;
    if (least === i) return;
    [heap[i], heap[least]] = [heap[least]!, heap[i]!];
    i = least;
  }
}

class RunReader {
  private readonly fd: number;
  private readonly block = new Float64Array(MERGE_BLOCK);
  private size = 0;
  private at = 0;
  done = false;
  head = 0;

  constructor(path: string) {
    this.fd = openSync(path, "r");
    this.advance();
  }

  advance(): void {
    if (this.at === this.size) {
      const bytes = readSync(this.fd, new Uint8Array(this.block.buffer), 0, this.block.byteLength, null);
      this.size = bytes / 8;
      this.at = 0;
      if (this.size === 0) {
        this.done = true;
        return;
      }
    }
    this.head = this.block[this.at++]!;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Keys found twice or more, sorted: a key is looked up by halving. */
class SortedKeys implements IdScreen {
  constructor(private readonly keys: Float64Array) {}

  mayRepeat(key: number): boolean {
    let lo = 0, hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.keys.length && this.keys[lo] === key;
  }
}
