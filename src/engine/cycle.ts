import { Decimal, ONE, ZERO } from "../money.js";
import type { Meter, Plan } from "../ratecard/types.js";
import { lineDimensions, type UnitPrice } from "./pricing.js";
import type { Instant } from "../time.js";
import type { Alert, CycleStatement, DuplicateCount, GrantRow, LineKind, Rejection, StatementLine } from "./types.js";
import type { Allocation, Wallet } from "./wallet.js";

/**
 * A statement line being summed: without explicit amounts, its amount is quantity
 * x unit price. Events of quantity one (most of them) are counted, not added.
 */
type LineSum = Omit<StatementLine, "amount"> & { amount: Decimal | undefined; ones: number };

/** Lines found by meter, kind, component, then each dimension value and the unit price: no key string per event. */
type LineIndex = Map<string, LineIndex | LineSum>;

/** What one account's current cycle has seen so far: lines, grant movements, grace, rejections, thresholds. */
export class OpenCycle {
  readonly uniques = new Set<string>();
  uncovered = ZERO;
  private readonly graceUsed = new Map<string, Decimal>();
  private readonly lineIndex: LineIndex = new Map();
  private readonly lines: LineSum[] = [];
  private readonly rejections = new Map<string, Rejection>();
  private readonly thresholds: { percent: number; at: Instant }[] = [];
  private readonly duplicates = new Map<string, DuplicateCount>();
  private readonly consumed = new Map<string, Decimal>();
  private readonly grantedKinds = new Map<string, Decimal>();
  private readonly expiredKinds = new Map<string, Decimal>();
  private readonly charged = new Map<string, Set<string>>();
  private exhaustedAt: Instant | undefined;
  quotaUsed = ZERO;
  private overageRequests = ZERO;
  private overageAmount = ZERO;
  private readonly budgetSpent = new Map<string, Decimal>();
  private readonly alerts: Alert[] = [];
  private lowBalanceAlerted = false;
  private readonly earned = new Map<string, Decimal>();

  constructor(
    readonly index: number,
    readonly start: Instant,
    readonly end: Instant,
    readonly allowance: Decimal,
    private readonly plan: Plan,
    private readonly opening: ReadonlyMap<string, Decimal>,
    private readonly counting: ReadonlySet<string>,
  ) {}

  private towardAllowance = ZERO;

  graceLimit(pool: string): Decimal {
    const share = this.plan.grace.get(pool);
    return share ? share.mul(this.allowance) : ZERO;
  }

  graceLeft(pool: string): Decimal {
    return this.graceLimit(pool).minus(this.graceUsed.get(pool) ?? ZERO);
  }

  /** Items of a recurring meter already charged this cycle: activating them again is free. */
  chargedItems(meter: string): Set<string> {
    let set = this.charged.get(meter);
    if (!set) this.charged.set(meter, (set = new Set()));
    return set;
  }

  /** What a grant kind gave for a charge: the wallet calls it as it debits. */
  readonly consume = (kind: string, amount: Decimal): void => {
    const before = this.consumed.get(kind);
    this.consumed.set(kind, before === undefined ? amount : before.plus(amount));
    if (this.counting.has(kind)) this.towardAllowance = this.towardAllowance.plus(amount);
  };

  recordDebit(uncovered: Decimal, grace: Decimal, pool: string): void {
    if (!uncovered.isZero()) this.uncovered = this.uncovered.plus(uncovered);
    if (grace.gt(0)) this.graceUsed.set(pool, (this.graceUsed.get(pool) ?? ZERO).plus(grace));
  }

  /**
   * A refund gives back uncovered charges first. What it gives back frees the
   * grace buffers that held it, whichever pool drew them (a storage refund can
   * free grace that end-user activity used), in the card's pool order.
   */
  recordRefund(allocation: Allocation, fromUncovered: Decimal): void {
    for (const [kind, amount] of allocation) {
      this.consumed.set(kind, (this.consumed.get(kind) ?? ZERO).minus(amount));
      if (this.counting.has(kind)) this.towardAllowance = this.towardAllowance.minus(amount);
    }
    this.uncovered = this.uncovered.minus(fromUncovered);
    let left = fromUncovered;
    for (const [pool, used] of this.graceUsed) {
      if (left.isZero()) break;
      const back = Decimal.min(used, left);
      this.graceUsed.set(pool, used.minus(back));
      left = left.minus(back);
    }
  }

  /** Credits consumed from grants that count toward the allowance's percentage. */
  consumedTowardAllowance(): Decimal {
    return this.towardAllowance;
  }

  /** Credits toward the allowance at which the next warning level is reached. */
  nextLevel(levels: readonly number[]): { percent: number; credits: Decimal } | undefined {
    const percent = levels[this.thresholds.length];
    if (percent === undefined) return undefined;
    if (this.levelCache?.percent !== percent) this.levelCache = { percent, credits: this.allowance.mul(percent).div(100) };
    return this.levelCache;
  }

  private levelCache: { percent: number; credits: Decimal } | undefined;

  granted(kind: string, amount: Decimal): void {
    this.grantedKinds.set(kind, (this.grantedKinds.get(kind) ?? ZERO).plus(amount));
  }

  expired(kind: string, amount: Decimal): void {
    this.expiredKinds.set(kind, (this.expiredKinds.get(kind) ?? ZERO).plus(amount));
  }

  private readonly usageRoots = new Map<string, LineIndex>();

  /** The index of a meter's own usage lines, the common case, found in one lookup. */
  private usageRoot(name: string): LineIndex {
    let root = this.usageRoots.get(name);
    if (!root) this.usageRoots.set(name, (root = step(step(step(this.lineIndex, name), "usage"), "")));
    return root;
  }

  /**
   * Add to the line of this meter, component, kind, dimension values and unit price.
   * `amount` is given only where it is not quantity x unit price (rounded per event,
   * or a refund cut short); otherwise the line's amount is worked out once, at close.
   */
  addLine(meter: Meter, name: string, component: string | undefined, kind: LineKind, category: string, pool: string, dims: Readonly<Record<string, string>>, quantity: Decimal, unit: UnitPrice, amount: Decimal | undefined): void {
    let node = kind === "usage" && component === undefined ? this.usageRoot(name) : step(step(step(this.lineIndex, name), kind), component ?? "");
    for (const d of meter.dimensions) node = step(node, dims[d] ?? "");
    const line = node.get(unit.text) as LineSum | undefined;
    if (line) {
      if (quantity === ONE) line.ones++;
      else line.quantity = line.quantity.plus(quantity);
      if (amount !== undefined) line.amount = line.amount!.plus(amount);
      line.events++;
    } else {
      const fresh: LineSum = { meter: name, component, kind, category, pool, dimensions: lineDimensions(meter, dims), quantity: quantity === ONE ? ZERO : quantity, ones: quantity === ONE ? 1 : 0, unitPrice: unit.value, amount, events: 1 };
      node.set(unit.text, fresh);
      this.lines.push(fresh);
    }
  }

  reject(meter: string, reason: string, quantity: Decimal, at: Instant): void {
    const key = `${meter}\u0000${reason}`;
    const r = this.rejections.get(key);
    if (r) {
      r.events++;
      r.quantity = r.quantity.plus(quantity);
    } else {
      this.rejections.set(key, { meter, reason, events: 1, quantity, firstAt: at });
    }
  }

  duplicate(meter: string, quantity: Decimal): void {
    const d = this.duplicates.get(meter);
    if (d) {
      d.events++;
      d.quantity = d.quantity.plus(quantity);
    } else {
      this.duplicates.set(meter, { meter, events: 1, quantity });
    }
  }

  cross(percent: number, at: Instant): void {
    this.thresholds.push({ percent, at });
  }

  markExhausted(at: Instant): void {
    this.exhaustedAt ??= at;
  }

  overage(requests: Decimal, price: Decimal): void {
    this.overageRequests = this.overageRequests.plus(requests);
    this.overageAmount = this.overageAmount.plus(requests.mul(price));
  }

  spentFrom(budgetKey: string): Decimal {
    return this.budgetSpent.get(budgetKey) ?? ZERO;
  }

  /** Record spending against a budget, and the instant each alert level of it is reached. */
  spend(budgetKey: string, amount: Decimal, budget: Decimal, alerts: readonly number[], at: Instant): void {
    const before = this.spentFrom(budgetKey);
    const after = before.plus(amount);
    this.budgetSpent.set(budgetKey, after);
    for (const percent of alerts) {
      const level = budget.mul(percent).div(100);
      if (before.lt(level) && after.gte(level)) this.alerts.push({ kind: "budget", key: budgetKey, percent, at });
    }
  }

  /** The first time in the cycle the balance falls below the alert level. */
  checkLowBalance(balance: Decimal, level: Decimal | undefined, at: Instant): void {
    if (level === undefined || this.lowBalanceAlerted || balance.gte(level)) return;
    this.lowBalanceAlerted = true;
    this.alerts.push({ kind: "low_balance", level, at });
  }

  earn(from: string, amount: Decimal): void {
    this.earned.set(from, (this.earned.get(from) ?? ZERO).plus(amount));
  }

  /** The cycle's statement; `order` lists meters and grant kinds in the card's order so output is stable. */
  close(wallet: Wallet, order: { meters: readonly string[]; kinds: readonly string[] }, terms: { quota: Decimal | undefined; budgets: ReadonlyMap<string, Decimal> }): Omit<CycleStatement, "renews"> {
    const kinds = new Set([...this.opening.keys(), ...this.grantedKinds.keys(), ...this.consumed.keys(), ...this.expiredKinds.keys()]);
    const grants: GrantRow[] = order.kinds.filter((k) => kinds.has(k)).map((kind) => ({
      kind,
      opening: this.opening.get(kind) ?? ZERO,
      granted: this.grantedKinds.get(kind) ?? ZERO,
      consumed: this.consumed.get(kind) ?? ZERO,
      expired: this.expiredKinds.get(kind) ?? ZERO,
      closing: wallet.balanceOf(kind),
    }));
    const rank = new Map(order.meters.map((m, i) => [m, i]));
    const lines = this.lines.map(({ ones, ...l }): StatementLine => {
      const quantity = ones === 0 ? l.quantity : l.quantity.plus(ones);
      return { ...l, quantity, amount: l.amount ?? quantity.mul(l.unitPrice) };
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
      allowanceUsed: this.towardAllowance,
      total,
      uncovered: this.uncovered,
      lines,
      grants,
      rejected: [...this.rejections.values()].sort((a, b) => (rank.get(a.meter) ?? 0) - (rank.get(b.meter) ?? 0) || compare(a.reason, b.reason)),
      thresholds: [...this.thresholds].sort((a, b) => a.percent - b.percent),
      duplicates: [...this.duplicates.values()].sort((a, b) => (rank.get(a.meter) ?? 0) - (rank.get(b.meter) ?? 0)),
      overage: { requests: this.overageRequests, amount: this.overageAmount },
      quota: terms.quota === undefined ? undefined : { limit: terms.quota, used: this.quotaUsed },
      budgets: [...new Set([...terms.budgets.keys(), ...this.budgetSpent.keys()])].sort(compare).map((key) => ({ key, budget: terms.budgets.get(key) ?? ZERO, spent: this.spentFrom(key) })),
      alerts: [...this.alerts],
      rewards: {
        earned: [...this.earned.values()].reduce((t, v) => t.plus(v), ZERO),
        from: [...this.earned].sort((a, b) => compare(a[0], b[0])).map(([account, amount]) => ({ account, amount })),
      },
      exhaustedAt: this.exhaustedAt,
    };
  }
}

function step(index: LineIndex, key: string): LineIndex {
  let next = index.get(key) as LineIndex | undefined;
  if (!next) index.set(key, (next = new Map()));
  return next;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
