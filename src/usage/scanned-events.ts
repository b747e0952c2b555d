import { closeSync, createReadStream, openSync, readSync, statSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { formatOfFile, gunzippedFile } from "./content.js";
import type { OtherQuantity, RowSource, ShapeCells, ShapedRows } from "../engine/rows.js";
import type { Location } from "../errors.js";
import { Decimal, ONE } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import { Zone } from "../time.js";
import { rowsOfFiles } from "./row-files.js";
import { idBuffer } from "./id-buffers.js";
import { NeedsFullParser } from "./plain-csv.js";
import { neededDimensions, quantityOf } from "./layout.js";
import type { UsageOptions } from "./read.js";
import { meterComponents, readColumnsFor } from "./card-columns.js";
import { mayFallBack, readsAPart } from "./layout19-parts.js";
import { filesWithBytes } from "./sources.js";
import { scanWorker } from "./scan-thread.js";
import { threadSize } from "./thread-bytes.js";
import { readable, RowScanner } from "./row-scanner.js";
import { batchBuffer, type ScanSetup, type ScannedBatch, type ScannedHeader } from "./scanned-batch.js";
import { headerLine, JsonLinesAsCsv, KeptNotes, parquetAsCsv, tellNotes, type ObjectNote, type ScannedFormat } from "./record-lines.js";

/**
 * Usage read by the row scanner (row-scanner.ts) as rows: one file's as they
 * are read, several files' one file after another as the rows of one source
 * (row-files.ts). A large file is scanned on a worker thread, so that reading
 * and replaying use both cores; a small one here, where starting a worker
 * would cost more than it saves.
 */
export function scanUsage(files: readonly string[], options: ScanOptions): AsyncGenerator<ShapedRows> {
  const read = filesWithBytes(files);
  return read.length === 1 ? scanFile(read[0]!, options) : scanFiles(read, options);
}

/** The readers' options, and each file's format when the run has looked at it already (the ids' first pass). */
export interface ScanOptions extends UsageOptions {
  formatOf?: FormatOf;
}

/** A file's format, as content.ts finds it. */
export type FormatOf = typeof formatOfFile;

/** formatOfFile, each path looked at once however often it is asked: the ids' first pass and the scanner's setup both ask, of every file of a folder. */
export function formatsOnce(): FormatOf {
  const looked = new Map<string, ReturnType<FormatOf>>();
  return (path) => {
    let format = looked.get(path);
    if (format === undefined) looked.set(path, (format = formatOfFile(path)));
    return format;
  };
}

/** What the worker is told: the setup, in forms a structured clone keeps. */
export interface WorkerSetup {
  path: string;
  file: string;
  zone: string;
  defaultAccount: string;
  mapping: ScanSetup["mapping"];
  read: ScanSetup["read"];
  events: Map<string, readonly string[]>;
  components: Map<string, readonly string[]>;
  /** Files scanned after this one by the same worker, each with its own header, rows and end. */
  then?: readonly WorkerFile[];
  /** ScanSetup's: given when the ids' first pass found the log in time order. */
  repeatedIds?: Float64Array;
  /** JSON Lines and Parquet are read as CSV lines of their records (record-lines.ts). */
  format: ScannedFormat;
  /** Gzip, gunzipped as it is read: a file read alone (several files' compressed ones each are). */
  compressed?: boolean;
}

/** A file a worker scans after another: where it is, its name in messages, its mapping, and whether it keeps the shapes of the file before (the same mapping, and a CSV file's the same header; JSON Lines' records' header is compared as the worker reads it). */
type WorkerFile = Pick<WorkerSetup, "path" | "file" | "mapping" | "format"> & { keepShapes: boolean };

/** The worker's messages, in order: the header's columns, batches, then an end, a refusal or a failure. */
export type WorkerMessage =
  | ({ kind: "header" } & ScannedHeader)
  | { kind: "batch"; batch: ScannedBatch }
  | { kind: "notes"; notes: ObjectNote[] }
  | { kind: "end" }
  | { kind: "refused"; reason: string }
  | { kind: "failed"; message: string; stack: string | undefined };

/** Buffers the main thread sends back to the worker, to be filled again: batches' columns (each allows one more batch) and their id columns. */
export interface HandedBack {
  columns: ArrayBuffer[];
  ids: ArrayBuffer[];
}

/** Events the scanner may read, with the dimensions each needs; and the components of each charge that has them, read from their columns a row as the plain reader reads them (read.ts). */
function scannableEvents(card: RateCard): Pick<WorkerSetup, "events" | "components"> {
  const events = new Map<string, readonly string[]>();
  const components = new Map<string, readonly string[]>();
  for (const [name, event] of card.events) {
    events.set(name, neededDimensions(event));
    if (event.role === "charge") {
      // Every version's components (meterComponents): a row missing one only some versions price is the plain reader's.
      const { names } = meterComponents(card, name);
      if (names.length > 0) components.set(name, names);
    }
  }
  return { events, components };
}

/**
 * A file's shapes by the scanner's numbers, in columns: what every row of a shape shares (its meter and one
 * dimensions object); its accounts and quantities by number. Columns, not an object a shape: a log holds them by the
 * hundred thousand.
 */
class FileShapes implements RowSource, ShapeCells {
  readonly accounts: string[] = [];
  readonly meters: string[] = [];
  readonly dimensions: Readonly<Record<string, string>>[] = [];
  readonly quantities: Decimal[] = [];
  /** The scanner's cell texts by number: one string per meter or dimension value for all shapes. */
  private readonly values: string[] = [];
  /** Component quantities that are not whole numbers, by the number of their text (ScannedBatch.components). */
  private readonly componentTexts: Decimal[] = [];
  /** By shape, its meter's components as [name, place in a row's components] pairs; none without. */
  private readonly shapeComponents: (readonly (readonly [string, number])[] | undefined)[] = [];
  /** Each shape's cells of the header's dimensions, a row of them a shape, as the scanner numbered their texts. */
  private shapeCells = new Int32Array(1024);
  private cellCount = 0;
  readonly cells: ShapeCells | undefined;

  constructor(
    readonly file: string,
    private readonly header: Pick<ScannedHeader, "dimensions" | "components">,
    private readonly columns: ReadonlyMap<string, number>,
    private readonly setup: Pick<WorkerSetup, "components" | "mapping">,
  ) {
    // A header naming a dimension twice sets its value from the last filled cell: its numbers are not one a value.
    this.cells = new Set(header.dimensions).size === header.dimensions.length ? this : undefined;
  }

  /**
   * A cell's text in Unicode's composed form (NFC): an export that writes "café" or "Zoë" with a
   * combining accent (NFD, as macOS file names and some keyboards do) means the value another row
   * writes composed, and both print alike; read apart, one end user was two unique users and one
   * project two lines (red team, stop 34). The second form's number stands for the first's
   * (`sameText`), so that items and groups numbered by cells are one too. ASCII has one form.
   */
  private text(value: string): string {
    if (!NOT_ASCII.test(value)) return value;
    const composed = value.normalize("NFC");
    const number = this.values.length;
    const first = (this.composed ??= new Map()).get(composed);
    if (first === undefined) this.composed.set(composed, number);
    else (this.sameText ??= new Map()).set(number, first);
    return composed;
  }

  /** Cell texts past ASCII, composed, by the number of the first of them. */
  private composed: Map<string, number> | undefined;
  /** A cell's number by the number of the first cell of the same composed text, for texts written in two forms. */
  private sameText: Map<number, number> | undefined;

  cell(shape: number, column: number): number {
    return this.shapeCells[shape * this.header.dimensions.length + column]!;
  }

  column(dimension: string): number | undefined {
    // A `dimension_values:` entry maps several texts onto one value, each numbered apart; a column named __proto__ sets no key.
    if (this.setup.mapping.dimensionValues?.has(dimension) === true || dimension === "__proto__") return undefined;
    return this.header.dimensions.indexOf(dimension);
  }

  /**
   * The quantities given apart of a batch with component columns: each row of a meter with components
   * gives its quantity with them (its quantity number made -1), each other row without a numbered
   * quantity its quantity alone, in the rows' order.
   */
  withComponents(batch: ScannedBatch): OtherQuantity[] {
    const { count, shape, quantity, quantityTexts } = batch;
    const values = batch.components!;
    const width = this.header.components.length;
    const others: OtherQuantity[] = [];
    let text = 0;
    for (let i = 0; i < count; i++) {
      const q = quantity[i]!;
      const own = q >= 0 ? this.quantities[q]! : quantityFrom(quantityTexts[text++]!);
      const parts = this.shapeComponents[shape[i]!];
      if (parts === undefined) {
        if (q < 0) others.push(own);
        continue;
      }
      const components: Record<string, Decimal> = {};
      for (const [name, j] of parts) {
        const v = values[i * width + j]!;
        components[name] = v >= 0 ? wholeNumber(v) : this.componentTexts[-1 - v]!;
      }
      quantity[i] = -1;
      others.push({ quantity: own, components });
    }
    return others;
  }

  origin(line: number): Location {
    return { file: this.file, line, column: 1, columns: this.columns };
  }

  /** Add a batch's new cell texts, the shapes of its flat cells (meter, then a cell per dimension name, as numbers of those texts), and its new accounts. */
  add({ shapeCells: cells, values, accountNames, componentTexts }: Pick<ScannedBatch, "shapeCells" | "values" | "accountNames" | "componentTexts">): void {
    for (const account of accountNames) this.accounts.push(account);
    for (const value of values) this.values.push(this.text(value));
    for (const text of componentTexts) this.componentTexts.push(new Decimal(text.trim()));
    const names = this.header.dimensions;
    const stride = 1 + names.length;
    if (this.sameText !== undefined) cells = cells.map((c) => this.sameText!.get(c) ?? c);
    this.keepCells(cells, stride);
    for (let at = 0; at < cells.length; at += stride) {
      const meter = this.values[cells[at]!]!;
      this.meters.push(meter);
      // Only a file with component columns reads them: a slot a shape (125,000 at 2M rows) is a megabyte of heap.
      if (this.header.components.length > 0) this.shapeComponents.push(this.setup.components.get(meter)?.map((name) => [name, this.header.components.indexOf(name)] as const));
      // Assigned one by one as the plain reader builds them: empty cells set no key, nor does a column named __proto__.
      const dimensions: Record<string, string> = {};
      for (let i = 0; i < names.length; i++) {
        const value = this.values[cells[at + 1 + i]!]!;
        if (value !== "") dimensions[names[i]!] = value;
      }
      this.dimensions.push(dimensions);
    }
  }

  /** A batch's new shapes' cells (`stride` a shape, the meter's first) after those before, but for the meters'. */
  private keepCells(cells: readonly number[], stride: number): void {
    const end = this.cellCount + (cells.length / stride) * (stride - 1);
    if (end > this.shapeCells.length) {
      const grown = new Int32Array(Math.max(end, this.shapeCells.length + (this.shapeCells.length >> 1)));
      grown.set(this.shapeCells.subarray(0, this.cellCount));
      this.shapeCells = grown;
    }
    let to = this.cellCount;
    for (let at = 0; at < cells.length; at++) if (at % stride !== 0) this.shapeCells[to++] = cells[at]!;
    this.cellCount = end;
  }
}

/** A file the scanner may read, checked before it starts. */
interface Prepared {
  setup: WorkerSetup;
  size: number;
  compressed: boolean;
}

async function prepare(file: string, options: ScanOptions): Promise<Prepared> {
  const path = file === "-" ? options.stdinCopy : file;
  if (path === undefined) throw new NeedsFullParser("standard input not on disk");
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error("not a file");
    size = stat.size;
  } catch {
    // The plain reader reports a file it cannot open.
    throw new NeedsFullParser("a file that cannot be read");
  }
  const mapping = options.mappingFor(file);
  // The scanner reads cells as they are: objects unnested and constant dimensions are the plain reader's.
  if (mapping.rows !== undefined || mapping.constants !== undefined) throw new NeedsFullParser("a mapping for objects or constant dimensions");
  // A file that is not whole (a truncated gzip) is left to the plain reader, which reports it.
  const { format, compressed } = await (options.formatOf ?? formatOfFile)(path).catch(() => {
    throw new NeedsFullParser("content that cannot be read");
  });
  // Parquet within gzip is refused by the plain reader, which says why.
  if (!(format === "csv" || format === "jsonl" || (format === "parquet" && !compressed))) throw new NeedsFullParser(`${compressed ? "gzip of " : ""}${format}, which the scanner does not read`);
  // A CSV file's header, where it can be read here: a JSON line is no header (JSON Lines' fields may first appear on any line).
  const header = compressed || format !== "csv" ? undefined : headerOf(path);
  const setup: WorkerSetup = { path, file, zone: mapping.timestampZone ?? options.zone.name, defaultAccount: options.defaultAccount, mapping, read: readColumnsFor(options.card, options.alsoReadBy, options.otherAccounts), ...scannableEvents(options.card), repeatedIds: repeatedIds(options), format };
  // A layout's total that the card reads less a part it also prices is worked out row by row by the plain reader.
  if (readsAPart(mapping, setup.read)) throw new NeedsFullParser("a total read less its parts");
  // So is a dimension read from another column where a row's own cell is empty (LiteLLM's team_id for its team_alias).
  if (mayFallBack(mapping, setup.read, header)) throw new NeedsFullParser("a dimension read from another column where a row's cell is empty");
  return { setup, size, compressed };
}

/** The ids' first pass's keys of ids that may repeat, when it found the log in time order (SentIds). */
function repeatedIds(options: UsageOptions): Float64Array | undefined {
  return options.idScreen?.timeOrdered ? options.idScreen.repeated : undefined;
}

async function* scanFile(file: string, options: ScanOptions): AsyncGenerator<ShapedRows> {
  const { setup, size, compressed } = await prepare(file, options);
  const path = setup.path;
  const bytes = () => (compressed ? gunzippedFile(path) : createReadStream(path, { highWaterMark: 1 << 20 }));
  const notes = new KeptNotes();
  const here = () => scanHere(setup, options, setup.format === "parquet" ? parquetAsCsv(path, setup, notes) : csvOf(setup, bytes(), notes), notes);
  // Compressed or not, a large file is read on the reading thread (stop 41: gzip JSON Lines read here were slower than the plain reader's events).
  yield* rowsOf(file, setup, size >= threadSize() && options.scanner !== "here" ? fromWorker({ ...setup, compressed }) : here());
}

/**
 * Several files, one after another. Uncompressed files as large as a worker's file in all are scanned on one worker
 * thread, one after another (daily files are small each, and a worker each would cost more than it saves); others
 * each as one file alone.
 */
async function* scanFiles(files: readonly string[], options: ScanOptions): AsyncGenerator<ShapedRows> {
  const prepared = await Promise.all(files.map((file) => prepare(file, options)));
  const size = prepared.reduce((sum, p) => sum + p.size, 0);
  // The worker reads every file in the first one's zone: files whose mappings give their timestamps other zones are scanned each alone.
  if (prepared.some((p) => p.compressed || p.setup.zone !== prepared[0]!.setup.zone) || size < threadSize() || options.scanner === "here") {
    yield* rowsOfFiles(files.map((file) => ({ name: file, rows: () => scanFile(file, options) })));
    return;
  }
  const [first, ...then] = prepared.map((p) => p.setup);
  // JSON Lines have no header line to compare: each file is read with shapes of its own.
  const headers = prepared.map((p) => (p.setup.format === "csv" ? headerOf(p.setup.path) : undefined));
  const sameHeader = (i: number) => (prepared[i + 1]!.setup.format === "jsonl" ? prepared[i]!.setup.format === "jsonl" : headers[i + 1] !== undefined && headers[i + 1] === headers[i]);
  const keepShapes = (i: number) => sameHeader(i) && isDeepStrictEqual(prepared[i + 1]!.setup.mapping, prepared[i]!.setup.mapping);
  const messages = fromWorker({ ...first!, then: then.map(({ path, file, mapping, format }, i) => ({ path, file, mapping, format, keepShapes: keepShapes(i) })) });
  // Each file's rows end at its own end message; the worker goes on to the next file.
  const shared: AsyncIterable<WorkerMessage> = { [Symbol.asyncIterator]: () => ({ next: () => messages.next() }) };
  const kept: KeptShapes = {};
  try {
    yield* rowsOfFiles(files.map((file, i) => ({ name: file, rows: () => rowsOf(file, prepared[i]!.setup, shared, kept) })));
  } finally {
    await messages.return(undefined);
  }
}

/** Scan a file given as chunks of bytes, here: the scanner's own tests cut files anywhere. */
export function scanChunks(file: string, chunks: AsyncIterable<Buffer>, options: UsageOptions & { format?: ScannedFormat }): AsyncGenerator<ShapedRows> {
  const mapping = options.mappingFor(file);
  const setup: WorkerSetup = { path: file, file, zone: mapping.timestampZone ?? options.zone.name, defaultAccount: options.defaultAccount, mapping, read: readColumnsFor(options.card, options.alsoReadBy, options.otherAccounts), ...scannableEvents(options.card), repeatedIds: repeatedIds(options), format: options.format ?? "csv" };
  const notes = new KeptNotes();
  return rowsOf(file, setup, scanHere(setup, options, csvOf(setup, chunks, notes), notes));
}

/** The shapes of the last file of several, which the next file goes on with when its header says so. */
interface KeptShapes {
  shapes?: FileShapes;
}

/** A file's first line, for an uncompressed file whose first 64 KiB hold one: files of one header may share their shapes. */
function headerOf(path: string): string | undefined {
  const buffer = Buffer.alloc(1 << 16);
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const end = buffer.subarray(0, read).indexOf(10);
    return end < 0 ? undefined : buffer.toString("latin1", 0, end);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A file's rows as the worker's messages bring them. A batch's columns go back to the worker once the next message is asked for: its readers (the order stages) copy the rows they keep. */
async function* rowsOf(file: string, setup: Pick<WorkerSetup, "components" | "mapping" | "format">, messages: AsyncIterable<WorkerMessage>, kept: KeptShapes = {}): AsyncGenerator<ShapedRows> {
  let shapes = new FileShapes(file, { dimensions: [], components: [] }, new Map(), setup);
  // A CSV file's header and no row after it, not even one skip_rows: left out: told for the header-only files' note.
  let header = false;
  let rows = false;
  for await (const message of messages) {
    switch (message.kind) {
      case "header":
        header = true;
        shapes = message.continued && kept.shapes !== undefined ? kept.shapes : new FileShapes(file, message, new Map(message.columns), setup);
        kept.shapes = shapes;
        break;
      case "batch":
        rows ||= message.batch.count > 0;
        yield toRows(message.batch, shapes);
        break;
      case "notes":
        rows ||= message.notes.some((note) => note.kind === "skipped" && note.tally.skipped.some((s) => s.rows > 0));
        tellNotes(message.notes, setup.mapping.skipped);
        break;
      case "refused":
        throw new NeedsFullParser(message.reason);
      case "failed":
        throw Object.assign(new Error(message.message), { stack: message.stack });
      case "end":
        if (header && !rows && setup.format === "csv") setup.mapping.skipped?.headerAlone(file);
        return;
    }
  }
}

function toRows(batch: ScannedBatch, shapes: FileShapes): ShapedRows {
  shapes.add(batch);
  for (const text of batch.quantities) shapes.quantities.push(quantityFrom(text));
  const { count, base, at, shape, account, quantity, firstLine, line, ids } = batch;
  const otherQuantities = batch.components === undefined ? batch.quantityTexts.map(quantityFrom) : shapes.withComponents(batch);
  return { source: shapes, count, base, at, shape, account, quantity, firstLine, line, ids, otherQuantities };
}

const NOT_ASCII = /[^\x00-\x7f]/;

/** Whole numbers of tokens below this share a Decimal each. */
const SHARED_WHOLE = 1 << 16;
const wholeNumbers: Decimal[] = [];

function wholeNumber(v: number): Decimal {
  if (v >= SHARED_WHOLE) return new Decimal(v);
  return (wholeNumbers[v] ??= new Decimal(v));
}

/** The scanner has checked the text: an empty cell is one event, as the plain reader takes it. */
function quantityFrom(text: string): Decimal {
  return text === "" ? ONE : quantityOf(text)!;
}

/** A file's bytes as the scanner reads them: a CSV file's as they are, JSON Lines' as the CSV lines of their records. */
function csvOf(setup: WorkerSetup, chunks: AsyncIterable<Buffer>, notes: KeptNotes): AsyncIterable<Buffer> {
  return setup.format === "jsonl" ? csvOfJsonLines(setup, chunks, notes) : chunks;
}

/** Scan a file's CSV bytes (csvOf) here, and tell what notes reading it kept. */
async function* scanHere(setup: WorkerSetup, options: UsageOptions, chunks: AsyncIterable<Buffer>, notes: KeptNotes): AsyncGenerator<WorkerMessage> {
  const scanner = new RowScanner({ file: setup.file, zone: setup.zone === options.zone.name ? options.zone : Zone.of(setup.zone)!, defaultAccount: setup.defaultAccount, mapping: setup.mapping, read: setup.read, events: setup.events, components: setup.components, repeatedIds: setup.repeatedIds, headerLine: headerLine(setup), notes });
  let sentHeader = false;
  const header = function* (): Generator<WorkerMessage> {
    if (!sentHeader && scanner.header) {
      sentHeader = true;
      yield { kind: "header", ...scanner.header };
    }
  };
  for await (const chunk of readable(chunks)) {
    const batches = scanner.scan(chunk, false);
    yield* header();
    for (const batch of batches) yield { kind: "batch", batch };
  }
  const batches = scanner.scan(Buffer.alloc(0), true);
  yield* header();
  for (const batch of batches) yield { kind: "batch", batch };
  if (notes.notes.length > 0) yield { kind: "notes", notes: notes.notes };
  yield { kind: "end" };
}

async function* csvOfJsonLines(setup: WorkerSetup, chunks: AsyncIterable<Buffer>, notes: KeptNotes): AsyncGenerator<Buffer> {
  const lines = new JsonLinesAsCsv(setup, notes);
  for await (const chunk of chunks) yield lines.push(chunk);
  yield lines.end();
}

/**
 * Batches the worker may send ahead of the replay: 262,144 rows, about 4.7 MB of columns (18 bytes a row, more with
 * event ids), enough for either thread to run on through the other's slower stretches (a cycle's first rows are slow
 * on the main thread, the rest on the worker).
 */
const AHEAD = 32;
/** Batches' buffers handed back to the worker in one message: a few of AHEAD, so the worker is never short of them for long. */
const HAND_BACK = 4;

async function* fromWorker(setup: WorkerSetup): AsyncGenerator<WorkerMessage> {
  const worker = scanWorker();
  const queue: WorkerMessage[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  worker.on("message", (m: WorkerMessage) => {
    queue.push(m);
    wake?.();
  });
  worker.on("exit", (code) => {
    // After its last message the worker ends on its own; ending before one is a failure, not a wait.
    failure ??= new Error(`the row scanner's worker ended early (exit code ${code})`);
    wake?.();
  });
  worker.on("error", (e: Error) => {
    // A worker out of memory is a file the plain reader must read (in bounded memory), not a failure.
    failure = "code" in e && e.code === "ERR_WORKER_OUT_OF_MEMORY" ? new NeedsFullParser("the scanner's tables outgrew its memory") : e;
    wake?.();
  });
  worker.postMessage(setup);
  worker.postMessage(AHEAD);
  const done: HandedBack = { columns: [], ids: [] };
  let files = 1 + (setup.then?.length ?? 0);
  try {
    for (;;) {
      while (queue.length === 0) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      const message = queue.shift()!;
      yield message;
      // Asked for the next message, the reader is done with this batch (rowsOf's readers copy its rows, ids too, before they ask): its columns go back to be filled again, a few at a time (a message to the worker costs the main thread more than its bytes).
      if (message.kind === "batch") {
        done.columns.push(batchBuffer(message.batch));
        if (message.batch.ids !== undefined) done.ids.push(idBuffer(message.batch.ids));
      }
      if (done.columns.length === HAND_BACK) {
        const back = { columns: done.columns.splice(0), ids: done.ids.splice(0) };
        worker.postMessage(back, [...back.columns, ...back.ids]);
      }
      if (message.kind === "end" && files-- > 1) continue;
      // A file's notes come before its end: only an end of the last file, a refusal or a failure ends the messages (red team, stop 41: a file's notes ended them, and the files after it went unread).
      if (message.kind === "refused" || message.kind === "failed" || message.kind === "end") return;
    }
  } finally {
    await worker.terminate();
  }
}
