import type { AccountStatement, CycleStatement, LedgerEntry, Statement, StatementLine } from "../../engine/types.js";
import { sum, ZERO, type Decimal } from "../../money.js";
import type { RateCard } from "../../ratecard/types.js";
import type { Instant } from "../../time.js";
import { splitBy } from "../shared/summary.js";
import { versionOf } from "../../ratecard/plan-fee.js";

/** The balance after a movement, and the grace used so far this cycle (charged beyond every grant). */
export interface BurnPoint {
  at: Instant;
  balance: Decimal;
  graceUsed: Decimal;
}

export interface BurnMark {
  at: Instant;
  kind: "threshold" | "grace" | "exhausted" | "payment";
  /** `70` for a threshold; the credits bought for a payment. */
  percent?: number;
  amount?: Decimal;
  grant?: string;
}

/** One cycle's burn-down: a step series from the opening balance to the cycle's end, and what happened along it. */
export interface CycleBurn {
  account: string;
  cycle: CycleStatement;
  /** The opening balance at the cycle's start, then the balance after each movement; the last holds until the end. */
  points: BurnPoint[];
  /** How far below zero the grace buffer reaches (every pool's share of the allowance); zero without one. */
  graceLimit: Decimal;
  marks: BurnMark[];
}

/** What a burn-down reads of a ledger entry: a payment's credits and grant are its mark's. */
export type BurnEntry = Pick<LedgerEntry, "at" | "type" | "balance" | "uncovered" | "amount" | "grant">;

/** A ledger's entries by account, in the order the replay wrote them. */
export interface BurnEntries {
  of(account: string): readonly BurnEntry[];
}

/** Whole ledger entries grouped by account once: a filter of the whole ledger per account was accounts x entries. */
export function entriesByAccount(ledger: readonly LedgerEntry[]): BurnEntries {
  const byAccount = new Map<string, LedgerEntry[]>();
  for (const e of ledger) {
    const own = byAccount.get(e.account);
    if (own === undefined) byAccount.set(e.account, [e]);
    else own.push(e);
  }
  return { of: (account) => byAccount.get(account) ?? [] };
}

/**
 * Burn-downs per account and cycle, from the statement and the ledger the same
 * replay wrote. The opening is what the statement says the grants held at the
 * cycle's start, so the expiry and allowance entries at that instant are
 * already in it.
 */
export function burnDowns(statement: Statement, ledger: BurnEntries, card: RateCard): CycleBurn[] {
  return statement.accounts.flatMap((account) => accountBurns(account, ledger, card));
}

/** One account's burn-downs, a cycle each. */
export function accountBurns(account: AccountStatement, ledger: BurnEntries, card: RateCard): CycleBurn[] {
  const entries = ledger.of(account.account);
  return account.cycles.map((cycle) => cycleBurn(account, cycle, entries, card));
}

function cycleBurn(account: AccountStatement, cycle: CycleStatement, entries: readonly BurnEntry[], card: RateCard): CycleBurn {
  const points: BurnPoint[] = [{ at: cycle.start, balance: sum(cycle.grants.map((g) => g.opening)), graceUsed: ZERO }];
  const marks: BurnMark[] = cycle.thresholds.map((t) => ({ at: t.at, kind: "threshold", percent: t.percent }));
  let graceMarked = false;
  for (const e of entries) {
    if (e.at < cycle.start || e.at >= cycle.end) continue;
    if (e.at === cycle.start && (e.type === "expiry" || e.type === "allowance")) continue;
    points.push({ at: e.at, balance: e.balance, graceUsed: e.uncovered });
    if (e.type === "payment") marks.push({ at: e.at, kind: "payment", amount: e.amount, grant: e.grant });
    if (!graceMarked && e.uncovered.gt(0)) {
      marks.push({ at: e.at, kind: "grace" });
      graceMarked = true;
    }
  }
  if (cycle.exhaustedAt !== undefined) marks.push({ at: cycle.exhaustedAt, kind: "exhausted" });
  marks.sort((a, b) => a.at - b.at);
  // The cycle's own plan, of the version in force at its end: a plan changed or a version switched since is not its.
  const plan = versionOf(card, cycle.version).plans.get(cycle.plan);
  const graceLimit = plan ? sum([...plan.grace.values()].map((share) => share.mul(cycle.allowance))) : ZERO;
  return { account: account.account, cycle, points, graceLimit, marks };
}

/** The balance and grace used in force at an instant: the last point at or before it. */
export function pointAt(points: readonly BurnPoint[], at: Instant): BurnPoint {
  let found = points[0]!;
  for (const p of points) {
    if (p.at > at) break;
    found = p;
  }
  return found;
}

interface Ranked {
  label: string;
  amount: Decimal;
}

/** The largest amounts first, the top `limit` by name and the rest summed into one entry. */
export interface Ranking {
  top: Ranked[];
  rest: { count: number; amount: Decimal } | undefined;
  total: Decimal;
}

export function rank(totals: ReadonlyMap<string, Decimal>, limit: number): Ranking {
  const sorted = [...totals].map(([label, amount]) => ({ label, amount })).sort((a, b) => b.amount.cmp(a.amount) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const rest = sorted.slice(limit);
  return {
    top: sorted.slice(0, limit),
    rest: rest.length === 0 ? undefined : { count: rest.length, amount: sum(rest.map((r) => r.amount)) },
    total: sum(sorted.map((r) => r.amount)),
  };
}

/** A cycle's spend by category, under the card's labels. */
export function categoryTotals(lines: readonly StatementLine[], card: RateCard): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  for (const [key, amount] of splitBy(lines, (l) => l.category)) out.set(card.categories.get(key)?.label ?? key, amount);
  return out;
}
