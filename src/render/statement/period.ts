import type { AccountStatement, CycleStatement, LedgerEntry, Statement } from "../../engine/types.js";
import type { Instant } from "../../time.js";
import type { BurnEntries } from "../charts/series.js";

/**
 * What `--cycle` asks for: the instants FROM and THROUGH (one date: both the same; a date is its first instant in
 * the account's zone, as --through reads it). Each account shows its own cycles holding an instant of the period: a plan change that starts a new cycle (`upgrade: new_cycle`) moves one account's cycles off the anchor's
 * calendar and not another's, so no one span is every account's (red team, stop 38: the anchor's span showed both
 * cycles it overlapped, and month-by-month statements billed a cycle twice). The replay still ran from the anchor:
 * the cycles shown carry the balances, credits and quotas of the ones before them.
 */
export interface Period {
  from: Instant;
  through: Instant;
  /** The last instant a cycle shown may start at: FROM for one date; THROUGH's day's last for a range to a date. */
  last: Instant;
}

/** The instants an account's cycles shown run over: from the first one's start to the last one's end. */
export interface Span {
  start: Instant;
  end: Instant;
}

/** How many of an account's cycles fell before the period and after it. */
export interface LeftOut {
  before: number;
  after: number;
}

/**
 * A cycle is shown when it holds an instant from FROM to the period's last. One date is its first instant, held by one
 * cycle of an account (cycles do not overlap): statements of consecutive dates (month by month) never show one cycle
 * twice. A range holds its dates whole, so that ranges of consecutive days leave no cycle out.
 */
const shown = (c: CycleStatement, period: Period): boolean => c.start <= period.last && c.end > period.from;

const PERIODS = new WeakMap<Statement, Period>();
const LEFT_OUT = new WeakMap<AccountStatement, LeftOut>();

/**
 * The statement as `--cycle` shows it: each account with its cycles holding the period's instants. Its cycles are
 * chosen as they are read (a log of many accounts keeps its closed cycles in text or on disk until then), and what
 * was left out is known once they are (leftOutOf). An account is its own account underneath, so that letting go of
 * its cycles once written (releaseCycles) lets go of the replay's.
 */
export function periodStatement(statement: Statement, period: Period): Statement {
  const accounts = statement.accounts.map((account) => {
    const inPeriod = Object.create(account) as AccountStatement;
    Object.defineProperty(inPeriod, "cycles", {
      enumerable: true,
      get(): CycleStatement[] {
        const all = account.cycles;
        const kept = all.filter((c) => shown(c, period));
        const before = all.filter((c) => c.end <= period.from).length;
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

/** Each account's span of the cycles shown, for its ledger's transactions; an account with none shown has none. */
export function accountSpans(statement: Statement, period: Period): Map<string, Span> {
  const spans = new Map<string, Span>();
  for (const account of statement.accounts) {
    const kept = account.cycles.filter((c) => shown(c, period));
    if (kept.length > 0) spans.set(account.account, { start: kept[0]!.start, end: kept[kept.length - 1]!.end });
  }
  return spans;
}

/**
 * The widest span any account's cycles shown can run over, to hold only the transactions that may be kept while the
 * replay runs (their cycles are known once it ends): a cycle is at most a month long (31 days, and an hour where
 * the clocks go back), so the one holding FROM starts less than 32 days before it, and the one holding the last
 * instant ends less than 32 days after it.
 */
export function widestSpan(period: Period): Span {
  const month = 32 * 24 * 3600 * 1000;
  return { start: period.from - month, end: period.last + month };
}

/**
 * Whether a transaction of the ledger belongs to an account's span: at an instant inside it, or at its start (a new
 * cycle's allowance and charges) but for an expiry there, which closes the cycle before; at its end only an expiry,
 * which closes its last cycle.
 */
export function inSpan(entry: Pick<LedgerEntry, "at" | "type">, span: Span): boolean {
  if (entry.at === span.start) return entry.type !== "expiry";
  if (entry.at === span.end) return entry.type === "expiry";
  return entry.at > span.start && entry.at < span.end;
}

/** The ledger's transactions in their accounts' spans of the cycles shown. */
export function entriesShown(entries: readonly LedgerEntry[], spans: ReadonlyMap<string, Span>): LedgerEntry[] {
  return entries.filter((e) => {
    const span = spans.get(e.account);
    return span !== undefined && inSpan(e, span);
  });
}

/** A burn-down's entries in their accounts' spans of the cycles shown. */
export function burnEntriesShown(ledger: BurnEntries, spans: ReadonlyMap<string, Span>): BurnEntries {
  return {
    of: (account) => {
      const span = spans.get(account);
      return span === undefined ? [] : ledger.of(account).filter((e) => inSpan(e, span));
    },
  };
}
