import { stringify } from "csv-stringify/sync";

/**
 * A text cell a spreadsheet would run as a formula is prefixed with a quote.
 * Numbers are passed separately as a `NumberCell` and written plainly: "-8" is a number, not a formula.
 */
/** A number's text for a CSV cell, written as it is. */
export class NumberCell {
  constructor(readonly text: string) {}
}

export type Cell = string | number | NumberCell;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvText(header: readonly string[], rows: readonly (readonly Cell[])[], options: { bom?: boolean } = {}): string {
  return stringify([header.map(String), ...rows.map(safeRow)], { bom: options.bom ?? false, record_delimiter: "\n" });
}

/** Rows alone, to follow a header written before: each record is quoted on its own, so the pieces join into one file. */
export function csvRows(rows: readonly (readonly Cell[])[]): string {
  return rows.length === 0 ? "" : stringify(rows.map(safeRow), { record_delimiter: "\n" });
}

function safeRow(row: readonly Cell[]): string[] {
  return row.map((cell) => (cell instanceof NumberCell ? cell.text : typeof cell === "number" ? String(cell) : FORMULA_START.test(cell) ? `'${cell}` : cell));
}
