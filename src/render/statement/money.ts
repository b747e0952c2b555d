import { Decimal, formatExact, ZERO } from "../../money.js";
import { minorDigits, type CycleMoney } from "../../ratecard/cycle-money.js";
import type { Block } from "../shared/document.js";
import { credits, exactGrouped } from "../shared/numbers.js";

// The rule is the card's (src/ratecard/cycle-money.ts), which diff also prices by; this file shows it.
export { cycleMoney, type CycleMoney } from "../../ratecard/cycle-money.js";

/**
 * The cycle's money in the JSON contract. Where credits were bought at no price, `total` is null, the priced parts'
 * total is `priced_total` and the credits left out `unpriced_credits`: a pipeline reading `total` finds no figure to
 * invoice rather than one a purchase short (newcomer, stop 38). Cycles with every part priced keep their keys as they were.
 */
export function cycleMoneyJson(money: CycleMoney | undefined): object | null {
  if (!money) return null;
  const unknown = money.unpriced.gt(0);
  return {
    currency: money.currency,
    plan: formatExact(money.plan),
    credits_bought: formatExact(money.creditsBought),
    bought: money.bought === undefined ? null : formatExact(money.bought),
    overage: formatExact(money.overage),
    total: unknown ? null : formatExact(money.total),
    ...(unknown ? { unpriced_credits: formatExact(money.unpriced), priced_total: formatExact(money.total) } : {}),
  };
}

/** What stands for the total where credits were bought at no price: how many, so that no figure reads as the total. */
export function unknownTotal(money: CycleMoney): string {
  return `unknown: ${exactGrouped(money.unpriced)} credits bought at no price on the card`;
}

/**
 * What rounding the total once to the currency's minor unit added to the exact parts (negative when it took away):
 * a plan of 9.995 and credits bought for 0.0375 are billed 10.03, so the rounding is -0.0025. Zero when every part
 * is in whole minor units, as nearly every card's are.
 */
export function moneyRounding(money: CycleMoney): Decimal {
  return money.total.minus(money.plan.plus(money.bought ?? ZERO).plus(money.overage));
}

/** A money part as billed: in the currency's minor units (10.00), or exact where it has finer digits (9.995), never rounded apart from the total. */
export function moneyPart(value: Decimal, currency: string): string {
  const digits = minorDigits(currency);
  return value.decimalPlaces() <= digits ? credits(value, digits) : exactGrouped(value);
}

/**
 * The cycle's money as a small table: plan, credits bought, overage, the rounding and the total. The parts are shown
 * exact and the total rounded once, so a row of the rounding says where the sub-cent part went and the rows add up to
 * the total (red team, stop 38: Plan 10.00 and Credits bought 0.04 over a Total of 10.03). Where credits were bought
 * at no price they add up to the total of the priced parts, and the total says it is unknown.
 */
export function cycleMoneyBlocks(money: CycleMoney | undefined, changed?: { plan: string }): Block[] {
  if (!money) return [];
  const shown = (v: Decimal) => moneyPart(v, money.currency);
  // A cycle whose plan changed bills the fee of the plan at its end, whole: said where it is billed, as the guides say it
  // (newcomer69 L2, newcomer70 L3: an upgrade on the 15th read "Plan 500.00", nothing for the half month before).
  const rows: string[][] = [[changed === undefined ? "Plan" : `Plan: ${changed.plan}, in force at the cycle's end, whole`, "", shown(money.plan)]];
  if (money.creditsBought.gt(0)) rows.push(["Credits bought", exactGrouped(money.creditsBought), money.bought === undefined ? "no credit_price" : shown(money.bought)]);
  if (money.overage.gt(0)) rows.push(["Overage", money.overageCredits === undefined ? "" : exactGrouped(money.overageCredits), shown(money.overage)]);
  const rounding = moneyRounding(money);
  // Named by the step the total is rounded to (0.01 for USD, 1 for JPY): where the sub-cent part went.
  if (!rounding.isZero()) rows.push([`Rounding to ${formatExact(new Decimal(10).pow(-minorDigits(money.currency)))}`, "", exactGrouped(rounding)]);
  // A purchase at no price leaves the total unknown: the priced parts add up to a row of their own, never called the total.
  if (money.unpriced.gt(0)) rows.push(["Total of priced parts", "", shown(money.total)], ["Total", "", unknownTotal(money)]);
  else rows.push(["Total", "", shown(money.total)]);
  return [{ kind: "table", title: `Money (${money.currency})`, head: ["Item", "Credits", "Amount"], align: ["left", "right", "right"], rows }];
}
