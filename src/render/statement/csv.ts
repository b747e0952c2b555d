import { formatExact } from "../../money.js";
import type { Statement } from "../../engine/types.js";
import { formatInstant } from "../../time.js";
import { csvRows, csvText, dimensionColumns, NumberCell, type Cell } from "../shared/csv.js";

/**
 * One row per statement line, one column per dimension name used anywhere, for spreadsheets.
 * The header needs every account's dimension names, so they are read first; the rows are then
 * made and written account by account, never all at once.
 */
export function* statementCsv(statement: Statement, options: { bom?: boolean } = {}): Generator<string> {
  const dims = new Set<string>();
  // Columns that only a timeline or several card versions need are added only then: other statements keep their layout.
  let changes = false;
  // A meter priced by components (input and output tokens beside a request) has a line per component, told apart only by this column.
  let components = false;
  // A column of the subscription's end only where it falls in a cycle shown (planBilled says what it did to the cycle).
  let ended = false;
  for (const a of statement.accounts) {
    for (const c of a.cycles) {
      if (c.timeline.length > 0) changes = true;
      if (c.subscriptionEnd !== undefined) ended = true;
      for (const l of c.lines) {
        for (const d of Object.keys(l.dimensions)) dims.add(d);
        if (l.component !== undefined) components = true;
      }
    }
  }
  const dimNames = [...dims].sort();
  const versioned = statement.versions !== undefined;
  const before = ["account", "plan", "cycle_start", "cycle_end", "meter", ...(components ? ["component"] : []), "kind", "category", "pool"];
  const after = ["quantity", "unit_price", "amount", ...(versioned ? ["version"] : []), ...(changes ? ["change_at", "change", "from", "to", "granted", "removed", "applies_at"] : []), ...(ended ? ["subscription_end"] : [])];
  const header = [...before, ...dimensionColumns(dimNames, [...before, ...after]), ...after];
  yield csvText(header, [], options);
  const noChange = changes ? ["", "", "", "", "", "", ""] : [];
  for (const a of statement.accounts) {
    const rows: Cell[][] = [];
    for (const c of a.cycles) {
      // Once a cycle, not twice a row: formatting an instant cost a quarter of a large log's CSV.
      const start = formatInstant(c.start);
      const end = formatInstant(c.end);
      const subscriptionEnd = c.subscriptionEnd === undefined ? "" : formatInstant(c.subscriptionEnd);
      for (const l of c.lines) {
        // Pushed cell by cell: spreading optional parts into a literal cost more than the cells of a large log.
        const row: Cell[] = [a.account, a.plan, start, end, l.meter];
        if (components) row.push(l.component ?? "");
        row.push(l.kind, l.category, l.pool);
        for (const d of dimNames) row.push(l.dimensions[d] ?? "");
        row.push(new NumberCell(formatExact(l.quantity)), new NumberCell(formatExact(l.unitPrice)), new NumberCell(formatExact(l.amount)));
        if (versioned) row.push(l.version ?? "");
        for (const empty of noChange) row.push(empty);
        if (ended) row.push(subscriptionEnd);
        rows.push(row);
      }
      // A change is a row of kind "change", its line columns empty.
      for (const t of c.timeline) {
        rows.push([
          a.account, a.plan, start, end, "", ...(components ? [""] : []), "change", "", "", ...dimNames.map(() => ""), "", "", "",
          ...(versioned ? [""] : []),
          formatInstant(t.at), t.change, t.from, t.to, new NumberCell(formatExact(t.granted)), new NumberCell(formatExact(t.removed)), t.appliesAt === undefined ? "" : formatInstant(t.appliesAt),
          ...(ended ? [subscriptionEnd] : []),
        ]);
      }
    }
    yield csvRows(rows);
  }
}
