import type { Layout } from "./layout.js";
import { parsePlainDecimal } from "../money.js";
import { NeedsFullParser } from "./plain-csv.js";
import { ascii } from "./row-stamps.js";

/** Distinct component texts that are not whole numbers, numbered; a log of more is the plain reader's. */
const MAX_TEXTS = 1 << 16;
/** Digits a whole number of tokens is read from as an int32, at most. */
const MAX_DIGITS = 9;
/** A row's components are marked in one int32, a bit a column. */
const MAX_COLUMNS = 31;

/** Where a batch's component values go: a row's `width` cells, and texts first seen. */
export interface ComponentOut {
  components: Int32Array | undefined;
  componentTexts: string[];
}

/**
 * The columns of a file that hold a meter's components (tokens beside a
 * request): per-row quantities, as the quantity column is, never part of a
 * row's shape. A row reads the cells of its meter's components as the plain
 * reader does (read.ts): each must be a plain decimal of 0 or more, and every
 * other component column's cell empty, or the plain reader would keep it as a
 * dimension; anything else is the plain reader's to judge. A cell of digits
 * alone travels as its value; any other as the number of its text.
 */
export class ComponentCells {
  /** The components with a column, in the file's order. */
  readonly names: string[] = [];
  private readonly columns: number[] = [];
  private readonly masks = new Map<string, number>();
  private readonly texts = new Map<string, number>();

  constructor(
    layout: Layout,
    private readonly components: ReadonlyMap<string, readonly string[]>,
  ) {
    const wanted = new Set([...components.values()].flat());
    for (const d of layout.dimensions) {
      if (!wanted.has(d.name)) continue;
      if (this.names.includes(d.name)) throw new NeedsFullParser("two columns of one component");
      this.names.push(d.name);
      this.columns.push(d.index);
    }
    if (this.names.length > MAX_COLUMNS) throw new NeedsFullParser("too many component columns");
  }

  get width(): number {
    return this.names.length;
  }

  /** Whether the column holds a component. */
  holds(column: number): boolean {
    return this.columns.includes(column);
  }

  /** The columns a meter's row reads as components, a bit each; a meter with a component the file has no column of is the plain reader's to refuse. */
  maskOf(meter: string): number {
    let mask = this.masks.get(meter);
    if (mask === undefined) {
      mask = 0;
      for (const name of this.components.get(meter) ?? []) {
        const j = this.names.indexOf(name);
        if (j < 0) throw new NeedsFullParser("a component without its column");
        mask |= 1 << j;
      }
      this.masks.set(meter, mask);
    }
    return mask;
  }

  /** Read row `i`'s component cells (the row at `cells`) into `out`, the columns of `mask` as quantities. */
  read(buf: Buffer, cells: Int32Array, mask: number, out: ComponentOut, i: number): void {
    const values = out.components!;
    const width = this.names.length;
    for (let j = 0; j < width; j++) {
      const column = this.columns[j]!;
      const from = cells[column]!, to = cells[column + 1]! - 1;
      if ((mask & (1 << j)) === 0) {
        if (to !== from) throw new NeedsFullParser("a component's cell on a row of a meter without it");
        values[i * width + j] = 0;
        continue;
      }
      let value = to > from && to - from <= MAX_DIGITS ? 0 : -1;
      for (let p = from; p < to && value >= 0; p++) {
        const c = buf[p]! - 48;
        value = c >= 0 && c <= 9 ? value * 10 + c : -1;
      }
      values[i * width + j] = value >= 0 ? value : -1 - this.numberOf(ascii(buf, from, to, "a component"), out);
    }
  }

  /** The number of a component's text that is not digits alone, checked as the plain reader checks it. */
  private numberOf(text: string, out: ComponentOut): number {
    let id = this.texts.get(text);
    if (id !== undefined) return id;
    const q = text === "" ? undefined : parsePlainDecimal(text.trim());
    if (q === undefined || q.isNegative()) throw new NeedsFullParser("a component the plain reader must judge");
    if (this.texts.size >= MAX_TEXTS) throw new NeedsFullParser("too many distinct component texts");
    this.texts.set(text, (id = this.texts.size));
    out.componentTexts.push(text);
    return id;
  }
}
