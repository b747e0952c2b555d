import type { GrantKind } from "../ratecard/types.js";
import type { Instant } from "../time.js";
import { add, min, NO_CREDITS, sub, type Credits } from "./credits.js";

export interface Grant {
  readonly id: number;
  readonly kind: GrantKind;
  readonly grantedAt: Instant;
  /** Moved earlier only when the subscription ends early (capExpiry). */
  expiresAt: Instant | undefined;
  remaining: Credits;
  /** Consumed in the current cycle, net of refunds: the most a refund can give back. */
  consumedThisCycle: Credits;
}

/** What the grant a debit draws on had consumed before and after, given to `consume` and read at once: one object, not one a debit or a wallet. */
const GRANT_SUMS = { was: NO_CREDITS, now: NO_CREDITS };

/** How much of a debit or refund fell on each grant kind. */
export type Allocation = Map<string, Credits>;

/**
 * The credits an account holds. Burn order: lower priority number first, then
 * the soonest expiry (never-expiring last), then the oldest grant.
 */
export class Wallet {
  /**
   * The grants in burn order: one as it is, several in a list. Most accounts of a log of 100,000 hold one
   * grant at a time (the cycle's allowance), and a list of one was 56 bytes more an account.
   */
  private held: Grant | Grant[] | undefined = undefined;
  private nextId = 0;
  /** The sum of every grant's remaining credits, kept as grants change: read on every charge. */
  private total = NO_CREDITS;

  /** The grants in burn order, as a list: a new one for a single grant, so not for a row's work. */
  private get grants(): Grant[] {
    const held = this.held;
    return held === undefined ? [] : Array.isArray(held) ? held : [held];
  }

  private set grants(grants: Grant[]) {
    this.held = grants.length === 0 ? undefined : grants.length === 1 ? grants[0] : grants;
  }

  add(kind: GrantKind, amount: Credits, at: Instant, expiresAt: Instant | undefined): Grant {
    const grant: Grant = { id: this.nextId++, kind, grantedAt: at, expiresAt, remaining: amount, consumedThisCycle: NO_CREDITS };
    // A copy of the length it needs (concat): a push or a spread leaves room for seventeen, 130 bytes more an account of two grants.
    this.grants = this.held === undefined ? [grant] : this.grants.concat(grant).sort(burnOrder);
    this.total = add(this.total, amount);
    return grant;
  }

  balance(): Credits {
    return this.total;
  }

  /**
   * Whether some grant expires at or before `at` (or strictly before, not `inclusive`). Asked at every row:
   * looked through (one grant or two), where a field of the soonest expiry was a boxed number an account.
   */
  dueBy(at: Instant, inclusive = true): boolean {
    const held = this.held;
    if (held === undefined) return false;
    if (!Array.isArray(held)) return expiresBy(held, at, inclusive);
    for (const g of held) if (expiresBy(g, at, inclusive)) return true;
    return false;
  }

  balanceOf(kind: string): Credits {
    let total = NO_CREDITS;
    for (const g of this.grants) if (g.kind.key === kind) total = add(total, g.remaining);
    return total;
  }

  /**
   * Take `amount` (at most the balance) in burn order, telling `to` what each
   * grant kind gave. Usually the first grant with credits covers it all.
   */
  debit(amount: Credits, to: Consumer): void {
    const held = this.held;
    if (held === undefined) return;
    if (!Array.isArray(held)) {
      // One grant's remaining credits are the balance: the same bigint, not another made each debit (a log of many
      // accounts keeps each until the account's next row, past the young generation).
      if (held.remaining !== NO_CREDITS) draw(held, amount, to);
      this.total = held.remaining;
      return;
    }
    let left = amount;
    for (const g of held) {
      if (g.remaining === NO_CREDITS) continue;
      left = draw(g, left, to);
      if (left === NO_CREDITS) break;
    }
    this.total = sub(this.total, sub(amount, left));
  }

  /** Give back up to `amount` to what this cycle consumed, in burn order; returns what each kind got back. */
  refund(amount: Credits): { allocation: Allocation; left: Credits } {
    const given: Allocation = new Map();
    let left = amount;
    for (const g of this.grants) {
      if (left === NO_CREDITS) break;
      const back = min(left, g.consumedThisCycle);
      if (back === NO_CREDITS) continue;
      g.remaining = add(g.remaining, back);
      g.consumedThisCycle = sub(g.consumedThisCycle, back);
      given.set(g.kind.key, add(given.get(g.kind.key) ?? NO_CREDITS, back));
      left = sub(left, back);
    }
    this.total = add(this.total, sub(amount, left));
    return { allocation: given, left };
  }

  /**
   * Remove grants whose expiry is at or before `at` (or strictly before, for a cycle boundary, but for the grants
   * of kinds `atBoundary` names, which go at it too), returning them.
   */
  expire(at: Instant, inclusive: boolean, atBoundary?: (kind: GrantKind) => boolean): Grant[] {
    if (!this.dueBy(at, inclusive || atBoundary !== undefined)) return [];
    const grants = this.grants;
    const gone = grants.filter((g) => expiresBy(g, at, inclusive || atBoundary?.(g.kind) === true));
    this.grants = grants.filter((g) => !gone.includes(g));
    for (const g of gone) this.total = sub(this.total, g.remaining);
    return gone.sort((a, b) => a.expiresAt! - b.expiresAt! || a.id - b.id);
  }

  /** The soonest expiry of any grant, to know when the next one falls due. */
  nextExpiry(): Instant | undefined {
    let soonest: Instant | undefined;
    for (const g of this.grants) if (g.expiresAt !== undefined && (soonest === undefined || g.expiresAt < soonest)) soonest = g.expiresAt;
    return soonest;
  }

  /** Take up to `amount` of a kind's credits away (a downgrade at once), returning what was taken. */
  remove(kind: string, amount: Credits): Credits {
    let left = amount;
    for (const g of this.grants) {
      if (g.kind.key !== kind || left === NO_CREDITS) continue;
      const take = min(left, g.remaining);
      g.remaining = sub(g.remaining, take);
      left = sub(left, take);
    }
    const taken = sub(amount, left);
    this.total = sub(this.total, taken);
    return taken;
  }

  /** Give grants their expiry anew (a subscription end moved later gives back what an earlier end capped). */
  setExpiry(grants: Iterable<Grant>, expiry: (grant: Grant) => Instant | undefined): void {
    for (const g of grants) g.expiresAt = expiry(g);
    this.grants = this.grants.sort(burnOrder);
  }

  /** The grants of kinds `of` that expire at `at` (those a subscription's end capped there). */
  expiringAt(at: Instant, of: (kind: GrantKind) => boolean): Grant[] {
    return this.grants.filter((g) => g.expiresAt === at && of(g.kind));
  }

  /** Grants that the subscription's end caps now expire at `end` at the latest; returns those it brought forward. */
  capExpiry(end: Instant, capped: (kind: GrantKind) => boolean): Grant[] {
    const grants = this.grants;
    const moved = grants.filter((g) => capped(g.kind) && (g.expiresAt === undefined || g.expiresAt > end));
    for (const g of moved) g.expiresAt = end;
    this.grants = grants.sort(burnOrder);
    return moved;
  }

  startCycle(): void {
    for (const g of this.grants) g.consumedThisCycle = NO_CREDITS;
  }

  kinds(): string[] {
    return [...new Set(this.grants.map((g) => g.kind.key))];
  }
}

/** What a debit tells of each grant kind's part: the cycle's `consume`, with what the grant had consumed before and after. */
type Consumer = { consume(kind: string, amount: Credits, grant?: { was: Credits; now: Credits }): void };

/** Take what `g` can of `left`, telling `to`; returns what is left to take. */
function draw(g: Grant, left: Credits, to: Consumer): Credits {
  const take = min(left, g.remaining);
  g.remaining = sub(g.remaining, take);
  const sums = GRANT_SUMS;
  sums.was = g.consumedThisCycle;
  // The first take of a cycle is the grant's consumed credits as it is: the cycle's consumed credits of the kind can then be the same bigint.
  g.consumedThisCycle = sums.now = sums.was === NO_CREDITS ? take : add(sums.was, take);
  to.consume(g.kind.key, take, sums);
  return sub(left, take);
}

function expiresBy(g: Grant, at: Instant, inclusive: boolean): boolean {
  return g.expiresAt !== undefined && (inclusive ? g.expiresAt <= at : g.expiresAt < at);
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
