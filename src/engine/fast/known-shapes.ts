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
    return at < this.table.length ? this.table[at]! & HOW : UNKNOWN;
  }

  /** The ordinal of the shape's account run. */
  run(shape: number): number {
    return this.table[STRIDE * shape + 1]!;
  }

  /** For a unique item, the serial of the cycle whose set holds it (0 for none); for a flow charge, its unit price in units a millionth (Units). */
  detail(shape: number): number {
    return this.table[STRIDE * shape + 2]!;
  }

  /** For a flow charge, its line's number; for a unique item, the line its first row in a cycle charges (ShapeFacts.slot). */
  slot(shape: number): number {
    return this.table[STRIDE * shape + 3]!;
  }

  /**
   * For a unique item, what its first row in a cycle costs (ShapeFacts.itemUnits): held apart, read at such
   * rows only, a shape's first of each cycle.
   */
  itemUnits(shape: number): number {
    return this.units[shape]!;
  }

  private units: Float64Array<ArrayBuffer> = new Float64Array(1024);

  /** Nothing known of the shape: its next row goes the full way, or is foreseen again. */
  forget(shape: number): void {
    const at = STRIDE * shape;
    if (at < this.table.length) this.table[at] = UNKNOWN;
  }

  /** A unique item's shape whose item the cycle of this serial holds. */
  charged(shape: number, serial: number): void {
    this.table[STRIDE * shape + 2] = serial;
  }

  /**
   * A flow charge's components, undefined for a meter without: held apart, as few shapes have them, and looked
   * for there only where the shape's `how` says it has some. A row reads its shape's four numbers anyway; the
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

  set(shape: number, how: number, facts: ShapeFacts): void {
    const at = STRIDE * shape;
    if (at >= this.table.length) {
      const grown = new Float64Array(Math.max(at + STRIDE, this.table.length * 2));
      grown.set(this.table);
      this.table = grown;
      const units = new Float64Array(grown.length / STRIDE);
      units.set(this.units);
      this.units = units;
    }
    this.table[at] = how | (facts.parts === undefined ? 0 : HAS_PARTS) | (facts.rooms === undefined ? 0 : HAS_ROOMS);
    this.table[at + 1] = facts.run;
    this.table[at + 2] = facts.detail;
    this.table[at + 3] = facts.slot;
    this.units[shape] = facts.itemUnits;
    // Numbers come in order from 0 (a shape's parts are set at or past its first row): filled without a gap, the array stays a fast one.
    while (this.partsOf.length < shape) this.partsOf.push(undefined);
    this.partsOf[shape] = facts.parts;
    while (this.roomsOf.length < shape) this.roomsOf.push(undefined);
    this.roomsOf[shape] = facts.rooms;
  }
}

const STRIDE = 4;
/** A shape's `how` in its first number's low bits; above them, whether it has parts and rooms held apart. */
const HOW = 3;
const HAS_PARTS = 4;
const HAS_ROOMS = 8;
