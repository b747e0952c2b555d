import type { EventIdColumn } from "../engine/event-ids.js";
import type { OtherQuantity, RowSource, ShapedRows } from "../engine/rows.js";
import { idBuffer, idColumnIn } from "./id-buffers.js";

/**
 * Rows taken out of their batches, as the order stages (reorder.ts, row-sort.ts)
 * hold them: columns of numbers by slot, growing by doubling. A row keeps its
 * instant and line whole (not as offsets: rows from far apart in a file meet
 * here), its shape, account and quantity numbers, the quantity itself when it has no
 * number, and its event id's bytes, copied into the columns' own bytes: the
 * batch it came from is filled again once the stage has taken it (its columns
 * and its ids go back to the scanner), and the stage holds a row for as long as
 * a day of the log.
 *
 * Slots are filled in order from 0 (and from 0 again once emptied): a slot's id
 * ends where the next one's starts (`idEnd`, as a batch's id column), so an id
 * costs its bytes and 4 bytes a slot, and writing slot 0 starts the bytes over.
 */
export class RowColumns {
  at: Float64Array;
  line: Float64Array;
  shape: Int32Array;
  quantity: Int32Array;
  readonly other: (OtherQuantity | undefined)[] = [];
  /**
   * The slots' accounts, and where each slot's id ends in `ids` (it starts where
   * the slot before's ends, slot 0's at 0; an empty one is no id): each made
   * when a slot first gets an account other than 0, or an id. Until then every
   * slot is account 0's, without an id: most logs are one account's, and the
   * scanner sends only the ids the replay may need (sent-ids.ts), so the day of
   * rows the reorder stage holds (550,000 at 50M rows a quarter) costs 24 bytes a
   * row, not 32.
   */
  private accounts: Int32Array | undefined;
  private idEnd: Int32Array | undefined;
  private ids = new Uint8Array(0);

  constructor(capacity: number) {
    this.at = new Float64Array(capacity);
    this.line = new Float64Array(capacity);
    this.shape = new Int32Array(capacity);
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
    this.quantity = grown(this.quantity, new Int32Array(capacity));
    if (this.accounts !== undefined) this.accounts = grown(this.accounts, new Int32Array(capacity));
    if (this.idEnd !== undefined) this.idEnd = grown(this.idEnd, new Int32Array(capacity));
  }

  accountOf(slot: number): number {
    return this.accounts === undefined ? 0 : this.accounts[slot]!;
  }

  setAccount(slot: number, account: number): void {
    if (account !== 0 || this.accounts !== undefined) this.accountColumn()[slot] = account;
  }

  /** The first `n` slots' accounts, into `to`. */
  accountsInto(to: Int32Array, n: number): void {
    if (this.accounts === undefined) to.fill(0, 0, n);
    else to.set(this.accounts.subarray(0, n));
  }

  /** Where the slot's id ends in the columns' bytes (0 for slot -1). */
  idEndOf(slot: number): number {
    return slot < 0 || this.idEnd === undefined ? 0 : this.idEnd[slot]!;
  }

  /** Where the first `n` slots' ids end, when any has one. */
  idEndsOf(n: number): Int32Array {
    return this.idEndColumn().subarray(0, n);
  }

  /** Put row `i` of `batch` in `slot`; `other` is its quantity when it has no number. */
  set(slot: number, batch: ShapedRows, i: number, other: OtherQuantity | undefined): void {
    this.at[slot] = batch.base + batch.at[i]!;
    this.line[slot] = batch.firstLine + batch.line[i]!;
    this.shape[slot] = batch.shape[i]!;
    this.setAccount(slot, batch.account[i]!);
    this.quantity[slot] = batch.quantity[i]!;
    this.keep(slot, other);
    const ids = batch.ids;
    if (ids === undefined) this.putId(slot, EMPTY, 0, 0);
    else this.putId(slot, ids.bytes, i === 0 ? 0 : ids.ends[i - 1]!, ids.ends[i]!);
  }

  /** Copy the row in `from`'s slot `j` to this one's `slot`. */
  copy(slot: number, from: RowColumns, j: number): void {
    this.at[slot] = from.at[j]!;
    this.line[slot] = from.line[j]!;
    this.shape[slot] = from.shape[j]!;
    this.setAccount(slot, from.accountOf(j));
    this.quantity[slot] = from.quantity[j]!;
    this.keep(slot, from.other[j]);
    this.putId(slot, from.ids, from.idEndOf(j - 1), from.idEndOf(j));
  }

  /**
   * Put rows `start` to `end` of `batch` in the slots from `slot`, as `set` would one by one: a
   * column at a time (rows taken in order, most of a log, are copied so). `other` is the
   * batch's next quantity without a number; returns the one after the rows'.
   */
  setRange(slot: number, batch: ShapedRows, range: { start: number; end: number; other: number }): number {
    const { start, end } = range;
    const n = end - start;
    const { base, firstLine } = batch;
    const at = this.at, line = this.line, bat = batch.at, bline = batch.line;
    for (let k = 0; k < n; k++) {
      at[slot + k] = base + bat[start + k]!;
      line[slot + k] = firstLine + bline[start + k]!;
    }
    this.shape.set(batch.shape.subarray(start, end), slot);
    this.setAccounts(slot, batch.account.subarray(start, end));
    this.quantity.set(batch.quantity.subarray(start, end), slot);
    let other = range.other;
    if (batch.otherQuantities.length > other || this.other.length > slot) {
      for (let k = 0; k < n; k++) this.keep(slot + k, batch.quantity[start + k]! < 0 ? batch.otherQuantities[other++] : undefined);
    }
    const ids = batch.ids;
    this.putIds(slot, { bytes: ids?.bytes ?? EMPTY, ends: ids?.ends }, start, end);
    return other;
  }

  /** Copy the rows in `from`'s slots `start` to `end` to the slots from `slot`, as `copy` would one by one. */
  copyRange(slot: number, from: RowColumns, start: number, end: number): void {
    this.at.set(from.at.subarray(start, end), slot);
    this.line.set(from.line.subarray(start, end), slot);
    this.shape.set(from.shape.subarray(start, end), slot);
    if (from.accounts !== undefined) this.setAccounts(slot, from.accounts.subarray(start, end));
    else this.accounts?.fill(0, slot, slot + end - start);
    this.quantity.set(from.quantity.subarray(start, end), slot);
    if (from.other.length > start || this.other.length > slot) for (let k = 0; k < end - start; k++) this.keep(slot + k, from.other[start + k]);
    this.putIds(slot, { bytes: from.ids, ends: from.idEnd }, start, end);
  }

  /** Let go of the quantity objects of slots `start` to `end` (`clear`). */
  clearRange(start: number, end: number): void {
    for (let k = start; k < Math.min(end, this.other.length); k++) this.other[k] = undefined;
  }

  /** The slot's event id's bytes (empty without one): a view, valid until the slot is filled again. */
  idBytes(slot: number): Uint8Array {
    return this.ids.subarray(this.idEndOf(slot - 1), this.idEndOf(slot));
  }

  /** The ids of the first `n` slots, as one run of bytes (`idEnd` says where each ends). */
  idsOf(n: number): Uint8Array {
    return this.ids.subarray(0, this.idEndOf(n - 1));
  }

  /** Put in slot 0 an id read from elsewhere (a sorted run on disk): `bytes` from `from` to `to`. */
  firstId(bytes: Uint8Array, from: number, to: number): void {
    this.putId(0, bytes, from, to);
  }

  /** Let go of a slot's quantity object, so a held slot keeps none alive. */
  clear(slot: number): void {
    this.keep(slot, undefined);
  }

  /**
   * A slot's quantity. Most rows have none (a numbered quantity): the array is
   * not grown for them, so that a day of rows held in order costs its typed
   * columns only.
   */
  private keep(slot: number, other: OtherQuantity | undefined): void {
    if (other !== undefined || slot < this.other.length) this.other[slot] = other;
  }

  private accountColumn(): Int32Array {
    return (this.accounts ??= new Int32Array(this.capacity));
  }

  /** Put `accounts` in the slots from `slot`: the column is made only when one is not 0. */
  private setAccounts(slot: number, accounts: Int32Array): void {
    if (this.accounts === undefined) {
      let any = 0;
      for (let k = 0; k < accounts.length; k++) any |= accounts[k]!;
      if (any === 0) return;
    }
    this.accountColumn().set(accounts, slot);
  }

  /** The slots' id ends, made (every slot's id empty so far: every end 0) when the first id is put. */
  private idEndColumn(): Int32Array {
    return (this.idEnd ??= new Int32Array(this.capacity));
  }

  /** Copy the ids of rows `start` to `end` of a column (`ends` as a batch's; none, no ids) to the slots from `slot`, at once. */
  private putIds(slot: number, column: { bytes: Uint8Array; ends: Int32Array | undefined }, start: number, end: number): void {
    if (end === start) return;
    const { bytes, ends } = column;
    const first = this.idEndOf(slot - 1);
    const from = ends === undefined || start === 0 ? 0 : ends[start - 1]!;
    const size = ends === undefined ? 0 : ends[end - 1]! - from;
    if (size === 0) return void this.idEnd?.fill(first, slot, slot + end - start);
    this.room(first + size, first);
    this.ids.set(bytes.subarray(from, from + size), first);
    const idEnd = this.idEndColumn();
    for (let k = 0, shift = first - from; k < end - start; k++) idEnd[slot + k] = ends![start + k]! + shift;
  }

  /** Copy an id's bytes (`bytes` from `from` to `to`; none when empty) after the slot before's. */
  private putId(slot: number, bytes: Uint8Array, from: number, to: number): void {
    const start = this.idEndOf(slot - 1);
    if (to === from) {
      if (this.idEnd !== undefined) this.idEnd[slot] = start;
      return;
    }
    const end = start + to - from;
    this.room(end, start);
    // Byte by byte: ids are a few bytes, fewer than a view of each would cost.
    const ids = this.ids;
    for (let k = from, p = start; k < to; k++) ids[p++] = bytes[k]!;
    this.idEndColumn()[slot] = end;
  }

  /** Id bytes for `size` in all, the first `kept` kept. */
  private room(size: number, kept: number): void {
    if (size <= this.ids.length) return;
    const more = new Uint8Array(Math.max(size, 2 * this.ids.length, 1024));
    more.set(this.ids.subarray(0, kept));
    this.ids = more;
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
  /** Id buffers of batches handed back (`handBackIds`), likewise. */
  private readonly spareIds: ArrayBuffer[] = [];

  constructor(private readonly source: RowSource) {}

  /** A batch the replay is done with: its columns are filled again. */
  handBack(batch: ShapedRows): void {
    this.spare.push(batch.line.buffer as ArrayBuffer);
  }

  /** A batch's ids the replay is done with (it may read them longer than the batch's other columns: reorder.ts). */
  handBackIds(ids: EventIdColumn): void {
    if (this.spareIds.length < MAX_SPARE_IDS) this.spareIds.push(idBuffer(ids));
  }

  /** Add `from`'s slot: rows in time order, or not (a batch's rows are then within MAX_OFFSET of its first either way). */
  add(from: RowColumns, slot: number): void {
    if (this.count === BATCH || (this.count > 0 && Math.abs(from.at[slot]! - this.rows.at[0]!) > MAX_OFFSET)) this.end();
    this.rows.copy(this.count++, from, slot);
  }

  /** Add `from`'s slots `start` to `end` (in time order), a column at a time. */
  addRange(from: RowColumns, start: number, end: number): void {
    const at = from.at;
    while (start < end) {
      if (this.count === BATCH || (this.count > 0 && at[start]! - this.rows.at[0]! > MAX_OFFSET)) this.end();
      const first = this.count === 0 ? at[start]! : this.rows.at[0]!;
      let last = Math.min(end, start + BATCH - this.count);
      // The rows are in time order: only the last can be too far on from the batch's first, and then the rows up to the first that is.
      if (at[last - 1]! - first > MAX_OFFSET) {
        let ok = start;
        while (at[ok]! - first <= MAX_OFFSET) ok++;
        last = ok;
      }
      this.rows.copyRange(this.count, from, start, last);
      this.count += last - start;
      start = last;
    }
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
    rows.accountsInto(account, n);
    quantity.set(rows.quantity.subarray(0, n));
    for (let i = 0; i < n; i++) at[i] = rows.at[i]! - base;
    const otherQuantities: OtherQuantity[] = [];
    for (let i = 0; i < n; i++) if (rows.quantity[i]! < 0) otherQuantities.push(rows.other[i]!);
    this.done.push({
      source: this.source,
      count: n,
      base,
      at,
      shape,
      account,
      quantity,
      firstLine: 0,
      line,
      ids: rows.idEndOf(n - 1) > 0 ? this.idColumn(n) : undefined,
      otherQuantities,
    });
    for (let i = 0; i < n; i++) rows.clear(i);
    this.count = 0;
  }

  /** The first `n` rows' ids as one batch's column. */
  private idColumn(n: number): EventIdColumn {
    const bytes = this.rows.idsOf(n);
    const column = idColumnIn(this.spareIds, n, bytes.length);
    column.ends.set(this.rows.idEndsOf(n));
    column.bytes.set(bytes);
    return column;
  }
}

/** Id buffers kept for batches to come: two or three are out at a time, more only while an instant spans batches. */
const MAX_SPARE_IDS = 8;
