import type { EventIdColumn } from "../engine/event-ids.js";
import type { RowSource, ShapedRows } from "../engine/rows.js";
import type { Decimal } from "../money.js";

/**
 * Rows taken out of their batches, as the order stages (reorder.ts, row-sort.ts)
 * hold them: columns of numbers by slot, growing by doubling. A row keeps its
 * instant and line whole (not as offsets: rows from far apart in a file meet
 * here), its shape, account and quantity numbers, the quantity itself when it has no
 * number, and its event id's bytes (a copy: a batch's bytes are let go with it).
 */
export class RowColumns {
  at: Float64Array;
  line: Float64Array;
  shape: Int32Array;
  account: Int32Array;
  quantity: Int32Array;
  readonly other: (Decimal | undefined)[] = [];
  readonly eventId: (Uint8Array | undefined)[] = [];

  constructor(capacity: number) {
    this.at = new Float64Array(capacity);
    this.line = new Float64Array(capacity);
    this.shape = new Int32Array(capacity);
    this.account = new Int32Array(capacity);
    this.quantity = new Int32Array(capacity);
  }

  get capacity(): number {
    return this.at.length;
  }

  /** Room for slots up to `size`. */
  reserve(size: number): void {
    if (size <= this.at.length) return;
    const capacity = Math.max(size, this.at.length * 2);
    this.at = grown(this.at, new Float64Array(capacity));
    this.line = grown(this.line, new Float64Array(capacity));
    this.shape = grown(this.shape, new Int32Array(capacity));
    this.account = grown(this.account, new Int32Array(capacity));
    this.quantity = grown(this.quantity, new Int32Array(capacity));
  }

  /** Put row `i` of `batch` in `slot`; `other` is its quantity when it has no number. */
  set(slot: number, batch: ShapedRows, i: number, other: Decimal | undefined): void {
    this.at[slot] = batch.base + batch.at[i]!;
    this.line[slot] = batch.firstLine + batch.line[i]!;
    this.shape[slot] = batch.shape[i]!;
    this.account[slot] = batch.account[i]!;
    this.quantity[slot] = batch.quantity[i]!;
    this.other[slot] = other;
    this.eventId[slot] = idBytes(batch.ids, i);
  }

  /** Copy the row in `from`'s slot `j` to this one's `slot`. */
  copy(slot: number, from: RowColumns, j: number): void {
    this.at[slot] = from.at[j]!;
    this.line[slot] = from.line[j]!;
    this.shape[slot] = from.shape[j]!;
    this.account[slot] = from.account[j]!;
    this.quantity[slot] = from.quantity[j]!;
    this.other[slot] = from.other[j];
    this.eventId[slot] = from.eventId[j];
  }

  /** Let go of a slot's objects, so a held slot keeps no quantity or id alive. */
  clear(slot: number): void {
    this.other[slot] = undefined;
    this.eventId[slot] = undefined;
  }
}

/** Bits of a sort key that hold a row's slot. */
const SLOT_BITS = 2 ** 20;

/**
 * The slots from 0 to `count` in time order, ties by slot. Usually through one number a row
 * (offset from the run's first instant, times 2^20, plus the slot: exact while
 * under 2^53, about 272 years of milliseconds) sorted natively; a comparator otherwise.
 */
export function timeOrder(run: RowColumns, count: number): Uint32Array {
  const at = run.at;
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < count; i++) {
    min = Math.min(min, at[i]!);
    max = Math.max(max, at[i]!);
  }
  const slots = new Uint32Array(count);
  if (count <= SLOT_BITS && (max - min + 1) * SLOT_BITS <= Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(count);
    for (let i = 0; i < count; i++) keys[i] = (at[i]! - min) * SLOT_BITS + i;
    keys.sort();
    for (let i = 0; i < count; i++) slots[i] = keys[i]! % SLOT_BITS;
    return slots;
  }
  for (let i = 0; i < count; i++) slots[i] = i;
  return slots.sort((a, b) => at[a]! - at[b]! || a - b);
}

function grown<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Rows in a batch: as the scanner sends them. */
const BATCH = 8192;
/** A batch's instants are offsets from its first one in an Int32Array. */
const MAX_OFFSET = 2 ** 31 - 1;

/** Rows given in time order, made into batches of one source for the engine. */
export class BatchWriter {
  private readonly rows = new RowColumns(BATCH);
  private count = 0;
  private readonly done: ShapedRows[] = [];

  constructor(private readonly source: RowSource) {}

  add(from: RowColumns, slot: number): void {
    if (this.count === BATCH || (this.count > 0 && from.at[slot]! - this.rows.at[0]! > MAX_OFFSET)) this.end();
    this.rows.copy(this.count++, from, slot);
  }

  /** The batches completed since the last call, and with `last` the rest too. */
  take(last = false): ShapedRows[] {
    if (last) this.end();
    return this.done.splice(0);
  }

  private end(): void {
    const n = this.count;
    if (n === 0) return;
    const rows = this.rows;
    const base = rows.at[0]!;
    const at = new Int32Array(n);
    for (let i = 0; i < n; i++) at[i] = rows.at[i]! - base;
    const otherQuantities: Decimal[] = [];
    let idBytes = 0;
    let ids = false;
    for (let i = 0; i < n; i++) {
      if (rows.quantity[i]! < 0) otherQuantities.push(rows.other[i]!);
      if (rows.eventId[i] !== undefined) {
        ids = true;
        idBytes += rows.eventId[i]!.length;
      }
    }
    this.done.push({
      source: this.source,
      count: n,
      base,
      at,
      shape: rows.shape.slice(0, n),
      account: rows.account.slice(0, n),
      quantity: rows.quantity.slice(0, n),
      otherQuantities,
      firstLine: 0,
      line: rows.line.slice(0, n),
      ids: ids ? idColumn(rows.eventId, n, idBytes) : undefined,
    });
    for (let i = 0; i < n; i++) rows.clear(i);
    this.count = 0;
  }
}

/** Row `i`'s id bytes, copied; undefined when it has none. */
function idBytes(ids: EventIdColumn | undefined, i: number): Uint8Array | undefined {
  if (ids === undefined) return undefined;
  const from = i === 0 ? 0 : ids.ends[i - 1]!;
  return ids.ends[i]! === from ? undefined : ids.bytes.slice(from, ids.ends[i]!);
}

/** The first `n` rows' ids as one batch's column. */
function idColumn(ids: readonly (Uint8Array | undefined)[], n: number, size: number): EventIdColumn {
  const bytes = new Uint8Array(size);
  const ends = new Int32Array(n);
  let end = 0;
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    if (id !== undefined) {
      bytes.set(id, end);
      end += id.length;
    }
    ends[i] = end;
  }
  return { bytes, ends };
}
