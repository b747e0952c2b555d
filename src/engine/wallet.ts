import { Decimal, ZERO } from "../money.js";
import type { GrantKind } from "../ratecard/types.js";
import type { Instant } from "../time.js";

export interface Grant {
  readonly id: number;
  readonly kind: GrantKind;
  readonly grantedAt: Instant;
  readonly expiresAt: Instant | undefined;
  remaining: Decimal;
  /** Consumed in the current cycle, net of refunds: the most a refund can give back. */
  consumedThisCycle: Decimal;
}

/** How much of a debit or refund fell on each grant kind. */
export type Allocation = Map<string, Decimal>;

/**
 * The credits an account holds. Burn order: lower priority number first, then
 * the soonest expiry (never-expiring last), then the oldest grant.
 */
export class Wallet {
  private grants: Grant[] = [];
  private nextId = 0;
  /** The sum of every grant's remaining credits, kept as grants change: read on every charge. */
  private total = ZERO;
  private soonestExpiry: Instant | undefined;

  add(kind: GrantKind, amount: Decimal, at: Instant, expiresAt: Instant | undefined): Grant {
    const grant: Grant = { id: this.nextId++, kind, grantedAt: at, expiresAt, remaining: amount, consumedThisCycle: ZERO };
    this.grants.push(grant);
    this.grants.sort(burnOrder);
    this.total = this.total.plus(amount);
    if (expiresAt !== undefined && (this.soonestExpiry === undefined || expiresAt < this.soonestExpiry)) this.soonestExpiry = expiresAt;
    return grant;
  }

  balance(): Decimal {
    return this.total;
  }

  /** Whether some grant expires at or before `at`. */
  dueBy(at: Instant): boolean {
    return this.soonestExpiry !== undefined && this.soonestExpiry <= at;
  }

  balanceOf(kind: string): Decimal {
    let total = ZERO;
    for (const g of this.grants) if (g.kind.key === kind) total = total.plus(g.remaining);
    return total;
  }

  /**
   * Take `amount` (at most the balance) in burn order, telling `consume` what each
   * grant kind gave. Usually the first grant with credits covers it all.
   */
  debit(amount: Decimal, consume: (kind: string, amount: Decimal) => void): void {
    let left = amount;
    for (const g of this.grants) {
      if (g.remaining.isZero()) continue;
      const take = left.lte(g.remaining) ? left : g.remaining;
      g.remaining = g.remaining.minus(take);
      g.consumedThisCycle = g.consumedThisCycle.plus(take);
      consume(g.kind.key, take);
      if (take === left) {
        left = ZERO;
        break;
      }
      left = left.minus(take);
    }
    this.total = this.total.minus(left.isZero() ? amount : amount.minus(left));
  }

  /** Give back up to `amount` to what this cycle consumed, in burn order; returns what each kind got back. */
  refund(amount: Decimal): { allocation: Allocation; left: Decimal } {
    const given: Allocation = new Map();
    let left = amount;
    for (const g of this.grants) {
      if (left.isZero()) break;
      const back = Decimal.min(left, g.consumedThisCycle);
      if (back.isZero()) continue;
      g.remaining = g.remaining.plus(back);
      g.consumedThisCycle = g.consumedThisCycle.minus(back);
      given.set(g.kind.key, (given.get(g.kind.key) ?? ZERO).plus(back));
      left = left.minus(back);
    }
    this.total = this.total.plus(amount.minus(left));
    return { allocation: given, left };
  }

  /** Remove grants whose expiry is at or before `at` (or strictly before, for a cycle boundary), returning them. */
  expire(at: Instant, inclusive: boolean): Grant[] {
    if (this.soonestExpiry === undefined || this.soonestExpiry > at || (!inclusive && this.soonestExpiry === at)) return [];
    const gone = this.grants.filter((g) => g.expiresAt !== undefined && (inclusive ? g.expiresAt <= at : g.expiresAt < at));
    if (gone.length > 0) {
      this.grants = this.grants.filter((g) => !gone.includes(g));
      for (const g of gone) this.total = this.total.minus(g.remaining);
      this.soonestExpiry = this.nextExpiry();
    }
    return gone.sort((a, b) => a.expiresAt! - b.expiresAt! || a.id - b.id);
  }

  /** The soonest expiry of any grant, to know when the next one falls due. */
  nextExpiry(): Instant | undefined {
    let soonest: Instant | undefined;
    for (const g of this.grants) if (g.expiresAt !== undefined && (soonest === undefined || g.expiresAt < soonest)) soonest = g.expiresAt;
    return soonest;
  }

  startCycle(): void {
    for (const g of this.grants) g.consumedThisCycle = ZERO;
  }

  kinds(): string[] {
    return [...new Set(this.grants.map((g) => g.kind.key))];
  }
}

function burnOrder(a: Grant, b: Grant): number {
  if (a.kind.priority !== b.kind.priority) return a.kind.priority - b.kind.priority;
  if (a.expiresAt !== b.expiresAt) {
    if (a.expiresAt === undefined) return 1;
    if (b.expiresAt === undefined) return -1;
    return a.expiresAt - b.expiresAt;
  }
  return a.grantedAt - b.grantedAt || a.id - b.id;
}
