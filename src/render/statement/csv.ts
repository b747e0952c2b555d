import { formatExact } from "../../money.js";
import type { Statement } from "../../engine/types.js";
import { formatInstant } from "../../time.js";
import { csvText, NumberCell, type Cell } from "../shared/csv.js";

/** One row per statement line, one column per dimension name used anywhere, for spreadsheets. */
export function statementCsv(statement: Statement, options: { bom?: boolean } = {}): string {
  const dims = new Set<string>();
  for (const a of statement.accounts) for (const c of a.cycles) for (const l of c.lines) for (const d of Object.keys(l.dimensions)) dims.add(d);
  const dimNames = [...dims].sort();
  const header = ["account", "plan", "cycle_start", "cycle_end", "meter", "kind", "category", "pool", ...dimNames, "quantity", "unit_price", "amount"];
  const rows: Cell[][] = [];
  for (const a of statement.accounts) {
    for (const c of a.cycles) {
      for (const l of c.lines) {
        rows.push([
          a.account, a.plan, formatInstant(c.start), formatInstant(c.end), l.meter, l.kind, l.category, l.pool,
          ...dimNames.map((d) => l.dimensions[d] ?? ""),
          new NumberCell(formatExact(l.quantity)), new NumberCell(formatExact(l.unitPrice)), new NumberCell(formatExact(l.amount)),
        ]);
      }
    }
  }
  return csvText(header, rows, options);
}
