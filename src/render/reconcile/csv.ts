import { formatExact, type Decimal } from "../../money.js";
import { computedQuantity, meterName } from "../../reconcile/summary.js";
import type { Reconciliation } from "../../reconcile/types.js";
import { formatInstant } from "../../time.js";
import { csvText, NumberCell, type Cell } from "../shared/csv.js";

/** One row per difference, one column per dimension the bill carries, for a spreadsheet. */
export function reconcileCsv(r: Reconciliation, options: { bom?: boolean } = {}): string {
  const dims = [...r.bill.dimensions];
  const byAccount = r.differences.some((d) => d.line.account !== undefined);
  const amount = (v: Decimal | undefined): Cell => new NumberCell(v === undefined ? "" : formatExact(v));
  const header = ["cycle", ...(byAccount ? ["account"] : []), "meter", ...dims, "bill_quantity", "bill_amount", "computed_quantity", "computed_amount", "computed_events", "delta", "class", "within_tolerance", "explanation"];
  const rows: Cell[][] = r.differences.map((d) => [
    formatInstant(d.cycleStart),
    ...(byAccount ? [d.line.account ?? ""] : []),
    meterName(d),
    ...dims.map((k) => d.line.dimensions[k] ?? ""),
    amount(d.line.bill?.quantity), amount(d.line.bill?.amount),
    amount(computedQuantity(d)), amount(d.line.computed?.amount), d.line.computed?.events ?? 0,
    amount(d.delta), d.class, d.withinTolerance ? "yes" : "no", d.explanation,
  ]);
  return csvText(header, rows, options);
}
