import { Decimal, ZERO } from "../../money.js";
import type { Instant } from "../../time.js";
import { pointAt, type BurnMark, type CycleBurn, type Ranking } from "./series.js";
import type { RenderContext } from "../shared/context.js";
import { escapeHtml, PALETTE } from "../shared/html-page.js";
import { credits, percentOf } from "../shared/numbers.js";

const FONT = `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif" font-size="11"`;
/** Pixels with one decimal: enough for a crisp line, short enough for a small file. */
const px = (n: number): string => (Math.round(n * 10) / 10).toString();
/** A pixel position only: the amount itself is never computed with. */
const toNumber = (d: Decimal): number => d.toNumber();

const BURN = { width: 760, height: 250, left: 64, right: 24, bottom: 34, labelRow: 13 };
const MARK_LABEL_GAP = 34;
const GRACE_SHARE = 0.2;

/**
 * A cycle's burn-down as an inline SVG: the balance as a step line over a
 * filled area, the grace buffer as a band below zero and the grace used drawn
 * down into it, dashed lines where each warning level was crossed, and marks
 * for the grace buffer's start, the first refusal and every purchase.
 */
export function burnDownSvg(burn: CycleBurn, ctx: RenderContext, id: string): string {
  const { start, end } = burn.cycle;
  const money = (v: Decimal) => credits(v, ctx.card.precision.display, ctx.card.precision.rounding);
  const top = burn.points.reduce((m, p) => (p.balance.gt(m) ? p.balance : m), ZERO);
  const graceUsed = burn.points.reduce((m, p) => (p.graceUsed.gt(m) ? p.graceUsed : m), ZERO);
  const depth = burn.graceLimit.gt(graceUsed) ? burn.graceLimit : graceUsed;
  const step = niceStep(top.gt(0) ? top : depth.gt(0) ? depth : new Decimal(1));
  const ceiling = top.gt(0) ? top.div(step).ceil().mul(step) : step;

  const labelled = burn.marks.filter((m) => m.kind === "threshold" || m.kind === "payment");
  const xOf = (at: Instant) => BURN.left + ((at - start) / (end - start)) * (BURN.width - BURN.left - BURN.right);
  const rows = labelRows(labelled.map((m) => xOf(m.at)));
  const plotTop = 10 + BURN.labelRow * (Math.max(0, ...rows) + 1);
  const plotBottom = BURN.height - BURN.bottom;
  // Below zero on its own scale, at least a fifth of the height: a buffer of a tenth
  // of the allowance would otherwise be a sliver. The axis labels give both scales.
  const height = plotBottom - plotTop;
  const below = depth.gt(0) ? Math.max(GRACE_SHARE * height, (toNumber(depth) / toNumber(ceiling.plus(depth))) * height) : 0;
  const zeroY = plotBottom - below;
  const yOf = (v: Decimal) => (v.gte(0) ? zeroY - (toNumber(v) / toNumber(ceiling)) * (zeroY - plotTop) : zeroY + (toNumber(v.neg()) / toNumber(depth)) * below);
  const left = BURN.left;
  const right = BURN.width - BURN.right;
  const zero = zeroY;

  const parts: string[] = [];
  for (let tick = ZERO; tick.lte(ceiling); tick = tick.plus(step)) {
    const y = yOf(tick);
    parts.push(`<line class="grid" x1="${left}" x2="${right}" y1="${px(y)}" y2="${px(y)}" stroke="${PALETTE.grid}"/>`);
    parts.push(`<text x="${left - 6}" y="${px(y + 4)}" text-anchor="end" fill="${PALETTE.axis}">${escapeHtml(credits(tick, 0))}</text>`);
  }
  if (burn.graceLimit.gt(0)) {
    const floor = yOf(burn.graceLimit.neg());
    parts.push(`<rect class="grace-band" x="${left}" y="${px(zero)}" width="${px(right - left)}" height="${px(floor - zero)}" fill="${PALETTE.graceBand}"/>`);
    parts.push(`<line x1="${left}" x2="${right}" y1="${px(floor)}" y2="${px(floor)}" stroke="${PALETTE.grace}" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${left - 6}" y="${px(floor + 4)}" text-anchor="end" fill="${PALETTE.grace}">${escapeHtml(`−${credits(burn.graceLimit, 0)}`)}</text>`);
  }

  let line = `M${px(xOf(start))} ${px(yOf(burn.points[0]!.balance))}`;
  for (const p of burn.points.slice(1)) line += `H${px(xOf(p.at))}V${px(yOf(p.balance))}`;
  line += `H${px(right)}`;
  parts.push(`<path class="balance-area" d="${line}V${px(zero)}H${px(left)}Z" fill="${PALETTE.balanceFill}"/>`);
  if (graceUsed.gt(0)) {
    let grace = `M${px(left)} ${px(zero)}`;
    for (const p of burn.points) grace += `H${px(xOf(p.at))}V${px(yOf(p.graceUsed.neg()))}`;
    parts.push(`<path class="grace-used" d="${grace}H${px(right)}V${px(zero)}Z" fill="${PALETTE.grace}" fill-opacity="0.75"/>`);
  }
  parts.push(`<path class="balance-line" d="${line}" fill="none" stroke="${PALETTE.balance}" stroke-width="2" stroke-linejoin="round"/>`);
  parts.push(`<line class="zero" x1="${left}" x2="${right}" y1="${px(zero)}" y2="${px(zero)}" stroke="${PALETTE.axis}"/>`);

  for (const tick of dateTicks(burn, ctx, xOf)) {
    parts.push(`<line x1="${px(tick.x)}" x2="${px(tick.x)}" y1="${px(plotBottom)}" y2="${px(plotBottom + 4)}" stroke="${PALETTE.axis}"/>`);
    parts.push(`<text x="${px(tick.x)}" y="${px(plotBottom + 16)}" text-anchor="middle" fill="${PALETTE.axis}">${escapeHtml(tick.text)}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${right}" y1="${px(plotBottom)}" y2="${px(plotBottom)}" stroke="${PALETTE.axis}"/>`);

  const when = (at: Instant) => ctx.zone.dateTime(at).toFormat("yyyy-MM-dd HH:mm");
  labelled.forEach((mark, i) => {
    const x = xOf(mark.at);
    const labelY = 10 + BURN.labelRow * rows[i]! + 9;
    const colour = mark.kind === "threshold" ? PALETTE.threshold : PALETTE.payment;
    const text = mark.kind === "threshold" ? `${mark.percent}%` : `+${money(mark.amount!)}`;
    const title = mark.kind === "threshold" ? `${mark.percent}% of the allowance used at ${when(mark.at)}` : `${mark.grant ?? "grant"} of ${money(mark.amount!)} at ${when(mark.at)}`;
    parts.push(`<g class="mark ${mark.kind}"><title>${escapeHtml(title)}</title>`
      + `<line x1="${px(x)}" x2="${px(x)}" y1="${px(labelY + 3)}" y2="${px(plotBottom)}" stroke="${colour}" stroke-dasharray="${mark.kind === "threshold" ? "3 3" : "1 3"}"/>`
      + `<text x="${px(x + 2)}" y="${px(labelY)}" fill="${colour}" font-weight="600">${escapeHtml(text)}</text></g>`);
  });
  for (const mark of burn.marks) {
    const x = xOf(mark.at);
    if (mark.kind === "grace") {
      parts.push(`<g class="mark grace"><title>${escapeHtml(`${burn.graceLimit.gt(0) ? "grace buffer first drawn" : "first charged past zero"} at ${when(mark.at)}`)}</title>`
        + `<path d="M${px(x)} ${px(zero - 6)}L${px(x + 6)} ${px(zero)}L${px(x)} ${px(zero + 6)}L${px(x - 6)} ${px(zero)}Z" fill="${PALETTE.grace}" stroke="#fff"/></g>`);
    }
    if (mark.kind === "exhausted") {
      const y = yOf(pointAt(burn.points, mark.at).balance);
      parts.push(`<g class="mark exhausted"><title>${escapeHtml(`credits ran out at ${when(mark.at)}`)}</title>`
        + `<circle cx="${px(x)}" cy="${px(y)}" r="5" fill="#fff" stroke="${PALETTE.grace}" stroke-width="2"/>`
        + `<path d="M${px(x - 2.5)} ${px(y - 2.5)}L${px(x + 2.5)} ${px(y + 2.5)}M${px(x + 2.5)} ${px(y - 2.5)}L${px(x - 2.5)} ${px(y + 2.5)}" stroke="${PALETTE.grace}" stroke-width="1.5"/></g>`);
    }
  }

  const summary = `Credits left over cycle ${burn.cycle.index + 1}, from ${money(burn.points[0]!.balance)} at the start`;
  return `<svg class="burn-down" role="img" aria-labelledby="${id}" viewBox="0 0 ${BURN.width} ${BURN.height}" width="${BURN.width}" height="${BURN.height}" xmlns="http://www.w3.org/2000/svg" ${FONT}>`
    + `<title id="${id}">${escapeHtml(summary)}</title>\n${parts.join("\n")}\n</svg>`;
}

/** Each label on the highest free row: marks close in time (70, 80 and 90 percent within an hour) stack instead of overlapping. */
function labelRows(xs: readonly number[]): number[] {
  const lastX: number[] = [];
  return xs.map((x) => {
    let row = lastX.findIndex((last) => x - last >= MARK_LABEL_GAP);
    if (row < 0) row = lastX.length;
    lastX[row] = x;
    return row;
  });
}

/** 1, 2, 2.5 or 5 times a power of ten, so that about four gridlines span the value (positive). */
export function niceStep(value: Decimal): Decimal {
  const raw = value.div(4);
  // The power of ten of raw's first digit is its exponent: log(10) to 60 digits took a fifth of an HTML statement's time.
  const magnitude = new Decimal(10).pow(raw.e);
  const scaled = raw.div(magnitude);
  const factor = [1, 2, 2.5, 5].find((f) => scaled.lte(f)) ?? 10;
  return magnitude.mul(factor);
}

/** Local midnights a week apart, starting with the cycle's first day. */
function dateTicks(burn: CycleBurn, ctx: RenderContext, xOf: (at: Instant) => number): { x: number; text: string }[] {
  const { start, end } = burn.cycle;
  return weekDays(ctx.zone, start, end).map((day) => ({ x: xOf(day.at), text: day.text }));
}

/**
 * The week ticks of a cycle, its first at its start, by zone and bounds: Luxon takes some 100 µs for a cycle's, and
 * a page of many accounts draws the same cycles for each (a seventh of 2,000 accounts' page).
 */
function weekDays(zone: RenderContext["zone"], start: Instant, end: Instant): readonly { at: Instant; text: string }[] {
  let known = WEEK_DAYS.get(zone);
  if (known === undefined) WEEK_DAYS.set(zone, (known = new Map()));
  const key = `${start} ${end}`;
  const days = known.get(key);
  if (days !== undefined) return days;
  const made: { at: Instant; text: string }[] = [];
  for (let day = zone.dateTime(start).startOf("day"); day.toMillis() < end; day = day.plus({ days: 7 })) made.push({ at: Math.max(start, day.toMillis()), text: day.toFormat("MMM d") });
  // Bounded: a log of accounts on anchors of their own has cycles of their own.
  if (known.size >= 1024) known.clear();
  known.set(key, made);
  return made;
}

const WEEK_DAYS = new WeakMap<RenderContext["zone"], Map<string, readonly { at: Instant; text: string }[]>>();

/** What the burn-down's marks stand for, with their times, as a list under the figure. */
export function burnLegendHtml(burn: CycleBurn, ctx: RenderContext): string {
  const money = (v: Decimal) => credits(v, ctx.card.precision.display, ctx.card.precision.rounding);
  const when = (at: Instant) => ctx.zone.dateTime(at).toFormat("yyyy-MM-dd HH:mm");
  const item = (colour: string, text: string) => `<li style="--swatch: ${colour}">${escapeHtml(text)}</li>`;
  const items = [item(PALETTE.balance, "credits left")];
  const thresholds = burn.marks.filter((m) => m.kind === "threshold");
  if (thresholds.length > 0) items.push(item(PALETTE.threshold, `allowance used: ${thresholds.map((m) => `${m.percent}% at ${when(m.at)}`).join(", ")}`));
  for (const mark of burn.marks) items.push(...markItem(mark, burn, money, when).map(([c, t]) => item(c, t)));
  if (burn.graceLimit.gt(0)) items.push(item(PALETTE.graceBand, `grace buffer: ${money(burn.graceLimit)} below zero`));
  return `<ul class="legend">${items.join("")}</ul>`;
}

function markItem(mark: BurnMark, burn: CycleBurn, money: (v: Decimal) => string, when: (at: Instant) => string): [string, string][] {
  switch (mark.kind) {
    case "grace": {
      const used = burn.points.reduce((m, p) => (p.graceUsed.gt(m) ? p.graceUsed : m), ZERO);
      // No buffer on the plan: what went below zero is an allow pool's usage (or a crossing charge), not grace.
      return [[PALETTE.grace, `${burn.graceLimit.gt(0) ? "grace used" : "charged past zero"} from ${when(mark.at)} (${money(used)} by the cycle's end)`]];
    }
    case "exhausted": return [[PALETTE.grace, `credits ran out at ${when(mark.at)}`]];
    case "payment": return [[PALETTE.payment, `${mark.grant ?? "grant"} +${money(mark.amount!)} at ${when(mark.at)}`]];
    case "threshold": return [];
  }
}

const BARS = { width: 460, row: 24, label: 172, value: 104 };

/**
 * A ranked list as horizontal bars scaled to the largest entry, each with its
 * amount and share (none when the total is zero); the entries past the top
 * are summed on a last, barless row.
 */
export function barsSvg(title: string, ranking: Ranking, format: (v: Decimal) => string, colour: string | ((index: number) => string) = PALETTE.balance): string {
  const rows: { label: string; amount: Decimal; bar: boolean }[] = ranking.top.map((r) => ({ ...r, bar: true }));
  if (ranking.rest) rows.push({ label: `${ranking.rest.count} more`, amount: ranking.rest.amount, bar: false });
  const largest = ranking.top.reduce((m, r) => (r.amount.gt(m) ? r.amount : m), ZERO);
  const fill = (i: number) => (typeof colour === "string" ? colour : colour(i));
  const barSpace = BARS.width - BARS.label - BARS.value;
  const height = rows.length * BARS.row + 4;
  const body = rows.map((r, i) => {
    const y = i * BARS.row + 2;
    const length = r.bar && r.amount.gt(0) && largest.gt(0) ? Math.max(1, (toNumber(r.amount) / toNumber(largest)) * barSpace) : 0;
    const share = ranking.total.isZero() ? "" : ` · ${percentOf(r.amount, ranking.total)}`;
    const label = [...r.label].length > 26 ? `${[...r.label].slice(0, 25).join("")}…` : r.label;
    return `<g class="bar"><title>${escapeHtml(`${r.label}: ${format(r.amount)}${share}`)}</title>`
      + `<text x="0" y="${px(y + 15)}" fill="${PALETTE.ink}">${escapeHtml(label)}</text>`
      + (length > 0 ? `<rect x="${BARS.label}" y="${px(y + 4)}" width="${px(length)}" height="${BARS.row - 8}" rx="2" fill="${fill(i)}"/>` : "")
      + `<text x="${BARS.width}" y="${px(y + 15)}" text-anchor="end" fill="${PALETTE.axis}">${escapeHtml(`${format(r.amount)}${share}`)}</text></g>`;
  });
  return `<svg class="bars" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${BARS.width} ${height}" width="${BARS.width}" height="${height}" xmlns="http://www.w3.org/2000/svg" ${FONT}>\n${body.join("\n")}\n</svg>`;
}
