import { createReadStream, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { UsageEvent } from "../engine/types.js";
import type { Location } from "../errors.js";
import { ONE, type Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import { mergeByTime } from "./merge.js";
import { NeedsFullParser } from "./plain-csv.js";
import { neededDimensions, quantityOf } from "./layout.js";
import type { UsageOptions } from "./read.js";
import { readable, RowScanner, type ScanSetup, type ScannedBatch } from "./row-scanner.js";

/**
 * Usage events read by the row scanner (row-scanner.ts), merged by time. A large
 * file is scanned on a worker thread, so that reading and replaying use both
 * cores; a small one here, where starting a worker would cost more than it saves.
 */
export function scanUsage(files: readonly string[], options: UsageOptions): AsyncGenerator<readonly UsageEvent[]> {
  const shapes = new ShapeNumbers();
  return mergeByTime(files.map((file) => scanFile(file, options, shapes, files.length === 1)));
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
export function scannableEvents(card: RateCard): Map<string, readonly string[]> {
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
  private readonly names = new Map<string, string>();

  number(): number {
    return this.next++;
  }

  /** One string per account or meter name for all shapes: each definition comes with copies of its own. */
  name(text: string): string {
    let name = this.names.get(text);
    if (name === undefined) this.names.set(text, (name = text));
    return name;
  }
}

/**
 * A file's shapes by the scanner's numbers, in columns: what every row of a
 * shape shares (its number, account, meter and one dimensions object). Columns,
 * not an object a shape: a log holds them by the hundred thousand.
 */
class FileShapes {
  readonly ids: number[] = [];
  readonly accounts: string[] = [];
  readonly meters: string[] = [];
  readonly dimensions: Readonly<Record<string, string>>[] = [];

  constructor(
    private readonly numbers: ShapeNumbers,
    private readonly names: readonly string[],
  ) {}

  /** Add the shapes of a batch's flat cells: account, meter, then a cell per dimension name. */
  add(cells: readonly string[]): void {
    const stride = 2 + this.names.length;
    for (let at = 0; at < cells.length; at += stride) {
      this.ids.push(this.numbers.number());
      this.accounts.push(this.numbers.name(cells[at]!));
      this.meters.push(this.numbers.name(cells[at + 1]!));
      // Assigned one by one as the plain reader builds them: empty cells set no key, nor does a column named __proto__.
      const dimensions: Record<string, string> = {};
      this.names.forEach((name, i) => {
        const value = cells[at + 2 + i]!;
        if (value !== "") dimensions[name] = value;
      });
      this.dimensions.push(dimensions);
    }
  }
}

async function* scanFile(file: string, options: UsageOptions, numbers: ShapeNumbers, alone: boolean): AsyncGenerator<readonly UsageEvent[]> {
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
  const setup: WorkerSetup = { path, file, zone: options.zone.name, defaultAccount: options.defaultAccount, mapping: options.mappingFor(file), events: scannableEvents(options.card) };
  const here = () => scanHere(setup, options, createReadStream(path, { highWaterMark: 1 << 20 }));
  yield* eventsOf(file, alone && size >= WORKER_BYTES && options.scanner !== "here" ? fromWorker(setup) : here(), numbers);
}

/** Scan a file given as chunks of bytes, here: the scanner's own tests cut files anywhere. */
export function scanChunks(file: string, chunks: AsyncIterable<Buffer>, options: UsageOptions): AsyncGenerator<readonly UsageEvent[]> {
  const setup: WorkerSetup = { path: file, file, zone: options.zone.name, defaultAccount: options.defaultAccount, mapping: options.mappingFor(file), events: scannableEvents(options.card) };
  return eventsOf(file, scanHere(setup, options, chunks), new ShapeNumbers());
}

async function* eventsOf(file: string, messages: AsyncIterable<WorkerMessage>, numbers: ShapeNumbers): AsyncGenerator<readonly UsageEvent[]> {
  let shapes = new FileShapes(numbers, []);
  const quantities: Decimal[] = [];
  let columns: ReadonlyMap<string, number> = new Map();
  for await (const message of messages) {
    switch (message.kind) {
      case "header":
        columns = new Map(message.columns);
        shapes = new FileShapes(numbers, message.dimensions);
        break;
      case "batch":
        yield* toEvents(message.batch, file, columns, shapes, quantities);
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

/** Events in runs of this many: short-lived enough to die young, and not be copied into the old generation. */
const EVENTS = 1024;

function* toEvents(batch: ScannedBatch, file: string, columns: ReadonlyMap<string, number>, shapes: FileShapes, quantities: Decimal[]): Generator<UsageEvent[]> {
  shapes.add(batch.shapeCells);
  for (const text of batch.quantities) quantities.push(quantityFrom(text));
  let texts = 0;
  let events: UsageEvent[] = [];
  for (let i = 0; i < batch.count; i++) {
    const shape = batch.shape[i]!;
    const q = batch.quantity[i]!;
    const origin: Location = { file, line: batch.line[i]!, column: 1, columns };
    events.push({
      at: batch.at[i]!,
      account: shapes.accounts[shape]!,
      meter: shapes.meters[shape]!,
      quantity: q >= 0 ? quantities[q]! : quantityFrom(batch.quantityTexts[texts++]!),
      dimensions: shapes.dimensions[shape]!,
      eventId: batch.eventIds?.[i],
      origin,
      shape: shapes.ids[shape]!,
    });
    if (events.length === EVENTS) {
      yield events;
      events = [];
    }
  }
  if (events.length > 0) yield events;
}

/** The scanner has checked the text: an empty cell is one event, as the plain reader takes it. */
function quantityFrom(text: string): Decimal {
  return text === "" ? ONE : quantityOf(text)!;
}

async function* scanHere(setup: WorkerSetup, options: UsageOptions, chunks: AsyncIterable<Buffer>): AsyncGenerator<WorkerMessage> {
  const scanner = new RowScanner({ file: setup.file, zone: options.zone, defaultAccount: setup.defaultAccount, mapping: setup.mapping, events: setup.events });
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

/** Batches the worker may send ahead of the replay: enough to keep both threads busy, few enough to bound memory. */
const AHEAD = 4;

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
