import { formatExact, type Decimal } from "../../money.js";
import { computedQuantity, meterName, needsAttention } from "../../reconcile/summary.js";
import type { Reconciliation } from "../../reconcile/types.js";
import { formatInstant } from "../../time.js";
import { csvRows, csvText, dimensionColumns, NumberCell, type Cell } from "../shared/csv.js";
import { direction } from "./json.js";

/**
 * The sign-off sheet: one row per aligned line, agreeing or not, with its
 * status, and one column per dimension the bill carries, for a spreadsheet;
 * then one row per activity, account and cycle the bill mapping ignores (status `ignored`), one per credit (status
 * `credit`), and the invoice's total in the card's currency against burnrate's (status `total`).
 */
export function* reconcileCsv(r: Reconciliation, options: { bom?: boolean } = {}): Generator<string> {
  const dims = [...r.bill.dimensions];
  const byAccount = r.lines.some((l) => l.line.account !== undefined) || r.ignored.some((i) => i.account !== undefined);
  const amount = (v: Decimal | undefined): Cell => new NumberCell(v === undefined ? "" : formatExact(v));
  const before = ["cycle", ...(byAccount ? ["account"] : []), "meter"];
  // The unit of the row's amounts: a fee or overage is money, beside lines in the card's unit (red team, stop 36: a sheet
  // summed by finance added dollars to credits).
  const after = ["status", "direction", "class", "unit",
    "bill_quantity", "bill_amount", "computed_quantity", "computed_amount", "computed_events", "delta", "within_tolerance", "attention", "explanation"];
  const header = [...before, ...dimensionColumns(dims, [...before, ...after]), ...after];
  yield csvText(header, [], options);
  // The lines a piece at a time: a bill of 96,000 lines made every row, and the whole text, at once (red68).
  for (let at = 0; at < r.lines.length; at += PIECE) yield csvRows(r.lines.slice(at, at + PIECE).map((l): Cell[] => {
    const d = l.difference;
    return [
      formatInstant(l.cycleStart),
      ...(byAccount ? [l.line.account ?? ""] : []),
      meterName(l),
      ...dims.map((k) => l.line.dimensions[k] ?? ""),
      l.status, d ? direction(d) ?? "" : "", d?.class ?? (l.recut ? "boundary_shift" : ""), l.line.money ? r.money?.currency ?? "" : r.unit,
      amount(l.line.bill?.quantity), amount(l.line.bill?.amount),
      amount(computedQuantity(l)), amount(l.line.computed?.amount), l.line.computed?.events ?? 0,
      amount(l.delta), d ? (d.withinTolerance ? "yes" : "no") : "", d && needsAttention(d) ? "yes" : "no", d?.explanation ?? l.note ?? "",
    ];
  }));
  const rows: Cell[][] = [];
  // Rows the mapping leaves out are money on the bill too: the sheet finance signs shows them, one row per activity,
  // account and cycle, in the card's unit as the lines are, and the table and JSON report them (newcomer, stop 36: a
  // 17.28 USD net of tax, credit and fee rows was on the table alone, then on the sheet without whose or which month).
  for (const i of r.ignored) {
    rows.push([
      i.cycleStart === undefined ? "" : formatInstant(i.cycleStart), ...(byAccount ? [i.account ?? ""] : []), i.activity, ...dims.map(() => ""),
      "ignored", "", "", r.unit, "", amount(i.amount), "", "", "", "", "", "no",
      `not reconciled: ${i.rows} row(s) the bill mapping ignores (activities: { ${i.activity}: ignore })`,
    ]);
  }
  // A credit is money back, listed apart from the line it was given on: one row each, in what its amount counts.
  for (const c of r.credits) {
    rows.push([
      formatInstant(c.cycleStart), ...(byAccount ? [c.account ?? ""] : []), c.meters.join("+"), ...dims.map((k) => c.dimensions[k] ?? ""),
      "credit", "", "", c.money ? r.currency : r.unit, "", amount(c.amount), "", "", "", "", "", r.creditRule === "fail" ? "yes" : "no",
      `not compared: a credit (${c.origin.file}:${c.origin.line}, ${c.activity}), listed apart from its line; ${r.creditRule === "fail" ? "it needs attention (credits: fail in the bill mapping)" : "credits: fail in the bill mapping makes it need attention"}`,
    ]);
  }
  // What the bill leaves out is on the sheet to sign too, not on the table alone (newcomer71b M4: a customer left off
  // the invoice, 2,119 USD of usage, and a day's missing file had no row): each account with usage the bill names no
  // line of, its charges in the bill's cycles, and each series of days the daily files skip.
  for (const a of r.otherAccounts) {
    rows.push([
      "", ...(byAccount ? [a.account] : []), "", ...dims.map(() => ""),
      "not_on_bill", "", "", r.unit, "", "", "", amount(a.amount), "", "", "", r.everyAccount && a.amount.gt(0) ? "yes" : "no",
      `not compared: an account with usage in the bill's cycles that the bill names no line of${r.everyAccount ? "" : " (--every-account, for a bill of every account, makes it need attention)"}`,
    ]);
  }
  for (const gap of r.usageGaps ?? []) {
    rows.push(["", ...(byAccount ? [""] : []), "", ...dims.map(() => ""), "usage_gap", "", "", "", "", "", "", "", "", "", "", "no", `${gap}: a difference on those days may be usage missing from the log, not the bill's`]);
  }
  // The invoice's total as billed, in its currency, against burnrate's for the same: the figure finance signs (newcomer, stop 38).
  const i = r.invoice;
  if (i !== undefined) {
    const billed = i.compared.plus(i.ignored).plus(i.credits);
    rows.push([
      "", ...(byAccount ? [""] : []), "invoice total", ...dims.map(() => ""),
      "total", "", "", i.currency, "", amount(billed), "", amount(i.computed), "", amount(billed.minus(i.computed)), "", "no",
      `every row of the bill${i.converted ? ` (its rows in ${r.unit} turned into ${i.currency} at the card's credit price)` : ""}: ${formatExact(i.compared)} compared, ${formatExact(i.ignored)} ignored, ${formatExact(i.credits)} credits; computed for the compared rows; ${formatExact(i.compared.minus(i.computed))} of the delta on them`,
    ]);
  }
  yield csvRows(rows);
}

/** Lines written at a time. */
const PIECE = 4096;
