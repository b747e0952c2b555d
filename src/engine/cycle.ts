import type { Location } from "../errors.js";
import { Decimal, ZERO } from "../money.js";
import type { Plan } from "../ratecard/types.js";
import type { Instant } from "../time.js";
import type { Alert, CycleStatement, TimelineEntry, DuplicateCount, GrantRow, Rejection } from "./types.js";
import { add, min, NO_CREDITS, sub, type Credits, type Scale } from "./credits.js";
import type { Allocation, Wallet } from "./wallet.js";
import { CycleLines } from "./cycle-lines.js";

/** A cycle's number and instants; never changed once made (a cycle given another end is given another span). */
export interface CycleSpan {
  readonly index: number;
  readonly start: Instant;
  readonly end: Instant;
}

/** What one account's current cycle has seen so far: lines, grant movements, grace, rejections, thresholds. */
export class OpenCycle extends CycleLines {
  // Maps are made at their first entry: a log of a hundred thousand accounts has as many open cycles, most of them using few.
  /**
   * The items of unique meters charged this cycle, each as one key of its meter and values (uniqueItem): one set
   * a cycle. A map a meter and key value, down to a set of last values, was three tables or more an account,
   * about 500 bytes, in a log of 100,000 accounts of a few items each.
   */
  private uniques: Set<string> | undefined;
  /** Credits charged beyond the grants (grace, or a card that lets the crossing event through). */
  uncovered = NO_CREDITS;
  private graceUsed: Map<string, Credits> | undefined;
  private graceLimits: Map<string, Credits> | undefined;
  private rejections: Map<string, Rejection> | undefined;
  private thresholds: { percent: number; at: Instant }[] | undefined;
  private duplicates: Map<string, DuplicateCount> | undefined;
  /** Credits each grant kind gave, a short list (one or two kinds an account; a map is about 180 bytes). */
  private consumed: { kind: string; credits: Credits }[] | undefined;
  private grantedKinds: Map<string, Decimal> | undefined;
  private expiredKinds: Map<string, Credits> | undefined;
  private charged: Map<string, Set<string>> | undefined;
  private exhaustedAt: Instant | undefined;
  quotaUsed = ZERO;
  private overageRequests = ZERO;
  private overageAmount = ZERO;
  private budgetSpent: Map<string, Decimal> | undefined;
  private alerts: Alert[] | undefined;
  private lowBalanceAlerted = false;
  private lowBalanceLevel: Credits | undefined;
  private earned: Map<string, Decimal> | undefined;

  /** Changes of the account's terms during the cycle, and the plans in force over its parts once the plan changed (else the one plan, `plan`, from the start). */
  private timeline: TimelineEntry[] | undefined;
  private planFrom: { plan: string; from: Instant }[] | undefined;

  /** Where the cycle sits: shared by the cycles of every account that opened the same (three numbers, two of them boxed, an account). */
  private span: CycleSpan;

  get index(): number {
    return this.span.index;
  }

  get start(): Instant {
    return this.span.start;
  }

  get end(): Instant {
    return this.span.end;
  }

  /** Moved earlier only when an upgrade starts a new cycle (plan_changes.upgrade: new_cycle): then a span of its own. */
  set end(at: Instant) {
    this.span = { index: this.span.index, start: this.span.start, end: at };
  }
  allowance: Decimal;
  private plan: Plan;

  constructor(
    span: CycleSpan,
    terms: { allowance: Decimal; plan: Plan },
    private readonly opening: readonly { kind: string; credits: Credits }[],
    private readonly counting: ReadonlySet<string>,
    private readonly scale: Scale,
  ) {
    super();
    this.span = span;
    ({ allowance: this.allowance, plan: this.plan } = terms);
    this.allowanceCredits = scale.of(this.allowance);
  }

  private allowanceCredits: Credits;
  private towardAllowance = NO_CREDITS;

  /**
   * New terms in the middle of the cycle: grace buffers and warning levels
   * measure the new allowance from now on; levels already crossed stay crossed.
   */
  retarget(plan: Plan, allowance: Decimal, at: Instant): void {
    if (plan.key !== this.plan.key) (this.planFrom ??= [{ plan: this.plan.key, from: this.start }]).push({ plan: plan.key, from: at });
    this.plan = plan;
    this.allowance = allowance;
    this.allowanceCredits = this.scale.of(allowance);
    this.graceLimits = undefined;
    this.levelCache = undefined;
  }

  note(entry: TimelineEntry): void {
    (this.timeline ??= []).push(entry);
  }

  graceLimit(pool: string): Credits {
    let limit = this.graceLimits?.get(pool);
    if (limit === undefined) {
      const share = this.plan.grace.get(pool);
      (this.graceLimits ??= new Map()).set(pool, (limit = share ? this.scale.of(share.mul(this.allowance)) : NO_CREDITS));
    }
    return limit;
  }

  graceLeft(pool: string): Credits {
    return sub(this.graceLimit(pool), this.graceUsed?.get(pool) ?? NO_CREDITS);
  }

  /** The set of the unique meters' items charged this cycle: an item is its key (uniqueItem). */
  uniqueItems(): Set<string> {
    return (this.uniques ??= new Set());
  }

  /** Items of a recurring meter already charged this cycle: activating them again is free. */
  chargedItems(meter: string): Set<string> {
    const charged = (this.charged ??= new Map());
    let set = charged.get(meter);
    if (!set) charged.set(meter, (set = new Set()));
    return set;
  }

  /** What a grant kind gave for a charge: the wallet calls it as it debits. */
  consume(kind: string, amount: Credits): void {
    const entry = this.consumedOf(kind);
    const before = entry?.credits ?? NO_CREDITS;
    const after = entry === undefined ? amount : add(before, amount);
    if (entry === undefined) this.consumed = (this.consumed ?? []).concat({ kind, credits: after });
    else entry.credits = after;
    // Credits toward the allowance that equal the kind's (one kind counts, as with most cards) are the same bigint, not another made each debit.
    if (this.counting.has(kind)) this.towardAllowance = this.towardAllowance === before ? after : add(this.towardAllowance, amount);
  }

  /** The kind's entry of `consumed`, looked up by a loop: a debit calls it, and a callback would be made each time. */
  private consumedOf(kind: string): { kind: string; credits: Credits } | undefined {
    for (const entry of this.consumed ?? []) if (entry.kind === kind) return entry;
    return undefined;
  }

  recordDebit(uncovered: Credits, grace: Credits, pool: string): void {
    if (uncovered !== NO_CREDITS) this.uncovered = add(this.uncovered, uncovered);
    if (grace > NO_CREDITS) {
      const used = (this.graceUsed ??= new Map());
      used.set(pool, add(used.get(pool) ?? NO_CREDITS, grace));
    }
  }

  /**
   * A refund gives back uncovered charges first. What it gives back frees the
   * grace buffers that held it, whichever pool drew them (a storage refund can
   * free grace that end-user activity used), in the card's pool order.
   */
  recordRefund(allocation: Allocation, fromUncovered: Credits): void {
    for (const [kind, amount] of allocation) {
      const entry = this.consumedOf(kind);
      if (entry === undefined) this.consumed = (this.consumed ?? []).concat({ kind, credits: sub(NO_CREDITS, amount) });
      else entry.credits = sub(entry.credits, amount);
      if (this.counting.has(kind)) this.towardAllowance = sub(this.towardAllowance, amount);
    }
    this.uncovered = sub(this.uncovered, fromUncovered);
    let left = fromUncovered;
    for (const [pool, used] of this.graceUsed ?? []) {
      if (left === NO_CREDITS) break;
      const back = min(used, left);
      this.graceUsed!.set(pool, sub(used, back));
      left = sub(left, back);
    }
  }

  /** Credits consumed from grants that count toward the allowance's percentage. */
  consumedTowardAllowance(): Credits {
    return this.towardAllowance;
  }

  /** Credits toward the allowance at which the next warning level is reached. */
  nextLevel(levels: readonly number[]): { percent: number; credits: Credits } | undefined {
    const percent = levels[this.thresholds?.length ?? 0];
    if (percent === undefined) return undefined;
    if (this.levelCache?.percent !== percent || this.levelCache.of !== this.allowanceCredits) this.levelCache = levelOf(this.scale, this.allowanceCredits, percent);
    return this.levelCache;
  }

  private levelCache: Level | undefined;

  granted(kind: string, amount: Decimal): void {
    const granted = (this.grantedKinds ??= new Map());
    granted.set(kind, (granted.get(kind) ?? ZERO).plus(amount));
  }

  expired(kind: string, amount: Credits): void {
    const expired = (this.expiredKinds ??= new Map());
    expired.set(kind, add(expired.get(kind) ?? NO_CREDITS, amount));
  }

  /** Whether the cycle holds a refusal of the meter for the reason: its first row is named already. */
  rejects(meter: string, reason: string): boolean {
    return this.rejections?.has(`${meter}\u0000${reason}`) === true;
  }

  reject(meter: string, reason: string, quantity: Decimal, at: Instant, origin?: Location): void {
    const key = `${meter}\u0000${reason}`;
    const rejections = (this.rejections ??= new Map());
    const r = rejections.get(key);
    if (r) {
      r.events++;
      r.quantity = r.quantity.plus(quantity);
    } else {
      rejections.set(key, { meter, reason, events: 1, quantity, firstAt: at, firstOrigin: origin });
    }
  }

  duplicate(meter: string, quantity: Decimal): void {
    const duplicates = (this.duplicates ??= new Map());
    const d = duplicates.get(meter);
    if (d) {
      d.events++;
      d.quantity = d.quantity.plus(quantity);
    } else {
      duplicates.set(meter, { meter, events: 1, quantity });
    }
  }

  cross(percent: number, at: Instant): void {
    (this.thresholds ??= []).push({ percent, at });
  }

  markExhausted(at: Instant): void {
    this.exhaustedAt ??= at;
  }

  overage(requests: Decimal, price: Decimal): void {
    this.overageRequests = this.overageRequests.plus(requests);
    this.overageAmount = this.overageAmount.plus(requests.mul(price));
  }

  spentFrom(budgetKey: string): Decimal {
    return this.budgetSpent?.get(budgetKey) ?? ZERO;
  }

  /** Record spending against a budget, and the instant each alert level of it is reached. */
  spend(budgetKey: string, amount: Decimal, budget: Decimal, alerts: readonly number[], at: Instant): void {
    const before = this.spentFrom(budgetKey);
    const after = before.plus(amount);
    (this.budgetSpent ??= new Map()).set(budgetKey, after);
    for (const percent of alerts) {
      const level = budget.mul(percent).div(100);
      if (before.lt(level) && after.gte(level)) (this.alerts ??= []).push({ kind: "budget", key: budgetKey, percent, at });
    }
  }

  /** How far the balance may fall before the low-balance alert goes off; undefined where it cannot (no level, or already this cycle). */
  lowBalanceRoom(balance: Credits, level: Decimal | undefined): Credits | undefined {
    if (level === undefined || this.lowBalanceAlerted) return undefined;
    this.lowBalanceLevel ??= this.scale.of(level);
    return sub(balance, this.lowBalanceLevel);
  }

  /** The first time in the cycle the balance falls below the alert level. */
  checkLowBalance(balance: Credits, level: Decimal | undefined, at: Instant): void {
    if (level === undefined || this.lowBalanceAlerted) return;
    this.lowBalanceLevel ??= this.scale.of(level);
    if (balance >= this.lowBalanceLevel) return;
    this.lowBalanceAlerted = true;
    (this.alerts ??= []).push({ kind: "low_balance", level, at });
  }

  earn(from: string, amount: Decimal): void {
    const earned = (this.earned ??= new Map());
    earned.set(from, (earned.get(from) ?? ZERO).plus(amount));
  }

  /**
   * Drop what only an open cycle needs (item sets, the line index) once its
   * statement is made: shapes may still point at a closed cycle, and would
   * otherwise keep its hundred thousand items alive.
   */
  release(): void {
    this.uniques = undefined;
    this.charged = undefined;
    this.releaseLines();
  }

  /**
   * The cycle's statement; `order` lists meters and grant kinds in the card's order so output is stable.
   * Made anew at each call, the same each time while nothing is added.
   */
  close(wallet: Wallet, order: { meters: readonly string[]; kinds: readonly string[] }, terms: { quota: Decimal | undefined; budgets: ReadonlyMap<string, Decimal>; renews: Instant }): CycleStatement {
    const decimal = (credits: Credits | undefined) => (credits === undefined ? ZERO : this.scale.decimal(credits));
    // A row for each grant kind the cycle saw (opened with, granted, consumed or expired), in the card's order.
    const grants: GrantRow[] = [];
    for (const kind of order.kinds) {
      const opening = this.opening.find((o) => o.kind === kind);
      const consumed = this.consumedOf(kind);
      const granted = this.grantedKinds?.get(kind);
      const expired = this.expiredKinds?.get(kind);
      if (opening === undefined && consumed === undefined && granted === undefined && expired === undefined) continue;
      grants.push({ kind, opening: decimal(opening?.credits), granted: granted ?? ZERO, consumed: decimal(consumed?.credits), expired: decimal(expired), closing: decimal(wallet.balanceOf(kind)) });
    }
    const rank = rankOf(order.meters);
    const lines = this.statementLines();
    if (lines.length > 1) {
      const sortKey = new Map(lines.map((l) => [l, JSON.stringify(l.dimensions)]));
      lines.sort((a, b) => (rank.get(a.meter) ?? 0) - (rank.get(b.meter) ?? 0) || compare(sortKey.get(a)!, sortKey.get(b)!) || compare(a.component ?? "", b.component ?? "") || compare(a.kind, b.kind) || a.unitPrice.cmp(b.unitPrice));
    }
    let total = ZERO;
    for (const l of lines) total = total.plus(l.amount);
    return {
      index: this.index,
      start: this.start,
      end: this.end,
      allowance: this.allowance,
      allowanceUsed: decimal(this.towardAllowance),
      total,
      uncovered: decimal(this.uncovered),
      lines,
      grants,
      rejected: [...(this.rejections?.values() ?? [])].sort((a, b) => (rank.get(a.meter) ?? 0) - (rank.get(b.meter) ?? 0) || compare(a.reason, b.reason)),
      thresholds: [...(this.thresholds ?? [])].sort((a, b) => a.percent - b.percent),
      duplicates: [...(this.duplicates?.values() ?? [])].sort((a, b) => (rank.get(a.meter) ?? 0) - (rank.get(b.meter) ?? 0)),
      overage: { requests: this.overageRequests, amount: this.overageAmount },
      quota: terms.quota === undefined ? undefined : { limit: terms.quota, used: this.quotaUsed },
      budgets: [...new Set([...terms.budgets.keys(), ...(this.budgetSpent?.keys() ?? [])])].sort(compare).map((key) => ({ key, budget: terms.budgets.get(key) ?? ZERO, spent: this.spentFrom(key) })),
      alerts: [...(this.alerts ?? [])],
      rewards: {
        earned: [...(this.earned?.values() ?? [])].reduce((t, v) => t.plus(v), ZERO),
        from: [...(this.earned ?? [])].sort((a, b) => compare(a[0], b[0])).map(([account, amount]) => ({ account, amount })),
      },
      exhaustedAt: this.exhaustedAt,
      timeline: [...(this.timeline ?? [])],
      plan: this.plan.key,
      plans: (this.planFrom ?? []).map((p, i, all) => ({ plan: p.plan, from: p.from, to: all[i + 1]?.from ?? this.end })),
      // Made here, not spread into a copy with it: a copy of an object this wide gets a hidden class of its own, about 700 bytes a closed cycle.
      renews: terms.renews,
    };
  }
}

/** A warning level: the credits toward an allowance (`of`) at which `percent` of it is reached. */
interface Level {
  readonly percent: number;
  readonly credits: Credits;
  readonly of: Credits;
}

/**
 * Levels made, by percent, the last for each: shared by the cycles of every account of the same allowance
 * (an object and a bigint a cycle, about 80 bytes an account of 100,000). Kept by scale, as a replay's.
 */
const LEVELS = new WeakMap<Scale, Map<number, Level>>();

function levelOf(scale: Scale, allowance: Credits, percent: number): Level {
  let levels = LEVELS.get(scale);
  if (levels === undefined) LEVELS.set(scale, (levels = new Map()));
  let level = levels.get(percent);
  if (level === undefined || level.of !== allowance) levels.set(percent, (level = { percent, credits: scale.percentOf(allowance, percent), of: allowance }));
  return level;
}

/** Each meter's place in the card's order, made once a replay (its order's list of meters), not at each of 100,000 accounts' closes. */
const RANKS = new WeakMap<readonly string[], ReadonlyMap<string, number>>();

function rankOf(meters: readonly string[]): ReadonlyMap<string, number> {
  let rank = RANKS.get(meters);
  if (rank === undefined) RANKS.set(meters, (rank = new Map(meters.map((m, i) => [m, i]))));
  return rank;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
