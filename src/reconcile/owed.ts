import { isPaidGrant, moneyTotal } from "../ratecard/cycle-money.js";
import { ZERO, type Decimal } from "../money.js";
import { cycleFee, versionOf, type FeeCycle } from "../ratecard/plan-fee.js";
import type { RateCard } from "../ratecard/types.js";
import type { Instant } from "../time.js";
import type { CutStatement } from "./recut.js";

type Cycle = CutStatement["accounts"][number]["cycles"][number];

/**
 * The fees a cycle owes: its plan's, where it is one of the account's cycles; a re-cut bill period's, the fees of the
 * account's cycles that start in it; undefined for a re-cut period whose fees are not compared (cut at other days).
 */
export function feesOwed(cycle: Cycle): readonly FeeCycle[] | undefined {
  return cycle.plan !== undefined ? [{ plan: cycle.plan, version: cycle.version, start: cycle.start, subscriptionEnd: cycle.subscriptionEnd }] : cycle.owes;
}

/** A cycle's credits bought and their money (none where a version of them gives no credit price); undefined for none bought. */
export function boughtMoney(card: RateCard, cycle: Cycle): { credits: Decimal; money: Decimal | undefined } | undefined {
  const byVersion = cycle.boughtIn ?? [{ version: cycle.version, credits: cycle.grants.filter((g) => isPaidGrant(g.kind)).reduce((sum, g) => sum.plus(g.granted), ZERO) }];
  let credits = ZERO;
  let money: Decimal | undefined = ZERO;
  for (const b of byVersion) {
    const price = versionOf(card, b.version).creditPrice;
    credits = credits.plus(b.credits);
    money = price === undefined || money === undefined ? undefined : money.plus(b.credits.mul(price));
  }
  return credits.isZero() ? undefined : { credits, money };
}

/** What an account owes in money over some cycles, and the credits it bought at no price (whose money the card does not give). */
export interface Owed {
  /** Plan fees, credits bought at their credit price and overage, in the card's currency, each cycle's rounded once as a statement bills it. */
  owed: Decimal;
  unpricedCredits: Decimal;
}

/** What an account owes over the bill's cycles, by the rules its bill lines are compared by (fees, credits bought, overage). */
export function owedIn(card: RateCard, cycles: readonly Cycle[]): Owed {
  let owed = ZERO;
  let unpricedCredits = ZERO;
  for (const cycle of cycles) {
    const fees = (feesOwed(cycle) ?? []).reduce((sum, f) => sum.plus(cycleFee(card, f)), ZERO);
    const bought = boughtMoney(card, cycle);
    if (bought !== undefined && bought.money === undefined) unpricedCredits = unpricedCredits.plus(bought.credits);
    const exact = fees.plus(bought?.money ?? ZERO).plus(cycle.overage?.amount ?? ZERO);
    if (!exact.isZero()) owed = owed.plus(moneyTotal(versionOf(card, cycle.version), exact));
  }
  return { owed, unpricedCredits };
}

/**
 * An account's own cycles that start in one of the bill's periods: the fees, packs and overage they bill are what the
 * bill should carry, as a re-cut period owes the fees of the cycles that start in it.
 */
export function startingIn<T extends { start: Instant }>(cycles: readonly T[], periods: readonly { start: Instant; end: Instant }[]): T[] {
  return cycles.filter((c) => periods.some((p) => c.start >= p.start && c.start < p.end));
}

/**
 * Whether an account the bill leaves off is one it should have billed (`--every-account`): its usage was charged
 * credits, or it owes money (a plan fee alone, a pack, overage), or it bought credits at no price. One that owes
 * nothing and used nothing is no account to bill (red68c M2: an account owing its fee alone was not counted).
 */
export function billable(account: { amount: Decimal } & Owed): boolean {
  return !account.amount.isZero() || !account.owed.isZero() || !account.unpricedCredits.isZero();
}

/** The accounts to name first: the most money owed, then the most credits charged, then by name. */
export function largestFirst(a: { account: string; amount: Decimal } & Owed, b: { account: string; amount: Decimal } & Owed): number {
  return b.owed.comparedTo(a.owed) || b.amount.comparedTo(a.amount) || (a.account < b.account ? -1 : a.account > b.account ? 1 : 0);
}

/** What an account off the bill came to, for people: its usage, the money it owes, the credits it bought at no price; each where not zero. */
export function owingText(a: { amount: Decimal } & Owed, unit: string, currency: string, figure: (v: Decimal) => string): string {
  const parts = [
    ...(a.amount.isZero() ? [] : [`${figure(a.amount)} ${unit}`]),
    ...(a.owed.isZero() ? [] : [`owes ${figure(a.owed)} ${currency}`]),
    ...(a.unpricedCredits.isZero() ? [] : [`${figure(a.unpricedCredits)} ${unit} bought at no credit price`]),
  ];
  return parts.length === 0 ? `0 ${unit}` : parts.join(", ");
}
