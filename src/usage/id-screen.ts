import { closeSync, openSync, readSync, statSync } from "node:fs";
import type { IdScreen } from "../engine/event-ids.js";
import { temporaryFolder } from "../temporary.js";
import type { RateCard } from "../ratecard/types.js";
import { readColumnsFor } from "./card-columns.js";
import { formatOfFile } from "./content.js";
import { readHeader } from "./layout.js";
import { KeyRuns } from "./key-runs.js";
import type { ColumnMapping } from "./mapping.js";
import { lineEnd, MAX_LINE } from "./csv-bytes.js";
import { GiveUp, inOrder, LineReader, screenSegments, TimeOrder, type Order, type Segment } from "./id-lines.js";
import type { ScreenAnswer, ScreenSetup } from "./screen-worker.js";
import { screenElsewhere } from "./scan-thread.js";

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
  /** Rows of at least this many bytes are read in two halves (SPLIT_BYTES; less in tests); `here`, both on this thread. */
  splitBytes?: number;
  here?: boolean;
}

/** Keys sorted in memory at once: 8 MB, and as much again to sort them (more measured as more peak memory beside the replay, which starts while V8 still holds them). */
const KEYS_IN_MEMORY = 1 << 20;
/** Rows of at least this many bytes in all are read half here, half on a worker thread (below it, starting one costs more than it saves). */
const SPLIT_BYTES = 8 << 20;

export async function screenEventIds(files: readonly string[], options: ScreenOptions): Promise<IdScreen | undefined> {
  const keysInMemory = options.keysInMemory ?? KEYS_IN_MEMORY;
  let keys: KeyRuns | undefined;
  try {
    // One buffer for every file: a megabyte a file of many daily files was garbage that raised the process's memory for the whole run.
    const buffer = Buffer.allocUnsafe(1 << 20);
    const { segments, anyIds, allIds } = await segmentsOf(files, options, buffer);
    if (!anyIds) return undefined;
    const [mine, theirs] = halves(segments, options.splitBytes ?? SPLIT_BYTES);
    const folder = theirs.length > 0 ? temporaryFolder("burnrate-ids-") : undefined;
    keys = new KeyRuns(keysInMemory, { folder });
    const later = folder === undefined ? undefined : elsewhere({ segments: theirs, keysInMemory, folder: folder.path }, options.here === true);
    const order = new TimeOrder();
    try {
      screenSegments(mine, keys, order, buffer);
    } catch (e) {
      await later?.stop();
      throw e;
    }
    let ordered = order.found();
    if (later !== undefined) {
      const answer = await later.answer;
      if (answer.kind === "giveUp") throw new GiveUp();
      const { runs, order: theirOrder } = answer.kind === "done" ? answer : screenHere(theirs, keysInMemory, folder!.path, buffer);
      keys.adopt(runs);
      ordered = { ...theirOrder, ordered: inOrder(ordered, theirOrder) };
    }
    return keys.repeated(allIds && ordered.ordered);
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  } finally {
    keys?.remove();
  }
}

/** The rows of every file with an event_id column, as segments in the files' order; whether any file has the column, and every one (else the order is not known). */
async function segmentsOf(files: readonly string[], options: ScreenOptions, buffer: Buffer): Promise<{ segments: Segment[]; anyIds: boolean; allIds: boolean }> {
  const segments: Segment[] = [];
  let anyIds = false;
  let allIds = true;
  for (const file of files) {
    const segment = await rowsOf(file, options, buffer);
    if (segment === undefined) allIds = false;
    else anyIds = true;
    if (segment !== undefined && segment.to > segment.from) segments.push(segment);
  }
  return { segments, anyIds, allIds };
}

/** A file's rows, after its header; undefined for a file without an event_id column. */
async function rowsOf(file: string, options: ScreenOptions, buffer: Buffer): Promise<Segment | undefined> {
  const path = file === "-" ? options.stdinCopy : file;
  if (path === undefined) throw new GiveUp();
  // A FIFO or a device can be read once (or never ends): its bytes are the replay's. A path the readers cannot open is theirs to report.
  const size = (() => {
    try {
      const stat = statSync(path);
      return stat.isFile() ? stat.size : undefined;
    } catch {
      return undefined;
    }
  })();
  if (size === undefined) throw new GiveUp();
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
    const header = new LineReader(fd, buffer, 0, size).header();
    if (header === undefined) return undefined;
    const { column, width, stamp } = idColumn(header.text, file, mapping, options);
    return column < 0 ? undefined : { path, from: Math.min(header.rowsFrom, size), to: size, column, width, stamp };
  } finally {
    closeSync(fd);
  }
}

/** The segments cut in two at the line that ends past their middle byte: the second half empty when they are too few bytes (or no line ends near the middle). */
function halves(segments: readonly Segment[], least: number): [Segment[], Segment[]] {
  const total = segments.reduce((sum, s) => sum + s.to - s.from, 0);
  if (total < least) return [[...segments], []];
  let middle = total / 2;
  for (const [i, s] of segments.entries()) {
    if (middle >= s.to - s.from) {
      middle -= s.to - s.from;
      continue;
    }
    const cut = lineEndAfter(s.path, s.from + Math.floor(middle), s.to);
    if (cut === undefined) return [[...segments], []];
    return [
      [...segments.slice(0, i), { ...s, to: cut }],
      [{ ...s, from: cut }, ...segments.slice(i + 1)],
    ];
  }
  return [[...segments], []];
}

/** One past the first newline at or after `at` (before `to`), read from the file. */
function lineEndAfter(path: string, at: number, to: number): number | undefined {
  const bytes = Buffer.allocUnsafe(Math.min(MAX_LINE, to - at));
  try {
    const fd = openSync(path, "r");
    try {
      const read = readSync(fd, bytes, 0, bytes.length, at);
      // How far past the middle a line may end for the rows to be split there: the readers' longest line.
      const nl = lineEnd(bytes, 0, read);
      return nl < 0 ? undefined : at + nl + 1;
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not split: the first half's reader meets the error, or the readers do.
    return undefined;
  }
}

/** The later half's pass: on the reading thread (scan-thread.ts), or `here` after the first half (the tests, where the worker's module is not built). */
function elsewhere(setup: ScreenSetup, here: boolean): { answer: Promise<ScreenAnswer>; stop(): Promise<void> } {
  if (here) return { answer: Promise.resolve({ kind: "failed" }), stop: async () => {} };
  return screenElsewhere(setup);
}

/** The later half read here: its keys as runs in the folder, as a worker would. */
function screenHere(segments: readonly Segment[], keysInMemory: number, folder: string, buffer: Buffer): { runs: string[]; order: Order } {
  const keys = new KeyRuns(keysInMemory, { folder: { path: folder, remove() {} }, name: "here" });
  const order = new TimeOrder();
  screenSegments(segments, keys, order, buffer);
  return { runs: keys.onDisk(), order: order.found() };
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
