import { ZERO, type Decimal } from "../money.js";
import type { RateCard } from "./types.js";

/**
 * What a cycle's plan costs in money: the price of the plan in force at the cycle's end. The one statement of
 * the rule: a statement's money and reconcile's plan fee lines both read it.
 */
export function planFee(card: RateCard, plan: string): Decimal {
  return card.plans.get(plan)?.price ?? ZERO;
}
