import { ZERO, type Decimal } from "../../money.js";
import { purchaseWords } from "../../scenario/purchases.js";
import type { PlanResult, Simulation } from "../../scenario/simulate.js";
import { cycleColumnsSvg } from "../charts/columns.js";
import { barsSvg } from "../charts/svg.js";
import { localDate, localDateTime, type RenderContext } from "../shared/context.js";
import { blockHtml, escapeHtml, htmlPage, PALETTE } from "../shared/html-page.js";
import { credits } from "../shared/numbers.js";
import { simulationBlocks } from "./report.js";

/**
 * A simulation as one self-contained HTML page: the same blocks as the table
 * view, with the plans' money side by side and, for each plan, its credits
 * per cycle against the allowance, after the summary.
 */
export function simulationHtml(sim: Simulation, ctx: RenderContext): string {
  const { card } = ctx;
  const { scenario } = sim;
  const body: string[] = [];
  let drawn = false;
  for (const block of simulationBlocks(sim, ctx)) {
    body.push(blockHtml(block));
    if (block.kind === "facts" && !drawn) {
      body.push(...figures(sim, ctx));
      drawn = true;
    }
  }
  return htmlPage(`${scenario.name}: simulated spend`, `${card.provider} ${card.version} · ${scenario.cycles} ${scenario.cycles === 1 ? "cycle" : "cycles"} from ${localDate(ctx, scenario.start)} · ${scenario.zone.name}`, body.join("\n"));
}

function figures(sim: Simulation, ctx: RenderContext): string[] {
  const { card } = ctx;
  const amount = (v: Decimal) => credits(v, card.precision.display, card.precision.rounding);
  const money = (v: Decimal) => `${credits(v, 2)} ${card.currency}`;
  const out: string[] = [];
  if (sim.plans.length > 1) {
    const plans = sim.ranking.length > 0 ? sim.ranking : sim.plans;
    const colour = (i: number) => (plans[i] === sim.cheapest && sim.ownUsage ? PALETTE.payment : plans[i]!.covers ? PALETTE.balance : PALETTE.axis);
    const ranking = { top: plans.map((p) => ({ label: planLabel(p), amount: p.money })), rest: undefined, total: ZERO };
    out.push(`<figure class="plans"><h4>Money per plan over ${sim.scenario.cycles} ${sim.scenario.cycles === 1 ? "cycle" : "cycles"}</h4>${barsSvg("Money per plan", ranking, money, colour)}`
      + `<figcaption>${caption(sim, money)}Grey: the plan refuses usage or lives on its grace buffer.</figcaption></figure>`);
  }
  for (const p of sim.plans) {
    const columns = p.cycles.map((c) => ({
      label: localDate(ctx, c.start),
      total: c.total,
      allowance: c.allowance,
      runsOut: c.runsOutAt === undefined ? undefined : localDateTime(ctx, c.runsOutAt),
    }));
    out.push(`<figure class="plan-cycles"><h4>${escapeHtml(`${p.label}: ${card.unit} per cycle against the allowance`)}</h4>${cycleColumnsSvg(`${p.label}: ${card.unit} per cycle`, columns, amount)}`
      + `<figcaption>Blue within the allowance, red beyond it (top-ups or grace); the dashed line is the allowance.</figcaption></figure>`);
  }
  return out;
}

/** The bars' cheapest, or where the scenario's own account has no usage, the users' (UsersRanking): its bars are the plans' prices alone. */
function caption(sim: Simulation, money: (v: Decimal) => string): string {
  if (!sim.ownUsage && sim.users !== undefined) {
    const best = sim.users.cheapest;
    const users = best === undefined ? "no plan serves every user's own account" : `<span class="cheapest">Cheapest for the users' own accounts: ${escapeHtml(best.plan.label)}, ${escapeHtml(money(best.accounts!.money.sum))} in all</span>`;
    return `The scenario's own account has no usage: the bars are each plan's price. ${users}. `;
  }
  return sim.cheapest ? `<span class="cheapest">Cheapest: ${escapeHtml(sim.cheapest.label)}, ${escapeHtml(money(sim.cheapest.money))}</span>. ` : "No plan covers the scenario. ";
}

function planLabel(p: PlanResult): string {
  // Packs the card gives no price for are not in the bar: the label says they are still to pay.
  const unpriced = p.purchase !== undefined && p.purchase.price === undefined && p.topupNeeded.gt(0) ? ` + ${purchaseWords(p.purchase.kind)} (no price)` : "";
  return `${p.label}${p.own ? " (scenario)" : ""}${unpriced}${p.covers ? "" : " ✕"}`;
}
