import { ZERO, type Decimal } from "../money.js";
import { min, NO_CREDITS, sub, add, type Credits, type Scale } from "./credits.js";
import type { CycleStatement } from "./types.js";

/**
 * A cycle's credits charged past zero in pools that bill them (when_exhausted: overage), by the credit price of the card
 * version in force when each was charged: a later version without that policy or price does not unbill them (red56 F3:
 * usage under a version at 0.01 was billed 0 at a version of no price).
 */
export class PastZeroBilled {
  private readonly byPrice = new Map<Decimal, Credits>();
  credits: Credits = NO_CREDITS;

  add(credits: Credits, price: Decimal): void {
    this.byPrice.set(price, add(this.byPrice.get(price) ?? NO_CREDITS, credits));
    this.credits = add(this.credits, credits);
  }

  /**
   * Give back up to `credits` of what is billed: those at `price` first (a refund's own charge's, red56b F2), then the
   * latest price's. Returns what was given back.
   */
  giveBack(credits: Credits, price?: Decimal): Credits {
    const given = min(credits, this.credits);
    this.credits = sub(this.credits, given);
    let left = given;
    const order = [...this.byPrice.keys()].reverse();
    for (const at of price === undefined ? order : [price, ...order.filter((p) => p !== price)]) {
      if (left === NO_CREDITS) break;
      const held = this.byPrice.get(at) ?? NO_CREDITS;
      const back = min(held, left);
      if (back !== NO_CREDITS) this.byPrice.set(at, sub(held, back));
      left = sub(left, back);
    }
    return given;
  }

  money(scale: Scale): Decimal {
    let total = ZERO;
    for (const [price, credits] of this.byPrice) if (credits !== NO_CREDITS) total = total.plus(scale.decimal(credits).mul(price));
    return total;
  }
}

/**
 * A cycle's overage, billed at the period's end: the requests past the quota with their money, and the credits charged
 * past zero in pools that bill them, each at the credit price it was charged under. A cycle that billed no credits past
 * zero has no `credits`, and its statement reads as before.
 */
export function overageOf(recorded: { requests: Decimal; amount: Decimal; billed: PastZeroBilled | undefined }, scale: Scale): CycleStatement["overage"] {
  const billed = recorded.billed;
  if (billed === undefined || billed.credits === NO_CREDITS) return { requests: recorded.requests, amount: recorded.amount };
  return { requests: recorded.requests, amount: recorded.amount.plus(billed.money(scale)), credits: scale.decimal(billed.credits) };
}
