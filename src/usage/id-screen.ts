import type { FolderColumn } from "./folder-columns.js";
import { closeSync, openSync, statSync } from "node:fs";
import type { IdScreen } from "../engine/event-ids.js";
import { temporaryFolder } from "../temporary.js";
import type { RateCard } from "../ratecard/types.js";
import { readColumnsFor } from "./card-columns.js";
import { formatsOnce, type FormatOf } from "./scanned-events.js";
import { readHeader } from "./layout.js";
import { KeyRuns, LOWER_KEYS, repeatedIn, screenOf, UPPER_KEYS } from "./key-runs.js";
import type { ColumnMapping } from "./mapping.js";
import { GiveUp } from "./csv-bytes.js";
import { Claims, joinOrders, LineReader, NO_STAMP, screenClaimed, screenPiece, type Order, type Segment } from "./id-lines.js";
import { screenThread, type ScreenThread } from "./scan-thread.js";
import { discardEarly, KEYS_IN_MEMORY, pieces, takeEarly } from "./early-screen.js";
import { threadSize } from "./thread-bytes.js";
import { pieceSize } from "./thread-size.js";
import { addStreamedIds, type StreamedFile } from "./streamed-ids.js";
import type { OtherAccounts } from "./account-column.js";

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
 * A large log's rows are cut in pieces that this thread and the reading
 * thread (scan-thread.ts, started as the command line is read, which scans
 * the rows after) take in turn, each as it is free, so the pass ends when
 * the two together have read it, however fast each is; the runs are then
 * merged in two halves of the keys, one on each thread.
 *
 * It reads only what it can prove the readers read alike: CSV without quotes
 * or carriage returns, a byte range at a time; gzip, JSON Lines and flat Parquet
 * from their start, on this thread (streamed-ids.ts). On anything else it
 * answers undefined, and every id is remembered.
 */
export interface ScreenOptions {
  card: RateCard;
  alsoReadBy?: readonly RateCard[];
  mappingFor(file: string): ColumnMapping;
  stdinCopy: string | undefined;
  /** The account file's other accounts, if any: a header without an account column is refused (account-column.ts). */
  otherAccounts?: OtherAccounts;
  /** Keys sorted in memory before a run goes to disk: KEYS_IN_MEMORY, less in tests of the runs. */
  keysInMemory?: number;
  /** Rows of at least this many bytes are read on two threads (the thread's size, thread-size.ts; less in tests), in pieces of half that (less in tests); `here`, all on this thread (see `elsewhere`). */
  splitBytes?: number;
  pieceBytes?: number;
  here?: boolean;
  /** Each file's format, looked at once a run (`formatsOnce`): the scanner's setup asks again after this pass. */
  formatOf?: FormatOf;
}

/** The first read of a file's header: a megabyte a file (the whole of a daily file) was read for its first line. */
const HEADER_BYTES = 1 << 16;

export async function screenEventIds(files: readonly string[], options: ScreenOptions): Promise<IdScreen | undefined> {
  const keysInMemory = options.keysInMemory ?? KEYS_IN_MEMORY;
  // Read before any file, so that a size not understood is refused whatever the log holds.
  const split = options.splitBytes ?? threadSize();
  let keys: KeyRuns | undefined;
  try {
    // One buffer for every file: a megabyte a file of many daily files was garbage that raised the process's memory for the whole run.
    const buffer = Buffer.allocUnsafe(1 << 20);
    const { segments, streamed, anyIds, allIds } = await segmentsOf(files, options, buffer);
    if (!anyIds) return undefined;
    const total = segments.reduce((sum, s) => sum + s.to - s.from, 0);
    if (total < split) {
      keys = new KeyRuns(keysInMemory);
      for (const file of streamed) await addStreamedIds(file, keys);
      const orders = segments.map((segment) => screenPiece(segment, keys!, buffer));
      return keys.repeated(allIds && orders.reduce(joinOrders, NO_ROWS).ordered);
    }
    const cut = pieces(segments, options.pieceBytes ?? pieceSize(threadSize()));
    // The pass the thread began as the command line was read, when it read the same pieces; else one begun now.
    const begun = await takeEarly(cut, options.keysInMemory === undefined && options.pieceBytes === undefined && options.here !== true);
    const folder = begun?.folder ?? temporaryFolder("burnrate-ids-");
    keys = new KeyRuns(keysInMemory, { folder });
    const claims = begun?.claims ?? new Claims();
    const later = begun?.thread ?? elsewhere(options.here === true);
    const answer = begun?.answer ?? later.screen({ pieces: cut, claims: claims.buffer, keysInMemory, folder: folder.path });
    let orders: (Order | undefined)[];
    try {
      // The files read from their start first: the thread takes the pieces meanwhile.
      for (const file of streamed) await addStreamedIds(file, keys);
      orders = screenClaimed(cut, claims, keys, buffer);
    } catch (e) {
      await later.stop();
      throw e;
    }
    // This thread's last keys sorted and written while the other may still read: both merges can start at its answer.
    keys.onDisk();
    const answered = await answer;
    if (answered.kind === "giveUp") throw new GiveUp();
    if (answered.kind === "done") {
      keys.adopt(answered.runs);
      for (const [i, order] of answered.orders) orders[i] = order;
    }
    // The pieces the thread took and did not read (it failed), read here.
    for (const [i, piece] of cut.entries()) orders[i] ??= screenPiece(piece, keys, buffer);
    const ordered = (orders as Order[]).reduce(joinOrders, NO_ROWS).ordered;
    // The keys' runs merged in two halves at once: the upper half's on the thread (here, when it fails).
    const all = keys.onDisk();
    const upper = later.merge(all, UPPER_KEYS);
    // The thread's job is posted from a promise's turn (scan-thread.ts, answerTo): let it go before this thread's half, which holds the event loop, or the halves are merged one after the other.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const lower = repeatedIn(all, LOWER_KEYS);
    return screenOf(joined(lower, (await upper) ?? repeatedIn(all, UPPER_KEYS)), allIds && ordered);
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  } finally {
    keys?.remove();
    await discardEarly();
  }
}

/** The order of no rows: in order, with no first or last timestamp. */
const NO_ROWS: Order = { ordered: true, first: undefined, last: undefined };

/**
 * The rows of every plain CSV file with an event_id column, as segments in the files' order, and the files read from
 * their start; whether any file may have ids, and every plain CSV one has the column and no file is read from its
 * start (else the order is not known).
 */
async function segmentsOf(files: readonly string[], options: ScreenOptions, buffer: Buffer): Promise<{ segments: Segment[]; streamed: StreamedFile[]; anyIds: boolean; allIds: boolean }> {
  const segments: Segment[] = [];
  const streamed: StreamedFile[] = [];
  let anyIds = false;
  let allIds = true;
  // Every regular file's format looked at at once (daily files by the hundred): one after another, each waits for its stream's turns.
  const formatOf = options.formatOf ?? formatsOnce();
  for (const file of files) {
    const path = file === "-" ? options.stdinCopy : file;
    if (path !== undefined && regularFile(path)) formatOf(path).catch(() => undefined);
  }
  const looked = { ...options, formatOf };
  for (const file of files) {
    const segment = await rowsOf(file, looked, buffer);
    if (segment === undefined || "idColumn" in segment) allIds = false;
    if (segment !== undefined) anyIds = true;
    if (segment !== undefined && "idColumn" in segment) streamed.push(segment);
    else if (segment !== undefined && segment.to > segment.from) segments.push(segment);
  }
  return { segments, streamed, anyIds, allIds };
}

function regularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A plain CSV file's rows, after its header (undefined without an event_id column); any other file, to be read from its start. */
async function rowsOf(file: string, options: ScreenOptions & { formatOf: FormatOf }, buffer: Buffer): Promise<Segment | StreamedFile | undefined> {
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
  if (mapping.rows !== undefined || mapping.constants !== undefined) throw new GiveUp();
  const { format, compressed } = await options.formatOf(path).catch(() => {
    throw new GiveUp();
  });
  const streamed: StreamedFile = { path, file, mapping, format, compressed, idColumn: (cells) => idColumnOf(cells, file, mapping, options).column, cardColumns: readColumnsFor(options.card, options.alsoReadBy).names };
  if (format !== "csv" || compressed) return streamed;
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    throw new GiveUp();
  }
  try {
    // The header from the buffer's first 64 KiB (grown for a longer one): the rows are read later, a piece at a time.
    const header = new LineReader(fd, buffer.subarray(0, HEADER_BYTES), 0, size).header();
    if (header === undefined) return undefined;
    // An export that quotes its cells quotes its header, and a Windows export ends its lines in CRLF: each is read from
    // its start (streamed-ids.ts), which the byte-range pass gave up on, every id then remembered (newcomer50 F3).
    if (header.text.includes('"') || header.text.endsWith("\r")) return streamed;
    const { column, width, stamp } = idColumn(header.text, file, mapping, options);
    // A time read as a count of seconds or milliseconds (a gateway's epoch column): the order of the rows' text is not
    // their order in time, so none is looked for (NO_STAMP); the ids are screened all the same. The pass gave up on
    // such a file, and every id was remembered: 50 MB for newcomer37's 1.45M rows of epoch milliseconds, where the
    // same rows gzipped (read from their start, streamed-ids.ts) were screened.
    return column < 0 ? undefined : { path, from: Math.min(header.rowsFrom, size), to: size, column, width, stamp: mapping.timestampUnit === undefined ? stamp : NO_STAMP };
  } finally {
    closeSync(fd);
  }
}

/**
 * The other thread's part: the reading thread (scan-thread.ts); or, `here`
 * (the tests, where the worker's module is not built), a stand-in that takes
 * the first piece and fails, so that this thread reads it after the others.
 */
function elsewhere(here: boolean): ScreenThread {
  const failing: ScreenThread = { screen: async () => ({ kind: "failed" }), merge: async () => undefined, stop: async () => {} };
  if (!here) return screenThread() ?? failing;
  return { ...failing, screen: async (setup) => (new Claims(setup.claims).take(), { kind: "failed" }) };
}

/** Two runs of keys one after the other. */
function joined(a: Float64Array, b: Float64Array): Float64Array {
  const both = new Float64Array(a.length + b.length);
  both.set(a);
  both.set(b, a.length);
  return both;
}

/** The event_id column's index in the header (-1 without one) and the header's width; a header the readers would refuse is theirs to report. */
function idColumn(header: string, file: string, mapping: ColumnMapping, options: ScreenOptions): { column: number; width: number; stamp: number } {
  if (header.includes('"') || header.includes("\r")) throw new GiveUp();
  return idColumnOf(header.split(","), file, mapping, options);
}

/** idColumn of a header's cells, as the readers read them. */
function idColumnOf(cells: readonly string[], file: string, mapping: ColumnMapping, options: ScreenOptions): { column: number; width: number; stamp: number } {
  try {
    // The ids' pass reads the header for its id column: what --layout read of the file is the reader's to tell, which
    // knows the fields a JSON file's first object lacks (red65c H1).
    const skipped = mapping.skipped;
    const told = skipped === undefined ? undefined : { folderColumn: (column: FolderColumn) => skipped.folderColumn(column) };
    const { index } = readHeader([...cells], file, mapping, readColumnsFor(options.card, options.alsoReadBy, options.otherAccounts), told);
    return { column: index.event_id, width: cells.length, stamp: index.timestamp };
  } catch {
    throw new GiveUp();
  }
}
