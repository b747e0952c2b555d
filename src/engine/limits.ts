import { shown } from "../errors.js";
import { Decimal } from "../money.js";
import type { Meter } from "../ratecard/types.js";
import type { Instant } from "../time.js";
import { add, NO_CREDITS, type Credits } from "./credits.js";
import type { UsageEvent } from "./types.js";
import { TimelineApplication } from "./timeline-application.js";
import type { AccountRun, Dimensions } from "./replay-state.js";

/** What may refuse a charge the credits could pay (gates, quota, daily limits, budgets), what counts it (rewards), and what its balance sets off. */
export abstract class Limits extends TimelineApplication {
  /**
   * Whether no check but the credits' can refuse a usage charge of these
   * dimensions, and nothing but its line counts it: then refusal() would find
   * nothing and account() would change nothing, and neither needs to run.
   */
  protected creditsOnly(run: AccountRun, meter: Meter, dims: Dimensions): boolean {
    const { plan } = run.terms;
    for (const dim of plan.only.keys()) if (dims[dim] !== undefined) return false;
    if (plan.quota?.meters.has(meter.key)) return false;
    const daily = this.card.dailyLimits?.dimension;
    if (daily !== undefined && dims[daily] !== undefined) return false;
    if (this.budget(run, dims) !== undefined) return false;
    const rewards = this.card.rewards;
    return rewards === undefined || dims[rewards.dimension] === undefined;
  }

  /** Why an event that credits could pay for is still refused: a gated plan, a spent quota, a daily limit, a budget. */
  protected refusal(run: AccountRun, meter: Meter, dims: Readonly<Record<string, string>>, quantity: Decimal, amount: Credits): string | undefined {
    const { plan } = run.terms;
    for (const [dim, allowed] of plan.only) {
      const value = dims[dim];
      if (value !== undefined && !allowed.has(value)) return `plan-gated: ${dim} ${shown(value)} is not on plan ${plan.key}`;
    }
    const quota = plan.quota;
    if (quota?.meters.has(meter.key) && !run.terms.overage && run.cycle.quotaUsed.plus(quantity).gt(quota.requests)) {
      return `monthly request quota of ${quota.requests.toFixed()} reached`;
    }
    const daily = this.dailyLimit(run, dims);
    if (daily && add(daily.spent, amount) > this.limitCredits(daily.limit)) return `daily limit of ${daily.limit.toFixed()} reached for ${daily.dimension} ${shown(daily.value)}`;
    const budget = this.budget(run, dims);
    if (budget && run.cycle.spentFrom(budget.value).plus(this.scale.decimal(amount)).gt(budget.amount)) return `budget of ${budget.amount.toFixed()} spent for ${budget.dimension} ${shown(budget.value)}`;
    return undefined;
  }

  /** Count an accepted event against the quota, the day's limit and the budget, and credit its creator. */
  protected account(run: AccountRun, meter: Meter, dims: Readonly<Record<string, string>>, quantity: Decimal, amount: Credits, at: Instant): void {
    const quota = run.terms.plan.quota;
    if (quota?.meters.has(meter.key)) {
      const before = run.cycle.quotaUsed;
      run.cycle.quotaUsed = before.plus(quantity);
      const past = run.cycle.quotaUsed.minus(Decimal.max(before, quota.requests));
      if (past.gt(0)) run.cycle.overage(past, quota.overagePrice);
    }
    const daily = this.dailyLimit(run, dims);
    if (daily) (run.daily ??= new Map()).set(daily.value, add(daily.spent, amount));
    const budget = this.budget(run, dims);
    if (budget) run.cycle.spend(budget.value, this.scale.decimal(amount), budget.amount, this.card.budgets!.alerts, at);
    const rewards = this.card.rewards;
    const creator = rewards ? dims[rewards.dimension] : undefined;
    if (rewards && creator !== undefined && creator !== run.id && amount > NO_CREDITS) {
      const earner = this.run(creator);
      this.advance(earner, at);
      earner.cycle.earn(run.id, this.scale.decimal(amount).mul(rewards.share));
    }
  }

  protected limitCredits(limit: Decimal): Credits {
    let credits = this.limits.get(limit);
    if (credits === undefined) this.limits.set(limit, (credits = this.scale.of(limit)));
    return credits;
  }

  protected dailyLimit(run: AccountRun, dims: Readonly<Record<string, string>>): { dimension: string; value: string; limit: Decimal; spent: Credits } | undefined {
    const dimension = this.card.dailyLimits?.dimension;
    const value = dimension === undefined ? undefined : dims[dimension];
    if (dimension === undefined || value === undefined) return undefined;
    const limit = run.terms.dailyLimits.get(value) ?? run.terms.dailyLimits.get("*");
    if (limit === undefined) return undefined;
    const day = this.setup.calendar.zone.localDate(this.instant);
    if (run.day !== day) {
      run.day = day;
      run.daily?.clear();
    }
    return { dimension, value, limit, spent: run.daily?.get(value) ?? NO_CREDITS };
  }

  protected budget(run: AccountRun, dims: Readonly<Record<string, string>>): { dimension: string; value: string; amount: Decimal } | undefined {
    if (!this.budgetsApply(run)) return undefined;
    const budgets = this.card.budgets!;
    const value = dims[budgets.dimension];
    const amount = value === undefined ? undefined : run.terms.budgets.get(value);
    return amount === undefined ? undefined : { dimension: budgets.dimension, value: value!, amount };
  }

  protected budgetsApply(run: AccountRun): boolean {
    const budgets = this.card.budgets;
    return budgets !== undefined && (budgets.plans === undefined || budgets.plans.has(run.terms.plan.key));
  }

  protected exhaustedReason(run: AccountRun, pool: string): string {
    return run.cycle.graceLimit(pool) > NO_CREDITS ? "grace buffer exhausted" : "credits exhausted";
  }

  protected reject(run: AccountRun, meter: Meter, reason: string, quantity: Decimal, at: Instant, event: UsageEvent | undefined, outOfCredits: boolean): void {
    this.counts.rejected += event ? 1 : 0;
    run.cycle.reject(meter.key, reason, quantity, at, event?.origin);
    if (outOfCredits) run.cycle.markExhausted(at);
  }

  protected crossThresholds(run: AccountRun, at: Instant): void {
    if (run.cycle.allowance.isZero()) return;
    // Levels are crossed in order, so only the next one needs a comparison.
    for (let next = run.cycle.nextLevel(this.card.thresholds); next && run.cycle.consumedTowardAllowance() >= next.credits; next = run.cycle.nextLevel(this.card.thresholds)) {
      run.cycle.cross(next.percent, at);
    }
  }

  /** What a charge's new balance sets off: warning levels crossed, a low balance. */
  protected afterCharge(run: AccountRun, at: Instant): void {
    this.crossThresholds(run, at);
    const low = run.terms.lowBalance ?? this.card.lowBalance;
    if (low !== undefined) run.cycle.checkLowBalance(run.wallet.balance(), low, at);
  }
}
