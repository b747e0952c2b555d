import type { Location } from "../errors.js";
import { Decimal, ZERO } from "../money.js";
import type { Plan } from "../ratecard/types.js";
import { lineDimensions } from "./pricing.js";
import type { Instant } from "../time.js";
import type { Alert, CycleStatement, TimelineEntry, DuplicateCount, GrantRow, Rejection, StatementLine } from "./types.js";
import { add, addCount, countDecimal, min, NO_CREDITS, sub, type Credits, type Scale } from "./credits.js";
import type { Allocation, Wallet } from "./wallet.js";
import { addEvent, lineKey, type LineAddition, type LineOf, type LineSum } from "./cycle-lines.js";

/** Items of a unique meter, by each key value but the last in turn, then a set of last values: no key string per event. */
type Items = Map<string, Items> | Set<string>;

/** What one account's current cycle has seen so far: lines, grant movements, grace, rejections, thresholds. */
export class OpenCycle {
  // Maps are made at their first entry: a log of a hundred thousand accounts has as many open cycles, most of them using few.
  private uniques: Map<string, Items> | undefined;
  /** Credits charged beyond the grants (grace, or a card that lets the crossing event through). */
  uncovered = NO_CREDITS;
  private graceUsed: Map<string, Credits> | undefined;
  private graceLimits: Map<string, Credits> | undefined;
  /**
   * Lines by meter, kind, component, dimension values and unit price, in one
   * flat map: a log of many accounts has an index an account, most of them of a
   * few lines, where a tree of maps cost a kilobyte a line. Rows of a known
   * line find it by its number (slots) without a key.
   */
  private lineIndex: Map<string, LineSum> | undefined;
  private lines: LineSum[] = NO_LINES;
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
  /** The card version that prices lines from now on, when several are given. */
  version: string | undefined;

  readonly index: number;
  readonly start: Instant;
  /** Moved earlier only when an upgrade starts a new cycle (plan_changes.upgrade: new_cycle). */
  end: Instant;
  allowance: Decimal;
  private plan: Plan;

  constructor(
    span: { index: number; start: Instant; end: Instant },
    terms: { allowance: Decimal; plan: Plan },
    private readonly opening: readonly { kind: string; credits: Credits }[],
    private readonly counting: ReadonlySet<string>,
    private readonly scale: Scale,
  ) {
    ({ index: this.index, start: this.start, end: this.end } = span);
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

  /** The set that holds, for a unique meter's items sharing all but the last key value with `dims`, the last values charged this cycle. */
  uniqueItems(meter: string, keyBy: readonly string[], dims: Readonly<Record<string, string>>): Set<string> {
    const last = keyBy.length - 1;
    const uniques = (this.uniques ??= new Map());
    let node = uniques.get(meter);
    if (!node) uniques.set(meter, (node = last <= 0 ? new Set() : new Map()));
    for (let i = 0; i < last; i++) {
      const byValue = node as Map<string, Items>;
      const value = dims[keyBy[i]!] ?? "";
      let next = byValue.get(value);
      if (!next) byValue.set(value, (next = i + 1 === last ? new Set() : new Map()));
      node = next;
    }
    return node as Set<string>;
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
    if (entry === undefined) this.consumed = (this.consumed ?? []).concat({ kind, credits: amount });
    else entry.credits = add(entry.credits, amount);
    if (this.counting.has(kind)) this.towardAllowance = add(this.towardAllowance, amount);
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
    if (this.levelCache?.percent !== percent) this.levelCache = { percent, credits: this.scale.percentOf(this.allowanceCredits, percent) };
    return this.levelCache;
  }

  private levelCache: { percent: number; credits: Credits } | undefined;

  granted(kind: string, amount: Decimal): void {
    const granted = (this.grantedKinds ??= new Map());
    granted.set(kind, (granted.get(kind) ?? ZERO).plus(amount));
  }

  expired(kind: string, amount: Credits): void {
    const expired = (this.expiredKinds ??= new Map());
    expired.set(kind, add(expired.get(kind) ?? NO_CREDITS, amount));
  }

  /** Lines by a number the replay gave them: the line of rows of one shape, found without a lookup. */
  private slots: (LineSum | undefined)[] = [];

  /**
   * Add to the line of this meter, component, kind, dimension values and unit price.
   * `amount` is given only where it is not quantity x unit price (rounded per event,
   * or a refund cut short); otherwise the line's amount is worked out once, at close.
   * `slot` is the replay's number for this line, the same in every cycle.
   */
  addLine(of: LineOf, added: LineAddition): void {
    const { meter, name, component, kind, category, pool, dims } = of;
    const { quantity, count, unit, amount, slot } = added;
    let line = slot === undefined ? undefined : this.slots[slot];
    let key: string | undefined;
    // A line by number is found by it: a key is needed only once some line has none (indexed()).
    if (line === undefined && (slot === undefined || this.lineIndex !== undefined)) {
      key = lineKey(meter, { name, kind, component, version: this.version }, dims, unit.text);
      line = this.indexed().get(key);
      if (line !== undefined && slot !== undefined) this.remember(slot, line);
    }
    if (line) {
      addEvent(line, quantity, count);
      if (amount !== undefined) line.amount = line.amount!.plus(amount);
    } else {
      const fresh: LineSum = { meter: name, component, kind, category, pool, dimensions: added.dimensions ?? lineDimensions(meter, dims), quantity: count === undefined ? quantity : ZERO, count: count ?? 0, unitPrice: unit.value, amount, events: 1, source: meter };
      if (this.version !== undefined) fresh.version = this.version;
      if (key !== undefined) this.lineIndex!.set(key, fresh);
      this.lines = this.lines.length < SHORT_LIST ? this.lines.concat(fresh) : (this.lines.push(fresh), this.lines);
      if (slot !== undefined) this.remember(slot, fresh);
    }
  }

  /**
   * The cycle's lines by key, made at the first line added without a number: a log of many accounts has
   * a cycle an account, most of whose lines have numbers, and a key a line was a string and a map entry.
   */
  private indexed(): Map<string, LineSum> {
    if (this.lineIndex === undefined) {
      this.lineIndex = new Map();
      // A unit price's text is its value's toFixed() (unitOf in pricing.ts); a line keeps the meter whose dimensions its key lists.
      for (const l of this.lines) this.lineIndex.set(lineKey(l.source, { name: l.meter, kind: l.kind, component: l.component, version: l.version }, l.dimensions, l.unitPrice.toFixed()), l);
    }
    return this.lineIndex;
  }

  /** Whether the line numbered `slot` has been opened in this cycle. */
  hasSlot(slot: number): boolean {
    return this.slots[slot] !== undefined;
  }

  /**
   * Add an event whose amount is quantity x unit price, of `count` millionths,
   * to the open line numbered `slot`: to numbers in arrays by slot, which stay
   * in the processor's cache where a hundred thousand line objects would not,
   * and are added to the line at close.
   */
  addToSlot(slot: number, quantity: Decimal, count: number): void {
    const at = 2 * slot;
    const sum = addCount(this.slotSums[at]!, count);
    if (sum === undefined) {
      const line = this.slots[slot]!;
      line.quantity = line.quantity.plus(quantity);
    } else {
      this.slotSums[at] = sum;
    }
    this.slotSums[at + 1] = addCount(this.slotSums[at + 1]!, 1)!;
  }

  /**
   * By slot, side by side: the count of millionths added, then the events (one array, not two). A plain array of
   * numbers, not a typed one: an ArrayBuffer is about 280 bytes an account of 100,000, and its memory outside the
   * heap makes the collector run more often as accounts open cycles.
   */
  private slotSums: number[] = NO_SLOTS;

  /** What addToSlot gathered, added to the lines, once: the sums start again from zero, so that closing twice gives the same statement. */
  private foldSlots(): void {
    const slotSums = this.slotSums;
    for (let slot = 0; slot < this.slots.length; slot++) {
      const line = this.slots[slot];
      if (line === undefined) continue;
      const counted = slotSums[2 * slot]!;
      const sum = addCount(line.count, counted);
      if (sum === undefined) line.quantity = line.quantity.plus(countDecimal(counted));
      else line.count = sum;
      line.events += slotSums[2 * slot + 1]!;
      slotSums[2 * slot] = 0;
      slotSums[2 * slot + 1] = 0;
    }
  }

  /** Slots are filled in order, never with a gap: an array with holes would fall back to a slow dictionary. */
  private remember(slot: number, line: LineSum): void {
    if (this.slots.length <= slot) {
      // Of the length it needs while short (concat): a push leaves room for seventeen, 130 bytes an account of 100,000.
      const n = slot + 1 - this.slots.length;
      if (slot < SHORT_LIST) {
        this.slots = this.slots.concat(new Array<undefined>(n).fill(undefined));
        this.slotSums = this.slotSums.concat(new Array<number>(2 * n).fill(0));
      } else {
        if (this.slotSums === NO_SLOTS) this.slotSums = [];
        while (this.slots.length <= slot) this.slots.push(undefined);
      }
    }
    this.slots[slot] = line;
    while (this.slotSums.length <= 2 * slot) this.slotSums.push(0, 0);
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
    this.lineIndex = undefined;
    this.slots = [];
    this.lines = NO_LINES;
    this.slotSums = NO_SLOTS;
  }

  /**
   * The cycle's statement; `order` lists meters and grant kinds in the card's order so output is stable.
   * Made anew at each call, the same each time while nothing is added.
   */
  close(wallet: Wallet, order: { meters: readonly string[]; kinds: readonly string[] }, terms: { quota: Decimal | undefined; budgets: ReadonlyMap<string, Decimal>; renews: Instant }): CycleStatement {
    this.foldSlots();
    const kinds = new Set([...this.opening.map((o) => o.kind), ...(this.grantedKinds?.keys() ?? []), ...(this.consumed?.map((c) => c.kind) ?? []), ...(this.expiredKinds?.keys() ?? [])]);
    const decimal = (credits: Credits | undefined) => (credits === undefined ? ZERO : this.scale.decimal(credits));
    const grants: GrantRow[] = order.kinds.filter((k) => kinds.has(k)).map((kind) => ({
      kind,
      opening: decimal(this.opening.find((o) => o.kind === kind)?.credits),
      granted: this.grantedKinds?.get(kind) ?? ZERO,
      consumed: decimal(this.consumed?.find((c) => c.kind === kind)?.credits),
      expired: decimal(this.expiredKinds?.get(kind)),
      closing: decimal(wallet.balanceOf(kind)),
    }));
    const rank = new Map(order.meters.map((m, i) => [m, i]));
    const lines = this.lines.map(({ count, source, ...l }): StatementLine => {
      const quantity = compact(count === 0 ? l.quantity : l.quantity.plus(countDecimal(count)));
      return { ...l, quantity, amount: compact(l.amount ?? quantity.mul(l.unitPrice)) };
    });
    const sortKey = new Map(lines.map((l) => [l, JSON.stringify(l.dimensions)]));
    lines.sort((a, b) => (rank.get(a.meter) ?? 0) - (rank.get(b.meter) ?? 0) || compare(sortKey.get(a)!, sortKey.get(b)!) || compare(a.component ?? "", b.component ?? "") || compare(a.kind, b.kind) || a.unitPrice.cmp(b.unitPrice));
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

/** The slot sums of a cycle with no line by number yet, shared (never written): remember() replaces it at the first slot. */
const NO_SLOTS: number[] = [];

/** The lines of a cycle with none yet, shared (never written): addLine replaces it at the first line. */
const NO_LINES: LineSum[] = [];

/** Lists kept of the length they need up to this many entries (a copy each entry), grown by push past it. */
const SHORT_LIST = 16;

/**
 * The same value in a copy whose digits array is exactly as long as it needs:
 * decimal.js's arithmetic leaves room for seventeen, about 110 bytes more a
 * value, and a statement keeps two a line for hundreds of thousands of lines.
 */
function compact(value: Decimal): Decimal {
  return new Decimal(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
