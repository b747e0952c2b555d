import type { KnownPart, ShapeFacts } from "../full-path.js";

/** How rows of a shape may be priced without an event: not known yet, a unique item, a flow charge. */
export const UNKNOWN = 0;
export const UNIQUE_CHARGED = 1;
export const COVERED_FLOW = 2;

/**
 * What knownCost needs of each shape, four numbers a shape side by side in one
 * array: a row reads one place in memory where an object a shape, among a
 * hundred thousand, would cost a trip to memory for each field.
 */
export class KnownShapes {
  private table: Float64Array<ArrayBuffer> = new Float64Array(STRIDE * 1024);

  how(shape: number): number {
    const at = STRIDE * shape;
    return at < this.table.length ? this.table[at]! : UNKNOWN;
  }

  /** The ordinal of the shape's account run. */
  run(shape: number): number {
    return this.table[STRIDE * shape + 1]!;
  }

  /** For a unique item, the serial of the cycle whose set holds it (0 for none); for a flow charge, its unit price in units a millionth (Units). */
  detail(shape: number): number {
    return this.table[STRIDE * shape + 2]!;
  }

  /** For a flow charge, its line's number. */
  slot(shape: number): number {
    return this.table[STRIDE * shape + 3]!;
  }

  /** Nothing known of the shape: its next row goes the full way, or is foreseen again. */
  forget(shape: number): void {
    const at = STRIDE * shape;
    if (at < this.table.length) this.table[at] = UNKNOWN;
  }

  /** A unique item's shape whose item the cycle of this serial holds. */
  charged(shape: number, serial: number): void {
    this.table[STRIDE * shape + 2] = serial;
  }

  /** A flow charge's components, undefined for a meter without: held apart, as few shapes have them. */
  parts(shape: number): readonly KnownPart[] | undefined {
    return this.partsOf[shape];
  }

  private readonly partsOf: (readonly KnownPart[] | undefined)[] = [];

  /** The rooms of the checks that apply to a flow charge (ShapeFacts.rooms), undefined for none: held apart, as few shapes have them. */
  rooms(shape: number): readonly number[] | undefined {
    return this.roomsOf[shape];
  }

  private readonly roomsOf: (readonly number[] | undefined)[] = [];

  set(shape: number, how: number, facts: ShapeFacts): void {
    const at = STRIDE * shape;
    if (at >= this.table.length) {
      const grown = new Float64Array(Math.max(at + STRIDE, this.table.length * 2));
      grown.set(this.table);
      this.table = grown;
    }
    this.table[at] = how;
    this.table[at + 1] = facts.run;
    this.table[at + 2] = facts.detail;
    this.table[at + 3] = facts.slot;
    // Numbers come in order from 0 (a shape's parts are set at or past its first row): filled without a gap, the array stays a fast one.
    while (this.partsOf.length < shape) this.partsOf.push(undefined);
    this.partsOf[shape] = facts.parts;
    while (this.roomsOf.length < shape) this.roomsOf.push(undefined);
    this.roomsOf[shape] = facts.rooms;
  }
}

const STRIDE = 4;
