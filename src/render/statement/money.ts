import { formatExact, type Decimal } from "../../money.js";
import { minorDigits, type CycleMoney } from "../../ratecard/cycle-money.js";
import type { Block } from "../shared/document.js";
import { credits, exactGrouped } from "../shared/numbers.js";

// The rule is the card's (src/ratecard/cycle-money.ts), which diff also prices by; this file shows it.
export { cycleMoney, type CycleMoney } from "../../ratecard/cycle-money.js";

export function cycleMoneyJson(money: CycleMoney | undefined): object | null {
  if (!money) return null;
  return {
    currency: money.currency,
    plan: formatExact(money.plan),
    credits_bought: formatExact(money.creditsBought),
    bought: money.bought === undefined ? null : formatExact(money.bought),
    overage: formatExact(money.overage),
    total: formatExact(money.total),
  };
}

/** The cycle's money as a small table: plan, credits bought, overage and the rounded total. */
export function cycleMoneyBlocks(money: CycleMoney | undefined): Block[] {
  if (!money) return [];
  const shown = (v: Decimal) => credits(v, minorDigits(money.currency));
  const rows: string[][] = [["Plan", "", shown(money.plan)]];
  if (money.creditsBought.gt(0)) rows.push(["Credits bought", exactGrouped(money.creditsBought), money.bought === undefined ? "no credit_price" : shown(money.bought)]);
  if (money.overage.gt(0)) rows.push(["Overage", "", shown(money.overage)]);
  rows.push(["Total", "", shown(money.total)]);
  return [{ kind: "table", title: `Money (${money.currency})`, head: ["Item", "Credits", "Amount"], align: ["left", "right", "right"], rows }];
}
