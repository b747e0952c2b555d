import type { CycleStatement, Statement } from "../engine/types.js";
import { Decimal, ZERO } from "../money.js";
import { creditsBoughtIn, cycleMoney, isPaidGrant, type CycleMoney } from "../ratecard/cycle-money.js";
import { versionOf } from "../ratecard/plan-fee.js";
import { INCLUDED, type Expiry, type RateCard } from "../ratecard/types.js";
import { Zone, type Instant } from "../time.js";
import { versionInstants, type CardVersion } from "../ratecard/versions.js";
import { pastPercent, type Totals } from "./compare.js";
import { creditsLost, expiredRows, expiryChanged, lapses, type CreditsLost, type CycleLapses, type ExpiredRow } from "./expired.js";

/**
 * What one account's cycle costs the customer beyond credits, under each card: its money (the statement's
 * rule, `cycleMoney`: plan, credits bought at the credit_price, overage) and the credits it drew from grants
 * it paid for (a top-up, a purchase). A smaller allowance charges the same usage to paid credits: the money
 * was spent before the cycle, so the cycle's money does not move, but the customer's prepaid balance does.
 */
interface MoneyRow {
  account: string;
  start: Instant;
  end: Instant;
  /** Undefined under a card that gives no money at all (no plan price, credit price or quota). */
  old: CycleMoney | undefined;
  new: CycleMoney | undefined;
  /** Credits consumed from paid grants. */
  paidDrawn: Totals;
  /** The credits the base card charged in the cycle: what a percentage of the paid credits drawn is taken of. */
  baseCredits: Decimal;
  /** What those credits are worth at the credit_price they were bought at (paidWorth); undefined when either card has none. */
  paidWorth: Totals | undefined;
  /** Each card's credit price in the cycle: that of the version it ended on. */
  creditPrice: { old: Decimal | undefined; new: Decimal | undefined };
  /** The credits each grant kind lost in the cycle under each card (expired, and the allowance that ends with it). */
  lapses: { old: CycleLapses | undefined; new: CycleLapses | undefined };
  /** The kinds whose expiry differs between the cards and whose credits lost differ. */
  expired: ExpiredRow[];
}

/**
 * The parts a gate judges: the money items, their total, the paid credits drawn and the credits lost to a changed
 * expiry (those two in credits, not money).
 */
const MONEY_ITEMS = ["plan", "bought", "overage", "total", "paid_credits_drawn", "expired_credits"] as const;
export type MoneyItem = (typeof MONEY_ITEMS)[number];

/** One item of one account's cycle, under each card. */
export interface MoneyChange extends Totals {
  account: string;
  start: Instant;
  end: Instant;
  item: MoneyItem;
  /**
   * For paid credits drawn, what a percentage gate takes its percentage of: the credits the base card charged. Credits
   * moving from the allowance onto a top-up are a share of the usage (400 of 900 credits, 44.44%), where a percentage of
   * the paid credits themselves would make the first credit spilled past an allowance an infinite rise.
   */
  percentOf?: Decimal;
  /**
   * The credit price that reads an -amount gate's limit (credits) in this cycle's money: that of the new card's version
   * the cycle ended on, which prices its fee, else the base card's; undefined where neither gives one.
   */
  creditPrice?: Decimal;
  /**
   * For credits bought and the money total: the credits each card bought at no credit_price in the cycle, where either
   * did. That side's figure leaves them out, so it is unknown (the statement's `total: null`): the reports show it as
   * unknown, no change or percentage is taken from it, and no gate judges it (red team, stop 38: 10.00 → 15.80, +58%).
   */
  unpriced?: Totals;
}

/** Which side of a money item is unknown (credits bought at no credit_price left out of it): undefined where both are known. */
export function unknownSide(m: MoneyChange): "old" | "new" | "both" | undefined {
  if (m.unpriced === undefined) return undefined;
  const [o, n] = [m.unpriced.old.gt(0), m.unpriced.new.gt(0)];
  return o && n ? "both" : o ? "old" : n ? "new" : undefined;
}

/**
 * A change's percentage as the percentage gates judge it: of its own old amount, or of `percentOf` where it has one,
 * to 2 places, or beside a `limit` it is past, to as many as say so; undefined from 0 (a rise from nothing is past any
 * percentage). The gates decide by pastPercent, not by it.
 */
export function gatePercent(t: Totals & { percentOf?: Decimal }, limits: Decimal | readonly Decimal[] = []): Decimal | undefined {
  const of = t.percentOf ?? t.old;
  if (of.isZero()) return t.new.eq(t.old) ? ZERO : undefined;
  const exact = t.new.minus(t.old).mul(100).div(of);
  // Beside the run's limits, to as many places as say on which side of each the share is: +5.004% is not "+5%" past a
  // limit of 5, nor +4.996% "+5%" past 4.9959 (newcomer64 H1, red64c M1).
  const beside: readonly Decimal[] = Array.isArray(limits) ? limits : [limits];
  // At least as many places as a limit is written to: +4.996% is "+4.996%" beside 4.9959, not "+5%".
  for (let places = Math.max(2, ...beside.map((l) => l.decimalPlaces())); places < 40; places++) {
    const shown = exact.toDecimalPlaces(places, Decimal.ROUND_HALF_EVEN);
    if (beside.every((l) => shown.abs().gt(l) === pastPercent(t, l))) return shown;
  }
  return exact;
}


/** Whether an item is counted in money (the card's currency) or in credits. */
export const inCredits = (item: MoneyItem): boolean => item === "paid_credits_drawn" || item === "expired_credits";

/** How the findings and reports name a money item: in words, with its unit. */
export function moneyItemName(item: MoneyChange["item"], units: { unit: string; currency: string }): string {
  const names = { plan: "plan fee", bought: "credits bought", overage: "overage", total: "money total", paid_credits_drawn: `${units.unit} drawn from paid grants`, expired_credits: `${units.unit} lost to a changed expiry` };
  return inCredits(item) ? names[item] : `${names[item]} (${units.currency})`;
}

export interface MoneyComparison {
  currency: string;
  /** The base card's currency, where it is not the new card's: money in two currencies is not compared (no rate between them). */
  otherCurrency: string | undefined;
  rows: MoneyRow[];
  /** Every item of every row either card charges (not 0 under both), in row order. */
  changes: MoneyChange[];
  /** The cycles' money totals summed; undefined when neither card gives money. */
  total: Totals | undefined;
  paidDrawn: Totals;
  paidWorth: Totals | undefined;
  /** Every account's cycle and grant kind whose expiry differs between the cards and whose credits lost differ. */
  expired: ExpiredRow[];
  /** What customers lose under the new card that they did not under the base card; undefined where none lose more. */
  lost: CreditsLost | undefined;
  /** The credits the base card charged over the usage: what `--fail-over` takes the paid credits' percentage of. */
  baseCredits: Decimal;
  /** Which money prices the usage exercises, under either card: a rise of one it does not is not measured by it. */
  exercised: MoneyExercised;
  /**
   * The card without a credit_price, where the other has one and the usage bought credits: what they cost has no money
   * under it, so the totals are not compared (a total that "fell" by the credits' cost, red team, stop 36).
   */
  unpricedCredits: "base" | "new" | undefined;
  /**
   * The credits each card bought at no credit_price over the usage: where either is not 0, some cycle's money total is
   * unknown under that card, and so is the money total over the usage (`total` undefined), whatever the other card.
   */
  unpricedBought: Totals;
}

/** The plans the usage's cycles were on, those of them with requests past their quota, and whether any cycle bought credits. */
export interface MoneyExercised {
  plans: Set<string>;
  overage: Set<string>;
  bought: boolean;
  /** The grant kinds some cycle of the usage holds credits of (opening or granted): a change of a kind's expiry is measured by them. */
  kinds: Set<string>;
  /**
   * The grant kinds whose expiry the replay applies differently under the two cards: a set of versions applies its
   * earliest's grant kinds, so a later version's expiry is in no replay, and no corpus measures it.
   */
  expiryReplayed: Set<string>;
  /**
   * The grant kinds some account still holds credits of at the end of its last cycle under the new card, where they
   * do not lapse with that cycle: a shorter expiry of such a kind ends them after the usage does, and no replay of it
   * measures that (newcomer58b H1: a top-up's `never` made 12 months passed every gate on a corpus of two).
   */
  heldAtEnd: Set<string>;
  /**
   * The same, per card version a cycle ended on, where versions are given (`VERSION\0PLAN`, and the versions under
   * which credits were bought): a version's rise is measured only by cycles priced by it (red team, stop 36: a plan
   * price ten times higher from a month after the corpus passed).
   */
  byVersion: { plans: Set<string>; overage: Set<string>; bought: Set<string>; kinds: Set<string> };
}

/**
 * The kinds whose expiry the change shortens, of which a cycle closes with credits: a replay runs every account to its
 * last cycle's end, and what lapses after it is measured by none. Only the plan's own allowance that ends with its cycle
 * is measured there (its closing balance counts as lapsed: expired.ts); a pack's made `cycle_end` lapses at the next
 * cycle's start, which no replay reaches (red58 F2).
 */
function heldPastEnd(cycle: Statement["accounts"][number]["cycles"][number] | undefined, base: RateCard, card: RateCard): string[] {
  return (cycle?.grants ?? []).filter((g) => {
    const [was, is] = [base.grantKinds.get(g.kind)?.expires, card.grantKinds.get(g.kind)?.expires];
    return g.closing.gt(0) && was !== undefined && is !== undefined && shorter(was, is) && !(g.kind === INCLUDED && is.kind === "cycle_end");
  }).map((g) => g.kind);
}

/**
 * Whether credits live less long under `is` than under `was`: `never` made anything else, fewer months or months now capped
 * at the subscription's end, months made `cycle_end`. A removed and an added setting are one change here: a `never` made
 * `{ after_months: 12 }` is written so, and so is a lengthening the report must not name (red58 F4).
 */
function shorter(was: Expiry, is: Expiry): boolean {
  if (is.kind === "never") return false;
  if (was.kind === "never") return true;
  if (was.kind === "after_months") return is.kind === "cycle_end" || is.months < was.months || (is.capAtSubscriptionEnd && !was.capAtSubscriptionEnd);
  return false;
}

/** The credits a cycle drew from paid grants, by the rule of the version it ended on, as its money counts them bought (cycle-money.ts). */
const paidDrawn = (card: RateCard, grants: Statement["accounts"][number]["cycles"][number]["grants"]): Decimal =>
  grants.reduce((sum, g) => (isPaidGrant(card, g.kind) ? sum.plus(g.consumed) : sum), ZERO);

/** Line up the money of two statements of the same usage by account and cycle start, each priced by its own card. */
/** `between` is called after each account (the heap watch's check, as compareStatements'). */
export function compareMoney(base: { statement: Statement; card: RateCard }, card: { statement: Statement; card: RateCard }, between: () => void = () => {}): MoneyComparison {
  const rows = new Map<string, MoneyRow>();
  const exercised: MoneyExercised = { plans: new Set(), overage: new Set(), bought: false, kinds: new Set(), expiryReplayed: expiryChanged(base.card, card.card), heldAtEnd: new Set(), byVersion: { plans: new Set(), overage: new Set(), bought: new Set(), kinds: new Set() } };
  const otherCurrency = base.card.currency === card.card.currency ? undefined : base.card.currency;
  const priced = otherCurrency === undefined && base.card.creditPrice !== undefined && card.card.creditPrice !== undefined;
  // Per side and account, the credit price of the latest credits bought: what credits carried into a later cycle cost.
  const carried = new Map<string, Decimal>();
  for (const [side, { statement, card: rateCard }] of [["old", base], ["new", card]] as const) {
    const zone = Zone.of(statement.timezone);
    const versions = zone === undefined ? undefined : versionInstants(rateCard, zone);
    for (const account of statement.accounts) {
      // Read once: a statement of many accounts makes each account's cycles again from their text each time they are read.
      const cycles = account.cycles;
      if (side === "new") for (const kind of heldPastEnd(cycles.at(-1), base.card, rateCard)) exercised.heldAtEnd.add(kind);
      for (const c of cycles) {
        const key = JSON.stringify([account.account, c.start]);
        const row = rows.get(key) ?? { account: account.account, start: c.start, end: c.end, old: undefined, new: undefined, paidDrawn: { old: ZERO, new: ZERO }, baseCredits: ZERO, paidWorth: priced ? { old: ZERO, new: ZERO } : undefined, creditPrice: { old: undefined, new: undefined }, lapses: { old: undefined, new: undefined }, expired: [] };
        const inForce = versionOf(rateCard, c.version);
        row.creditPrice[side] = inForce.creditPrice;
        if (otherCurrency === undefined) row[side] = cycleMoney(rateCard, c.plan, c);
        row.paidDrawn[side] = paidDrawn(inForce, c.grants);
        // Every plan in force over the cycle, not its last alone: a plan changed from late in the cycle had its quota
        // and overage price exercised before (red62 F5: Free's overage, billed, was said reached by no cycle).
        const plans = plansOver(c);
        for (const plan of plans) exercised.plans.add(plan);
        // Overage by the plans whose quota it passed (red62c F1: every plan of the cycle read as billing it).
        const overageUnder = c.overage.requests.gt(0) ? (c.overage.billedUnder ?? [{ plan: c.plan, version: c.version }]) : [];
        for (const { plan } of overageUnder) exercised.overage.add(plan);
        // Credits billed past zero (when_exhausted: overage) are billed at the credit price too.
        const bought = creditsBoughtIn(rateCard, c).gt(0) || c.overage.credits !== undefined;
        if (bought) exercised.bought = true;
        const held = c.grants.filter((g) => g.opening.gt(0) || g.granted.gt(0)).map((g) => g.kind);
        for (const kind of held) exercised.kinds.add(kind);
        if (c.version !== undefined) {
          // Every version in force over the cycle, not its last alone: the allowance is granted at its start, under the
          // version then (red59 F5: a cut in the version of a cycle's start read "on plan starter, which no cycle is on").
          for (const version of inForceOver(versions, c)) for (const plan of plans) exercised.byVersion.plans.add(`${version}\u0000${plan}`);
          for (const plan of plans) exercised.byVersion.plans.add(`${c.version}\u0000${plan}`);
          // The version that billed it, not the cycle's last (red62e F1: a rise in a version that priced none read as measured).
          for (const { plan, version } of overageUnder) exercised.byVersion.overage.add(`${version ?? c.version}\u0000${plan}`);
          // Credits are bought at the credit price of the version in force when bought (cycle-money.ts): that version's price is exercised.
          if (bought) for (const b of c.boughtIn ?? [{ version: c.version }]) exercised.byVersion.bought.add(b.version);
          for (const kind of held) exercised.byVersion.kinds.add(`${c.version}\u0000${kind}`);
        }
        if (side === "old") row.baseCredits = c.total;
        const worth = paidWorth(rateCard, c, row.paidDrawn[side], carried.get(`${side}\u0000${account.account}`));
        row.lapses[side] = lapses(rateCard, c, carried.get(`${side}\u0000${account.account}`), priced);
        if (c.boughtIn?.length) carried.set(`${side}\u0000${account.account}`, versionOf(rateCard, c.boughtIn.at(-1)!.version).creditPrice ?? ZERO);
        if (row.paidWorth) row.paidWorth[side] = worth;
        rows.set(key, row);
      }
      between();
    }
  }
  const sorted = [...rows.values()].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : a.start - b.start));
  for (const r of sorted) r.expired = expiredRows(r, r.lapses.old, r.lapses.new);
  const expired = sorted.flatMap((r) => r.expired);
  const changes = sorted.flatMap((r) => MONEY_ITEMS.flatMap((item): MoneyChange[] => {
    const t = itemTotals(r, item);
    const unpriced = item === "bought" || item === "total" ? unpricedOf(r) : undefined;
    // An item neither card charges (no overage, nothing bought) is not a line of the report.
    if (t === undefined || (t.old.isZero() && t.new.isZero() && unpriced === undefined)) return [];
    const price = r.creditPrice.new ?? r.creditPrice.old;
    return [{ account: r.account, start: r.start, end: r.end, item, ...t, ...(inCredits(item) ? { percentOf: r.baseCredits } : {}), ...(price === undefined ? {} : { creditPrice: price }), ...(unpriced === undefined ? {} : { unpriced }) }];
  }));
  // Cycle by cycle, each under the card version it ended on: a later version without a credit price makes credits
  // bought cost nothing in money (red team, stop 36: "credits bought 1.50 → 0.00").
  const unpriced = (m: CycleMoney | undefined) => m !== undefined && m.bought === undefined && m.creditsBought.gt(0);
  const hasPrice = (m: CycleMoney | undefined) => m !== undefined && m.bought !== undefined;
  const unpricedRow = [...rows.values()].find((r) => (unpriced(r.old) && hasPrice(r.new)) || (unpriced(r.new) && hasPrice(r.old)));
  const unpricedCredits = unpricedRow === undefined ? undefined : unpriced(unpricedRow.old) ? "base" : "new";
  const sum = (pick: (r: MoneyRow) => Totals | undefined): Totals => sorted.reduce((t, r) => {
    const v = pick(r);
    return v === undefined ? t : { old: t.old.plus(v.old), new: t.new.plus(v.new) };
  }, { old: ZERO, new: ZERO });
  // A total with a cycle's purchase left out is no total, under either card or both: no figure, no percentage.
  const unpricedBought = sum(unpricedOf);
  const anyMoney = unpricedBought.old.isZero() && unpricedBought.new.isZero() && sorted.some((r) => r.old !== undefined || r.new !== undefined);
  return {
    currency: card.card.currency,
    otherCurrency,
    rows: sorted,
    changes,
    total: anyMoney ? sum((r) => itemTotals(r, "total")) : undefined,
    paidDrawn: sum((r) => r.paidDrawn),
    paidWorth: priced ? sum((r) => r.paidWorth) : undefined,
    expired,
    lost: creditsLost(expired, priced),
    baseCredits: sorted.reduce((t, r) => t.plus(r.baseCredits), ZERO),
    exercised,
    unpricedCredits,
    unpricedBought,
  };
}

/** The credits each card bought at no credit_price in one account's cycle, where either did (cycle-money.ts). */
function unpricedOf(r: MoneyRow): Totals | undefined {
  const [o, n] = [r.old?.unpriced ?? ZERO, r.new?.unpriced ?? ZERO];
  return o.isZero() && n.isZero() ? undefined : { old: o, new: n };
}

/** One item under each card: a card that gives no money gives 0 of it; undefined when neither gives any. */
function itemTotals(r: MoneyRow, item: MoneyItem): Totals | undefined {
  if (item === "paid_credits_drawn") return r.paidDrawn;
  if (item === "expired_credits") return r.expired.reduce((t, e) => ({ old: t.old.plus(e.old), new: t.new.plus(e.new) }), { old: ZERO, new: ZERO });
  if (r.old === undefined && r.new === undefined) return undefined;
  const of = (m: CycleMoney | undefined) => (m === undefined ? ZERO : item === "bought" ? m.bought ?? ZERO : m[item]);
  return { old: of(r.old), new: of(r.new) };
}

/**
 * What the paid credits a cycle drew cost: at the credit price of the version in force when they were bought, as the
 * statement charges them (cycle-money.ts), not the first version's (red team, stop 37: 500 credits bought under a
 * version at 0.02 were "worth 5"). The statement does not say which purchase each credit drawn came from, so they are
 * taken from the cycle's own purchases in the order bought, and past those from credits carried in from an earlier
 * cycle, at the price of the latest bought before (`carried`), else at the price of the version the cycle ended on.
 * A single card: its credit price.
 */
function paidWorth(card: RateCard, cycle: Statement["accounts"][number]["cycles"][number], drawn: Decimal, carried: Decimal | undefined): Decimal {
  if (card.versions === undefined) return drawn.mul(card.creditPrice ?? ZERO);
  let left = drawn;
  let worth = ZERO;
  for (const b of cycle.boughtIn ?? []) {
    const take = Decimal.min(left, b.credits);
    worth = worth.plus(take.mul(versionOf(card, b.version).creditPrice ?? ZERO));
    left = left.minus(take);
  }
  return worth.plus(left.mul(carried ?? versionOf(card, cycle.version).creditPrice ?? ZERO));
}

/** The names of the versions (of a set of versions) in force at some instant of the cycle. */
function inForceOver(versions: readonly CardVersion[] | undefined, cycle: { start: Instant; end: Instant }): string[] {
  if (versions === undefined) return [];
  return versions.filter((v, i) => v.effective < cycle.end && (versions[i + 1] === undefined || versions[i + 1]!.effective > cycle.start)).map((v) => v.card.version);
}

/** The plans in force over a cycle: each of its parts' where the plan changed during it, else its plan. */
function plansOver(c: CycleStatement): string[] {
  return c.plans.length === 0 ? [c.plan] : [...new Set([...c.plans.map((p) => p.plan), c.plan])];
}
