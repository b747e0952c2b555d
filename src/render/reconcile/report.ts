import type { Decimal } from "../../money.js";
import { computedQuantity, meterName, summarize, type Status } from "../../reconcile/summary.js";
import type { Reconciliation } from "../../reconcile/types.js";
import { localDate, type RenderContext } from "../shared/context.js";
import type { Block } from "../shared/document.js";
import { exactGrouped } from "../shared/numbers.js";
import { dimensionText } from "../shared/summary.js";

const STATUS: Record<Status, string> = {
  agrees: "the bill agrees with the usage",
  within_tolerance: "every difference is explained and within tolerance",
  attention: "needs attention",
};

/**
 * A reconciliation for people: the summary first (totals, what is explained
 * and what is not), then one row per difference and what explains it.
 * Amounts are exact: a rounding difference must not vanish in display.
 */
export function reconcileBlocks(r: Reconciliation, ctx: RenderContext): Block[] {
  const s = summarize(r);
  const unit = r.unit;
  const amount = (v: Decimal) => `${exactGrouped(v)} ${unit}`;
  const signed = (v: Decimal) => (v.gt(0) ? `+${exactGrouped(v)}` : exactGrouped(v));
  const cycles = r.cycles.map((c) => `${localDate(ctx, c.start)} to ${localDate(ctx, c.end - 1)}`).join(", ");
  const tolerance = [r.tolerance.absolute.gt(0) ? `${exactGrouped(r.tolerance.absolute)} ${unit}` : "", r.tolerance.percent.gt(0) ? `${exactGrouped(r.tolerance.percent)}%` : ""].filter(Boolean).join(" or ");

  const blocks: Block[] = [
    { kind: "heading", level: 1, text: `Reconciliation · ${r.provider} ${r.version} · ${r.bill.file} · ${r.timezone}` },
    {
      kind: "facts",
      rows: [
        ["Cycles", cycles],
        ["Bill total", amount(r.billTotal)],
        ["Computed total", amount(r.computedTotal)],
        ["Difference", `${signed(r.billTotal.minus(r.computedTotal))} ${unit} (bill minus computed)`],
        ["Explained", `${s.explained.count} difference(s), ${signed(s.explained.amount)} ${unit}`],
        ["Unexplained", `${s.unexplained.count} difference(s), ${signed(s.unexplained.amount)} ${unit}`],
        ["Tolerance", tolerance === "" ? "none (exact)" : tolerance],
        ["Lines that agree", String(r.agreeing)],
        ["Status", `${STATUS[s.status]}${s.attention.length > 0 ? ` (${s.attention.length} difference(s))` : ""}`],
      ],
    },
  ];

  if (r.differences.length > 0) {
    const quantity = (v: Decimal | undefined) => (v === undefined ? "" : exactGrouped(v));
    blocks.push({
      kind: "table",
      title: "Differences",
      head: ["#", "Cycle", "Meter", "Dimensions", "Bill qty", "Bill", "Usage qty", "Usage", "Delta", "Class", "Attention"],
      align: ["right", "left", "left", "left", "right", "right", "right", "right", "right", "left", "left"],
      rows: r.differences.map((d, i) => [
        String(i + 1),
        localDate(ctx, d.cycleStart),
        meterName(d) + (d.line.account === undefined ? "" : ` (${d.line.account})`),
        dimensionText(d.line.dimensions),
        quantity(d.line.bill?.quantity),
        d.line.bill ? exactGrouped(d.line.bill.amount) : "",
        quantity(computedQuantity(d)),
        d.line.computed ? exactGrouped(d.line.computed.amount) : "",
        signed(d.delta),
        d.class,
        d.class === "unexplained" ? "unexplained" : d.withinTolerance ? "" : "over tolerance",
      ]),
    });
    blocks.push({ kind: "facts", rows: r.differences.map((d, i) => [`#${i + 1}`, d.explanation] as const) });
  }
  if (r.payments) {
    blocks.push({ kind: "note", text: `Payments on the bill: ${r.payments.rows} row(s), ${amount(r.payments.bill)}; credits granted by the account file in these cycles: ${amount(r.payments.granted)}.` });
  }
  for (const i of r.ignored) blocks.push({ kind: "note", text: `Not reconciled (ignored by the bill mapping): ${i.rows} ${i.activity} row(s), ${amount(i.amount)}.` });
  for (const a of r.otherAccounts) blocks.push({ kind: "note", text: `Account ${a.account} is not on the bill, not compared: ${amount(a.amount)} in these cycles.` });
  for (const c of r.outsideBill) {
    blocks.push({ kind: "note", text: `Usage outside the bill's cycles, not compared: ${localDate(ctx, c.start)} to ${localDate(ctx, c.end - 1)}, ${amount(c.amount)}.` });
  }
  return blocks;
}
