import { Decimal, ZERO } from "../../money.js";
import { escapeHtml, PALETTE } from "../shared/html-page.js";

export interface CycleColumn {
  /** Under the column: the cycle's start date. */
  label: string;
  total: Decimal;
  allowance: Decimal;
  /** When the allowance runs out in the cycle, written over the column. */
  runsOut: string | undefined;
}

const FONT = `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif" font-size="11"`;
const SIZE = { width: 760, height: 210, left: 16, right: 16, top: 44, bottom: 26 };
const px = (n: number): string => (Math.round(n * 10) / 10).toString();
/** A pixel position only: the amount itself is never computed with. */
const toNumber = (d: Decimal): number => d.toNumber();

/**
 * Credits per cycle as columns against the allowance: the part within it in
 * the balance colour, the part beyond it (top-ups or grace) in red, with the
 * allowance as a dashed line across each column.
 */
export function cycleColumnsSvg(title: string, columns: readonly CycleColumn[], format: (v: Decimal) => string): string {
  const largest = columns.reduce((m, c) => Decimal.max(m, c.total, c.allowance), ZERO);
  const columnWidth = (SIZE.width - SIZE.left - SIZE.right) / Math.max(1, columns.length);
  const bar = Math.min(56, columnWidth * 0.6);
  const base = SIZE.height - SIZE.bottom;
  const yOf = (v: Decimal) => (largest.isZero() ? base : base - (toNumber(v) / toNumber(largest)) * (base - SIZE.top));
  const parts = columns.map((c, i) => {
    const x = SIZE.left + columnWidth * i + (columnWidth - bar) / 2;
    const within = c.total.lt(c.allowance) ? c.total : c.allowance;
    const beyond = c.total.gt(c.allowance) ? c.total : undefined;
    const centre = x + bar / 2;
    return `<g class="cycle-column"><title>${escapeHtml(`${c.label}: ${format(c.total)} of ${format(c.allowance)}${c.runsOut ? `, runs out ${c.runsOut}` : ""}`)}</title>`
      + `<rect class="within" x="${px(x)}" y="${px(yOf(within))}" width="${px(bar)}" height="${px(base - yOf(within))}" fill="${PALETTE.balance}"/>`
      + (beyond ? `<rect class="beyond" x="${px(x)}" y="${px(yOf(beyond))}" width="${px(bar)}" height="${px(yOf(within) - yOf(beyond))}" fill="${PALETTE.grace}"/>` : "")
      + `<line x1="${px(x - 6)}" x2="${px(x + bar + 6)}" y1="${px(yOf(c.allowance))}" y2="${px(yOf(c.allowance))}" stroke="${PALETTE.ink}" stroke-dasharray="3 2"/>`
      + `<text x="${px(centre)}" y="${px(yOf(beyond ?? within) - 5)}" text-anchor="middle" fill="${PALETTE.ink}">${escapeHtml(format(c.total))}</text>`
      + `<text x="${px(centre)}" y="${px(base + 15)}" text-anchor="middle" fill="${PALETTE.axis}">${escapeHtml(c.label)}</text>`
      + (c.runsOut ? `<text x="${px(centre)}" y="${px(SIZE.top - 32)}" text-anchor="middle" fill="${PALETTE.grace}"><tspan x="${px(centre)}">runs out</tspan><tspan x="${px(centre)}" dy="12">${escapeHtml(c.runsOut)}</tspan></text>` : "")
      + `</g>`;
  });
  return `<svg class="cycle-columns" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${SIZE.width} ${SIZE.height}" width="${SIZE.width}" height="${SIZE.height}" xmlns="http://www.w3.org/2000/svg" ${FONT}>\n`
    + `<line x1="${SIZE.left}" x2="${SIZE.width - SIZE.right}" y1="${base}" y2="${base}" stroke="${PALETTE.axis}"/>\n${parts.join("\n")}\n</svg>`;
}
