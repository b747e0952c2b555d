import { ZERO, type Decimal } from "../money.js";
import type { RateCard } from "./types.js";

/**
 * What a cycle's plan costs in money: the price of the plan in force at the cycle's end, in the card version in force
 * then. The one statement of the rule: a statement's money, reconcile's plan fee lines and diff's money read it.
 */
export function planFee(card: RateCard, plan: string, version?: string): Decimal {
  return versionOf(card, version).plans.get(plan)?.price ?? ZERO;
}

/** The version of a set of card versions (`--card` given more than once) by its name; the card itself otherwise. */
export function versionOf(card: RateCard, version: string | undefined): RateCard {
  return version === undefined ? card : card.versions?.find((v) => v.version === version) ?? card;
}
