import { stringify } from "csv-stringify/sync";
import { formulaSafe } from "./shared/escape.js";

/**
 * A text cell a spreadsheet would run as a formula is prefixed with a quote (see formulaSafe).
 * Amounts are passed separately as `Exact` and written plainly: "-8" is a number, not a formula.
 * A cell holding CR or LF is quoted by csv-stringify itself (it quotes record delimiters, both
 * CR and LF, unless told not to), so it stays one cell.
 */
export class Exact {
  constructor(readonly text: string) {}
}

export type Cell = string | number | Exact;

export function csvText(header: readonly string[], rows: readonly (readonly Cell[])[], options: { bom?: boolean } = {}): string {
  return stringify([header.map(formulaSafe), ...rows.map(safeRow)], { bom: options.bom ?? false, record_delimiter: "\n" });
}

/** Rows alone, to follow a header written before: each record is quoted on its own, so the pieces join into one file. */
export function csvRows(rows: readonly (readonly Cell[])[]): string {
  return rows.length === 0 ? "" : stringify(rows.map(safeRow), { record_delimiter: "\n" });
}

function safeRow(row: readonly Cell[]): string[] {
  return row.map((cell) => (cell instanceof Exact ? cell.text : typeof cell === "number" ? String(cell) : formulaSafe(cell)));
}
