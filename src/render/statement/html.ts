import type { LedgerEntry, Statement } from "../../engine/types.js";
import type { Decimal } from "../../money.js";
import { burnDowns, categoryTotals, rank } from "../charts/series.js";
import { barsSvg, burnDownSvg, burnLegendHtml } from "../charts/svg.js";
import type { RenderContext } from "../shared/context.js";
import { blockHtml, escapeHtml, htmlPage, PALETTE } from "../shared/html-page.js";
import { count, credits } from "../shared/numbers.js";
import { statementBlocks } from "./report.js";
import { byProject } from "../shared/summary.js";

const TOP = 8;

/**
 * The statement as one self-contained HTML page: the same blocks as the table
 * and Markdown views, with each cycle's burn-down and its spend by category
 * and by project drawn after the cycle's summary.
 */
export function statementHtml(statement: Statement, ledger: readonly LedgerEntry[], ctx: RenderContext): string {
  const { card } = ctx;
  const money = (v: Decimal) => credits(v, card.precision.display, card.precision.rounding);
  const burns = burnDowns(statement, ledger, card);
  const body: string[] = [];
  let cycle = -1;
  let open = false;
  for (const block of statementBlocks(statement, ctx)) {
    if (block.kind === "heading" && block.level === 2) {
      if (open) body.push("</section>");
      body.push(`<section class="cycle">`);
      open = true;
      cycle++;
    } else if (block.kind === "heading" && open) {
      body.push("</section>");
      open = false;
    }
    body.push(blockHtml(block));
    // Figures follow the cycle's summary facts, before its tables.
    const burn = burns[cycle];
    if (block.kind === "facts" && open && burn) {
      const c = burn.cycle;
      body.push(`<figure class="burn">${burnDownSvg(burn, ctx, `burn-${cycle + 1}`)}<figcaption>${burnLegendHtml(burn, ctx)}</figcaption></figure>`);
      body.push(`<div class="pair">`
        + `<figure class="spend"><h4>Spend by category (${escapeHtml(card.unit)})</h4>${barsSvg("Spend by category", rank(categoryTotals(c.lines, card), TOP), money)}</figure>`
        + `<figure class="spend"><h4>Spend by project (${escapeHtml(card.unit)})</h4>${barsSvg("Spend by project", rank(byProject(c.lines), TOP), money, PALETTE.payment)}</figure>`
        + `</div>`);
    }
  }
  if (open) body.push("</section>");
  const accounts = statement.accounts.map((a) => a.account).join(", ");
  return htmlPage(`${card.provider} ${card.version} statement`, `account ${accounts} · ${statement.timezone} · ${count(statement.events.priced)} events priced, ${count(statement.events.rejected)} rejected`, body.join("\n"));
}
