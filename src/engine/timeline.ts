import { UserError, type Location } from "../errors.js";
import { Decimal, roundToStep, ZERO } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import { versionSwitches } from "../ratecard/versions.js";
import { formatInstant, type Instant } from "../time.js";
import { NO_CREDITS, type Credits } from "./credits.js";
import type { AccountChange, AccountTerms, ChangeKind, ReplaySetup, TimelineEntry, WaitingChange } from "./types.js";
import type { Grant } from "./wallet.js";
import type { AccountRun } from "./replay-state.js";
import { endsWithSubscription } from "./subscription-end.js";

/** Something that happens to the terms at an instant: a card version switches in, or an account's terms change. */
export type TimelineItem = { at: Instant; kind: "version"; card: RateCard } | { at: Instant; kind: "change"; change: AccountChange };

/**
 * The replay's dated changes, in the order they apply. At one instant a new
 * card version comes first (everything at that instant is priced by it), then
 * account changes in the order written, then purchases, then usage: an
 * upgrade at an instant serves that instant's events, and a subscription that
 * ends at an instant caps the add-ons bought then.
 */
export class Timeline {
  private readonly items: TimelineItem[];
  private next = 0;

  constructor(setup: ReplaySetup) {
    const calendar = setup.calendar;
    const first = setup.versions?.[0]?.card;
    const versions = setup.versions === undefined ? [] : versionSwitches(setup.versions, calendar).filter((s) => s.card !== first);
    for (const change of setup.changes ?? []) {
      if (change.at < calendar.start(0)) throw new UserError("change before the first cycle", change.origin, `an instant on or after the anchor ${formatInstant(calendar.start(0))}`, formatInstant(change.at));
    }
    const items: TimelineItem[] = [...versions.map((v) => ({ at: v.at, kind: "version" as const, card: v.card })), ...(setup.changes ?? []).map((change) => ({ at: change.at, kind: "change" as const, change }))];
    // A stable sort keeps versions before changes at one instant, and changes in the order written.
    this.items = items.sort((a, b) => a.at - b.at);
  }

  /** When the next item is due; Infinity when none is left. */
  nextAt(): Instant {
    return this.items[this.next]?.at ?? Infinity;
  }

  take(): TimelineItem {
    return this.items[this.next++]!;
  }

  /** The card versions due by `at` at the head of the timeline, taken: what is in force before anything else applies. */
  takeVersionsUntil(at: Instant): { at: Instant; card: RateCard }[] {
    const taken: { at: Instant; card: RateCard }[] = [];
    for (let item = this.items[this.next]; item?.kind === "version" && item.at <= at; item = this.items[this.next]) {
      taken.push(item);
      this.next++;
    }
    return taken;
  }

  /** Forget what is left: items after the statement's last cycle change nothing it shows. */
  drop(): void {
    this.next = this.items.length;
  }
}

/** The terms a change leads to, from the terms in force. */
export function changedTerms(terms: AccountTerms, change: ChangeKind): AccountTerms {
  switch (change.kind) {
    case "plan":
      // The plan in force named again (a contract renewal, a CRM export's plan event) changes nothing: its negotiated
      // allowance stays (red team, stop 37: a re-stated plan wiped a 400-credit allowance to the plan's 0).
      if (change.plan.key === terms.plan.key) return terms;
      return { ...terms, plan: change.plan, allowance: change.plan.included };
    case "allowance":
      return { ...terms, allowance: change.allowance };
    case "overage":
      return { ...terms, overage: change.on };
    case "subscription_end":
    case "cancel_scheduled":
      return terms;
  }
}

/**
 * Whether a plan or allowance change is an upgrade (> 0), a downgrade (< 0) or
 * neither (0). More included credits is an upgrade; where they are equal (all
 * of Floopy's plans include none) the dearer plan is the upgrade, since what a
 * plan sells beyond credits (a larger quota, features) is what its price buys.
 * Equal in both, the change applies at once and grants or removes nothing.
 */
export function changeDirection(before: AccountTerms, after: AccountTerms): number {
  return after.allowance.cmp(before.allowance) || after.plan.price.cmp(before.plan.price);
}

/**
 * Included credits an upgrade grants at once (the card's `plan_changes.upgrade`):
 * the new allowance minus the old, or that difference times the share of the
 * cycle [start, end) still ahead at `at`, rounded to the card's step.
 */
export function upgradeGrant(card: RateCard, before: Decimal, after: Decimal, cycle: { start: Instant; end: Instant }, at: Instant): Decimal {
  const difference = after.minus(before);
  if (card.planChanges.upgrade === "difference") return difference;
  const left = new Decimal(cycle.end - at).div(cycle.end - cycle.start);
  return roundToStep(difference.mul(left), card.precision.step, card.precision.rounding);
}

/** How a change is shown: what it was and what it became; a cancellation, from what waited (`waiting`) to what is in force. */
export function describeChange(terms: AccountTerms, change: ChangeKind, subscriptionEnd: Instant | undefined, waiting?: WaitingChange): { from: string; to: string } {
  switch (change.kind) {
    case "plan":
      return { from: terms.plan.key, to: change.plan.key };
    case "allowance":
      return { from: terms.allowance.toFixed(), to: change.allowance.toFixed() };
    case "overage":
      return { from: terms.overage ? "on" : "off", to: change.on ? "on" : "off" };
    case "subscription_end":
      return { from: subscriptionEnd === undefined ? "none" : formatInstant(subscriptionEnd), to: formatInstant(change.end) };
    case "cancel_scheduled":
      return { from: waiting?.to ?? "none", to: waiting?.change === "allowance" ? terms.allowance.toFixed() : terms.plan.key };
  }
}

/**
 * What waits for the cycle's end, from the terms in force to those waiting (`pending`): another plan (a downgrade
 * under next_cycle), else the same plan with a smaller allowance (an allowance cut).
 */
export function waitingChange(terms: AccountTerms, pending: AccountTerms, appliesAt: Instant, origin: Location): WaitingChange {
  return pending.plan.key !== terms.plan.key ? { change: "plan", to: pending.plan.key, appliesAt, origin } : { change: "allowance", to: pending.allowance.toFixed(), appliesAt, origin };
}

/** A waiting change in words: "the downgrade to starter", "the allowance cut to 200". */
export function waitingText(waiting: Pick<WaitingChange, "change" | "to">): string {
  return waiting.change === "plan" ? `the downgrade to ${waiting.to}` : `the allowance cut to ${waiting.to}`;
}

/** The same terms on a new version's plan of the same key; a version without that plan is a located error. */
export function termsOnVersion(terms: AccountTerms, card: RateCard, account: string): AccountTerms {
  const plan = card.plans.get(terms.plan.key);
  if (plan === undefined) {
    throw new UserError(`version ${card.version} of the card has no plan ${terms.plan.key}, which account ${account} is on`, card.effectiveAt, `a plan ${terms.plan.key} in ${card.file}`, "none");
  }
  if (plan === terms.plan) return terms;
  // An allowance that was the old plan's own follows the new version's plan; a negotiated one stays.
  const allowance = terms.allowance.eq(terms.plan.included) ? plan.included : terms.allowance;
  return { ...terms, plan, allowance };
}


/**
 * Among grants that just expired, those a subscription end made lapse: for each change that set an end, an entry at
 * the instant they lapse with the credits they took away, in whichever cycle that instant falls. A grant the change
 * brought forward (`capped`) leaves it; one granted while the end was in force, capped at it as it was granted (the
 * next cycle's included credits), is the change's in force (`endChange`) (red62 F8: the included credits were left out).
 */
export function lapsedByCap(run: Pick<AccountRun, "capped" | "endChange" | "subscriptionEnd">, expired: readonly Grant[], decimal: (credits: Credits) => Decimal): TimelineEntry[] {
  const { capped, endChange, subscriptionEnd } = run;
  if (capped === undefined && endChange === undefined) return [];
  const lapses = new Map<TimelineEntry, TimelineEntry>();
  for (const grant of expired) {
    let change = capped?.get(grant);
    if (change !== undefined) capped!.delete(grant);
    else if (grant.expiresAt === subscriptionEnd && endsWithSubscription(grant.kind)) change = endChange;
    if (change === undefined || grant.remaining === NO_CREDITS) continue;
    const lapse = lapses.get(change) ?? { at: grant.expiresAt!, change: "subscription_end", from: change.from, to: change.to, granted: ZERO, removed: ZERO, appliesAt: undefined };
    lapse.removed = lapse.removed.plus(decimal(grant.remaining));
    lapses.set(change, lapse);
  }
  return [...lapses.values()];
}
