import { siftDown } from "./heap.js";
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import { componentsPart, quantityPart, type OtherQuantity, type RowSource, type ShapedRows } from "../engine/rows.js";
import { Decimal } from "../money.js";
import { temporaryError, temporaryFolder } from "../temporary.js";
import { BatchWriter, RowColumns, timeOrder } from "./row-columns.js";

/** Rows sorted in memory at once (about 10 MB); more are sorted in runs of this many, written to disk and merged. */
const RUN_ROWS = 1 << 18;

/**
 * Rows in time order, ties in the order they came (a stable sort), with memory
 * bounded by the run size rather than the log: each run is sorted and written to
 * a temporary file as binary records, and the runs are merged as they are read
 * back, ties to the earlier run. The rows stay rows of their one source.
 */
export async function* sortRows(batches: AsyncIterable<ShapedRows>, runRows = RUN_ROWS): AsyncGenerator<ShapedRows> {
  let source: RowSource | undefined;
  const run = new RowColumns(Math.min(runRows, 8192));
  let count = 0;
  let spill: Spill | undefined;
  try {
    for await (const batch of batches) {
      source ??= batch.source;
      let other = 0;
      for (let i = 0; i < batch.count; i++) {
        if (count === runRows) {
          (spill ??= new Spill()).write(run, timeOrder(run, count));
          count = 0;
        }
        run.reserve(count + 1);
        run.set(count++, batch, i, batch.quantity[i]! < 0 ? batch.otherQuantities[other++] : undefined);
      }
    }
    if (source === undefined) return;
    const writer = new BatchWriter(source);
    if (spill === undefined) {
      for (const slot of timeOrder(run, count)) {
        writer.add(run, slot);
        yield* writer.take();
      }
      yield* writer.take(true);
      return;
    }
    if (count > 0) spill.write(run, timeOrder(run, count));
    yield* merged(spill.readers(), writer);
  } finally {
    spill?.remove();
  }
}

/** Run readers merged by instant, ties to the earlier run, through a heap of the runs by their next row. */
async function* merged(readers: RunReader[], writer: BatchWriter): AsyncGenerator<ShapedRows> {
  const heap = readers.filter((r) => r.next() || (r.close(), false));
  const before = (a: RunReader, b: RunReader) => a.row.at[0]! < b.row.at[0]! || (a.row.at[0] === b.row.at[0] && a.index < b.index);
  const down = (index: number) => siftDown(heap, index, before);
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  while (heap.length > 0) {
    const reader = heap[0]!;
    writer.add(reader.row, 0);
    if (!reader.next()) {
      reader.close();
      const last = heap.pop()!;
      if (heap.length === 0) break;
      heap[0] = last;
    }
    down(0);
    yield* writer.take();
  }
  yield* writer.take(true);
}

const FIXED = 8 + 8 + 4 + 4 + 4;
/** Bytes written or read at a time per run. */
const BLOCK = 1 << 16;

/**
 * Runs as binary records in a private temporary folder, removed when the sort
 * ends: instant and line (float64), shape, account and quantity numbers (int32), then a
 * quantity without a number as text and the event id, each as a length (uint32,
 * the id's plus one, 0 for none) and UTF-8.
 */
class Spill {
  private readonly folder = temporaryFolder("burnrate-sort-");
  private readonly runs: string[] = [];

  write(run: RowColumns, slots: Uint32Array): void {
    const file = join(this.folder.path, `run-${this.runs.length}.bin`);
    try {
      writeRun(file, run, slots);
    } catch (e) {
      throw temporaryError(e);
    }
    for (let i = 0; i < slots.length; i++) run.clear(i);
    this.runs.push(file);
  }

  readers(): RunReader[] {
    return this.runs.map((file, index) => new RunReader(file, index));
  }

  remove(): void {
    this.folder.remove();
  }
}

function writeRun(file: string, run: RowColumns, slots: Uint32Array): void {
  const fd = openSync(file, "w");
  try {
    let buffer = Buffer.allocUnsafe(BLOCK);
    let end = 0;
    for (const slot of slots) {
      const quantity = run.quantity[slot]! < 0 ? otherText(run.other[slot]!) : "";
      const id = run.idBytes(slot);
      const size = FIXED + 8 + Buffer.byteLength(quantity) + id.length;
      if (end + size > buffer.length) {
        writeSync(fd, buffer, 0, end);
        end = 0;
        if (size > buffer.length) buffer = Buffer.allocUnsafe(size);
      }
      end = buffer.writeDoubleLE(run.at[slot]!, end);
      end = buffer.writeDoubleLE(run.line[slot]!, end);
      end = buffer.writeInt32LE(run.shape[slot]!, end);
      end = buffer.writeInt32LE(run.accountOf(slot), end);
      end = buffer.writeInt32LE(run.quantity[slot]!, end);
      end = buffer.writeUInt32LE(Buffer.byteLength(quantity), end);
      end += buffer.write(quantity, end);
      end = buffer.writeUInt32LE(id.length === 0 ? 0 : id.length + 1, end);
      buffer.set(id, end);
      end += id.length;
    }
    writeSync(fd, buffer, 0, end);
  } finally {
    closeSync(fd);
  }
}

/** Between the parts of a quantity's text with its components: no decimal or component name holds it. */
const PART = "\u0001";

/** A quantity without a number as text: the quantity, then each component's name and quantity, in the order the row had them. */
function otherText(other: OtherQuantity): string {
  let text = quantityPart(other).toFixed();
  for (const [name, value] of Object.entries(componentsPart(other) ?? {})) text += `${PART}${name}${PART}${value.toFixed()}`;
  return text;
}

/** A run read back a block at a time, one row at a time into `row`'s slot 0. */
class RunReader {
  readonly row = new RowColumns(1);
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(BLOCK);
  private start = 0;
  private end = 0;
  private eof = false;

  constructor(
    file: string,
    readonly index: number,
  ) {
    this.fd = openSync(file, "r");
  }

  /** Read the next row into `row`; false at the run's end. */
  next(): boolean {
    if (!this.have(FIXED + 4)) return false;
    const quantityBytes = this.buffer.readUInt32LE(this.start + FIXED);
    if (!this.have(FIXED + 4 + quantityBytes + 4)) throw new Error("a sorted run ends inside a row");
    const idLength = this.buffer.readUInt32LE(this.start + FIXED + 4 + quantityBytes);
    if (!this.have(FIXED + 8 + quantityBytes + Math.max(0, idLength - 1))) throw new Error("a sorted run ends inside a row");
    const buffer = this.buffer;
    let p = this.start;
    const row = this.row;
    row.at[0] = buffer.readDoubleLE(p);
    row.line[0] = buffer.readDoubleLE(p + 8);
    row.shape[0] = buffer.readInt32LE(p + 16);
    row.setAccount(0, buffer.readInt32LE(p + 20));
    row.quantity[0] = buffer.readInt32LE(p + 24);
    p += FIXED + 4;
    row.other[0] = row.quantity[0]! < 0 ? this.quantity(buffer.toString("utf8", p, p + quantityBytes)) : undefined;
    p += quantityBytes + 4;
    // A copy: the block is read over.
    row.firstId(buffer, p, p + Math.max(0, idLength - 1));
    this.start = p + Math.max(0, idLength - 1);
    return true;
  }

  /** A quantity without a number keeps its own Decimal, as the scanner gave it, and its components theirs. */
  private quantity(text: string): OtherQuantity {
    const [quantity, ...components] = text.split(PART);
    if (components.length === 0) return new Decimal(quantity!);
    const parts: Record<string, Decimal> = {};
    for (let k = 0; k < components.length; k += 2) parts[components[k]!] = new Decimal(components[k + 1]!);
    return { quantity: new Decimal(quantity!), components: parts };
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Whether `bytes` bytes from `start` are in the buffer, reading more as needed. */
  private have(bytes: number): boolean {
    while (this.end - this.start < bytes) {
      if (this.eof) return false;
      if (this.start > 0) {
        this.buffer.copy(this.buffer, 0, this.start, this.end);
        this.end -= this.start;
        this.start = 0;
      }
      if (bytes > this.buffer.length) {
        const bigger = Buffer.allocUnsafe(bytes);
        this.buffer.copy(bigger, 0, 0, this.end);
        this.buffer = bigger;
      }
      const read = readSync(this.fd, this.buffer, this.end, this.buffer.length - this.end, null);
      if (read === 0) this.eof = true;
      this.end += read;
    }
    return true;
  }
}
