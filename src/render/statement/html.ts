import { releaseCycles } from "../../engine/closed-cycles.js";
import type { Statement } from "../../engine/types.js";
import type { Decimal } from "../../money.js";
import { accountBurns, categoryTotals, rank, type BurnEntries, type CycleBurn } from "../charts/series.js";
import { barsSvg, burnDownSvg, burnLegendHtml } from "../charts/svg.js";
import type { RenderContext } from "../shared/context.js";
import { blockHtml, escapeHtml, HTML_PAGE_END, htmlPageStart, PALETTE } from "../shared/html-page.js";
import { count, credits } from "../shared/numbers.js";
import { statementBlocks } from "./report.js";
import { byProject } from "../shared/summary.js";
import { NOTHING_SAID, type Said } from "./said.js";

const TOP = 8;

/**
 * The statement as one self-contained HTML page: the same blocks as the table
 * and Markdown views, with each cycle's burn-down and its spend by category
 * and by project drawn after the cycle's summary. Written in pieces, account by
 * account as the blocks are drawn, each account's burn-downs made as its blocks
 * begin. With `release`, for a caller that reads the statement and the ledger no
 * more, each account's cycles (releaseCycles) and points are let go once drawn:
 * a page of many accounts never holds them all.
 */
export function* statementHtml(statement: Statement, ledger: BurnEntries & { release?(account: string): void }, ctx: RenderContext, { release = false, said = NOTHING_SAID }: { release?: boolean; said?: Said } = {}): Generator<string> {
  const { card } = ctx;
  const money = (v: Decimal) => credits(v, card.precision.display, card.precision.rounding);
  const names = statement.accounts.map((a) => a.account).join(", ");
  yield htmlPageStart(`${card.provider} ${card.version} statement`, `account ${names} · ${statement.timezone} · ${count(statement.events.priced)} events priced, ${count(statement.events.rejected)} rejected`);
  let next = "";
  const out = (html: string) => {
    const piece = next + html;
    next = "\n";
    return piece;
  };
  const accounts = statement.accounts;
  let account = -1;
  let burns: CycleBurn[] = [];
  let cycle = -1;
  /** The cycles drawn so far, of every account: a burn-down's id on the page. */
  let drawnCycles = 0;
  let open = false;
  const drawn = () => {
    if (!release || account < 0 || account >= accounts.length) return;
    releaseCycles(accounts[account]!);
    ledger.release?.(accounts[account]!.account);
  };
  for (const block of statementBlocks(statement, ctx, said)) {
    if (block.kind === "heading" && block.level === 1) {
      drawn();
      // Past the last account, the heading is the totals over all of them (FleetTotals): no account, no burn-down.
      account = Math.min(account + 1, accounts.length);
      burns = account < accounts.length ? accountBurns(accounts[account]!, ledger, card) : [];
      cycle = -1;
    }
    if (block.kind === "heading" && block.level === 2) {
      if (open) yield out("</section>");
      yield out(`<section class="cycle">`);
      open = true;
      cycle++;
      drawnCycles++;
    } else if (block.kind === "heading" && open) {
      yield out("</section>");
      open = false;
    }
    yield out(blockHtml(block));
    // Figures follow the cycle's summary facts, before its tables.
    const burn = burns[cycle];
    if (block.kind === "facts" && open && burn) {
      const c = burn.cycle;
      yield out(`<figure class="burn">${burnDownSvg(burn, ctx, `burn-${drawnCycles}`)}<figcaption>${burnLegendHtml(burn, ctx)}</figcaption></figure>`);
      // By project only where a line names one: a card of teams or models drew "(workspace) 100%" each cycle (newcomer68 L6).
      const projects = c.lines.some((line) => line.dimensions.project !== undefined);
      yield out(`<div class="pair">`
        + `<figure class="spend"><h4>Spend by category (${escapeHtml(card.unit)})</h4>${barsSvg("Spend by category", rank(categoryTotals(c.lines, card), TOP), money)}</figure>`
        + (projects ? `<figure class="spend"><h4>Spend by project (${escapeHtml(card.unit)})</h4>${barsSvg("Spend by project", rank(byProject(c.lines), TOP), money, PALETTE.payment)}</figure>` : "")
        + `</div>`);
    }
  }
  drawn();
  if (open) yield out("</section>");
  yield HTML_PAGE_END;
}
