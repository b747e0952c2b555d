import type { Meter } from "../ratecard/types.js";
import type { Dimensions } from "./replay-state.js";
import type { RowSource, ShapeCells } from "./rows.js";

/** A part of a key prefixed with its length: no part can run into the next, whatever it holds. */
export function lengthPrefixed(part: string): string {
  return `${part.length}:${part}`;
}

/**
 * The parts joined, and the array emptied for the next key. Joined, a key is
 * one flat string: built with `+` it would be a tree of its pieces, which a map
 * flattens into a copy and keeps both (about 15 MB more of peak RSS on the
 * 2M-row log, a key a line a cycle).
 */
export function flatKey(parts: string[]): string {
  const key = parts.join("");
  parts.length = 0;
  return key;
}

/**
 * A unique meter's items of one row source, by its cells of the key's dimensions: an open-addressed table by
 * the last key value's cell (the first item holding it; most keys end in a value of their own, an end user),
 * the others' cells kept to tell items of one last value apart.
 */
export class CellItems {
  /** By the last key cell plus one (an absent column's is -1), the first local item of it plus one; 0 for none. */
  private index = new Int32Array(1024);
  /** By local item, side by side (`size` numbers): its number, the next local item of the same last cell plus one, its shape (to find its values), its cells of the key's other dimensions. */
  private held = new Int32Array(1024);
  private length = 0;
  private readonly size: number;

  private constructor(
    private readonly meter: Meter & { aggregation: "unique" },
    private readonly columns: readonly number[],
  ) {
    this.size = 2 + columns.length;
  }

  /** The table of the meter's items, where every key dimension's cells stand for its values. */
  static of(meter: Meter & { aggregation: "unique" }, cells: ShapeCells): CellItems | undefined {
    const columns: number[] = [];
    for (const d of meter.keyBy) {
      const column = cells.column(d);
      if (column === undefined) return undefined;
      columns.push(column);
    }
    return new CellItems(meter, columns);
  }

  /** The number of the item of the shape, -1 where none is yet. */
  find(cells: ShapeCells, shape: number): number {
    const { columns, held, size } = this;
    const length = columns.length - 1;
    const at = this.lastCell(cells, shape);
    let n = at < this.index.length ? this.index[at]! : 0;
    while (n > 0) {
      const offset = (n - 1) * size;
      let same = true;
      for (let i = 0; i < length && same; i++) same = held[offset + 3 + i] === cellOf(cells, shape, columns[i]!);
      if (same) return held[offset]!;
      n = held[offset + 1]!;
    }
    return -1;
  }

  add(cells: ShapeCells, shape: number, n: number): void {
    const { columns, size } = this;
    const at = this.lastCell(cells, shape);
    if (at >= this.index.length) this.index = grown(this.index, at + 1);
    const j = this.length++;
    const offset = j * size;
    if (offset + size > this.held.length) this.held = grown(this.held, offset + size);
    const held = this.held;
    held[offset] = n;
    held[offset + 1] = this.index[at]!;
    held[offset + 2] = shape;
    for (let i = 0; i < columns.length - 1; i++) held[offset + 3 + i] = cellOf(cells, shape, columns[i]!);
    this.index[at] = j + 1;
  }

  /** Each item with its values (the source's dimensions of its shape). */
  numbered(source: RowSource, each: (meter: Meter & { aggregation: "unique" }, dims: Dimensions, n: number) => void): void {
    const { held, size } = this;
    for (let j = 0; j < this.length; j++) {
      const offset = j * size;
      each(this.meter, source.dimensions[held[offset + 2]!]!, held[offset]!);
    }
  }

  /** The last key cell plus one: 0 for a key of no dimension, or an absent column. */
  private lastCell(cells: ShapeCells, shape: number): number {
    const columns = this.columns;
    if (columns.length === 0) return 0;
    const at = cellOf(cells, shape, columns[columns.length - 1]!);
    return at + 1;
  }
}

/** The array with room for `length` at least, half as much again as it had or more. */
function grown(array: Int32Array, length: number) {
  const more = new Int32Array(Math.max(length, array.length + (array.length >> 1)));
  more.set(array);
  return more;
}

/** A shape's cell of a column, -1 where the source has none. */
function cellOf(cells: ShapeCells, shape: number, column: number): number {
  return column < 0 ? -1 : cells.cell(shape, column);
}
