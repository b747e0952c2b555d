import { ZERO, type Decimal } from "../money.js";
import { min, NO_CREDITS, sub, add, type Credits, type Scale } from "./credits.js";
import type { CycleStatement, OverageTerms } from "./types.js";

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

/** Requests past a plan's quota, billed as overage: how many, their money, and the plans and versions whose quota they passed. */
export class QuotaOverage {
  requests: Decimal = ZERO;
  amount: Decimal = ZERO;
  readonly under: OverageTerms[] = [];

  add(requests: Decimal, price: Decimal, terms: OverageTerms): void {
    this.requests = this.requests.plus(requests);
    this.amount = this.amount.plus(requests.mul(price));
    if (!this.under.some((t) => t.plan === terms.plan && t.version === terms.version)) this.under.push(terms);
  }
}

/**
 * A cycle's overage, billed at the period's end: the requests past the quota with their money, and the credits charged
 * past zero in pools that bill them, each at the credit price it was charged under. A cycle that billed no credits past
 * zero has no `credits`, and its statement reads as before.
 */
export function overageOf(recorded: { quota: QuotaOverage | undefined; billed: PastZeroBilled | undefined; end: { plan: string } }, scale: Scale): CycleStatement["overage"] {
  const { quota, billed, end } = recorded;
  const requests = quota?.requests ?? ZERO;
  const amount = quota?.amount ?? ZERO;
  // The plans and versions the requests past a quota were billed under, where several versions are given or one is not
  // the cycle's plan at its end (a plan changed during it): what diff reads as each one's overage price exercised (red62
  // F5, red62c F1, red62e F1). A cycle of one card's plan in force throughout carries none.
  const plans = quota === undefined || quota.under.every((t) => t.plan === end.plan && t.version === undefined) ? {} : { billedUnder: quota.under };
  if (billed === undefined || billed.credits === NO_CREDITS) return { requests, amount, ...plans };
  return { requests, amount: amount.plus(billed.money(scale)), credits: scale.decimal(billed.credits), ...plans };
}
