import type { Block } from "./document.js";

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for HTML content and attribute values alike: account names, project names and card labels come from user files. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Colours shared by the page's CSS and its SVG figures. */
export const PALETTE = {
  balance: "#2f6fb0",
  balanceFill: "#d6e6f6",
  grace: "#c0392b",
  graceFill: "#f6d5d1",
  graceBand: "#fdf1ef",
  threshold: "#b7791f",
  payment: "#2e8540",
  grid: "#e3e6ea",
  axis: "#6b7280",
  ink: "#1f2933",
} as const;

const CSS = `
:root { color-scheme: light; --ink: ${PALETTE.ink}; --muted: ${PALETTE.axis}; --rule: ${PALETTE.grid}; --accent: ${PALETTE.balance}; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
main { max-width: 980px; margin: 0 auto; }
header.report { border-bottom: 3px solid var(--accent); padding-bottom: 8px; margin-bottom: 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; }
h3 { font-size: 16px; margin: 24px 0 8px; padding-top: 12px; border-top: 1px solid var(--rule); }
h4 { font-size: 13px; margin: 16px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
p.subtitle, .muted { color: var(--muted); margin: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 12px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; white-space: pre-line; }
figure { margin: 12px 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; max-width: 100%; }
figure svg.bars { max-width: 480px; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
ul.legend { list-style: none; padding: 0; margin: 6px 0 0; display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 12px; }
ul.legend li::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 6px; vertical-align: -1px; border-radius: 2px; background: var(--swatch, var(--muted)); }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
@media (max-width: 720px) { .pair { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { text-align: left; background: #f5f7f9; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.emphasis td { font-weight: 700; border-top: 2px solid var(--ink); }
p.note { background: #fff8e1; border-left: 4px solid ${PALETTE.threshold}; padding: 6px 10px; }
tr.class-row td:first-child { border-left: 4px solid var(--swatch, var(--muted)); }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; color: #fff; background: var(--swatch, var(--muted)); white-space: nowrap; }
.cheapest { font-weight: 700; color: ${PALETTE.payment}; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { padding: 0; font-size: 11px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; }
  section.cycle, section.part { break-before: page; page-break-before: always; }
  section.cycle:first-of-type, section.part:first-of-type { break-before: auto; page-break-before: auto; }
  table { font-size: 10px; }
  tr, dl.facts { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  h3 { border-top: none; }
}
`;

/**
 * A complete, self-contained document: styles inline, figures as inline SVG,
 * no script, and a policy that forbids fetching anything, so the file opens
 * the same offline, in a mail attachment or years later.
 */
export function htmlPage(title: string, subtitle: string, body: string): string {
  return `${htmlPageStart(title, subtitle)}${body}${HTML_PAGE_END}`;
}

/** htmlPage up to its body, for a page written in pieces: then the body, then HTML_PAGE_END. */
export function htmlPageStart(title: string, subtitle: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="burnrate">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header class="report"><h1>${escapeHtml(title)}</h1><p class="subtitle">${escapeHtml(subtitle)}</p></header>
`;
}

export const HTML_PAGE_END = `
</main>
</body>
</html>
`;

/** A report block (the same ones the terminal and Markdown show) as HTML, headings one level down for the page's own. */
export function blockHtml(b: Block): string {
  switch (b.kind) {
    case "heading":
      return b.level === 1 ? `<h2>${escapeHtml(b.text)}</h2>` : `<h3>${escapeHtml(b.text)}</h3>`;
    case "facts":
      return `<dl class="facts">${b.rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(typeof v === "string" ? v : v.join("\n"))}</dd>`).join("")}</dl>`;
    case "table": {
      const cls = (i: number) => (b.align[i] === "right" ? ` class="num"` : "");
      const head = b.head.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join("");
      const rows = b.rows
        .map((row, r) => `<tr${b.emphasis?.includes(r) ? ` class="emphasis"` : ""}>${row.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join("")}</tr>`)
        .join("\n");
      return `<table>${b.title ? `<caption>${escapeHtml(b.title)}</caption>` : ""}<thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
    }
    case "note":
      return `<p class="note">${escapeHtml(b.text)}</p>`;
  }
}
