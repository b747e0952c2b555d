import { formatInstant, type Instant } from "../time.js";
import { INCLUDED, type GrantKind } from "../ratecard/types.js";
import type { AccountRun } from "./replay-state.js";

/**
 * What a subscription's end does to the plan, declared once (red team, stop 37: after `subscription_end` every
 * later cycle still granted the plan's credits and billed its fee). The end is a clock change, as a grant's
 * expiry is: the replay's clock crossing it (AccountRuns.advance) ends the plan, and the known path stays off
 * a run until its clock has crossed it (quietAt). From the end on the plan gives nothing:
 * - its included credits expire at the end (as add-ons capped by it do), and a cycle that opens at or after
 *   the end opens without them, without its one-time credits and subscription top-ups, and owes no fee
 *   (planBilled, src/ratecard/plan-fee.ts);
 * - no grace buffer, no overage billing and no crossing charge let past the credits: usage is charged to
 *   grants that outlive the end (purchased credits that never expire), else refused as `endedReason` says.
 * The plan's gates and quota still hold: they restrict usage, they give none.
 */

/** Whether the plan serves the run at the clock's instant: not once its subscription ended. */
export function planServes(run: AccountRun): boolean {
  return run.ended === undefined;
}

/** Whether the run's clock reaching `at` crosses its subscription's end: the plan ends there. */
export function endsBy(run: AccountRun, at: Instant): boolean {
  const end = run.subscriptionEnd;
  return end !== undefined && at >= end && run.ended === undefined;
}

/** Whether a grant kind's credits end with the subscription: the plan's included credits, and add-ons capped at its end. */
export function endsWithSubscription(kind: GrantKind): boolean {
  return kind.key === INCLUDED || (kind.expires.kind === "after_months" && kind.expires.capAtSubscriptionEnd);
}

const ENDED = "subscription ended ";

/** Why a charge past the credits is refused once the plan ended. */
export function endedReason(run: AccountRun): string {
  return `${ENDED}${formatInstant(run.subscriptionEnd!)}`;
}

/** Whether a refusal's reason is endedReason's. */
export const isEndedReason = (reason: string): boolean => reason.startsWith(ENDED);
