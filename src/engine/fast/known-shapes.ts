import type { KnownPart, ShapeFacts } from "../full-path.js";

/** How rows of a shape may be priced without an event: not known yet, a unique item, a flow charge, a gauge's rise. */
export const UNKNOWN = 0;
export const UNIQUE_CHARGED = 1;
export const COVERED_FLOW = 2;
export const GAUGE_RISE = 3;

/**
 * What knownCost needs of each shape, four 32-bit integers a shape side by
 * side in one array: a row reads one place in memory where an object a shape,
 * among a hundred thousand, would cost a trip to memory for each field; sixteen
 * bytes a shape, not the thirty-two of four doubles, so that more of the table
 * stays in the caches between two rows of a shape (125,000 shapes in the
 * 2M-row log, most of them a unique item's, each a row in sixteen).
 */
export class KnownShapes {
  /**
   * By shape: its `how`, flags and run ordinal (packed: see HOW and RUN_SHIFT); a unique item's cycle serial
   * or a flow charge's line; a unique item's line; an amount (BIG where it is past 32 bits, and in `amounts`).
   */
  private table: Int32Array<ArrayBuffer> = new Int32Array(STRIDE * 1024);
  /** By shape: an amount past 32 bits; made at the first, as most cards have none (a megabyte for the 2M-row log's shapes). */
  private amounts: Float64Array<ArrayBuffer> | undefined;

  how(shape: number): number {
    const at = STRIDE * shape;
    return at < this.table.length ? this.table[at]! & HOW : UNKNOWN;
  }

  /**
   * Read the entries of the shapes of rows `from` to `to` (shapes no row has shown aside), so that they are in the
   * caches when those rows are priced: an entry among a hundred thousand shapes' is most often a trip to
   * memory, and the reads of a loop of their own go out together, where a row's wait one after another
   * (docs/performance.md, ahead16). What they read is returned, so that the reads are not left out.
   */
  touch(shapes: Int32Array, from: number, to: number): number {
    const table = this.table;
    let read = 0;
    for (let i = from; i < to; i++) {
      const shape = shapes[i]!;
      const at = STRIDE * shape;
      if (at < table.length) read |= table[at]!;
    }
    return read;
  }

  /** The ordinal of the shape's account run. */
  run(shape: number): number {
    return this.table[STRIDE * shape]! >> RUN_SHIFT;
  }

  /** For a unique item, the serial of the cycle whose set holds it (0 for none). */
  serial(shape: number): number {
    return this.table[STRIDE * shape + 1]!;
  }

  /** Whether only the shape's rows of whole events cost their count at its amount: the card rounds each event. */
  wholeOnly(shape: number): boolean {
    return (this.table[STRIDE * shape]! & WHOLE) !== 0;
  }

  /** For a flow charge, its line's number. */
  slot(shape: number): number {
    return this.table[STRIDE * shape + 1]!;
  }

  /** For a unique item, its number (FullPath.itemOf): read at its shape's first row in a cycle only, so held apart from the table. */
  item(shape: number): number {
    return this.items[shape]!;
  }

  /** The number of a unique item's shape's item. */
  setItem(shape: number, item: number): void {
    if (shape >= this.items.length) {
      const items = new Int32Array(this.table.length / STRIDE);
      items.set(this.items);
      this.items = items;
    }
    this.items[shape] = item;
  }

  private items: Int32Array<ArrayBuffer> = new Int32Array(0);

  /** For a unique item, the line its first row in a cycle charges (ShapeFacts.slot). */
  itemSlot(shape: number): number {
    return this.table[STRIDE * shape + 2]!;
  }

  /** For a flow charge, its unit price in units a millionth (Units); for a unique item, what its first row in a cycle costs (ShapeFacts.itemUnits). */
  amount(shape: number): number {
    const at = STRIDE * shape;
    return (this.table[at]! & BIG) === 0 ? this.table[at + 3]! : this.amounts![shape]!;
  }

  /** Nothing known of the shape: its next row goes the full way, or is foreseen again. */
  forget(shape: number): void {
    const at = STRIDE * shape;
    if (at < this.table.length) this.table[at] = UNKNOWN;
  }

  /** A unique item's shape whose item the cycle of this serial holds. */
  charged(shape: number, serial: number): void {
    if (serial > MOST) return this.forget(shape);
    this.table[STRIDE * shape + 1] = serial;
  }

  /**
   * A flow charge's components, undefined for a meter without: held apart, as few shapes have them, and looked
   * for there only where the shape's `how` says it has some. A row reads its shape's numbers anyway; the
   * lists apart are as long as the shapes (125,000 in the 2M-row log), and a read of each a row was a trip to
   * memory more for most rows.
   */
  parts(shape: number): readonly KnownPart[] | undefined {
    return (this.table[STRIDE * shape]! & HAS_PARTS) === 0 ? undefined : this.partsOf[shape];
  }

  private readonly partsOf: (readonly KnownPart[] | undefined)[] = [];

  /** The rooms of the checks that apply to a flow charge (ShapeFacts.rooms), undefined for none: held apart, as few shapes have them. */
  rooms(shape: number): readonly number[] | undefined {
    return (this.table[STRIDE * shape]! & HAS_ROOMS) === 0 ? undefined : this.roomsOf[shape];
  }

  private readonly roomsOf: (readonly number[] | undefined)[] = [];

  /** What the shape's rows may skip, as `facts` tell; false, nothing known, where a number of them does not fit the table. */
  set(shape: number, how: number, facts: ShapeFacts): boolean {
    const unique = how === UNIQUE_CHARGED;
    const word = unique ? facts.detail : facts.slot;
    if (facts.run > MOST_RUNS || word > MOST || word < -1) {
      this.forget(shape);
      return false;
    }
    const at = STRIDE * shape;
    if (at >= this.table.length) this.grow(at);
    const amount = unique ? facts.itemUnits : facts.detail;
    const big = amount > MOST || amount < -1;
    this.table[at] = how | (facts.parts === undefined ? 0 : HAS_PARTS) | (facts.rooms === undefined ? 0 : HAS_ROOMS) | (big ? BIG : 0) | (facts.whole ? WHOLE : 0) | (facts.run << RUN_SHIFT);
    this.table[at + 1] = word;
    this.table[at + 2] = unique ? facts.slot : -1;
    this.table[at + 3] = big ? 0 : amount;
    if (big) (this.amounts ??= new Float64Array(this.table.length / STRIDE))[shape] = amount;
    // Numbers come in order from 0 (a shape's parts are set at or past its first row): filled without a gap, the array stays a fast one.
    while (this.partsOf.length < shape) this.partsOf.push(undefined);
    this.partsOf[shape] = facts.parts;
    while (this.roomsOf.length < shape) this.roomsOf.push(undefined);
    this.roomsOf[shape] = facts.rooms;
    return true;
  }

  private grow(at: number): void {
    const table = new Int32Array(Math.max(at + STRIDE, this.table.length * 2));
    table.set(this.table);
    this.table = table;
    if (this.amounts === undefined) return;
    const amounts = new Float64Array(table.length / STRIDE);
    amounts.set(this.amounts);
    this.amounts = amounts;
  }
}

const STRIDE = 4;
/**
 * A shape's `how` in its first number's low bits; above them, whether it has parts and rooms held apart, its amount
 * is in `amounts` and only its rows of whole events are known (ShapeFacts.whole); above those, its run's ordinal.
 */
const HOW = 3;
const HAS_PARTS = 4;
const HAS_ROOMS = 8;
const BIG = 16;
const WHOLE = 32;
const RUN_SHIFT = 6;
/** The largest run ordinal above the flags in a 32-bit integer (2^(31 - RUN_SHIFT) - 1): a run past it is not known here, and its rows go the full way. */
const MOST_RUNS = 2 ** 25 - 1;
/** The largest number a place of the table holds. */
const MOST = 2 ** 31 - 1;
