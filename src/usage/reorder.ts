import type { RowSource, ShapedRows } from "../engine/rows.js";
import type { Instant } from "../time.js";
import { BatchWriter, RowColumns } from "./row-columns.js";

/**
 * How far out of order rows may come and still be put in order as they stream:
 * a row up to `lateness` milliseconds earlier than the latest row before it.
 * `maxHeld` bounds the rows held whatever the lateness: past it the oldest go on.
 */
export interface OrderLimits {
  lateness: number;
  maxHeld: number;
}

/**
 * The lateness allowed unless `--max-lateness` says otherwise: a day. Exports
 * come in daily files or by day (a gateway's usage export, a warehouse query
 * by date), often grouped by user or project within the day rather than by
 * time, and events that reach a gateway late (retries, mobile clients that were
 * offline) are usually hours late, not days.
 */
export const DEFAULT_LATENESS = 24 * 60 * 60 * 1000;

/** Rows held at most by default: about 24 MB of columns (more with event ids). */
export const MAX_HELD = 1 << 20;

/**
 * A row earlier than rows already passed on: later than the lateness allowed
 * (or than the rows held could cover). The caller sorts the whole input instead.
 */
export class TooLate extends Error {
  constructor(
    readonly at: Instant,
    readonly line: number,
  ) {
    super("a usage row later than the lateness allowed");
    this.name = "TooLate";
  }
}

/**
 * Rows put back in time order as they stream, in bounded memory. Rows at or
 * after the latest instant so far wait in arrival order (a queue); earlier
 * ones, the late rows, wait in a heap by instant and arrival. A row is passed on
 * once it is `lateness` older than the latest instant seen (or when more than
 * `maxHeld` rows wait): the queue's and the heap's rows merged, ties in arrival
 * order (a queued row of an instant always arrived before a late row of the
 * same instant). So the rows come out in a stable sort by time; a row earlier
 * than one already passed on throws `TooLate`.
 */
export async function* reorder(batches: AsyncIterable<ShapedRows>, limits: OrderLimits): AsyncGenerator<ShapedRows> {
  let order: Reorder | undefined;
  for await (const batch of batches) {
    order ??= new Reorder(batch.source, limits);
    order.take(batch);
    yield* order.out();
  }
  if (order) yield* order.out(true);
}

const CHUNK = 8192;

class Reorder {
  /** The queue: chunks of rows in arrival (and time) order, read from `head` of the first. */
  private readonly chunks: RowColumns[] = [];
  private head = 0;
  private tail = CHUNK;
  private readonly spare: RowColumns[] = [];
  /** The late rows: slots of `late`, a heap of slots by instant then arrival. */
  private readonly late = new RowColumns(1024);
  private arrival = new Float64Array(1024);
  private heap = new Int32Array(1024);
  private heapSize = 0;
  private readonly free: number[] = [];
  private slots = 0;
  private arrived = 0;
  private held = 0;
  private latest = -Infinity;
  private released = -Infinity;
  private readonly writer: BatchWriter;

  constructor(
    private readonly source: RowSource,
    private readonly limits: OrderLimits,
  ) {
    this.writer = new BatchWriter(source);
  }

  take(batch: ShapedRows): void {
    if (batch.source !== this.source) throw new Error("rows of one source are reordered together");
    let other = 0;
    for (let i = 0; i < batch.count; i++) {
      const at = batch.base + batch.at[i]!;
      const quantity = batch.quantity[i]! < 0 ? batch.otherQuantities[other++] : undefined;
      if (at < this.released) throw new TooLate(at, batch.firstLine + batch.line[i]!);
      if (at >= this.latest) {
        this.latest = at;
        this.enqueue(batch, i, quantity);
      } else {
        this.hold(batch, i, quantity);
      }
      this.held++;
    }
    this.release(this.latest - this.limits.lateness);
    while (this.held > this.limits.maxHeld) this.pass();
  }

  out(last = false): ShapedRows[] {
    if (last) this.release(Infinity);
    return this.writer.take(last);
  }

  private enqueue(batch: ShapedRows, i: number, quantity: ShapedRows["otherQuantities"][number] | undefined): void {
    if (this.tail === CHUNK) {
      this.chunks.push(this.spare.pop() ?? new RowColumns(CHUNK));
      this.tail = 0;
    }
    this.chunks.at(-1)!.set(this.tail++, batch, i, quantity);
  }

  private hold(batch: ShapedRows, i: number, quantity: ShapedRows["otherQuantities"][number] | undefined): void {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.slots++;
      this.late.reserve(this.slots);
      if (this.slots > this.arrival.length) {
        const arrival = new Float64Array(this.late.capacity);
        arrival.set(this.arrival);
        this.arrival = arrival;
        const heap = new Int32Array(this.late.capacity);
        heap.set(this.heap);
        this.heap = heap;
      }
    }
    this.late.set(slot, batch, i, quantity);
    this.arrival[slot] = this.arrived++;
    this.siftUp(this.heapSize++, slot);
  }

  /** Pass on every row at or before `limit`. */
  private release(limit: number): void {
    while (this.held > 0 && this.nextAt() <= limit) this.pass();
  }

  private nextAt(): number {
    const queued = this.queuedAt();
    return this.heapSize > 0 ? Math.min(queued, this.late.at[this.heap[0]!]!) : queued;
  }

  private queuedAt(): number {
    const first = this.chunks[0];
    return first === undefined || (this.chunks.length === 1 && this.head === this.tail) ? Infinity : first.at[this.head]!;
  }

  /** Pass on the earliest row held, a queued one before a late one of the same instant. */
  private pass(): void {
    const queued = this.queuedAt();
    this.held--;
    if (this.heapSize === 0 || queued <= this.late.at[this.heap[0]!]!) {
      const chunk = this.chunks[0]!;
      this.writer.add(chunk, this.head);
      chunk.clear(this.head);
      this.released = queued;
      if (++this.head === CHUNK || (this.chunks.length === 1 && this.head === this.tail)) this.dropHead();
      return;
    }
    const slot = this.heap[0]!;
    this.writer.add(this.late, slot);
    this.released = this.late.at[slot]!;
    this.late.clear(slot);
    this.free.push(slot);
    const last = this.heap[--this.heapSize]!;
    if (this.heapSize > 0) this.siftDown(0, last);
  }

  private dropHead(): void {
    const chunk = this.chunks.shift()!;
    this.head = 0;
    if (this.chunks.length === 0) this.tail = CHUNK;
    if (this.spare.length === 0) this.spare.push(chunk);
  }

  private before(a: number, b: number): boolean {
    const at = this.late.at;
    return at[a]! < at[b]! || (at[a] === at[b] && this.arrival[a]! < this.arrival[b]!);
  }

  private siftUp(index: number, slot: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(slot, heap[parent]!)) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = slot;
  }

  private siftDown(index: number, slot: number): void {
    const heap = this.heap;
    const size = this.heapSize;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) break;
      if (child + 1 < size && this.before(heap[child + 1]!, heap[child]!)) child++;
      if (!this.before(heap[child]!, slot)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = slot;
  }
}
