import { stringify } from "csv-stringify/sync";

/**
 * A text cell a spreadsheet would run as a formula is prefixed with a quote.
 * Amounts are passed separately as `Exact` and written plainly: "-8" is a number, not a formula.
 */
export class Exact {
  constructor(readonly text: string) {}
}

export type Cell = string | number | Exact;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvText(header: readonly string[], rows: readonly (readonly Cell[])[], options: { bom?: boolean } = {}): string {
  const safe = rows.map((row) => row.map((cell) => (cell instanceof Exact ? cell.text : typeof cell === "number" ? String(cell) : FORMULA_START.test(cell) ? `'${cell}` : cell)));
  return stringify([header.map(String), ...safe], { bom: options.bom ?? false, record_delimiter: "\n" });
}
