import { ZERO, type Decimal } from "../../money.js";
import { computedQuantity, meterName, roundingApart, summarize } from "../../reconcile/summary.js";
import { DIFFERENCE_CLASSES, type Difference, type DifferenceClass, type Reconciliation } from "../../reconcile/types.js";
import { barsSvg } from "../charts/svg.js";
import { localDate, type RenderContext } from "../shared/context.js";
import { blockHtml, escapeHtml, htmlPage } from "../shared/html-page.js";
import { exactGrouped } from "../shared/numbers.js";
import { billDates, DIRECTION_TITLES, reconcileBlocks } from "./report.js";
import { dimensionText } from "../shared/summary.js";

/** One colour per class, the same in the figure, the badges and the rows' edges. */
const CLASS_COLOUR: Record<DifferenceClass, string> = {
  rate_drift: "#b7791f",
  quantity_mismatch: "#6b46c1",
  duplicate_events: "#0f766e",
  missing_on_bill: "#2f6fb0",
  missing_in_usage: "#1e3a8a",
  rounding: "#6b7280",
  boundary_shift: "#2e8540",
  unexplained: "#c0392b",
};

/**
 * A reconciliation as one self-contained HTML page: the summary, the size of
 * the differences by class, then the overcharged and the undercharged lines,
 * each in a row edged in its class's colour, with its explanation beside it.
 */
export function reconcileHtml(r: Reconciliation, ctx: RenderContext): string {
  const body: string[] = [];
  const s = summarize(r);
  const apart = roundingApart(s);
  const directions = new Map<string, Difference[]>([[DIRECTION_TITLES.overcharged, apart.overcharged.differences], [DIRECTION_TITLES.undercharged, apart.undercharged.differences], [DIRECTION_TITLES.asBilled, s.asBilled.differences], [DIRECTION_TITLES.rounding, apart.rounding.differences]]);
  let explanations = false;
  for (const block of reconcileBlocks(r, ctx)) {
    // As many as the report's table shows (past 20 rounding lines, the rest are counted in a note).
    const lines = block.kind === "table" ? directions.get(block.title ?? "")?.slice(0, block.rows.length) : undefined;
    if (block.kind === "table" && lines) {
      if (!explanations) body.push(byClassFigure(r));
      body.push(differencesTable(r, lines, block.title!, billDates(r, ctx)));
      explanations = true;
      continue;
    }
    // The explanations already stand in the table's rows.
    if (explanations && block.kind === "facts") {
      explanations = false;
      continue;
    }
    body.push(blockHtml(block));
  }
  return htmlPage(`${r.provider} ${r.version} reconciliation`, `${r.bill.file} · ${r.timezone}`, body.join("\n"));
}

function byClassFigure(r: Reconciliation): string {
  const present = DIFFERENCE_CLASSES.filter((c) => r.differences.some((d) => d.class === c));
  const size = (c: DifferenceClass) => r.differences.filter((d) => d.class === c).reduce((t, d) => t.plus(d.delta.abs()), ZERO);
  const count = (c: DifferenceClass) => r.differences.filter((d) => d.class === c).length;
  const ranking = { top: present.map((c) => ({ label: `${c} (${count(c)})`, amount: size(c) })), rest: undefined, total: ZERO };
  const format = (v: Decimal) => `${exactGrouped(v)} ${r.unit}`;
  return `<figure class="classes"><h4>Differences by class (size, bill against usage)</h4>${barsSvg("Differences by class", ranking, format, (i) => CLASS_COLOUR[present[i]!])}</figure>`;
}

function differencesTable(r: Reconciliation, lines: readonly Difference[], title: string, ctx: RenderContext): string {
  const quantity = (v: Decimal | undefined) => (v === undefined ? "" : exactGrouped(v));
  const signed = (v: Decimal) => (v.gt(0) ? `+${exactGrouped(v)}` : exactGrouped(v));
  const num = (text: string) => `<td class="num">${escapeHtml(text)}</td>`;
  const cell = (text: string) => `<td>${escapeHtml(text)}</td>`;
  const rows = lines.map((d) => {
    const attention = d.class === "unexplained" ? "unexplained" : d.withinTolerance ? "within tolerance" : "over tolerance";
    return `<tr class="class-row ${d.class}" style="--swatch: ${CLASS_COLOUR[d.class]}">`
      + num(String(r.differences.indexOf(d) + 1)) + cell(localDate(ctx, d.cycleStart)) + cell(meterName(d) + (d.line.account === undefined ? "" : ` (${d.line.account})`)) + cell(dimensionText(d.line.dimensions))
      + num(quantity(d.line.bill?.quantity)) + num(d.line.bill ? exactGrouped(d.line.bill.amount) : "") + num(quantity(computedQuantity(d))) + num(d.line.computed ? exactGrouped(d.line.computed.amount) : "") + num(signed(d.delta))
      + `<td><span class="badge">${escapeHtml(d.class)}</span></td>` + cell(attention) + cell(d.explanation)
      + `</tr>`;
  });
  const head = ["#", "Cycle", "Meter", "Dimensions", "Bill qty", "Bill", "Usage qty", "Usage", "Delta", "Reason", "Attention", "Explanation"];
  const right = new Set(["#", "Bill qty", "Bill", "Usage qty", "Usage", "Delta"]);
  return `<table class="differences"><caption>${escapeHtml(title)}</caption><thead><tr>${head.map((h) => `<th${right.has(h) ? ` class="num"` : ""}>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
}
