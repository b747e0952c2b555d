import { stringify } from "csv-stringify/sync";
import { formulaSafe } from "./escape.js";

/**
 * A text cell a spreadsheet would run as a formula is prefixed with a quote (see formulaSafe).
 * Amounts are passed separately as `NumberCell` and written plainly: "-8" is a number, not a formula.
 * A cell holding CR or LF is quoted by csv-stringify itself (quote_record_delimiter: without it,
 * a record delimiter of "\n" leaves a lone CR bare, and a reader takes it for a row's end).
 */
export class NumberCell {
  constructor(readonly text: string) {}
}

export type Cell = string | number | NumberCell;

const RECORDS = { record_delimiter: "\n", quote_record_delimiter: true } as const;

export function csvText(header: readonly string[], rows: readonly (readonly Cell[])[], options: { bom?: boolean } = {}): string {
  return stringify([header.map(formulaSafe), ...rows.map(safeRow)], { bom: options.bom ?? false, ...RECORDS });
}

/** Rows alone, to follow a header written before: each record is quoted on its own, so the pieces join into one file. */
export function csvRows(rows: readonly (readonly Cell[])[]): string {
  return rows.length === 0 ? "" : stringify(rows.map(safeRow), RECORDS);
}

function safeRow(row: readonly Cell[]): string[] {
  return row.map((cell) => (cell instanceof NumberCell ? cell.text : typeof cell === "number" ? String(cell) : formulaSafe(cell)));
}

/**
 * The header names of dimension columns beside a sheet's own columns. A dimension may be called what one of
 * them is called (a bill's `status`, a log's `amount`): it is then `dimension_NAME` (prefixed again while that
 * too is taken), so that every column of the sheet has a name of its own.
 */
export function dimensionColumns(dimensions: readonly string[], fixed: readonly string[]): string[] {
  const taken = new Set([...fixed, ...dimensions]);
  return dimensions.map((d) => {
    if (!fixed.includes(d)) return d;
    let name = `dimension_${d}`;
    while (taken.has(name)) name = `dimension_${name}`;
    taken.add(name);
    return name;
  });
}
