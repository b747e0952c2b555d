import type { CycleStatement } from "../../engine/types.js";
import { ZERO, type Decimal } from "../../money.js";
import type { CycleMoney } from "../../ratecard/cycle-money.js";
import { localDate, type RenderContext } from "../shared/context.js";
import type { Block } from "../shared/document.js";
import { count } from "../shared/numbers.js";
import { moneyPart, moneyRounding } from "./money.js";
import { uncoveredLabel } from "./uncovered-label.js";

/** One calendar period's sums over the accounts whose cycles span it. */
interface PeriodSums {
  readonly start: number;
  readonly end: number;
  accounts: number;
  charged: Decimal;
  uncovered: Decimal;
  money: Decimal;
  /** The money's parts, as each account's money table splits it: plan fees, credits bought (at a price), overage, and the rounding of each account's total. */
  plans: Decimal;
  bought: Decimal;
  overage: Decimal;
  rounding: Decimal;
  /** Accounts whose total is unknown (credits bought at no price): the money sum holds their priced parts only. */
  unknown: number;
  currency: string | undefined;
}

/**
 * The statement's totals over every account, period by period, for a statement of several accounts: what a finance
 * team bills for the month, where each account's own total stood alone (newcomers, stops 51 and 52). Summed as the
 * accounts are drawn, once: a page lets each account's cycles go once drawn.
 */
export class FleetTotals {
  private readonly periods = new Map<string, PeriodSums>();
  private accounts = 0;

  /** An account's cycle and its money, as drawn. */
  add(c: CycleStatement, money: CycleMoney | undefined): void {
    const key = `${c.start} ${c.end}`;
    let sums = this.periods.get(key);
    if (sums === undefined) this.periods.set(key, (sums = { start: c.start, end: c.end, accounts: 0, charged: ZERO, uncovered: ZERO, money: ZERO, plans: ZERO, bought: ZERO, overage: ZERO, rounding: ZERO, unknown: 0, currency: undefined }));
    sums.accounts++;
    sums.charged = sums.charged.plus(c.total);
    sums.uncovered = sums.uncovered.plus(c.uncovered);
    if (money === undefined) return;
    sums.currency = money.currency;
    // An account of credits bought at no price adds its priced parts (its plan, say) and is counted as unknown beside them (red53b).
    if (money.unpriced.gt(0)) sums.unknown++;
    sums.money = sums.money.plus(money.total);
    sums.plans = sums.plans.plus(money.plan);
    sums.bought = sums.bought.plus(money.bought ?? ZERO);
    sums.overage = sums.overage.plus(money.overage);
    sums.rounding = sums.rounding.plus(moneyRounding(money));
  }

  /** An account drawn, whatever its cycles. */
  account(): void {
    this.accounts++;
  }

  /** The totals' heading and table, where the statement has more than one account; none for one. */
  blocks(ctx: RenderContext, { credits, card }: { credits: (v: Decimal) => string; card: string }): Block[] {
    if (this.accounts < 2) return [];
    const periods = [...this.periods.values()].sort((a, b) => a.start - b.start || a.end - b.end);
    const currency = periods.find((p) => p.currency !== undefined)?.currency;
    const rows = periods.map((p) => [
      `${localDate(ctx, p.start)} to ${localDate(ctx, p.end - 1)}`,
      count(p.accounts),
      credits(p.charged),
      credits(p.uncovered),
      currency === undefined ? "" : p.unknown > 0 ? `${moneyPart(p.money, currency)} and ${count(p.unknown)} unknown` : moneyPart(p.money, currency),
    ]);
    // Named as each account's section names it: "Uncovered" here and "Billed past zero" there read as two figures (newcomer57 L3, newcomer55 L5).
    const head = ["Period", "Accounts", `Charged (${ctx.card.unit})`, uncoveredLabel(ctx.card), currency === undefined ? "Money" : `Money (${currency})`];
    return [
      { kind: "heading", level: 1, text: `${card} · all ${count(this.accounts)} accounts` },
      { kind: "table", title: "Totals by period", head, align: ["left", "right", "right", "right", "right"], rows },
      ...(currency === undefined ? [] : [moneyByPeriod(periods, currency, ctx)]),
    ];
  }
}

/**
 * The money of each period split as an account's money table splits it, summed over the accounts: what finance books
 * apart (fees, packs sold, overage), where the totals gave one figure (newcomer68 L5). The parts and the rounding add
 * up to the Money column above; a rounding column only where some account's total was rounded.
 */
function moneyByPeriod(periods: readonly PeriodSums[], currency: string, ctx: RenderContext): Block {
  const rounded = periods.some((p) => !p.rounding.isZero());
  const money = (v: Decimal) => moneyPart(v, currency);
  return {
    kind: "table",
    title: `Money by period (${currency})`,
    head: ["Period", "Plan fees", "Credits bought", "Overage", ...(rounded ? ["Rounding"] : []), "Total"],
    align: ["left", "right", "right", "right", ...(rounded ? ["right" as const] : []), "right"],
    rows: periods.map((p) => [
      `${localDate(ctx, p.start)} to ${localDate(ctx, p.end - 1)}`,
      money(p.plans),
      money(p.bought),
      money(p.overage),
      ...(rounded ? [money(p.rounding)] : []),
      p.unknown > 0 ? `${money(p.money)} and ${count(p.unknown)} unknown` : money(p.money),
    ]),
  };
}
