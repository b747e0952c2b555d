import { createReadStream, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { createGunzip } from "node:zlib";
import { formatOfFile } from "./content.js";
import { rowEvents, type RowSource, type ShapedRows, type UsageBatch } from "../engine/rows.js";
import type { UsageEvent } from "../engine/types.js";
import type { Location } from "../errors.js";
import { ONE, type Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import { mergeByTime } from "./merge.js";
import { NeedsFullParser } from "./plain-csv.js";
import { neededDimensions, quantityOf } from "./layout.js";
import type { UsageOptions } from "./read.js";
import { readColumnsFor } from "./card-columns.js";
import { readable, RowScanner, type ScanSetup, type ScannedBatch } from "./row-scanner.js";

/**
 * Usage read by the row scanner (row-scanner.ts): one file's rows as they are
 * read, several files' as events merged by time. A large file is scanned on a
 * worker thread, so that reading and replaying use both cores; a small one
 * here, where starting a worker would cost more than it saves.
 */
export function scanUsage(files: readonly string[], options: UsageOptions): AsyncGenerator<UsageBatch> {
  if (files.length === 1) return scanFile(files[0]!, options, true);
  const numbers = new ShapeNumbers();
  return mergeByTime(files.map((file) => asEvents(scanFile(file, options, false), numbers)));
}

/** A file's rows as events, their shapes numbered across the files of one read. */
async function* asEvents(rows: AsyncIterable<ShapedRows>, numbers: ShapeNumbers): AsyncGenerator<readonly UsageEvent[]> {
  const ids: number[] = [];
  for await (const batch of rows) {
    while (ids.length < batch.source.accounts.length) ids.push(numbers.number());
    yield* inRuns(rowEvents(batch, (shape) => ids[shape]!));
  }
}

/** Events in runs of this many: short-lived enough to die young, and not be copied into the old generation. */
const EVENTS = 1024;

function* inRuns(events: UsageEvent[]): Generator<UsageEvent[]> {
  for (let i = 0; i < events.length; i += EVENTS) yield events.slice(i, i + EVENTS);
}

/** Files at least this large are scanned on a worker thread. */
const WORKER_BYTES = 8 << 20;

/** What the worker is told: the setup, in forms a structured clone keeps. */
export interface WorkerSetup {
  path: string;
  file: string;
  zone: string;
  defaultAccount: string;
  mapping: ScanSetup["mapping"];
  read: ScanSetup["read"];
  events: Map<string, readonly string[]>;
}

/** The worker's messages, in order: the header's columns, batches, then an end, a refusal or a failure. */
export type WorkerMessage =
  | { kind: "header"; dimensions: string[]; columns: [string, number][] }
  | { kind: "batch"; batch: ScannedBatch }
  | { kind: "end" }
  | { kind: "refused"; reason: string }
  | { kind: "failed"; message: string; stack: string | undefined };

/** Events the scanner may read: meters without components, with the dimensions each needs. */
function scannableEvents(card: RateCard): Map<string, readonly string[]> {
  const events = new Map<string, readonly string[]>();
  for (const [name, event] of card.events) {
    if (event.role === "charge" && event.meter.components.length > 0) continue;
    events.set(name, neededDimensions(event));
  }
  return events;
}

/**
 * Numbers for shapes across the files of one read, given in order from 0 so the
 * replay can keep them in an array. Each file's shapes get numbers of their own:
 * two files with rows of the same values make two shapes, which costs the replay
 * a little work twice, and spares a table of every shape's values here.
 */
class ShapeNumbers {
  private next = 0;

  number(): number {
    return this.next++;
  }
}

/**
 * A file's shapes by the scanner's numbers, in columns: what every row of a
 * shape shares (its account, meter and one dimensions object); and its
 * quantities by number. Columns, not an object a shape: a log holds them by the
 * hundred thousand.
 */
class FileShapes implements RowSource {
  readonly accounts: string[] = [];
  readonly meters: string[] = [];
  readonly dimensions: Readonly<Record<string, string>>[] = [];
  readonly quantities: Decimal[] = [];
  private readonly names = new Map<string, string>();

  constructor(
    readonly file: string,
    private readonly dimensionNames: readonly string[],
    private readonly columns: ReadonlyMap<string, number>,
  ) {}

  origin(line: number): Location {
    return { file: this.file, line, column: 1, columns: this.columns };
  }

  /** Add the shapes of a batch's flat cells: account, meter, then a cell per dimension name. */
  add(cells: readonly string[]): void {
    const names = this.dimensionNames;
    const stride = 2 + names.length;
    for (let at = 0; at < cells.length; at += stride) {
      this.accounts.push(this.name(cells[at]!));
      this.meters.push(this.name(cells[at + 1]!));
      // Assigned one by one as the plain reader builds them: empty cells set no key, nor does a column named __proto__.
      const dimensions: Record<string, string> = {};
      names.forEach((name, i) => {
        const value = cells[at + 2 + i]!;
        if (value !== "") dimensions[name] = this.name(value);
      });
      this.dimensions.push(dimensions);
    }
  }

  /** One string per account, meter or dimension value for all shapes: each definition comes with copies of its own. */
  private name(text: string): string {
    let name = this.names.get(text);
    if (name === undefined) this.names.set(text, (name = text));
    return name;
  }
}

async function* scanFile(file: string, options: UsageOptions, alone: boolean): AsyncGenerator<ShapedRows> {
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
  // The scanner reads CSV cells as they are: JSON Lines, Parquet and timestamps counted since 1970 are the plain reader's.
  if (mapping.rows !== undefined || mapping.timestampUnit !== undefined || mapping.constants !== undefined) throw new NeedsFullParser("a mapping for objects, numeric timestamps or constant dimensions");
  // A file that is not whole (a truncated gzip) is left to the plain reader, which reports it.
  const { format, compressed } = await formatOfFile(path).catch(() => {
    throw new NeedsFullParser("content that cannot be read");
  });
  if (format !== "csv") throw new NeedsFullParser(`${format}, not CSV`);
  const setup: WorkerSetup = { path, file, zone: options.zone.name, defaultAccount: options.defaultAccount, mapping, read: readColumnsFor(options.card, options.alsoReadBy), events: scannableEvents(options.card) };
  const bytes = () => (compressed ? createReadStream(path, { highWaterMark: 1 << 16 }).pipe(createGunzip({ chunkSize: 1 << 20 })) : createReadStream(path, { highWaterMark: 1 << 20 }));
  const here = () => scanHere(setup, options, bytes());
  yield* rowsOf(file, alone && !compressed && size >= WORKER_BYTES && options.scanner !== "here" ? fromWorker(setup) : here());
}

/** Scan a file given as chunks of bytes, here: the scanner's own tests cut files anywhere. */
export function scanChunks(file: string, chunks: AsyncIterable<Buffer>, options: UsageOptions): AsyncGenerator<ShapedRows> {
  const setup: WorkerSetup = { path: file, file, zone: options.zone.name, defaultAccount: options.defaultAccount, mapping: options.mappingFor(file), read: readColumnsFor(options.card, options.alsoReadBy), events: scannableEvents(options.card) };
  return rowsOf(file, scanHere(setup, options, chunks));
}

async function* rowsOf(file: string, messages: AsyncIterable<WorkerMessage>): AsyncGenerator<ShapedRows> {
  let shapes = new FileShapes(file, [], new Map());
  for await (const message of messages) {
    switch (message.kind) {
      case "header":
        shapes = new FileShapes(file, message.dimensions, new Map(message.columns));
        break;
      case "batch":
        yield toRows(message.batch, shapes);
        break;
      case "refused":
        throw new NeedsFullParser(message.reason);
      case "failed":
        throw Object.assign(new Error(message.message), { stack: message.stack });
      case "end":
        return;
    }
  }
}

function toRows(batch: ScannedBatch, shapes: FileShapes): ShapedRows {
  shapes.add(batch.shapeCells);
  for (const text of batch.quantities) shapes.quantities.push(quantityFrom(text));
  const { count, base, at, shape, quantity, firstLine, line, ids } = batch;
  return { source: shapes, count, base, at, shape, quantity, firstLine, line, ids, otherQuantities: batch.quantityTexts.map(quantityFrom) };
}

/** The scanner has checked the text: an empty cell is one event, as the plain reader takes it. */
function quantityFrom(text: string): Decimal {
  return text === "" ? ONE : quantityOf(text)!;
}

async function* scanHere(setup: WorkerSetup, options: UsageOptions, chunks: AsyncIterable<Buffer>): AsyncGenerator<WorkerMessage> {
  const scanner = new RowScanner({ file: setup.file, zone: options.zone, defaultAccount: setup.defaultAccount, mapping: setup.mapping, read: setup.read, events: setup.events });
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
  yield { kind: "end" };
}

/**
 * Batches the worker may send ahead of the replay: a million rows, about 12 MB,
 * enough for either thread to run on through the other's slower stretches (a
 * cycle's first rows are slow on the main thread, the rest on the worker).
 */
const AHEAD = 128;

async function* fromWorker(setup: WorkerSetup): AsyncGenerator<WorkerMessage> {
  // The scanner makes next to no garbage: a small young generation keeps the worker's memory to its tables.
  const worker = new Worker(new URL("./scan-worker.js", import.meta.url), { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 256 } });
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
  worker.postMessage(AHEAD);
  try {
    for (;;) {
      while (queue.length === 0) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      const message = queue.shift()!;
      if (message.kind === "batch") worker.postMessage(1);
      yield message;
      if (message.kind !== "header" && message.kind !== "batch") return;
    }
  } finally {
    await worker.terminate();
  }
}
