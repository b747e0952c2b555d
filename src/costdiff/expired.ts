import type { CycleStatement } from "../engine/types.js";
import { Decimal, ZERO } from "../money.js";
import { isPaidGrant } from "../ratecard/cycle-money.js";
import { versionOf } from "../ratecard/plan-fee.js";
import type { Expiry, RateCard } from "../ratecard/types.js";
import type { Instant } from "../time.js";
import type { Totals } from "./compare.js";

/** The plan's own allowance: the grant kind the statement shows lapsing as closing where it ends with its cycle. */
const INCLUDED = "included";

/** One grant kind's credits that ended unused in one account's cycle under one card. */
interface Lapse {
  kind: string;
  credits: Decimal;
  /** Bought, by the rule of the version the cycle ended on (isPaidGrant): not given by the plan, nor given free (paid: false). */
  paid: boolean;
  /** What the credits cost at the credit price they were bought at (0 for a kind given); undefined where the card prices no credits. */
  worth: Decimal | undefined;
}

/** One account's cycle under one card: each grant row's credits lost, and every kind's expiry as the replay applies it, as the card writes it. */
export interface CycleLapses {
  lapses: Lapse[];
  rules: ReadonlyMap<string, string>;
}

/**
 * One grant kind's credits that end unused in one account's cycle, under each card, where the kind's expiry differs
 * between the cards: a card change that makes paid packs expire at the cycle's end charges no more credits, but the
 * customer loses what the pack had left (newcomer, stop 38: 1,800 paid credits lost, "No change in credits").
 */
export interface ExpiredRow extends Totals {
  account: string;
  start: Instant;
  end: Instant;
  kind: string;
  /** Bought (a pack, a top-up), not given by the plan: their loss is money the customer spent. */
  paid: boolean;
  rule: { old: string | undefined; new: string | undefined };
  /** The paid credits' worth at the credit price they were bought at, under each card; undefined where either card prices none. */
  worth: Totals | undefined;
}

/** The credits lost in the accounts' cycles whose kinds of changed expiry lose more under the new card. */
export interface CreditsLost {
  /** Every kind's, summed over those cycles. */
  credits: Totals;
  /** Those of paid kinds. */
  paid: Totals;
  /** The paid credits' worth; undefined where either card prices no credits. */
  worth: Totals | undefined;
  /** The rows of those cycles whose kind loses more. */
  rows: ExpiredRow[];
}

/** An expiry as a card writes it: `never`, `cycle_end`, `after_months: 12, at_latest: subscription_end`. */
function expiryText(e: Expiry): string {
  if (e.kind !== "after_months") return e.kind;
  return `after_months: ${e.months}${e.capAtSubscriptionEnd ? ", at_latest: subscription_end" : ""}`;
}

/**
 * The credits each grant kind lost in one cycle under one card: those the statement reports expired, and the plan's
 * allowance that ends with its cycle, which it shows as closing (lapsing at the boundary: the next cycle's allowance
 * replaces it). A paid kind's are worth what they were bought at: the credits drawn first are those bought first, so
 * those left to lapse are the latest bought, taken from the cycle's own purchases last to first, then at `carried`
 * (the price of the latest bought before the cycle), else at the version the cycle ended on's.
 */
export function lapses(card: RateCard, cycle: CycleStatement, carried: Decimal | undefined, priced: boolean): CycleLapses {
  // The grant kinds the replay applies: a set of versions takes them from its earliest (versions.ts cardVersions), so
  // a later version's expiry is not what the credits lapsed by; unmeasured.ts names such a change.
  const rules = new Map([...card.grantKinds].map(([kind, k]) => [kind, expiryText(k.expires)]));
  // Whether bought, as the cycle's money counts its credits bought: by the version it ended on (cycle-money.ts).
  const inForce = versionOf(card, cycle.version);
  return {
    rules,
    lapses: cycle.grants.map((g) => {
      const ends = g.kind === INCLUDED && card.grantKinds.get(g.kind)?.expires.kind === "cycle_end";
      const credits = ends ? g.expired.plus(g.closing) : g.expired;
      const paid = isPaidGrant(inForce, g.kind);
      // Credits given cost the customer nothing: worth 0 where credits are priced, so that a kind a change makes free is compared with what it was worth bought.
      return { kind: g.kind, credits, paid, worth: !priced ? undefined : paid ? lapsedWorth(card, cycle, credits, carried) : ZERO };
    }),
  };
}

function lapsedWorth(card: RateCard, cycle: CycleStatement, credits: Decimal, carried: Decimal | undefined): Decimal {
  if (card.versions === undefined) return credits.mul(card.creditPrice ?? ZERO);
  let left = credits;
  let worth = ZERO;
  for (const b of [...(cycle.boughtIn ?? [])].reverse()) {
    const take = Decimal.min(left, b.credits);
    worth = worth.plus(take.mul(versionOf(card, b.version).creditPrice ?? ZERO));
    left = left.minus(take);
  }
  return worth.plus(left.mul(carried ?? versionOf(card, cycle.version).creditPrice ?? ZERO));
}

/** The grant kinds whose expiry differs between the cards as the replay applies them (one a card lacks, too). */
export function expiryChanged(base: RateCard, card: RateCard): Set<string> {
  const kinds = new Set([...base.grantKinds.keys(), ...card.grantKinds.keys()]);
  const rule = (c: RateCard, kind: string) => {
    const k = c.grantKinds.get(kind);
    return k === undefined ? undefined : expiryText(k.expires);
  };
  return new Set([...kinds].filter((kind) => rule(base, kind) !== rule(card, kind)));
}

/**
 * One cycle's kinds whose expiry differs between the cards and whose credits lost differ. A kind of the same expiry
 * under both is left out: more of it lapses only where less of it is charged (a price cut leaves more of a pack to
 * expire), which is no loss to the customer, and the plan's allowance lapses every cycle as its rule says.
 */
export function expiredRows(cycle: { account: string; start: Instant; end: Instant }, old: CycleLapses | undefined, now: CycleLapses | undefined): ExpiredRow[] {
  const none: CycleLapses = { lapses: [], rules: new Map() };
  const [o, n] = [old ?? none, now ?? none];
  const kinds = [...new Set([...o.lapses, ...n.lapses].map((l) => l.kind))];
  const sum = (side: CycleLapses, kind: string, pick: (l: Lapse) => Decimal | undefined) => side.lapses.filter((l) => l.kind === kind).reduce((t, l) => t.plus(pick(l) ?? ZERO), ZERO);
  return kinds.flatMap((kind): ExpiredRow[] => {
    const rule = { old: o.rules.get(kind), new: n.rules.get(kind) };
    if (rule.old === rule.new) return [];
    const credits = { old: sum(o, kind, (l) => l.credits), new: sum(n, kind, (l) => l.credits) };
    if (credits.old.eq(credits.new)) return [];
    // Paid under either card: a loss of what was bought under one of them (a change may make a kind free, paid: false).
    const paid = [...o.lapses, ...n.lapses].some((l) => l.kind === kind && l.paid);
    const priced = [...o.lapses, ...n.lapses].every((l) => l.kind !== kind || l.worth !== undefined);
    const worth = paid && priced ? { old: sum(o, kind, (l) => l.worth), new: sum(n, kind, (l) => l.worth) } : undefined;
    return [{ ...cycle, kind, paid, rule, ...credits, worth }];
  });
}

/**
 * The credits the new card loses that the base card did not: cycle by cycle (one customer's loss is not netted against
 * another's gain), the cycles whose kinds of changed expiry lose more under the new card, all their kinds together.
 */
export function creditsLost(rows: readonly ExpiredRow[], priced: boolean): CreditsLost | undefined {
  const cycles = new Map<string, ExpiredRow[]>();
  for (const r of rows) {
    const key = JSON.stringify([r.account, r.start]);
    cycles.set(key, [...(cycles.get(key) ?? []), r]);
  }
  const more = [...cycles.values()].filter((rs) => rs.reduce((n, r) => n.plus(r.new).minus(r.old), ZERO).gt(0)).flat();
  if (more.length === 0) return undefined;
  const sum = (list: readonly ExpiredRow[], pick: (r: ExpiredRow) => Totals | undefined): Totals => list.reduce((t, r) => {
    const v = pick(r);
    return v === undefined ? t : { old: t.old.plus(v.old), new: t.new.plus(v.new) };
  }, { old: ZERO, new: ZERO });
  const paid = more.filter((r) => r.paid);
  return {
    credits: sum(more, (r) => r),
    paid: sum(paid, (r) => r),
    worth: priced && paid.every((r) => r.worth !== undefined) ? sum(paid, (r) => r.worth) : undefined,
    rows: more.filter((r) => r.new.gt(r.old)),
  };
}
