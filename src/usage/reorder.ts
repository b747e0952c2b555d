import { siftDown } from "./heap.js";
import type { EventIdColumn } from "../engine/event-ids.js";
import type { RowSource, ShapedRows } from "../engine/rows.js";
import type { Instant } from "../time.js";
import type { Location } from "../errors.js";
import { BatchWriter, OrderScratch, RowColumns, timeOrder } from "./row-columns.js";

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
    /** Where the row is, and how much earlier it is than the latest row before it. */
    readonly origin: Location,
    readonly by: number,
  ) {
    super("a usage row later than the lateness allowed");
    this.name = "TooLate";
  }
}

/**
 * Rows put back in time order as they stream, in bounded memory. Rows at or
 * after the latest instant so far wait in arrival order (a queue); earlier
 * ones, the late rows of each batch, are sorted at once (natively, by one
 * number a row) into a run, and the runs wait in a heap by their next row. A
 * row is passed on once it is `lateness` older than the latest instant seen (or
 * when more than `maxHeld` rows wait): the queue's and the runs' rows merged,
 * ties in arrival order (a queued row of an instant always arrived before a late
 * row of the same instant, and an earlier run's rows before a later one's). So
 * the rows come out in a stable sort by time; a row earlier than one already
 * passed on throws `TooLate`.
 */
export async function* reorder(batches: AsyncIterable<ShapedRows>, limits: OrderLimits): AsyncGenerator<ShapedRows> {
  let order: Reorder | undefined;
  // A batch's columns are filled again once the batch after it has been asked for too: the replay's reader still reads the last batch it was given (replay-files.ts, Watched).
  let given: ShapedRows | undefined;
  const ids = new GivenIds();
  const handOut = function* (rows: ShapedRows[]): Generator<ShapedRows> {
    for (const batch of rows) {
      yield batch;
      ids.passed(batch, order!);
      if (given !== undefined) order!.handBack(given);
      given = batch;
    }
  };
  for await (const batch of batches) {
    order ??= new Reorder(batch.source, limits);
    order.take(batch);
    yield* handOut(order.out());
  }
  if (order) yield* handOut(order.out(true));
}

/**
 * The id columns of batches given to the replay, until it reads them no more.
 * The replay holds the rows of an instant until a row of a later one comes
 * (engine/rows.ts, HeldRows), by their batch's id column, and an instant's rows
 * may span batches: a batch's ids are handed back once the replay is done with
 * a batch whose last row is later than the batch's last row.
 */
class GivenIds {
  private readonly waiting: { ids: EventIdColumn; last: Instant }[] = [];

  /** The replay has asked for the batch after `batch`. */
  passed(batch: ShapedRows, order: Reorder): void {
    const last = batch.base + batch.at[batch.count - 1]!;
    const waiting = this.waiting;
    while (waiting.length > 0 && waiting[0]!.last < last) order.handBackIds(waiting.shift()!.ids);
    if (batch.ids !== undefined) waiting.push({ ids: batch.ids, last });
  }
}

/** A batch's late rows in time order, read from `next`. */
interface Run {
  rows: RowColumns;
  next: number;
  readonly count: number;
  /** Runs in the order their batches came: ties go to the earlier. */
  readonly number: number;
}

const CHUNK = 8192;
/**
 * Slots a run is first made with. A run lives until its rows are the lateness
 * older than the latest (a day by default), and a late log's batch has a few
 * late rows: runs of a chunk's 8,192 slots (256 KB) were 68 live at a time at
 * 50M rows a quarter, 17 MB of columns for about 600 rows. A spare run too small
 * for a batch's late rows grows (doubling), so a log with many keeps large ones.
 */
const MIN_RUN = 64;

/**
 * Rows handed out as soon as they are passed on, in batches however short,
 * where no row is held for lateness (0: rows must come in order, as after an
 * ids' first pass that found them so): the scanner sends its first rows a small
 * read at a time while the replay waits (scan-worker.ts), and a full batch's
 * 8,192 rows kept the replay waiting for the cold scanner. With a lateness, the
 * first rows go on a day's rows at once, and in full batches.
 */
const EARLY_ROWS = 4 * 8192;

class Reorder {
  /** The queue: chunks of rows in arrival (and time) order, read from `head` of the first. */
  private readonly chunks: RowColumns[] = [];
  private head = 0;
  private tail = CHUNK;
  /**
   * Emptied queue chunks and runs are kept and filled again (`spare`, `spareRuns`):
   * held rows live about a day of the log, long enough to reach the old
   * generation, where columns let go would wait for a whole collection (in a log
   * shuffled within each day, a day's runs end together at each day's turn). The
   * rows held are bounded (`maxHeld`), and so are the spares.
   */
  private readonly spare: RowColumns[] = [];
  /** The late rows of the batch being taken, and the runs of earlier batches' late rows in a heap. */
  private readonly pending = new RowColumns(1024);
  private pendingCount = 0;
  private readonly runs: Run[] = [];
  private readonly spareRuns: RowColumns[] = [];
  private readonly scratch = new OrderScratch();
  private runsMade = 0;
  private held = 0;
  /** Rows in the batches out so far. */
  private handedOut = 0;
  private latest = -Infinity;
  private released = -Infinity;
  private readonly writer: BatchWriter;

  constructor(
    private readonly source: RowSource,
    private readonly limits: OrderLimits,
  ) {
    this.writer = new BatchWriter(source);
  }

  /**
   * Take a batch's rows: each stretch of rows at or after the latest before
   * them (all of a batch of a log in time order) queued a column at a time,
   * each row earlier than that held for its batch's run.
   */
  take(batch: ShapedRows): void {
    if (batch.source !== this.source) throw new Error("rows of one source are reordered together");
    const { base, at, count } = batch;
    let other = 0;
    for (let i = 0; i < count; ) {
      let end = i;
      let latest = this.latest;
      for (; end < count && base + at[end]! >= latest; end++) latest = base + at[end]!;
      if (end > i) {
        other = this.enqueue(batch, i, end, other);
        this.latest = latest;
        i = end;
        continue;
      }
      // A late row, held for its batch's run: unless it is earlier than a row already passed on.
      if (base + at[i]! < this.released) throw new TooLate(base + at[i]!, batch.firstLine + batch.line[i]!, this.source.origin(batch.firstLine + batch.line[i]!), this.latest - base - at[i]!);
      this.hold(batch, i, batch.quantity[i]! < 0 ? batch.otherQuantities[other++] : undefined);
      i++;
    }
    this.seal();
    this.release(this.latest - this.limits.lateness);
    while (this.held > this.limits.maxHeld) this.pass();
  }

  /** Queue rows `start` to `end` of a batch, in order from the latest on, a column at a time; returns the batch's next quantity without a number after them. */
  private enqueue(batch: ShapedRows, start: number, end: number, other: number): number {
    const range = this.range;
    range.start = start;
    range.other = other;
    while (range.start < end) {
      if (this.tail === CHUNK) {
        this.chunks.push(this.spare.pop() ?? new RowColumns(CHUNK));
        this.tail = 0;
      }
      range.end = Math.min(end, range.start + CHUNK - this.tail);
      range.other = this.chunks.at(-1)!.setRange(this.tail, batch, range);
      this.tail += range.end - range.start;
      range.start = range.end;
    }
    this.held += end - start;
    return range.other;
  }

  /**
   * The rows enqueue() copies into a chunk, one object reused: made afresh (a spread a run of rows), its
   * hidden class changed as its fields took numbers of other kinds, and RowColumns.setRange was
   * deoptimized at each change, some thirty times on the 2M-row ids log (docs/performance.md, ahead16).
   */
  private readonly range = { start: 0, end: 0, other: 0 };

  handBack(batch: ShapedRows): void {
    this.writer.handBack(batch);
  }

  handBackIds(ids: EventIdColumn): void {
    this.writer.handBackIds(ids);
  }

  /** The batches of the rows passed on; the first EARLY_ROWS rows' as soon as they are, a batch short or not. */
  out(last = false): ShapedRows[] {
    if (last) this.release(Infinity);
    const batches = this.writer.take(last || (this.limits.lateness === 0 && this.handedOut < EARLY_ROWS));
    for (const batch of batches) this.handedOut += batch.count;
    return batches;
  }

  private hold(batch: ShapedRows, i: number, quantity: ShapedRows["otherQuantities"][number] | undefined): void {
    this.pending.reserve(this.pendingCount + 1);
    this.pending.set(this.pendingCount++, batch, i, quantity);
    this.held++;
  }

  /** The batch's late rows as a run of their own, sorted. */
  private seal(): void {
    const n = this.pendingCount;
    if (n === 0) return;
    const rows = this.spareRuns.pop() ?? new RowColumns(Math.max(n, MIN_RUN));
    rows.reserve(n);
    const order = timeOrder(this.pending, n, this.scratch);
    for (let k = 0; k < n; k++) rows.copy(k, this.pending, order[k]!);
    for (let k = 0; k < n; k++) this.pending.clear(k);
    this.pendingCount = 0;
    const run: Run = { rows, next: 0, count: n, number: this.runsMade++ };
    const heap = this.runs;
    let index = heap.length;
    heap.push(run);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(run, heap[parent]!)) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = run;
  }

  /** Pass on every row at or before `limit`: the queue's rows before the runs' next a column at a time, the rest one by one. */
  private release(limit: number): void {
    while (this.held > 0) {
      const run = this.runs[0];
      const runAt = run === undefined ? Infinity : run.rows.at[run.next]!;
      // A queued row goes before a late row of its instant.
      if (this.queuedAt() <= Math.min(limit, runAt)) this.passQueued(Math.min(limit, runAt));
      else if (runAt <= limit) this.pass();
      else return;
    }
  }

  /** Pass on the queue's first chunk's rows at or before `limit` (at least one), at once. */
  private passQueued(limit: number): void {
    const chunk = this.chunks[0]!;
    const end = this.chunks.length === 1 ? this.tail : CHUNK;
    const at = chunk.at;
    let last = this.head + 1;
    while (last < end && at[last]! <= limit) last++;
    this.writer.addRange(chunk, this.head, last);
    chunk.clearRange(this.head, last);
    this.released = at[last - 1]!;
    this.held -= last - this.head;
    this.head = last;
    if (this.head === CHUNK || (this.chunks.length === 1 && this.head === this.tail)) this.dropHead();
  }

  private queuedAt(): number {
    const first = this.chunks[0];
    return first === undefined || (this.chunks.length === 1 && this.head === this.tail) ? Infinity : first.at[this.head]!;
  }

  /** Pass on the earliest row held, a queued one before a late one of the same instant. */
  private pass(): void {
    const queued = this.queuedAt();
    this.held--;
    const run = this.runs[0];
    if (run === undefined || queued <= run.rows.at[run.next]!) {
      const chunk = this.chunks[0]!;
      this.writer.add(chunk, this.head);
      chunk.clear(this.head);
      this.released = queued;
      if (++this.head === CHUNK || (this.chunks.length === 1 && this.head === this.tail)) this.dropHead();
      return;
    }
    this.writer.add(run.rows, run.next);
    this.released = run.rows.at[run.next]!;
    run.rows.clear(run.next);
    if (++run.next === run.count) {
      this.spareRuns.push(run.rows);
      const last = this.runs.pop()!;
      if (this.runs.length === 0) return;
      this.runs[0] = last;
    }
    this.siftDown();
  }

  private dropHead(): void {
    const chunk = this.chunks.shift()!;
    this.head = 0;
    if (this.chunks.length === 0) this.tail = CHUNK;
    this.spare.push(chunk);
  }

  /** Move the heap's top run down to its place. */
  private siftDown(): void {
    siftDown(this.runs, 0, before);
  }
}

/** Whether run `a`'s next row goes before run `b`'s: by instant, then by run. */
function before(a: Run, b: Run): boolean {
  const at = a.rows.at[a.next]!, bt = b.rows.at[b.next]!;
  return at < bt || (at === bt && a.number < b.number);
}
