import type { Statement } from "../../engine/types.js";
import { ZERO, type Decimal } from "../../money.js";
import type { Instant } from "../../time.js";
import { burnDowns, categoryTotals, rank, type BurnEntries, type BurnMark, type BurnPoint, type CycleBurn, type Ranking } from "./series.js";
import type { Glyphs } from "./glyphs.js";
import { localDate, type RenderContext } from "../shared/context.js";
import { credits, percentOf } from "../shared/numbers.js";
import { visible as escaped } from "../shared/escape.js";
import { byProject } from "../shared/summary.js";

export interface TerminalChartSettings {
  /** Columns the chart may use: the terminal's width, at most the 80 a chart needs to read well. */
  width: number;
  glyphs: Glyphs;
}

const INDENT = "  ";
/** Rows above the zero line: eight eighths each, so 64 levels of balance. */
const ROWS = 8;
const MAX_PLOT = 64;
const TOP = 5;

/** Under the statement table: per cycle, a burn-down of the balance and bar lists of the top categories and projects. */
export function statementCharts(statement: Statement, ledger: BurnEntries, ctx: RenderContext, settings: TerminalChartSettings): string {
  const many = statement.accounts.length > 1;
  const out: string[] = [];
  for (const burn of burnDowns(statement, ledger, ctx.card)) {
    const c = burn.cycle;
    const who = many ? ` ${settings.glyphs.separator} account ${escaped(burn.account)}` : "";
    out.push("", ctx.color.bold.underline(`Burn-down${who} ${settings.glyphs.separator} cycle ${c.index + 1}: ${localDate(ctx, c.start)} to ${localDate(ctx, c.end - 1)}`));
    out.push(...burnDownLines(burn, ctx, settings), ...legendLines(burn, ctx, settings));
    out.push(...barLines("Top categories", rank(categoryTotals(c.lines, ctx.card), TOP), c.total, ctx, settings));
    out.push(...barLines("Top projects", rank(byProject(c.lines), TOP), c.total, ctx, settings));
  }
  return `${out.join("\n")}\n`;
}

/** A pixel position only: the amount itself is never computed with. */
const toNumber = (d: Decimal): number => d.toNumber();

function burnDownLines(burn: CycleBurn, ctx: RenderContext, settings: TerminalChartSettings): string[] {
  const { glyphs: g } = settings;
  const { color } = ctx;
  const top = burn.points.reduce((m, p) => (p.balance.gt(m) ? p.balance : m), burn.points[0]!.balance);
  // Rows below zero only when grace was drawn: an empty buffer says nothing a line of text cannot.
  const graceDepth = burn.points.reduce((m, p) => (p.graceUsed.gt(m) ? p.graceUsed : m), ZERO);
  const topLabel = credits(top, 0);
  // Below zero is a grace buffer's only where the plan has one: else an allow pool's usage, charged past zero (newcomer, stop 38).
  const below = burn.graceLimit.gt(0) ? "grace" : "past 0";
  const labels = [topLabel, "0", ...(graceDepth.gt(0) ? [below] : [])];
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const plot = Math.max(10, Math.min(MAX_PLOT, settings.width - INDENT.length - labelWidth - 2));

  const perRow = top.gt(0) ? toNumber(top) / ROWS : toNumber(graceDepth) / 2 || 1;
  const rowsAbove = top.gt(0) ? ROWS : 1;
  const rowsBelow = graceDepth.gt(0) ? Math.max(1, Math.ceil(toNumber(graceDepth) / perRow)) : 0;
  const columns = sampleColumns(burn.points, burn.cycle.start, burn.cycle.end, plot);
  const eighths = (v: Decimal) => (v.gt(0) ? Math.max(1, Math.round((toNumber(v) / perRow) * 8)) : 0);
  const rise = columns.map((col) => eighths(col.balance));
  const hang = columns.map((col) => eighths(col.graceUsed));

  const label = (text: string, joint: string) => `${INDENT}${color.dim(text.padStart(labelWidth))} ${color.dim(joint)}`;
  const lines: string[] = [];
  for (let r = 0; r < rowsAbove; r++) {
    const floor = (rowsAbove - 1 - r) * 8;
    const cells = rise.map((e) => g.rise[Math.min(8, Math.max(0, e - floor))]!).join("").trimEnd();
    lines.push(`${label(r === 0 ? topLabel : "", r === 0 ? g.axis.labelTick : g.axis.vertical)}${color.cyan(cells)}`.trimEnd());
  }
  lines.push(`${label("0", rowsBelow > 0 ? g.axis.zero : g.axis.corner)}${axisLine(burn, plot, ctx, settings)}`);
  for (let r = 0; r < rowsBelow; r++) {
    const cells = hang.map((e) => g.hang[Math.min(8, Math.max(0, e - r * 8))]!).join("").trimEnd();
    lines.push(`${label(r === 0 ? below : "", g.axis.vertical)}${color.red(cells)}`.trimEnd());
  }
  lines.push(`${INDENT}${" ".repeat(labelWidth + 2)}${color.dim(dateLabels(burn, plot, ctx))}`.trimEnd());
  return lines;
}

/** Per column, the lowest balance and the most grace used in its stretch of time, so that no dip hides between columns. */
function sampleColumns(points: readonly BurnPoint[], start: Instant, end: Instant, columns: number): { balance: Decimal; graceUsed: Decimal }[] {
  const span = (end - start) / columns;
  const out: { balance: Decimal; graceUsed: Decimal }[] = [];
  let i = 0;
  let current = points[0]!;
  for (let col = 0; col < columns; col++) {
    const until = start + (col + 1) * span;
    let balance = current.balance;
    let graceUsed = current.graceUsed;
    while (i < points.length && points[i]!.at < until) {
      current = points[i++]!;
      if (current.balance.lt(balance)) balance = current.balance;
      if (current.graceUsed.gt(graceUsed)) graceUsed = current.graceUsed;
    }
    // A top-up late in the stretch shows in the next column; this one keeps the low point.
    out.push({ balance, graceUsed });
  }
  return out;
}

function columnOf(at: Instant, start: Instant, end: Instant, columns: number): number {
  return Math.min(columns - 1, Math.max(0, Math.floor(((at - start) / (end - start)) * columns)));
}

/** The zero line, with a tick at each labelled date and the marks over them. */
function axisLine(burn: CycleBurn, plot: number, ctx: RenderContext, settings: TerminalChartSettings): string {
  const { glyphs: g } = settings;
  const { color } = ctx;
  const cells: string[] = Array.from({ length: plot }, () => color.dim(g.axis.horizontal));
  for (const { column } of dateTicks(burn, plot, ctx)) cells[column] = color.dim(g.axis.tick);
  const { start, end } = burn.cycle;
  // Marks in time order, each in its own column: 70, 80 and 90 percent within one hour
  // stand side by side rather than on top of each other; the legend gives the times.
  let previous = -1;
  for (const mark of burn.marks) {
    const column = Math.max(columnOf(mark.at, start, end, plot), previous + 1);
    if (column >= plot) break;
    cells[column] = markGlyph(mark, ctx, settings);
    previous = column;
  }
  return cells.join("");
}

function markGlyph(mark: BurnMark, ctx: RenderContext, settings: TerminalChartSettings): string {
  const { marks } = settings.glyphs;
  const { color } = ctx;
  switch (mark.kind) {
    case "threshold": return color.yellow(marks.threshold);
    case "grace": return color.red(marks.grace);
    case "exhausted": return color.red.bold(marks.exhausted);
    case "payment": return color.green(marks.payment);
  }
}

/** Local midnights a week apart from the cycle's start, as far as their labels fit without touching. */
function dateTicks(burn: CycleBurn, plot: number, ctx: RenderContext): { column: number; text: string }[] {
  const { start, end } = burn.cycle;
  const first = ctx.zone.dateTime(start).startOf("day");
  const ticks: { column: number; text: string }[] = [];
  for (let day = first; day.toMillis() < end; day = day.plus({ days: 7 })) {
    const at = Math.max(start, day.toMillis());
    const column = columnOf(at, start, end, plot);
    const text = day.toFormat("MM-dd");
    const previous = ticks[ticks.length - 1];
    if (column + text.length > plot || (previous && previous.column + previous.text.length + 1 > column)) continue;
    ticks.push({ column, text });
  }
  return ticks;
}

function dateLabels(burn: CycleBurn, plot: number, ctx: RenderContext): string {
  let line = "";
  for (const { column, text } of dateTicks(burn, plot, ctx)) line = `${line.padEnd(column)}${text}`;
  return line;
}

/** What each mark on the axis stands for, with its local time, wrapped to the width. */
function legendLines(burn: CycleBurn, ctx: RenderContext, settings: TerminalChartSettings): string[] {
  const { glyphs: g } = settings;
  const when = (at: Instant) => ctx.zone.dateTime(at).toFormat("MM-dd HH:mm");
  const money = (v: Decimal) => credits(v, ctx.card.precision.display, ctx.card.precision.rounding);
  const items: string[] = [];
  for (const mark of burn.marks.filter((m) => m.kind === "threshold")) items.push(`${markGlyph(mark, ctx, settings)} ${mark.percent}% ${when(mark.at)}`);
  for (const mark of burn.marks) {
    if (mark.kind === "grace") items.push(`${markGlyph(mark, ctx, settings)} ${burn.graceLimit.gt(0) ? `grace buffer (${money(burn.graceLimit)})` : "charged past zero"} from ${when(mark.at)}`);
    if (mark.kind === "exhausted") items.push(`${markGlyph(mark, ctx, settings)} credits ran out ${when(mark.at)}`);
    if (mark.kind === "payment") items.push(`${markGlyph(mark, ctx, settings)} ${escaped(mark.grant ?? "grant")} ${money(mark.amount!)} ${when(mark.at)}`);
  }
  if (items.length === 0) items.push(ctx.color.dim("no threshold crossed"));
  return wrapItems(items, settings.width, ` ${g.separator} `);
}

/** Items joined on a line while they fit, measured without colour codes. */
function wrapItems(items: readonly string[], width: number, joint: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    const candidate = line === "" ? `${INDENT}${item}` : `${line}${joint}${item}`;
    if (line !== "" && visible(candidate) > width) {
      lines.push(line);
      line = `${INDENT}${item}`;
    } else line = candidate;
  }
  if (line !== "") lines.push(line);
  return lines;
}

function visible(text: string): number {
  return [...text.replace(/\x1b\[[0-9;]*m/g, "")].length;
}

/** A ranked list with a bar per entry, scaled to the largest, the amount and its share of the cycle. */
function barLines(title: string, ranking: Ranking, total: Decimal, ctx: RenderContext, settings: TerminalChartSettings): string[] {
  if (ranking.top.length === 0) return [];
  const { glyphs: g } = settings;
  const { color } = ctx;
  const money = (v: Decimal) => credits(v, ctx.card.precision.display, ctx.card.precision.rounding);
  const share = (v: Decimal) => (total.isZero() ? "" : percentOf(v, total));
  const restLabel = ranking.rest ? `${g.ellipsis} ${ranking.rest.count} more` : "";
  // Labels are category names and project values from the data: escaped before they are measured.
  const rows = ranking.top.map((r) => ({ label: escaped(r.label), amount: r.amount }));
  const names = [...rows.map((r) => r.label), restLabel];
  const amounts = [...rows.map((r) => money(r.amount)), ranking.rest ? money(ranking.rest.amount) : ""];
  const shares = [...rows.map((r) => share(r.amount)), ranking.rest ? share(ranking.rest.amount) : ""];
  const labelWidth = Math.min(30, Math.max(...names.map((n) => [...n].length)));
  const amountWidth = Math.max(...amounts.map((a) => a.length));
  const shareWidth = Math.max(...shares.map((s) => s.length));
  const barWidth = Math.max(8, Math.min(30, settings.width - INDENT.length - labelWidth - amountWidth - shareWidth - 4));
  const largest = rows[0]!.amount;
  const lines = [`${INDENT}${color.bold(title)}`];
  const line = (name: string, bar: string, amount: string, pct: string) =>
    `${INDENT}${fit(name, labelWidth, g.ellipsis).padEnd(labelWidth)} ${bar} ${amount.padStart(amountWidth)} ${color.dim(pct.padStart(shareWidth))}`.trimEnd();
  for (const r of rows) {
    const filled = r.amount.gt(0) && largest.gt(0) ? Math.max(1, Math.round((toNumber(r.amount) / toNumber(largest)) * barWidth * 8)) : 0;
    const bar = `${g.bar[8]!.repeat(Math.floor(filled / 8))}${g.bar[filled % 8]!}`;
    lines.push(line(r.label, color.cyan(bar) + " ".repeat(barWidth - [...bar].length), money(r.amount), share(r.amount)));
  }
  if (ranking.rest) lines.push(line(restLabel, " ".repeat(barWidth), money(ranking.rest.amount), share(ranking.rest.amount)));
  return lines;
}

/** Text cut to a width, ending in an ellipsis when cut. */
function fit(text: string, width: number, ellipsis: string): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - [...ellipsis].length).join("")}${ellipsis}`;
}
