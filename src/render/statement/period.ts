import type { AccountStatement, CycleStatement, LedgerEntry, Statement } from "../../engine/types.js";
import type { Instant } from "../../time.js";

/**
 * The span of the cycles a statement shows with `--cycle`: from the start of the cycle holding its first date to the
 * end of the cycle holding its last, on the statement's calendar. The replay still ran from the anchor: the cycles
 * shown carry the balances, credits and quotas of the ones before them.
 */
export interface Period {
  start: Instant;
  end: Instant;
}

/** How many of an account's cycles fell before the period and after it. */
export interface LeftOut {
  before: number;
  after: number;
}

/** A cycle is shown when it overlaps the period: on the statement's calendar, exactly the cycles holding its dates. */
const shown = (c: CycleStatement, period: Period): boolean => c.end > period.start && c.start < period.end;

const PERIODS = new WeakMap<Statement, Period>();
const LEFT_OUT = new WeakMap<AccountStatement, LeftOut>();

/**
 * The statement as `--cycle` shows it: each account with the cycles that overlap the period. Its cycles are chosen as
 * they are read (a log of many accounts keeps its closed cycles in text or on disk until then), and what was left out
 * is known once they are (leftOutOf). An account is its own account underneath, so that letting go of its cycles once
 * written (releaseCycles) lets go of the replay's.
 */
export function periodStatement(statement: Statement, period: Period): Statement {
  const accounts = statement.accounts.map((account) => {
    const inPeriod = Object.create(account) as AccountStatement;
    Object.defineProperty(inPeriod, "cycles", {
      enumerable: true,
      get(): CycleStatement[] {
        const all = account.cycles;
        const kept = all.filter((c) => shown(c, period));
        const before = all.filter((c) => c.end <= period.start).length;
        LEFT_OUT.set(inPeriod, { before, after: all.length - kept.length - before });
        return kept;
      },
    });
    return inPeriod;
  });
  const selected: Statement = { ...statement, accounts };
  PERIODS.set(selected, period);
  return selected;
}

/** The period a statement was cut to, when it was. */
export function periodOf(statement: Statement): Period | undefined {
  return PERIODS.get(statement);
}

/** What `--cycle` left out of the account, once its cycles were read; undefined for a statement not cut to a period. */
export function leftOutOf(account: AccountStatement): LeftOut | undefined {
  return LEFT_OUT.get(account);
}

/**
 * Whether a transaction of the ledger belongs to the period: at an instant inside it, or at its start (a new cycle's
 * allowance and charges) but for an expiry there, which closes the cycle before; at its end only an expiry, which
 * closes its last cycle.
 */
export function inPeriod(entry: LedgerEntry, period: Period): boolean {
  if (entry.at === period.start) return entry.type !== "expiry";
  if (entry.at === period.end) return entry.type === "expiry";
  return entry.at > period.start && entry.at < period.end;
}
