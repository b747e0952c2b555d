import type { Layout } from "./layout.js";
import type { ColumnMapping } from "./mapping.js";
import { NeedsFullParser } from "./plain-csv.js";
import { cellHash, ShapeTable } from "./shape-table.js";
import { valueKeyWrittenOtherwise } from "./mapping-names.js";

/** Where a batch's new shapes go: each shape's cells, as numbers of texts, and the texts first seen. */
export interface ShapeCells {
  shapeCells: number[];
  values: string[];
}

/** What a meter's cell gives every shape of it: the number of the meter's text, and the columns of each dimension it needs. */
interface MeterFacts {
  /** The meter's name, as the mapping gives it. */
  name: string;
  value: number;
  needs: readonly (readonly number[])[];
}

/** A dimension's column (as a run, ShapeTable), its distinct cells and the number of each one's text. */
interface ColumnValues {
  run: readonly number[];
  table: ShapeTable;
  values: number[];
  /** The mapping's `dimension_values:` for the column's dimension: a cell's text is the card's value it maps onto. */
  mapped: ReadonlyMap<string, string> | undefined;
}

/**
 * A new shape's cells checked and numbered as the plain reader would read its
 * row, from their bytes: the whole line checked as UTF-8, the meter known to
 * the card with the dimensions it needs present, and each cell the number of
 * its text. A meter's cell is looked at once (its mapped name, its needs), a
 * cell's bytes are decoded once, the first time any shape has them: most of a
 * new shape's cells are an earlier shape's. Each column has its own table, so
 * that a column of few values (a channel, a project) is looked up in a table
 * that stays in the cache, and an empty cell in none.
 */
export class ShapeValues {
  private readonly meters = new ShapeTable();
  private readonly meterFacts: MeterFacts[] = [];
  private readonly columns: ColumnValues[];
  /** The number of the empty cell's text, once a shape has one. */
  private empty = -1;
  private values = 0;
  /** The meter's column as a run (ShapeTable). */
  private readonly meterRun: number[];

  constructor(
    private readonly layout: Layout,
    private readonly mapping: ColumnMapping,
    private readonly events: ReadonlyMap<string, readonly string[]>,
    private readonly decode: CellText,
    /** A cell's text as the row held it: the commas and doubled quotes of a quoted key cell given back (QuotedCells.commaColumns). */
    private readonly standInsBack: (text: string) => string,
  ) {
    this.meterRun = [layout.index.meter, layout.index.meter];
    this.columns = layout.dimensions.map((d) => ({ run: [d.index, d.index], table: new ShapeTable(), values: [], mapped: d.values }));
  }

  /**
   * Add the shape of the row at `cells` (`width` cells) to `out`; returns its meter's name. `ascii`: the
   * line is known to be ASCII (its chunk was, looked at natively once), so its bytes need no look here.
   */
  define(buf: Buffer, cells: Int32Array, width: number, out: ShapeCells, ascii: boolean): string {
    // Every byte of the line checked as UTF-8, as the plain reader decodes it.
    const from = cells[0]!, to = cells[width]! - 1;
    let high = 0;
    if (!ascii) for (let p = from; p < to; p++) high |= buf[p]!;
    if (high >= 0x80) this.decode(buf, from, to);
    // An ASCII line's cells are read as Latin-1, which makes no view of the bytes to decode (the same text).
    const text = high < 0x80 ? latin1 : this.decode;
    const meter = this.meterOf(buf, cells, out, text);
    const { needs } = meter;
    for (let n = 0; n < needs.length; n++) if (!anyFilled(cells, needs[n]!)) throw new NeedsFullParser("a row without a dimension its meter needs");
    const shapeCells = out.shapeCells;
    shapeCells.push(meter.value);
    const columns = this.columns;
    for (let c = 0; c < columns.length; c++) shapeCells.push(this.cellValue(buf, cells, columns[c]!, out, text));
    return meter.name;
  }

  private meterOf(buf: Buffer, cells: Int32Array, out: ShapeCells, text: CellText): MeterFacts {
    const column = this.layout.index.meter;
    if (column < 0) return (this.meterFacts[0] ??= this.factsOf(this.mapping.meter!, out));
    const from = cells[column]!, to = cells[column + 1]! - 1;
    const hash = cellHash(buf, from, to);
    const found = this.meters.find(hash, to + 1 - from, buf, cells, this.meterRun);
    if (found >= 0) return this.meterFacts[found]!;
    const facts = this.factsOf(this.standInsBack(text(buf, from, to)), out);
    this.meters.add(hash, to + 1 - from, buf, cells, this.meterRun);
    this.meterFacts.push(facts);
    return facts;
  }

  private factsOf(raw: string, out: ShapeCells): MeterFacts {
    const meter = this.mapping.meterValues.get(raw) ?? raw;
    const needs = this.events.get(meter);
    if (needs === undefined) throw new NeedsFullParser("a meter the plain reader must judge");
    const { dimensions } = this.layout;
    return { name: meter, value: this.value(meter, out), needs: needs.map((name) => dimensions.filter((d) => d.name === name).map((d) => d.index)) };
  }

  private cellValue(buf: Buffer, cells: Int32Array, column: ColumnValues, out: ShapeCells, text: CellText): number {
    const { run, table, values, mapped } = column;
    const from = cells[run[0]!]!, to = cells[run[0]! + 1]! - 1;
    if (from === to) return this.empty >= 0 ? this.empty : (this.empty = this.value("", out));
    const hash = cellHash(buf, from, to);
    const found = table.find(hash, to + 1 - from, buf, cells, run);
    if (found >= 0) return values[found]!;
    const cell = this.standInsBack(text(buf, from, to));
    // A cell written otherwise than a key (its case, its spaces) is refused by the plain reader, at the cell.
    if (mapped !== undefined && valueKeyWrittenOtherwise(mapped, cell) !== undefined) throw new NeedsFullParser("a value written otherwise than its dimension_values: key");
    const value = this.value(mapped?.get(cell) ?? cell, out);
    table.add(hash, to + 1 - from, buf, cells, run);
    values.push(value);
    return value;
  }

  /** Number a text, sent with the batch: a meter's and a cell's are numbered apart, even when they are the same text. */
  private value(text: string, out: ShapeCells): number {
    out.values.push(text);
    return this.values++;
  }
}

/** A cell's text from its bytes. */
type CellText = (buf: Buffer, from: number, to: number) => string;

function latin1(buf: Buffer, from: number, to: number): string {
  return buf.toString("latin1", from, to);
}

/** Whether any of the row's cells in `columns` is not empty. */
function anyFilled(cells: Int32Array, columns: readonly number[]): boolean {
  for (let k = 0; k < columns.length; k++) if (cells[columns[k]! + 1]! - cells[columns[k]!]! > 1) return true;
  return false;
}
