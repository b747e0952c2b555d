import { shown } from "../errors.js";
import { Decimal } from "../money.js";
import type { Meter, RateCard } from "../ratecard/types.js";
import type { Instant } from "../time.js";
import { add, min, NO_CREDITS, sub, type Credits, type Scale } from "./credits.js";
import type { AccountRun, Dimensions } from "./replay-state.js";
import { alertCredits, budgetCredits } from "./budget-levels.js";
import { endedReason, planServes } from "./subscription-end.js";

/**
 * The rules a usage charge meets besides its price, each declared once: what
 * it reads, when it refuses, what it records, and when it can do neither. The
 * full path (charging.ts) applies them; the known path (fast/) asks the same
 * declarations whether a row may skip them.
 */

/** What the rules read of the replay beyond the run they judge. */
export interface RuleContext {
  readonly card: RateCard;
  readonly scale: Scale;
  /** The local date of an instant: the day a daily limit counts. */
  dayOf(at: Instant): string;
  /** The first instant of the local date after `at`'s. */
  nextDay(at: Instant): Instant;
  /** A daily limit in credits, converted once. */
  limitCredits(limit: Decimal): Credits;
  /** An account's run as it stands, where the replay has one: its clock not moved, none made. */
  runOf(account: string): AccountRun | undefined;
  /** An account's run, its clock moved to `at`: the earner of a reward. */
  runAt(account: string, at: Instant): AccountRun;
}

/** A usage charge as the checks see it: its credits, and the instant it is priced at. */
export interface UsageCharge {
  readonly run: AccountRun;
  readonly meter: Meter;
  readonly dims: Dimensions;
  readonly quantity: Decimal;
  readonly amount: Credits;
  readonly at: Instant;
}

/**
 * How far a run's charges may go with a check neither refusing nor setting
 * anything off, and what they record then: the sum of what they draw, recorded
 * at once, records what each would. The known path (fast/) defers charges only
 * within every applying check's room, as within the balance rules' headroom.
 * Charges of one key of a run (the quota: every one; a budget: those of one
 * value) draw on one room.
 */
export type CheckRoom = QuantityRoom | CreditsRoom;

interface RoomOf<Amount> {
  /** What its charges of these dimensions draw on: a key within the run. */
  key(ctx: RuleContext, dims: Dimensions): string;
  /** What they may draw in all from `at` on: undefined without bound, below zero none. */
  left(ctx: RuleContext, run: AccountRun, dims: Dimensions, at: Instant): Amount | undefined;
  /**
   * Where what `left` told at `at` stops holding, or what `records` would record differently, without a clock
   * event of the run's to say so: a daily limit's next day, a reward's creator's cycle end. Without it, it holds
   * until the run's next clock event (a cycle's end, an expiry, a change), which settles every room.
   */
  until?(ctx: RuleContext, drawn: { run: AccountRun; dims: Dimensions; at: Instant }): Instant;
  /** Record charges' draws, summed to `drawn`, the last of them at `at`, as their records one by one would. */
  records(ctx: RuleContext, drawn: { run: AccountRun; dims: Dimensions; amount: Amount; at: Instant }): void;
}

/** A room its charges draw on by their quantity. */
interface QuantityRoom extends RoomOf<Decimal> {
  readonly draws: "quantity";
}

/** A room its charges draw on by their credits. */
interface CreditsRoom extends RoomOf<Credits> {
  readonly draws: "credits";
}

/**
 * A check of a usage charge the credits could pay. `applies` reads only the
 * run's terms, the card and the dimensions, never a quantity or a balance, so
 * its answer holds for every row of a shape until the terms or card change: a
 * charge target keeps it, and a row of a target no check applies to skips them all.
 */
interface ChargeCheck {
  /** The dimensions it reads: a shape's target is shared by shapes that differ in no dimension any check reads. */
  reads(card: RateCard): readonly string[];
  /** Whether it can refuse or record anything for usage of this meter and these dimensions. */
  applies(ctx: RuleContext, run: AccountRun, meter: Meter, dims: Dimensions): boolean;
  /** Why it refuses the charge, if it does (asked only where it applies). */
  refuses(ctx: RuleContext, charge: UsageCharge): string | undefined;
  /** What an accepted charge records (done only where it applies). */
  records(ctx: RuleContext, charge: UsageCharge): void;
  /** Its room, where charges may be taken together within one: none keeps every charge it applies to on the full path. */
  readonly room?: CheckRoom;
  /**
   * What it notes of a usage row of a charge (not a gauge's), whether it applies or not and whether the row is then
   * paid or refused: asked as the row is priced in full, and as the known path makes a new group's target for a
   * shape's rows of a run, so that the two paths note alike (red team, stop 41: noted as `applies` was asked, a row a quota refused first was noted on the
   * known path only).
   */
  sees?(ctx: RuleContext, run: AccountRun, dims: Dimensions): void;
}

const NOTHING = (): undefined => undefined;

/** A plan that takes usage only for some values of a dimension (plan.only). */
const planGate: ChargeCheck = {
  reads: (card) => [...new Set([...card.plans.values()].flatMap((plan) => [...plan.only.keys()]))],
  // Where every gated value is one the plan takes, the gate neither refuses nor records (so such rows may take the known path).
  applies: (_ctx, run, _meter, dims) => [...run.terms.plan.only].some(([dim, allowed]) => dims[dim] !== undefined && !allowed.has(dims[dim]!)),
  refuses: (_ctx, { run, dims }) => {
    const { plan } = run.terms;
    for (const [dim, allowed] of plan.only) {
      const value = dims[dim];
      if (value !== undefined && !allowed.has(value)) return `plan-gated: ${dim} ${shown(value)} is not on plan ${plan.key}`;
    }
    return undefined;
  },
  records: NOTHING,
};

/** Whether requests past the quota are billed as overage: with overage on, while the plan serves (subscription-end.ts). */
function overageBilled(run: AccountRun): boolean {
  return run.terms.overage && planServes(run);
}

/** Quota used by `quantity` more: past the quota, billed as overage. */
function useQuota(run: AccountRun, quantity: Decimal): void {
  const q = run.terms.plan.quota!;
  const before = run.cycle.quotaUsed;
  run.cycle.quotaUsed = before.plus(quantity);
  const past = run.cycle.quotaUsed.minus(Decimal.max(before, q.requests));
  if (past.gt(0)) run.cycle.overage(past, q.overagePrice, run.terms.plan.key);
}

/** Whether a refusal is the quota's while overage billing is off (below); with it on, a refusal says the subscription ended. */
export function quotaReached(reason: string): boolean {
  return /^monthly request quota of \S+ reached$/.test(reason);
}

/**
 * The plan's monthly request quota: refused past it without overage, billed as overage with it. Its room
 * is what is left of the quota, without bound with overage: the overage of quantities used together is
 * what is used past the quota, the sum of theirs one by one.
 */
const quota: ChargeCheck = {
  reads: () => [],
  applies: (_ctx, run, meter) => run.terms.plan.quota?.meters.has(meter.key) === true,
  refuses: (_ctx, { run, quantity }) => {
    const q = run.terms.plan.quota!;
    if (overageBilled(run) || !run.cycle.quotaUsed.plus(quantity).gt(q.requests)) return undefined;
    return `monthly request quota of ${q.requests.toFixed()} reached${run.terms.overage ? ` (${endedReason(run)}: no overage billing after it)` : ""}`;
  },
  records: (_ctx, { run, quantity }) => useQuota(run, quantity),
  room: {
    draws: "quantity",
    key: () => "",
    left: (_ctx, run) => (overageBilled(run) ? undefined : run.terms.plan.quota!.requests.minus(run.cycle.quotaUsed)),
    records: (_ctx, { run, amount }) => useQuota(run, amount),
  },
};

/** The spend on `at`'s day of a value of the daily-limit dimension, with its limit; undefined where no limit applies. */
function dailyLimit(ctx: RuleContext, run: AccountRun, dims: Dimensions, at: Instant): { dimension: string; value: string; limit: Decimal; spent: Credits } | undefined {
  const dimension = ctx.card.dailyLimits?.dimension;
  const value = dimension === undefined ? undefined : dims[dimension];
  if (dimension === undefined || value === undefined) return undefined;
  const limit = run.terms.dailyLimits.get(value) ?? run.terms.dailyLimits.get("*");
  if (limit === undefined) return undefined;
  const day = ctx.dayOf(at);
  if (run.day !== day) {
    run.day = day;
    run.daily?.clear();
  }
  return { dimension, value, limit, spent: run.daily?.get(value) ?? NO_CREDITS };
}

/** A value's spend on `at`'s day raised by `amount`. */
function spendDay(ctx: RuleContext, spent: { run: AccountRun; dims: Dimensions; amount: Credits; at: Instant }): void {
  const { run, dims, amount, at } = spent;
  const d = dailyLimit(ctx, run, dims, at);
  if (d) (run.daily ??= new Map()).set(d.value, add(d.spent, amount));
}

/**
 * Credits a day per value of a dimension (card daily_limits, account limits). Its room, a value's, is what
 * is left of the day's limit, until the next local day: a limit sets nothing off, it only refuses.
 */
const daily: ChargeCheck = {
  reads: (card) => (card.dailyLimits === undefined ? [] : [card.dailyLimits.dimension]),
  // A value the account sets no limit for (nor "*") is neither refused nor counted (so its rows may take the known path).
  applies: (ctx, run, _meter, dims) => {
    const dimension = ctx.card.dailyLimits?.dimension;
    const value = dimension === undefined ? undefined : dims[dimension];
    return value !== undefined && (run.terms.dailyLimits.has(value) || run.terms.dailyLimits.has("*"));
  },
  refuses: (ctx, { run, dims, amount, at }) => {
    const d = dailyLimit(ctx, run, dims, at);
    return d && add(d.spent, amount) > ctx.limitCredits(d.limit) ? `daily limit of ${d.limit.toFixed()} reached for ${d.dimension} ${shown(d.value)}` : undefined;
  },
  records: (ctx, charge) => spendDay(ctx, charge),
  room: {
    draws: "credits",
    key: (ctx, dims) => dims[ctx.card.dailyLimits!.dimension]!,
    left: (ctx, run, dims, at) => {
      const d = dailyLimit(ctx, run, dims, at)!;
      return sub(ctx.limitCredits(d.limit), d.spent);
    },
    until: (ctx, { at }) => ctx.nextDay(at),
    records: (ctx, drawn) => spendDay(ctx, drawn),
  },
};

/** Whether the card's budgets apply to the run's plan. */
export function budgetsApply(card: RateCard, run: AccountRun): boolean {
  const budgets = card.budgets;
  return budgets !== undefined && (budgets.plans === undefined || budgets.plans.has(run.terms.plan.key));
}

function budgetOf(card: RateCard, run: AccountRun, dims: Dimensions): { dimension: string; value: string; amount: Decimal } | undefined {
  if (!budgetsApply(card, run)) return undefined;
  const budgets = card.budgets!;
  const value = dims[budgets.dimension];
  const amount = value === undefined ? undefined : run.terms.budgets.get(value);
  return amount === undefined ? undefined : { dimension: budgets.dimension, value: value!, amount };
}

/** A budget's value spent by `amount` more credits: the alerts it reaches go off at `at`. */
function spendBudget(ctx: RuleContext, spent: { run: AccountRun; dims: Dimensions; amount: Credits; at: Instant }): void {
  const { run, dims, amount, at } = spent;
  const b = budgetOf(ctx.card, run, dims);
  if (b) run.cycle.spend(b.value, amount, b.amount, ctx.card.budgets!.alerts, at);
}

/**
 * Credits a cycle per value of a dimension (card budgets, account budgets), with alerts as they are spent. Its
 * room, a value's, is the credits that stay within the budget and below its next alert level: a charge
 * that reaches a level goes the full way, its alert set off at its row.
 */
const budget: ChargeCheck = {
  reads: (card) => (card.budgets === undefined ? [] : [card.budgets.dimension]),
  applies: (ctx, run, _meter, dims) => budgetOf(ctx.card, run, dims) !== undefined,
  // A value without a budget is noted (a set of the dimension's values): the statement warns where it is one typo
  // from a budget's key, which then caps nothing (red team, stops 35 and 36); a charge without the dimension's value,
  // as "" (newcomer, stop 42: a team field sent from mid-month left the days before it outside every budget, unsaid).
  sees: (ctx, run, dims) => {
    if (ctx.card.budgets === undefined || run.terms.budgets.size === 0 || budgetOf(ctx.card, run, dims) !== undefined) return;
    const value = dims[ctx.card.budgets.dimension];
    // Without a value, only where the plan's budgets apply: on another plan no row is capped (red team, stop 42).
    if (value !== undefined || budgetsApply(ctx.card, run)) (run.unbudgeted ??= new Set()).add(value ?? "");
  },
  refuses: (ctx, { run, dims, amount }) => {
    const b = budgetOf(ctx.card, run, dims);
    return b && add(run.cycle.spentFrom(b.value), amount) > budgetCredits(ctx.scale, b.amount) ? `budget of ${b.amount.toFixed()} spent for ${b.dimension} ${shown(b.value)}` : undefined;
  },
  records: (ctx, { run, dims, amount, at }) => spendBudget(ctx, { run, dims, amount, at }),
  room: {
    draws: "credits",
    key: (ctx, dims) => {
      const { dimension } = ctx.card.budgets!;
      return `${dimension}\u0000${dims[dimension]!}`;
    },
    left: (ctx, run, dims) => {
      const b = budgetOf(ctx.card, run, dims)!;
      const spent = run.cycle.spentFrom(b.value);
      let left = sub(budgetCredits(ctx.scale, b.amount), spent);
      for (const percent of ctx.card.budgets!.alerts) {
        const level = alertCredits(ctx.scale, b.amount, percent);
        if (spent < level) left = min(left, sub(sub(level, spent), 1n));
      }
      return left;
    },
    records: (ctx, drawn) => spendBudget(ctx, drawn),
  },
};

/** A share of what a charge costs credited to the account named by a dimension (card rewards). */
const reward: ChargeCheck = {
  reads: (card) => (card.rewards === undefined ? [] : [card.rewards.dimension]),
  // A creator's own usage earns it nothing: for it the reward neither refuses nor records (so its rows may take the known path).
  applies: (ctx, run, _meter, dims) => {
    const rewards = ctx.card.rewards;
    return rewards !== undefined && dims[rewards.dimension] !== undefined && dims[rewards.dimension] !== run.id;
  },
  refuses: NOTHING,
  records: (ctx, charge) => earnReward(ctx, charge),
  room: {
    draws: "credits",
    key: (ctx, dims) => dims[ctx.card.rewards!.dimension]!,
    left: () => undefined,
    // The earnings go to the creator's cycle at their instant: charges taken together hold while that cycle does.
    // The creator's runs are anchored apart where an upgrade started a cycle, and a creator without a run yet holds none past `at`.
    until: (ctx, { dims, at }) => ctx.runOf(dims[ctx.card.rewards!.dimension]!)?.cycle.end ?? at,
    records: (ctx, drawn) => earnReward(ctx, drawn),
  },
};

/**
 * The creator's share of charges of `amount` in all, the last at `at`, as earnings on the creator's cycle then. A
 * reward never refuses, so its room has no bound; the share of a sum is the sum of the shares, in Decimals of
 * sixty digits.
 */
function earnReward(ctx: RuleContext, earned: { run: AccountRun; dims: Dimensions; amount: Credits; at: Instant }): void {
  const { run, dims, amount, at } = earned;
  const rewards = ctx.card.rewards!;
  const creator = dims[rewards.dimension];
  if (creator !== undefined && creator !== run.id && amount > NO_CREDITS) ctx.runAt(creator, at).cycle.earn(run.id, ctx.scale.decimal(amount).mul(rewards.share));
}

/** In the order a refusal is looked for: the first that refuses names the reason. */
export const CHARGE_CHECKS: readonly ChargeCheck[] = [planGate, quota, daily, budget, reward];

/**
 * What a paid charge's new balance can set off. `headroom` is how far the run's
 * balance may still fall in charges before the rule can set anything off
 * (undefined: it cannot; below zero: it is due already); the known path defers
 * charges only within every rule's headroom, so no deferred row sets one off.
 */
interface BalanceRule {
  headroom(ctx: RuleContext, run: AccountRun): Credits | undefined;
  /** What the charge of `amount` at `at`, just paid, sets off. */
  after(ctx: RuleContext, run: AccountRun, paid: { amount: Credits; at: Instant }): void;
  /** What it reads of the balance a charge is about to be paid from, where it reads anything. */
  paying?(ctx: RuleContext, run: AccountRun): void;
}

/** The credits run out: the cycle records when a charge takes the balance to zero (or past it, into grace or uncovered usage). */
const exhaustion: BalanceRule = {
  headroom: (_ctx, run) => sub(run.wallet.balance(), 1n),
  after: (_ctx, run, { amount, at }) => {
    if (amount > NO_CREDITS && run.wallet.balance() === NO_CREDITS) run.cycle.markExhausted(at);
  },
};

/** The card's warning levels: a share of the allowance consumed. Levels are crossed in order, so only the next one needs a comparison. */
const thresholds: BalanceRule = {
  headroom: (ctx, run) => {
    const next = run.cycle.allowance.isZero() ? undefined : run.cycle.nextLevel(ctx.card.thresholds);
    return next === undefined ? undefined : sub(sub(next.credits, run.cycle.consumedTowardAllowance()), 1n);
  },
  after: (ctx, run, { at }) => {
    if (run.cycle.allowance.isZero()) return;
    const levels = ctx.card.thresholds;
    for (let next = run.cycle.nextLevel(levels); next && run.cycle.consumedTowardAllowance() >= next.credits; next = run.cycle.nextLevel(levels)) run.cycle.cross(next.percent, at);
  },
};

/**
 * The low-balance alert: when the balance falls below the account's (or card's) level, the first time in a cycle and
 * again each time it falls below after being back at or above it (read before a charge is paid: a purchase, a bonus or
 * a refund lifted it).
 */
const lowBalance: BalanceRule = {
  headroom: (ctx, run) => run.cycle.lowBalanceRoom(run.wallet.balance(), run.terms.lowBalance ?? ctx.card.lowBalance),
  after: (ctx, run, { at }) => run.cycle.checkLowBalance(run.wallet.balance(), run.terms.lowBalance ?? ctx.card.lowBalance, at),
  paying: (ctx, run) => run.cycle.rearmLowBalance(run.wallet.balance(), run.terms.lowBalance ?? ctx.card.lowBalance),
};

/** In the order a charge sets them off. */
export const BALANCE_RULES: readonly BalanceRule[] = [exhaustion, thresholds, lowBalance];

/** The rules that read the balance before a charge is paid. */
export const PAYING_RULES: readonly (BalanceRule & Required<Pick<BalanceRule, "paying">>)[] = BALANCE_RULES.filter((r): r is BalanceRule & Required<Pick<BalanceRule, "paying">> => r.paying !== undefined);
