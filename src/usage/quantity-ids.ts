import { quantityOf } from "./layout.js";
import { NeedsFullParser } from "./plain-csv.js";
import { ascii } from "./row-stamps.js";
import { cellHash, ShapeTable } from "./shape-table.js";

/** Quantities numbered; a log of more distinct quantities sends the rest as text. */
const MAX_QUANTITIES = 1 << 16;

/** Where a batch's quantity texts go: those first numbered, and those past the numbered ones, a row each. */
export interface QuantityTexts {
  quantities: string[];
  quantityTexts: string[];
}

/**
 * The scanner's quantities by number: each distinct cell checked as the plain
 * reader reads it once, then found by its bytes (a one-byte cell, "1", by a
 * table), without making a string of it.
 */
export class QuantityIds {
  private readonly ids = new Map<string, number>();
  private readonly oneByte = new Int32Array(256).fill(-1);
  private readonly byBytes = new ShapeTable();
  private readonly byBytesId: number[] = [];

  /** The number of the quantity cell `run` (its column twice, as ShapeTable takes it) of the row at `cells`, or -1 for the next text of `out.quantityTexts`. */
  of(buf: Buffer, cells: Int32Array, run: readonly number[], out: QuantityTexts): number {
    const from = cells[run[0]!]!, to = cells[run[0]! + 1]! - 1;
    if (to - from === 1) {
      const known = this.oneByte[buf[from]!]!;
      if (known >= 0) return known;
    }
    const hash = cellHash(buf, from, to);
    const found = this.byBytes.find(hash, to + 1 - from, buf, cells, run);
    if (found >= 0) return this.byBytesId[found]!;
    const id = this.ofText(ascii(buf, from, to, "a quantity"), out);
    if (id < 0) return id;
    this.byBytes.add(hash, to + 1 - from, buf, cells, run);
    this.byBytesId.push(id);
    if (to - from === 1) this.oneByte[buf[from]!] = id;
    return id;
  }

  /** The number of a quantity's text, or -1 as `of`. */
  ofText(cell: string, out: QuantityTexts): number {
    const known = this.ids.get(cell);
    if (known !== undefined) return known;
    // An empty cell is the column's default, as if the column were absent: one event.
    if (cell !== "") {
      const q = quantityOf(cell);
      if (!q || (q.isNegative() && !q.isZero())) throw new NeedsFullParser("a quantity the plain reader must judge");
    }
    if (this.ids.size >= MAX_QUANTITIES) {
      out.quantityTexts.push(cell);
      return -1;
    }
    const id = this.ids.size;
    this.ids.set(cell, id);
    out.quantities.push(cell);
    return id;
  }
}
