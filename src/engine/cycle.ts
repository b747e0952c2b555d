import { levelsCrossed, NO_LEVELS_CROSSED } from "./levels-crossed.js";
import { amountsSum, Decimal, ZERO } from "../money.js";
import type { Plan } from "../ratecard/types.js";
import type { GrantRules } from "./grant-rules.js";
import type { Instant } from "../time.js";
import type { Alert, CycleStatement, TimelineEntry, DuplicateCount, GrantRow, Rejection } from "./types.js";
import { add, min, NO_CREDITS, NO_ROOM, sub, type Credits, type Scale } from "./credits.js";
import { addRefusal, foldRefusals, refusalPlace, type RejectedRow } from "./cycle-refusals.js";
import type { Allocation, Wallet } from "./wallet.js";
import { CycleLines } from "./cycle-lines.js";
import { rankOf, sortLines } from "./line-order.js";
import { alertCredits } from "./budget-levels.js";
import { heldIn, withItem, type ItemsApart } from "./items-apart.js";
import { overageOf, PastZeroBilled, QuotaOverage } from "./cycle-overage.js";

/** A cycle's number and instants; never changed once made (a cycle given another end is given another span). */
export interface CycleSpan {
  readonly index: number;
  readonly start: Instant;
  readonly end: Instant;
}

/**
 * What a cycle is opened with, the same for every account of a log that opens it with the same allowance,
 * plan and opening balances: one object shared, not six fields a cycle (a log of 100,000 accounts has as
 * many open cycles).
 */
interface CycleTerms {
  readonly allowance: Decimal;
  readonly plan: Plan;
  readonly allowanceCredits: Credits;
  readonly opening: readonly { kind: string; credits: Credits }[];
  readonly kinds: GrantRules;
  readonly scale: Scale;
  /** Each pool's grace buffer in credits, worked out at its first use: a share of the allowance on the plan, the same for every cycle on these terms. */
  readonly graceLimits: Map<string, Credits>;
  /** The low-balance level last converted to credits: a cache, the same for whichever cycle converts it. */
  lowBalance: { level: Decimal | undefined; credits: Credits };
}

/** The terms made last, by scale (a replay's): the accounts of a log open their cycles one after another on the same terms. */
const LAST_TERMS = new WeakMap<Scale, CycleTerms>();

function cycleTerms(terms: Omit<CycleTerms, "allowanceCredits" | "lowBalance" | "graceLimits">): CycleTerms {
  const last = LAST_TERMS.get(terms.scale);
  if (last !== undefined && last.allowance === terms.allowance && last.plan === terms.plan && last.opening === terms.opening && last.kinds === terms.kinds) return last;
  const made = { ...terms, allowanceCredits: terms.scale.of(terms.allowance), lowBalance: { level: undefined, credits: NO_CREDITS }, graceLimits: new Map() };
  LAST_TERMS.set(terms.scale, made);
  return made;
}

/**
 * What a cycle records only when some rule acts on it (a refusal, a warning level, grace, a quota, a budget, an
 * alert, a reward, a change of terms): made at the first such record. Most cycles of a log of many accounts
 * record none, and these were some twenty fields of every open cycle.
 */
class CycleRecords {
  graceUsed: Map<string, Credits> | undefined;
  /** Refusals by meter and reason, in the order they came: a short list (a map was about 290 bytes a cycle that refused a row). */
  rejections: Rejection[] | undefined;
  /** What rows refused since added to `rejections`' quantities, in millionths (cycle-refusals.ts). */
  rejectedCounts: number[] | undefined;
  /** What each refusal's rows would have been charged, by its place in `rejections` (cycle-refusals.ts). */
  rejectedCredits: (Credits | null)[] | undefined;
  duplicates: Map<string, DuplicateCount> | undefined;
  /** Credits the grant kinds past the first gave (the first is the cycle's own fields): one or two kinds an account. */
  consumed: { kind: string; credits: Credits }[] | undefined;
  grantedKinds: Map<string, Decimal> | undefined;
  expiredKinds: Map<string, Credits> | undefined;
  charged: Map<string, Set<string>> | undefined;
  exhaustedAt: Instant | undefined;
  quotaUsed = ZERO;
  quotaOverage: QuotaOverage | undefined;
  /** Of `uncovered`, the credits charged past zero in pools that bill them in money (when_exhausted: overage). */
  pastZero: PastZeroBilled | undefined;
  budgetSpent: Map<string, Credits> | undefined;
  alerts: Alert[] | undefined;
  lowBalanceAlerted = false;
  earned: Map<string, Decimal> | undefined;
  /** Credits of paid grants by the card version in force when granted (several versions given): each is bought at its own version's credit price. */
  boughtIn: Map<string, Decimal> | undefined;
  /** Changes of the account's terms during the cycle, and the plans in force over its parts once the plan changed (else the one plan from the start). */
  timeline: TimelineEntry[] | undefined;
  planFrom: { plan: string; from: Instant }[] | undefined;
  endedAt: Instant | undefined;
}

/** The records of a cycle that has none, shared and never written: read where a cycle asks what it recorded. */
const NO_RECORDS: Readonly<CycleRecords> = Object.freeze(new CycleRecords());

/** What one account's current cycle has seen so far: lines, grant movements, grace, rejections, thresholds. */
export class OpenCycle extends CycleLines {
  /**
   * Numbers of unique meters' items this cycle charged that another account's open cycle charged since
   * (ChargedItems), or all it charged where its serial is past what ChargedItems holds: none in a replay
   * of one account.
   */
  private apart: ItemsApart | undefined;
  /** Credits charged beyond the grants (grace, or a card that lets the crossing event through). */
  uncovered = NO_CREDITS;
  /** The warning levels crossed, flat (levels-crossed.ts). */
  private thresholds: number[] | undefined;
  /** The first grant kind consumed and its credits, in fields: most accounts draw on one kind (a list and an entry were about 100 bytes). */
  private firstKind: string | undefined;
  private firstCredits = NO_CREDITS;
  private towardAllowance = NO_CREDITS;
  private terms: CycleTerms;
  private levelCache: Level | undefined;
  /** Made at the first record (CycleRecords); NO_RECORDS until then. */
  private records: CycleRecords | undefined;

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

  get allowance(): Decimal {
    return this.terms.allowance;
  }

  get quotaUsed(): Decimal {
    return (this.records ?? NO_RECORDS).quotaUsed;
  }

  set quotaUsed(used: Decimal) {
    this.recorded().quotaUsed = used;
  }

  constructor(span: CycleSpan, terms: { allowance: Decimal; plan: Plan }, opening: readonly { kind: string; credits: Credits }[], kinds: GrantRules, scale: Scale) {
    super();
    this.span = span;
    this.terms = cycleTerms({ allowance: terms.allowance, plan: terms.plan, opening, kinds, scale });
  }

  /** The end the plan lapsed at (red team, stop 37: a later end set at the cycle's end hid it); undefined once given back. */
  set endedAt(end: Instant | undefined) {
    if (end !== undefined || this.records !== undefined) this.recorded().endedAt = end;
  }
  get endedAt(): Instant | undefined {
    return this.read.endedAt;
  }

  /** What the cycle has recorded, made at the first record. */
  private recorded(): CycleRecords {
    return (this.records ??= new CycleRecords());
  }

  /** What the cycle has recorded, to read: NO_RECORDS where it has recorded nothing. */
  private get read(): Readonly<CycleRecords> {
    return this.records ?? NO_RECORDS;
  }

  /**
   * New terms in the middle of the cycle: grace buffers and warning levels
   * measure the new allowance from now on; levels already crossed stay crossed.
   */
  retarget(plan: Plan, allowance: Decimal, at: Instant): void {
    const terms = this.terms;
    if (plan.key !== terms.plan.key) (this.recorded().planFrom ??= [{ plan: terms.plan.key, from: this.start }]).push({ plan: plan.key, from: at });
    this.terms = cycleTerms({ allowance, plan, opening: terms.opening, kinds: terms.kinds, scale: terms.scale });
    this.levelCache = undefined;
  }

  note(entry: TimelineEntry): void {
    (this.recorded().timeline ??= []).push(entry);
  }

  graceLimit(pool: string): Credits {
    const { plan, allowance, scale, graceLimits } = this.terms;
    let limit = graceLimits.get(pool);
    if (limit === undefined) {
      const share = plan.grace.get(pool);
      graceLimits.set(pool, (limit = share ? scale.of(share.mul(allowance)) : NO_CREDITS));
    }
    return limit;
  }

  graceLeft(pool: string): Credits {
    return sub(this.graceLimit(pool), this.read.graceUsed?.get(pool) ?? NO_CREDITS);
  }

  /** Whether the cycle charged the item of this number, which another account's cycle charged since. */
  heldApart(item: number): boolean {
    return heldIn(this.apart, item);
  }

  /** The cycle charged the item of this number, which another account's cycle charges now. */
  holdApart(item: number): void {
    this.apart = withItem(this.apart, item);
  }

  /** Items of a recurring meter already charged this cycle: activating them again is free. */
  chargedItems(meter: string): Set<string> {
    const charged = (this.recorded().charged ??= new Map());
    let set = charged.get(meter);
    if (!set) charged.set(meter, (set = new Set()));
    return set;
  }

  /**
   * What a grant kind gave for a charge: the wallet calls it as it debits, with what the grant had consumed before
   * and after. Where the kind's credits so far are the grant's (the same bigint), they are the grant's after too:
   * one bigint an account of 100,000 where each made its own, and none made a debit.
   */
  consume(kind: string, amount: Credits, grant?: { was: Credits; now: Credits }): void {
    const before = this.consumedOf(kind);
    const after = before === undefined ? amount : grant !== undefined && before === grant.was ? grant.now : add(before, amount);
    this.setConsumed(kind, after);
    // Credits toward the allowance that equal the kind's (one kind counts, as with most cards) are the same bigint, not another made each debit.
    if (this.terms.kinds.counting.has(kind)) this.towardAllowance = this.towardAllowance === (before ?? NO_CREDITS) ? after : add(this.towardAllowance, amount);
  }

  /** The credits a kind gave this cycle, undefined for a kind that gave none; looked up by a loop, as a debit calls it and a callback would be made each time. */
  private consumedOf(kind: string): Credits | undefined {
    if (this.firstKind === kind) return this.firstCredits;
    for (const entry of this.read.consumed ?? []) if (entry.kind === kind) return entry.credits;
    return undefined;
  }

  /** A kind's credits given this cycle: the first kind in the cycle's fields, the others in its records, in the order they came. */
  private setConsumed(kind: string, credits: Credits): void {
    if (this.firstKind === undefined || this.firstKind === kind) {
      this.firstKind = kind;
      this.firstCredits = credits;
      return;
    }
    const records = this.recorded();
    for (const entry of records.consumed ?? []) {
      if (entry.kind === kind) {
        entry.credits = credits;
        return;
      }
    }
    records.consumed = (records.consumed ?? []).concat({ kind, credits });
  }

  /** A debit `uncovered` credits past zero, `grace` of them from the pool's buffer; billed at `price` where the pool bills them. */
  recordDebit(uncovered: Credits, grace: Credits, pool: string, price?: Decimal): void {
    if (uncovered !== NO_CREDITS) this.uncovered = add(this.uncovered, uncovered);
    if (price !== undefined) (this.recorded().pastZero ??= new PastZeroBilled()).add(uncovered, price);
    if (grace > NO_CREDITS) {
      const used = (this.recorded().graceUsed ??= new Map());
      used.set(pool, add(used.get(pool) ?? NO_CREDITS, grace));
    }
  }

  /**
   * A refund gives back uncovered charges first. What it gives back frees the
   * grace buffers that held it, whichever pool drew them (a storage refund can
   * free grace that end-user activity used), in the card's pool order.
   */
  recordRefund(allocation: Allocation, fromUncovered: Credits, billedAt?: Decimal): void {
    for (const [kind, amount] of allocation) {
      this.setConsumed(kind, sub(this.consumedOf(kind) ?? NO_CREDITS, amount));
      if (this.terms.kinds.counting.has(kind)) this.towardAllowance = sub(this.towardAllowance, amount);
    }
    this.uncovered = sub(this.uncovered, fromUncovered);
    // A refund of a pool that bills past zero gives back its billed credits first (red56 F2: a disk freed left a free
    // pool's usage billed); what is billed is never more than is left uncovered.
    // Credits the billed ones give back free no grace buffer (red56b F1: a disk freed in the overage pool let a grace pool past its buffer).
    const billed = this.read.pastZero;
    let left = billed !== undefined && billedAt !== undefined ? sub(fromUncovered, billed.giveBack(fromUncovered, billedAt)) : fromUncovered;
    if (billed !== undefined) billed.giveBack(sub(billed.credits, min(billed.credits, this.uncovered)));
    const graceUsed = this.read.graceUsed;
    for (const [pool, used] of graceUsed ?? []) {
      if (left === NO_CREDITS) break;
      const back = min(used, left);
      graceUsed!.set(pool, sub(used, back));
      left = sub(left, back);
    }
  }

  /** Credits consumed from grants that count toward the allowance's percentage. */
  consumedTowardAllowance(): Credits {
    return this.towardAllowance;
  }

  /** Credits toward the allowance at which the next warning level is reached. */
  nextLevel(levels: readonly number[]): { percent: number; credits: Credits } | undefined {
    const percent = levels[(this.thresholds?.length ?? 0) / 2];
    if (percent === undefined) return undefined;
    const { scale, allowanceCredits } = this.terms;
    if (this.levelCache?.percent !== percent || this.levelCache.of !== allowanceCredits) this.levelCache = levelOf(scale, allowanceCredits, percent);
    return this.levelCache;
  }

  granted(kind: string, amount: Decimal): void {
    const records = this.recorded();
    const granted = (records.grantedKinds ??= new Map());
    granted.set(kind, (granted.get(kind) ?? ZERO).plus(amount));
    // Bought at the version in force now, not the cycle's last (red team, stop 37: credits bought on Nov 5 at 0.01 billed
    // at 0.02); by that version's rule too: a kind it gives free (paid: false) is no purchase.
    if (this.version !== undefined && this.terms.kinds.bought(this.version, kind)) {
      const bought = (records.boughtIn ??= new Map());
      bought.set(this.version, (bought.get(this.version) ?? ZERO).plus(amount));
    }
  }

  expired(kind: string, amount: Credits): void {
    const expired = (this.recorded().expiredKinds ??= new Map());
    expired.set(kind, add(expired.get(kind) ?? NO_CREDITS, amount));
  }

  /** Whether the cycle holds a refusal of the meter for the reason: its first row is named already. */
  rejects(meter: string, reason: string): boolean {
    return this.rejection(meter, reason) !== undefined;
  }

  private rejection(meter: string, reason: string): Rejection | undefined {
    const rejections = this.read.rejections;
    return rejections === undefined ? undefined : rejections[refusalPlace(rejections, meter, reason)];
  }

  /** A row refused; its quantity's `count` of millionths, where known, is added as an integer until the cycle's statement is made. */
  reject(row: RejectedRow): void {
    addRefusal(this.recorded(), row);
  }

  duplicate(meter: string, quantity: Decimal): void {
    const duplicates = (this.recorded().duplicates ??= new Map());
    const d = duplicates.get(meter);
    if (d) {
      d.events++;
      d.quantity = d.quantity.plus(quantity);
    } else {
      duplicates.set(meter, { meter, events: 1, quantity });
    }
  }

  cross(percent: number, at: Instant): void {
    this.thresholds = (this.thresholds ?? NO_LEVELS_CROSSED).concat(percent, at);
  }

  markExhausted(at: Instant): void {
    if (this.read.exhaustedAt === undefined) this.recorded().exhaustedAt = at;
  }

  overage(requests: Decimal, price: Decimal, plan: string): void {
    (this.recorded().quotaOverage ??= new QuotaOverage()).add(requests, price, { plan, version: this.version });
  }

  /** The credits spent against a budget this cycle. */
  spentFrom(budgetKey: string): Credits {
    return this.read.budgetSpent?.get(budgetKey) ?? NO_CREDITS;
  }

  /** Record spending against a budget, and the instant each alert level of it is reached. */
  spend(budgetKey: string, amount: Credits, budget: Decimal, alerts: readonly number[], at: Instant): void {
    const before = this.spentFrom(budgetKey);
    const after = add(before, amount);
    const records = this.recorded();
    (records.budgetSpent ??= new Map()).set(budgetKey, after);
    for (const percent of alerts) {
      const level = alertCredits(this.terms.scale, budget, percent);
      if (before < level && after >= level) (records.alerts ??= []).push({ kind: "budget", key: budgetKey, percent, at });
    }
  }

  /** How far the balance may fall before the low-balance alert goes off; undefined where it cannot (no level, or alerted and still below). */
  lowBalanceRoom(balance: Credits, level: Decimal | undefined): Credits | undefined {
    const room = level === undefined ? undefined : sub(balance, this.lowBalanceLevel(level));
    if (room === undefined || !this.read.lowBalanceAlerted) return room;
    // Alerted and lifted back to the level since: the next charge paid re-arms the alert (rearmLowBalance), so it
    // goes the full way, free or not (fuzz, stop 39: a free row's re-arm was skipped, and an alert lost after it).
    return room < NO_CREDITS ? undefined : NO_ROOM;
  }

  /** Before a charge is paid: a balance lifted back to the level since the alert re-arms it (red team, stop 38: one alert a cycle). */
  rearmLowBalance(balance: Credits, level: Decimal | undefined): void {
    if (level !== undefined && this.read.lowBalanceAlerted && balance >= this.lowBalanceLevel(level)) this.recorded().lowBalanceAlerted = false;
  }

  /**
   * The alert level in credits, as the cycle first converted it (a level changed later in the cycle is measured
   * from the next). The bigint is the terms' own, the same for the cycles of every account on them.
   */
  private lowBalanceLevel(level: Decimal): Credits {
    const terms = this.terms;
    if (this.lowLevel === undefined && terms.lowBalance.level !== level) terms.lowBalance = { level, credits: terms.scale.of(level) };
    return (this.lowLevel ??= terms.lowBalance.credits);
  }

  private lowLevel: Credits | undefined;

  /** The balance falls below the alert level: the first time in the cycle, or again once re-armed (rearmLowBalance). */
  checkLowBalance(balance: Credits, level: Decimal | undefined, at: Instant): void {
    if (level === undefined || this.read.lowBalanceAlerted || balance >= this.lowBalanceLevel(level)) return;
    const records = this.recorded();
    (records.alerts ??= []).push({ kind: "low_balance", level, at });
    records.lowBalanceAlerted = true;
  }

  earn(from: string, amount: Decimal): void {
    const earned = (this.recorded().earned ??= new Map());
    earned.set(from, (earned.get(from) ?? ZERO).plus(amount));
  }

  /** Drop what only an open cycle needs (its items held apart and recurring items, the line index) once its statement is made. */
  release(): void {
    this.apart = undefined;
    if (this.records !== undefined) this.records.charged = undefined;
    this.releaseLines();
  }

  /**
   * The cycle's statement; `order` lists meters and grant kinds in the card's order so output is stable.
   * Made anew at each call, the same each time while nothing is added.
   */
  close(wallet: Wallet, order: { meters: readonly string[]; kinds: readonly string[] }, terms: { quota: Decimal | undefined; budgets: ReadonlyMap<string, Decimal>; renews: Instant }): CycleStatement {
    const { scale, opening: openingBalances, plan, allowance } = this.terms;
    const records = this.read;
    const decimal = (credits: Credits | undefined) => (credits === undefined ? ZERO : scale.decimal(credits));
    // A row for each grant kind the cycle saw (opened with, granted, consumed or expired), in the card's order.
    const grants: GrantRow[] = [];
    for (const kind of order.kinds) {
      const opening = openingBalances.find((o) => o.kind === kind);
      const consumed = this.consumedOf(kind);
      const granted = records.grantedKinds?.get(kind);
      const expired = records.expiredKinds?.get(kind);
      if (opening === undefined && consumed === undefined && granted === undefined && expired === undefined) continue;
      grants.push({ kind, opening: decimal(opening?.credits), granted: granted ?? ZERO, consumed: decimal(consumed), expired: decimal(expired), closing: decimal(wallet.balanceOf(kind)) });
    }
    const rank = rankOf(order.meters);
    const lines = this.statementLines();
    sortLines(lines, rank);
    // Summed as one exact integer, not 25,000 Decimals a close of the 2M-row log.
    const total = amountsSum(lines);
    const statement: CycleStatement = {
      index: this.index,
      start: this.start,
      end: this.end,
      allowance,
      allowanceUsed: decimal(this.towardAllowance),
      total,
      uncovered: decimal(this.uncovered),
      lines,
      grants,
      rejected: [...foldRefusals(records, scale)].sort((a, b) => (rank.get(a.meter) ?? 0) - (rank.get(b.meter) ?? 0) || compare(a.reason, b.reason)),
      thresholds: levelsCrossed(this.thresholds),
      duplicates: [...(records.duplicates?.values() ?? [])].sort((a, b) => (rank.get(a.meter) ?? 0) - (rank.get(b.meter) ?? 0)),
      overage: overageOf({ quota: records.quotaOverage, billed: records.pastZero, end: { plan: plan.key } }, scale),
      quota: terms.quota === undefined ? undefined : { limit: terms.quota, used: records.quotaUsed },
      budgets: [...new Set([...terms.budgets.keys(), ...(records.budgetSpent?.keys() ?? [])])].sort(compare).map((key) => ({ key, budget: terms.budgets.get(key) ?? ZERO, spent: scale.decimal(this.spentFrom(key)) })),
      alerts: [...(records.alerts ?? [])],
      rewards: {
        earned: [...(records.earned?.values() ?? [])].reduce((t, v) => t.plus(v), ZERO),
        from: [...(records.earned ?? [])].sort((a, b) => compare(a[0], b[0])).map(([account, amount]) => ({ account, amount })),
      },
      exhaustedAt: records.exhaustedAt,
      timeline: [...(records.timeline ?? [])],
      plan: plan.key,
      plans: (records.planFrom ?? []).map((p, i, all) => ({ plan: p.plan, from: p.from, to: all[i + 1]?.from ?? this.end })),
      // Made here, not spread into a copy with it: a copy of an object this wide gets a hidden class of its own, about 700 bytes a closed cycle.
      renews: terms.renews,
    };
    if (records.boughtIn !== undefined) statement.boughtIn = [...records.boughtIn].map(([version, credits]) => ({ version, credits }));
    return statement;
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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
