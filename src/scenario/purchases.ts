import type { CycleStatement, GrantPurchase, Statement } from "../engine/types.js";
import { Decimal, ZERO } from "../money.js";
import { isPaidGrant, moneyTotal } from "../ratecard/cycle-money.js";
import { cycleFee, versionOf } from "../ratecard/plan-fee.js";
import { BOUGHT_KINDS, GIVEN_KINDS, sells, TOPUP } from "../ratecard/purchases.js";
import type { Plan, RateCard } from "../ratecard/types.js";
import type { Instant } from "../time.js";
import type { VersionsOn } from "../ratecard/versions.js";

/** How reports name a purchase kind, plural: "with top-ups", "without packs". */
export function purchaseWords(kind: string | undefined): string {
  return ({ [TOPUP]: "top-ups", purchase: "purchases", pack: "packs", addon: "add-ons", bonus: "bonus credits" } as Record<string, string>)[kind ?? TOPUP] ?? `${kind} grants`;
}

/** What a card sells beyond the allowance: the grant kind, and its price per credit when the card gives one. */
export interface Purchase {
  kind: string;
  /** Undefined: the card sells them without a price, so money leaves them out and says so. */
  price: Decimal | undefined;
  /** The kind expires (at its cycle's end, or months after it is bought): a purchase as needed is one a cycle, not one a stretch of cycles, which would lapse under later cycles. */
  lapses?: boolean;
}

/**
 * The kind a simulation buys: the scenario's `buys:`, else the first kind to buy the card declares; undefined when it
 * declares none. A kind every version gives free (paid: false: Flowly's bonus made a promotion) is no purchase: a plan
 * that runs short cannot buy it. One a version gives free is bought only in the cycles of a version that sells it
 * (red72b M2: free from December, November bought nothing either).
 */
export function cardPurchase(card: RateCard, buys?: string): Purchase | undefined {
  const kind = buys ?? buyableKinds(card).find((k) => BOUGHT_KINDS.includes(k));
  // Of several versions, priced where one of them gives a price: each cycle buys at its own version's (versionsOn).
  if (kind === undefined) return undefined;
  const price = card.creditPrice ?? card.versions?.find((v) => v.creditPrice !== undefined)?.creditPrice;
  return { kind, price, ...((card.versions ?? [card]).some((v) => v.grantKinds.get(kind)?.expires.kind !== "never") ? { lapses: true } : {}) };
}

/**
 * The kinds a customer can buy of the card: every kind it declares that no plan gives and that some version sells (not
 * paid: false there; a cycle buys it only under a version that sells it, `sold`),
 * the kinds of BOUGHT_KINDS first, in its order (the one a simulation buys unasked first), then the card's others.
 */
export function buyableKinds(card: RateCard): string[] {
  const versions = card.versions ?? [card];
  const declared = [...new Set(versions.flatMap((v) => [...v.grantKinds.keys()]))].filter((k) => !GIVEN_KINDS.has(k) && versions.some((v) => v.grantKinds.has(k) && isPaidGrant(v, k)));
  return [...BOUGHT_KINDS.filter((k) => declared.includes(k)), ...declared.filter((k) => !BOUGHT_KINDS.includes(k))];
}

/** Whether some plan of `plans`, in some version of the card, sells the card's purchase: a plan that does is replayed with purchases too. */
export function anySells(purchase: Purchase | undefined, plans: readonly Plan[], card?: RateCard): purchase is Purchase {
  const versions = card?.versions ?? [];
  return purchase !== undefined && plans.some((p) => sells(p, purchase.kind) || versions.some((v) => { const own = v.plans.get(p.key); return own !== undefined && sells(own, purchase.kind); }));
}

/**
 * More credits than any scenario can spend: a replay that buys as needed holds
 * this many while the plan in force sells them, and reads back what each cycle took;
 * as an allowance, what a plan's usage asks, its credits aside.
 */
export const UNLIMITED = new Decimal("1e30");

/**
 * What a simulated cycle costs in money, as the statement bills it (cycle-money.ts): the fee of the plan in force at
 * its end in the version then in force (none once the subscription ended), the credits it took of those bought as
 * needed at the price they were bought at (versionsOn), and its overage, rounded once to the currency's minor unit.
 * The credits bought are those taken, not those granted: a simulation buys an unlimited grant and reads back what the
 * cycle used.
 */
export function simulatedMoney(card: RateCard, cycle: CycleStatement, bought: { credits: Decimal; price: Decimal | undefined }): Decimal {
  return moneyTotal(versionOf(card, cycle.version), cycleFee(card, cycle).plus(bought.credits.mul(bought.price ?? ZERO)).plus(cycle.overage.amount));
}

/**
 * What the overage and the credits bought each add to a simulated cycle's money (simulatedMoney), rounded as it is:
 * the fee rounded, the fee and overage rounded less that, and the whole less the fee and overage rounded, so that the
 * fee, the overage and the top-ups add up to the cycle's money (newcomer48 and red48b #4: a headline's parts a cent,
 * or in yen some units, off its total).
 */
export function simulatedMoneyParts(card: RateCard, cycle: CycleStatement, bought: { credits: Decimal; price: Decimal | undefined }): { overage: Decimal; topups: Decimal } {
  const version = versionOf(card, cycle.version);
  const fee = cycleFee(card, cycle);
  const withOverage = moneyTotal(version, fee.plus(cycle.overage.amount));
  return { overage: withOverage.minus(moneyTotal(version, fee)), topups: simulatedMoney(card, cycle, bought).minus(withOverage) };
}

/** A stretch of a replay in which the plan in force sells the purchase; `to` undefined: through the last cycle. */
interface Selling {
  from: Instant;
  to: Instant | undefined;
}

/**
 * Buying as needed, as purchases: one unlimited purchase at the start of each
 * stretch in which the plan in force (read from a replay of the same account,
 * whose plan changes are those of this one) sells them, lapsing at its end. A
 * customer buying as needed buys nothing ahead, so after a downgrade to a plan
 * that sells none nothing bought is left over.
 */
export function asNeeded(cycles: readonly CycleStatement[], versions: VersionsOn, purchase: Purchase, account: string, buys: (cycle: CycleStatement) => boolean = () => true): GrantPurchase[] {
  return selling(cycles, versions, purchase, buys).map(({ from, to }) => ({ kind: purchase.kind, amount: UNLIMITED, at: from, account, origin: undefined, ...(to === undefined ? {} : { until: to }) }));
}

/**
 * A replay that bought as needed, with the grant rows of what it bought read as the purchases themselves: each cycle
 * buys what it takes (granted = consumed), where the replay held an unlimited grant and let what it left over lapse.
 * These are the rows a statement of the emitted usage gives, whose account file buys each cycle's top-ups.
 */
export function boughtAsNeeded(statement: Statement, kind: string): Statement {
  return {
    ...statement,
    accounts: statement.accounts.map((a) => ({
      ...a,
      cycles: a.cycles.map((c) => ({ ...c, grants: c.grants.map((g) => (g.kind === kind ? { ...g, opening: ZERO, granted: g.consumed, expired: ZERO, closing: ZERO } : g)) })),
    })),
  };
}

/** The instant a cycle's purchases are bought: its start, or where a stretch in which its plan sells them begins; undefined when none is sold in it. */
export function boughtAt(cycle: CycleStatement, versions: VersionsOn, purchase: Purchase | undefined): Instant | undefined {
  if (purchase === undefined) return undefined;
  return parts(cycle, versions).find((p) => sold(p, versions, purchase.kind))?.from;
}

/** Whether a part's plan, in the version in force over it, sells the kind: a version that gives the kind free (paid: false), or has it not, sells none. */
function sold(part: { plan: string | undefined; from: Instant }, versions: VersionsOn, kind: string): boolean {
  const version = versions.at(part.from);
  const plan = part.plan === undefined ? undefined : version.plans.get(part.plan);
  return plan !== undefined && sells(plan, kind) && version.grantKinds.has(kind) && isPaidGrant(version, kind);
}

/**
 * The stretches in which the plan in force sells the kind, within the cycles `buys` keeps: a cycle it leaves out buys
 * nothing. A kind that lapses starts a stretch each cycle (red70a M1: top-ups ending with their cycle, bought once at the
 * first, left every later cycle's usage refused).
 */
function selling(cycles: readonly CycleStatement[], versions: VersionsOn, { kind, lapses }: Purchase, buys: (cycle: CycleStatement) => boolean): Selling[] {
  const stretches: Selling[] = [];
  let open: Selling | undefined;
  for (const { part, bought, first } of cycles.flatMap((c) => parts(c, versions).map((part, i) => ({ part, bought: buys(c), first: i === 0 })))) {
    if (first && lapses && open !== undefined) {
      open.to = part.from;
      open = undefined;
    }
    if (bought && sold(part, versions, kind)) {
      if (open === undefined) stretches.push((open = { from: part.from, to: undefined }));
    } else if (open !== undefined) {
      open.to = part.from;
      open = undefined;
    }
  }
  return stretches;
}

/**
 * The plans in force over a cycle's parts, cut where a card version switches (a plan may sell in one version and not
 * the next); none from the subscription's end on, when it ends in or before the cycle: no plan sells then.
 */
function parts(cycle: CycleStatement, versions: VersionsOn): { plan: string | undefined; from: Instant; to: Instant }[] {
  const all = cycle.plans.length > 0 ? cycle.plans : [{ plan: cycle.plan, from: cycle.start, to: cycle.end }];
  const end = cycle.subscriptionEnd;
  const served: { plan: string | undefined; from: Instant; to: Instant }[] = end === undefined ? [...all] : [...all.filter((p) => p.from < end).map((p) => ({ ...p, to: Math.min(p.to, end) })), { plan: undefined, from: Math.max(end, cycle.start), to: cycle.end }];
  return served.flatMap((p) => {
    const cuts = versions.switches.filter((at) => at > p.from && at < p.to);
    const bounds = [p.from, ...cuts, p.to];
    return cuts.length === 0 ? [p] : cuts.map((_, i) => ({ plan: p.plan, from: bounds[i]!, to: bounds[i + 1]! })).concat([{ plan: p.plan, from: bounds[cuts.length]!, to: p.to }]);
  });
}
