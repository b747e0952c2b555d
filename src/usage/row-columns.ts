import type { EventIdColumn } from "../engine/event-ids.js";
import type { RowSource, ShapedRows } from "../engine/rows.js";
import type { Decimal } from "../money.js";

/**
 * Rows taken out of their batches, as the order stages (reorder.ts, row-sort.ts)
 * hold them: columns of numbers by slot, growing by doubling. A row keeps its
 * instant and line whole (not as offsets: rows from far apart in a file meet
 * here), its shape, account and quantity numbers, the quantity itself when it has no
 * number, and where its event id's bytes are: the batch's id column and the
 * row's index in it (no copy and no object a row: a day of rows waits here; a
 * batch's id bytes are let go with its last row held).
 */
export class RowColumns {
  at: Float64Array;
  line: Float64Array;
  shape: Int32Array;
  account: Int32Array;
  quantity: Int32Array;
  readonly other: (Decimal | undefined)[] = [];
  /** The id column holding the slot's event id; undefined for a row without one. */
  readonly idColumn: (EventIdColumn | undefined)[] = [];
  /** The slot's row in its id column. */
  idRow: Int32Array;

  constructor(capacity: number) {
    this.at = new Float64Array(capacity);
    this.line = new Float64Array(capacity);
    this.shape = new Int32Array(capacity);
    this.account = new Int32Array(capacity);
    this.quantity = new Int32Array(capacity);
    this.idRow = new Int32Array(capacity);
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
    this.idRow = grown(this.idRow, new Int32Array(capacity));
  }

  /** Put row `i` of `batch` in `slot`; `other` is its quantity when it has no number. */
  set(slot: number, batch: ShapedRows, i: number, other: Decimal | undefined): void {
    this.at[slot] = batch.base + batch.at[i]!;
    this.line[slot] = batch.firstLine + batch.line[i]!;
    this.shape[slot] = batch.shape[i]!;
    this.account[slot] = batch.account[i]!;
    this.quantity[slot] = batch.quantity[i]!;
    const ids = batch.ids;
    this.keep(slot, other, ids !== undefined && ids.ends[i]! > (i === 0 ? 0 : ids.ends[i - 1]!) ? ids : undefined);
    this.idRow[slot] = i;
  }

  /** Copy the row in `from`'s slot `j` to this one's `slot`. */
  copy(slot: number, from: RowColumns, j: number): void {
    this.at[slot] = from.at[j]!;
    this.line[slot] = from.line[j]!;
    this.shape[slot] = from.shape[j]!;
    this.account[slot] = from.account[j]!;
    this.quantity[slot] = from.quantity[j]!;
    this.keep(slot, from.other[j], from.idColumn[j]);
    this.idRow[slot] = from.idRow[j]!;
  }

  /** The slot's event id's bytes (empty without one): a view, valid while the slot holds the row. */
  idBytes(slot: number): Uint8Array {
    const ids = this.idColumn[slot];
    if (ids === undefined) return EMPTY;
    const i = this.idRow[slot]!;
    return ids.bytes.subarray(i === 0 ? 0 : ids.ends[i - 1]!, ids.ends[i]!);
  }

  /** Let go of a slot's objects, so a held slot keeps no quantity or id alive. */
  clear(slot: number): void {
    this.keep(slot, undefined, undefined);
  }

  /**
   * A slot's quantity and id column. Most rows have neither (a numbered
   * quantity, no id column): the arrays are not grown for them, so that a
   * day of rows held in order costs its typed columns only.
   */
  private keep(slot: number, other: Decimal | undefined, idColumn: EventIdColumn | undefined): void {
    if (other !== undefined || slot < this.other.length) this.other[slot] = other;
    if (idColumn !== undefined || slot < this.idColumn.length) this.idColumn[slot] = idColumn;
  }
}

const EMPTY = new Uint8Array(0);

/** Bits of a sort key that hold a row's slot. */
const SLOT_BITS = 2 ** 20;

/**
 * The slots from 0 to `count` in time order, ties by slot. Usually through one number a row
 * (offset from the run's first instant, times 2^20, plus the slot: exact while
 * under 2^53, about 272 years of milliseconds) sorted natively; a comparator otherwise.
 */
export function timeOrder(run: RowColumns, count: number, scratch?: OrderScratch): Uint32Array {
  const at = run.at;
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < count; i++) {
    min = Math.min(min, at[i]!);
    max = Math.max(max, at[i]!);
  }
  const slots = scratch === undefined ? new Uint32Array(count) : scratch.slots(count);
  if (count <= SLOT_BITS && (max - min + 1) * SLOT_BITS <= Number.MAX_SAFE_INTEGER) {
    const keys = scratch === undefined ? new Float64Array(count) : scratch.keys(count);
    for (let i = 0; i < count; i++) keys[i] = (at[i]! - min) * SLOT_BITS + i;
    keys.sort();
    for (let i = 0; i < count; i++) slots[i] = keys[i]! % SLOT_BITS;
    return slots;
  }
  for (let i = 0; i < count; i++) slots[i] = i;
  return slots.sort((a, b) => at[a]! - at[b]! || a - b);
}

/** Columns `timeOrder` fills, kept by a caller that orders batch after batch (the reorder stage): no new arrays each time. */
export class OrderScratch {
  private slotColumn = new Uint32Array(0);
  private keyColumn = new Float64Array(0);

  slots(count: number): Uint32Array {
    if (this.slotColumn.length < count) this.slotColumn = new Uint32Array(Math.max(count, this.slotColumn.length * 2));
    return this.slotColumn.subarray(0, count);
  }

  keys(count: number): Float64Array {
    if (this.keyColumn.length < count) this.keyColumn = new Float64Array(Math.max(count, this.keyColumn.length * 2));
    return this.keyColumn.subarray(0, count);
  }
}

function grown<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Rows in a batch: as the scanner sends them. */
const BATCH = 8192;
const BATCH_BYTES = 24 * BATCH;
/** A batch's instants are offsets from its first one in an Int32Array. */
const MAX_OFFSET = 2 ** 31 - 1;

/** Rows given in time order, made into batches of one source for the engine. */
export class BatchWriter {
  private readonly rows = new RowColumns(BATCH);
  private count = 0;
  private readonly done: ShapedRows[] = [];
  /** Column buffers of batches handed back (`handBack`), filled again before a new one is made. */
  private readonly spare: ArrayBuffer[] = [];

  constructor(private readonly source: RowSource) {}

  /** A batch the replay is done with: its columns are filled again. */
  handBack(batch: ShapedRows): void {
    this.spare.push(batch.line.buffer as ArrayBuffer);
  }

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
    // One buffer a batch: line (8 bytes a row, first for its alignment), then at, shape, account and quantity (4 each).
    const buffer = this.spare.pop() ?? new ArrayBuffer(BATCH_BYTES);
    const line = new Float64Array(buffer, 0, n);
    const at = new Int32Array(buffer, 8 * BATCH, n);
    const shape = new Int32Array(buffer, 12 * BATCH, n);
    const account = new Int32Array(buffer, 16 * BATCH, n);
    const quantity = new Int32Array(buffer, 20 * BATCH, n);
    line.set(rows.line.subarray(0, n));
    shape.set(rows.shape.subarray(0, n));
    account.set(rows.account.subarray(0, n));
    quantity.set(rows.quantity.subarray(0, n));
    for (let i = 0; i < n; i++) at[i] = rows.at[i]! - base;
    const otherQuantities: Decimal[] = [];
    let ids = false;
    for (let i = 0; i < n; i++) {
      if (rows.quantity[i]! < 0) otherQuantities.push(rows.other[i]!);
      if (rows.idColumn[i] !== undefined) ids = true;
    }
    this.done.push({
      source: this.source,
      count: n,
      base,
      at,
      shape,
      account,
      quantity,
      otherQuantities,
      firstLine: 0,
      line,
      ids: ids ? idColumn(rows, n) : undefined,
    });
    for (let i = 0; i < n; i++) rows.clear(i);
    this.count = 0;
  }
}

/** The first `n` rows' ids as one batch's column, copied from their batches' columns. */
function idColumn(rows: RowColumns, n: number): EventIdColumn {
  const ends = new Int32Array(n);
  let end = 0;
  for (let i = 0; i < n; i++) {
    const ids = rows.idColumn[i];
    if (ids !== undefined) {
      const row = rows.idRow[i]!;
      end += ids.ends[row]! - (row === 0 ? 0 : ids.ends[row - 1]!);
    }
    ends[i] = end;
  }
  const bytes = new Uint8Array(end);
  // Byte by byte: ids are a few bytes, fewer than a view of each would cost.
  for (let i = 0, to = 0; i < n; i++) {
    const ids = rows.idColumn[i];
    if (ids === undefined) continue;
    const row = rows.idRow[i]!;
    for (let k = row === 0 ? 0 : ids.ends[row - 1]!, last = ids.ends[row]!; k < last; k++) bytes[to++] = ids.bytes[k]!;
  }
  return { bytes, ends };
}
