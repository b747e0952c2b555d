import type { CycleStatement } from "../engine/types.js";
import { Decimal, ZERO, roundToStep } from "../money.js";
import { cycleFee, versionOf } from "./plan-fee.js";
import { GIVEN_KINDS } from "./purchases.js";
import type { RateCard } from "./types.js";

/**
 * Whether a grant of the kind was paid for, under the card (the version) that says: its credits cost money at the
 * card's credit_price, when bought and when drawn. Any kind a plan does not give (purchases.ts) is, unless the card
 * says `paid: false` of it: credits given free, as a goodwill promo (newcomer72a H1: 300 promo credits were billed
 * 3.60 as bought). The one statement of the rule: statement money, reconcile, diff, simulate and the engine read it.
 */
export function isPaidGrant(card: RateCard, kind: string): boolean {
  return !GIVEN_KINDS.has(kind) && card.grantKinds.get(kind)?.paid !== false;
}

/** What creditsBoughtIn reads of a cycle: a statement's, or reconcile's re-cut period's. */
interface GrantsOf {
  readonly grants: readonly { kind: string; granted: Decimal }[];
  readonly boughtIn?: readonly { credits: Decimal }[];
}

/**
 * The credits a cycle bought. Of several versions (`cards.versions`), the replay's `boughtIn`: each grant judged by the
 * version in force when granted, as it is priced (a promo granted while a version gives it free, paid under the
 * version the cycle ends on, was bought by none). Of one card, its paid grants' (isPaidGrant).
 */
export function creditsBoughtIn(cards: RateCard, cycle: GrantsOf): Decimal {
  if (cards.versions !== undefined) return (cycle.boughtIn ?? []).reduce((sum, b) => sum.plus(b.credits), ZERO);
  let bought = ZERO;
  for (const g of cycle.grants) if (isPaidGrant(cards, g.kind)) bought = bought.plus(g.granted);
  return bought;
}

/**
 * What a cycle costs in money: the plan's fee (none once the subscription ended, cycleFee), the credits bought at the
 * card's credit_price, and overage: requests past the quota (Floopy), and credits charged past zero in a pool that
 * bills them at the credit_price (when_exhausted: overage, a reseller's pay as you go).
 * The parts are exact; the total is rounded once, to the currency's minor unit
 * with the card's rounding mode.
 */
export interface CycleMoney {
  currency: string;
  plan: Decimal;
  creditsBought: Decimal;
  /** Money for the credits bought at a credit_price; undefined when none of them has one. */
  bought: Decimal | undefined;
  /**
   * Credits bought at no credit_price (the card, or the version in force when they were bought, gives none): a
   * purchase whose money is unknown. Zero when every credit bought has a price.
   */
  unpriced: Decimal;
  overage: Decimal;
  /** The credits charged past zero in pools that bill them (when_exhausted: overage), where they are the whole overage; undefined otherwise. */
  overageCredits?: Decimal;
  /**
   * The priced parts (plan + bought + overage), rounded once. Where `unpriced` is not zero it leaves a purchase
   * out, so it is not what the cycle is billed: a statement shows it as the total of the priced parts, its total
   * unknown (newcomer, stop 38: 200 USD read as globex's total, a 3,000-credit pack left out).
   */
  total: Decimal;
}

/**
 * What a statement asks of its card once a cycle, kept once a card: a log of a hundred thousand
 * accounts has three hundred thousand cycles, most of them only the plan's price to round.
 */
interface CardMoney {
  /** Whether the card gives any money at all: a plan price, a credit price or an overage price. */
  any: boolean;
  /** The currency's minor unit (0.01 for USD). */
  step: Decimal;
  /** A plan price's rounded total, for the cycles that bought no credits and owe no overage. */
  planTotals: Map<Decimal, Decimal>;
  /** What no credits cost at the card's credit price (a zero, signed as the price). */
  noneBought: Decimal | undefined;
}

const CARD_MONEY = new WeakMap<RateCard, CardMoney>();

function cardMoney(card: RateCard): CardMoney {
  let money = CARD_MONEY.get(card);
  if (money === undefined) {
    money = {
      any: card.creditPrice !== undefined || [...card.plans.values()].some((p) => p.price.gt(0) || p.quota !== undefined),
      step: new Decimal(10).pow(-minorDigits(card.currency)),
      planTotals: new Map(),
      noneBought: card.creditPrice === undefined ? undefined : ZERO.mul(card.creditPrice),
    };
    CARD_MONEY.set(card, money);
  }
  return money;
}

export function cycleMoney(cards: RateCard, planKey: string, cycle: CycleStatement): CycleMoney | undefined {
  // The version in force at the cycle's end, of several given: its plan prices and credit price are the cycle's.
  const card = versionOf(cards, cycle.version);
  const known = cardMoney(card);
  if (!known.any) return undefined;
  const plan = cycleFee(card, { plan: planKey, start: cycle.start, subscriptionEnd: cycle.subscriptionEnd });
  const creditsBought = creditsBoughtIn(cards, cycle);
  // Nothing bought (most cycles): the same zero every time, which lets a writer tell this cycle's money is the last one's.
  const bought = cycle.boughtIn !== undefined ? boughtMoney(cards, cycle.boughtIn, card) : card.creditPrice === undefined ? undefined : creditsBought === ZERO ? known.noneBought! : creditsBought.mul(card.creditPrice);
  const unpriced = cycle.boughtIn !== undefined ? unpricedCredits(cards, cycle.boughtIn) : card.creditPrice === undefined ? creditsBought : ZERO;
  const overage = cycle.overage.amount;
  const total = () => moneyTotal(card, plan.plus(bought ?? ZERO).plus(overage));
  // Plus a zero adds nothing: with nothing bought and no overage the total is the plan price's, rounded once a plan.
  if ((bought === undefined || bought.isZero()) && overage.isZero()) {
    let planTotal = known.planTotals.get(plan);
    if (planTotal === undefined) known.planTotals.set(plan, (planTotal = total()));
    return { currency: card.currency, plan, creditsBought, bought, unpriced, overage, total: planTotal };
  }
  // The credits beside the overage's money only where they are all of it: not beside requests past a quota (red56 F7).
  const overageCredits = cycle.overage.requests.isZero() ? cycle.overage.credits : undefined;
  return { currency: card.currency, plan, creditsBought, bought, unpriced, overage, ...(overageCredits === undefined ? {} : { overageCredits }), total: total() };
}

/**
 * A cycle's money, its exact parts summed, as the customer is billed it: rounded once, to the currency's minor unit
 * with the card's rounding mode. The one statement of the rule: a simulated cycle is billed so too (red team, stop 37:
 * simulate said 10.0325 USD where the statement of the same month says 10.03).
 */
export function moneyTotal(card: RateCard, exact: Decimal): Decimal {
  return roundToStep(exact, cardMoney(card).step, card.precision.rounding);
}

/**
 * Credits bought under several card versions: each at the credit price of the version in force when bought, as it
 * was charged then (red team, stop 37: a Nov 5 top-up at 0.01 billed at a Nov 15 version's 0.02). A version without
 * a credit price adds nothing here: its credits are `unpriced` (unpricedCredits); undefined where no version of them,
 * nor the cycle's, gives one.
 */
function boughtMoney(cards: RateCard, boughtIn: NonNullable<CycleStatement["boughtIn"]>, card: RateCard): Decimal | undefined {
  const priced = boughtIn.map((b) => ({ credits: b.credits, price: versionOf(cards, b.version).creditPrice }));
  if (card.creditPrice === undefined && priced.every((b) => b.price === undefined)) return undefined;
  return priced.reduce((sum, b) => sum.plus(b.price === undefined ? ZERO : b.credits.mul(b.price)), ZERO);
}

/** The credits bought under a version that gives no credit price: no money is known for them. */
function unpricedCredits(cards: RateCard, boughtIn: NonNullable<CycleStatement["boughtIn"]>): Decimal {
  return boughtIn.reduce((sum, b) => (versionOf(cards, b.version).creditPrice === undefined ? sum.plus(b.credits) : sum), ZERO);
}

/** The decimals of an ISO 4217 currency (2 for USD, 0 for JPY), from the platform's currency data. */
export function minorDigits(currency: string): number {
  // Asked once a currency: a number format costs a tenth of a millisecond, and a log of many accounts has a cycle each.
  let digits = MINOR_DIGITS.get(currency);
  if (digits === undefined) MINOR_DIGITS.set(currency, (digits = platformMinorDigits(currency)));
  return digits;
}

const MINOR_DIGITS = new Map<string, number>();

function platformMinorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // Not an ISO 4217 code the platform knows: cents, the common case.
    return 2;
  }
}
