import type { CycleStatement } from "../engine/types.js";
import { refusedForCredits } from "../engine/limits.js";
import { isEndedReason } from "../engine/subscription-end.js";
import { ZERO, type Decimal } from "../money.js";
import { ownLimit } from "./own-limit.js";

/**
 * What a simulated cycle's usage past its credits means for the customer. A pool of `when_exhausted: overage` bills
 * its usage past zero in money at the card's credit price, as the statement bills it: that usage is served and paid,
 * not uncovered, and buying credits for it would only move the same money from overage to purchases (newcomer68 M2:
 * a plan without packs read "no: usage past zero, billed as overage" at the money of the plan with them). A grace
 * buffer's or an `allow` pool's usage past zero is billed nothing: that is what a plan falls short by.
 */

/** Credits charged past zero that no pool bills in money: a grace buffer's, an allow pool's, a crossing charge's. */
function unbilledPastZero(c: CycleStatement): Decimal {
  return c.uncovered.minus(c.overage.credits ?? ZERO);
}

/** Whether the plan serves the cycle's usage as bought: nothing refused by the plan (a limit the scenario sets is its own), and nothing past zero unbilled. */
export function serves(c: CycleStatement): boolean {
  return !c.rejected.some((r) => !ownLimit(r)) && unbilledPastZero(c).isZero();
}

/**
 * Whether the cycle's credits ran out where buying more would serve or bill otherwise: not where all that went past
 * zero is billed as overage and nothing was refused for want of credits (after the subscription's end nothing is sold,
 * so a refusal then asks for nothing).
 */
export function wantsCredits(c: CycleStatement): boolean {
  if (c.exhaustedAt === undefined) return false;
  const billed = (c.overage.credits ?? ZERO).gt(0) && unbilledPastZero(c).isZero();
  return !billed || c.rejected.some((r) => refusedForCredits(r.reason) && !isEndedReason(r.reason));
}
