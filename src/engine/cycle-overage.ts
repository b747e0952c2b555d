import { ZERO, type Decimal } from "../money.js";
import { NO_CREDITS, type Credits, type Scale } from "./credits.js";
import type { CycleStatement } from "./types.js";

/**
 * A cycle's overage, billed at the period's end: the requests past the quota with their money, and the credits charged
 * past zero in pools that bill them (when_exhausted: overage) at the credit price of the card in force at the cycle's
 * end. A cycle that billed no credits past zero has no `credits`, and its statement reads as before.
 */
export function overageOf(recorded: { requests: Decimal; amount: Decimal; billed: Credits }, scale: Scale, creditPrice: Decimal | undefined): CycleStatement["overage"] {
  if (recorded.billed === NO_CREDITS) return { requests: recorded.requests, amount: recorded.amount };
  const credits = scale.decimal(recorded.billed);
  return { requests: recorded.requests, amount: recorded.amount.plus(credits.mul(creditPrice ?? ZERO)), credits };
}
