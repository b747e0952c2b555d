import { ZERO, type Decimal } from "../money.js";
import type { Instant } from "../time.js";
import type { RateCard } from "./types.js";

/**
 * What a cycle's plan costs in money: the price of the plan in force at the cycle's end, in the card version in force
 * then. The one statement of the rule: a statement's money, reconcile's plan fee lines, simulate's and diff's money read it.
 */
function planFee(card: RateCard, plan: string, version?: string): Decimal {
  return versionOf(card, version).plans.get(plan)?.price ?? ZERO;
}

/** A cycle as the fee rule reads it: its plan and version at its end, its start, and the subscription's end before its end. */
export interface FeeCycle {
  readonly plan: string;
  readonly version?: string;
  readonly start: Instant;
  readonly subscriptionEnd?: Instant;
}

/**
 * Whether the cycle owes its plan's fee: the subscription ran in it. A cycle holding the subscription's end owes it
 * (the plan served until the end); one that starts at or after the end owes none (red team, stop 37: every cycle
 * after the end billed the fee).
 */
export function planBilled(cycle: FeeCycle): boolean {
  return cycle.subscriptionEnd === undefined || cycle.subscriptionEnd > cycle.start;
}

/** The fee a cycle owes: its plan's (planFee) where the subscription ran in it (planBilled), else none. */
export function cycleFee(card: RateCard, cycle: FeeCycle): Decimal {
  return planBilled(cycle) ? planFee(card, cycle.plan, cycle.version) : ZERO;
}

/** The version of a set of card versions (`--card` given more than once) by its name; the card itself otherwise. */
export function versionOf(card: RateCard, version: string | undefined): RateCard {
  return version === undefined ? card : card.versions?.find((v) => v.version === version) ?? card;
}
