import { formatExact } from "../../money.js";
import type { AccountStatement, CycleStatement, Statement, WaitingChange } from "../../engine/types.js";
import { formatInstant } from "../../time.js";
import { duplicateEventsJson } from "../shared/duplicate-events.js";
import { fileLine } from "../shared/file-line.js";
import type { RateCard } from "../../ratecard/types.js";
import { cycleMoney, cycleMoneyJson } from "./money.js";
import { byProject, splitBy } from "../shared/summary.js";
import { MappedArray } from "../shared/json-chunks.js";
import { leftOutOf, periodOf, type Period } from "./period.js";
import { NOTHING_SAID, saidJson, type Said } from "./said.js";

/**
 * The JSON contract of SPEC 4, `burnrate.statement/v1`: every amount and quantity a decimal string.
 * As objects, for tests and for reading; the statement command writes the same text straight
 * (json-text.ts), and a test holds the two to the same bytes.
 */
export function statementJson(statement: Statement, card?: RateCard, said: Said = NOTHING_SAID): object {
  return {
    ...statementHead(statement, said),
    // Each account's JSON is made as the writer reaches it (jsonChunks calls toJSON) and dropped once written:
    // a log of a hundred thousand accounts never holds all their JSON at once.
    accounts: statement.accounts.map((a) => ({ toJSON: () => accountJson(a, statement.currency, card) })),
  };
}

/** Every key before `accounts`, the last one, and what the run said beside it (saidJson). */
export function statementHead(statement: Statement, said: Said = NOTHING_SAID): Record<string, unknown> {
  return {
    schema: "burnrate.statement/v1",
    card: { provider: statement.provider, version: statement.version },
    unit: statement.unit,
    currency: statement.currency,
    timezone: statement.timezone,
    events: statement.events,
    duplicate_events: duplicateEventsJson(statement),
    ...(statement.versions === undefined ? {} : { versions: statement.versions.map((v) => ({ version: v.version, effective: v.effective, applies: v.applies, from: formatInstant(v.from) })) }),
    ...periodJson(statement),
    ...saidJson(said),
  };
}

/** Only a statement cut to a period (--cycle) says which: the instants asked for, each account's cycles holding them. */
function periodJson(statement: Statement): Record<string, unknown> {
  const period = periodOf(statement);
  return period === undefined ? {} : { period: periodInstants(period) };
}

/**
 * `--cycle`'s FROM and THROUGH (one date: both), as the JSON of a statement or its ledger says them: THROUGH as the last
 * instant the cycles shown may hold, its whole day for a date (red team, stop 38: a cycle starting later that day was
 * shown, past the THROUGH said).
 */
export function periodInstants(period: Period): { from: string; through: string } {
  return { from: formatInstant(period.from), through: formatInstant(period.last) };
}

/** How many of the account's cycles a period left out before and after the ones shown, once they were read; nothing without a period. */
export function leftOutJson(account: AccountStatement): Record<string, unknown> {
  const left = leftOutOf(account);
  return left === undefined ? {} : { cycles_left_out: { before: left.before, after: left.after } };
}

function accountJson(a: AccountStatement, currency: string, card: RateCard | undefined): object {
  // Read first: what a period left out is known once they are.
  const cycles = a.cycles;
  return {
    account: a.account,
    plan: a.plan,
    ...(a.rewardsOnly ? { rewards_only: true } : {}),
    ...leftOutJson(a),
    cycles: cycles.map((c) => ({ ...cycleJson(c, currency), ...(card ? { money: cycleMoneyJson(cycleMoney(card, c.plan, c)) } : {}) })),
  };
}

function cycleJson(c: CycleStatement, currency: string): object {
  const exactMap = (m: Map<string, import("../../money.js").Decimal>) => Object.fromEntries([...m].map(([k, v]) => [k, formatExact(v)]));
  return {
    start: formatInstant(c.start),
    end: formatInstant(c.end),
    resets: formatInstant(c.end),
    renews: formatInstant(c.renews),
    allowance: formatExact(c.allowance),
    allowance_used: formatExact(c.allowanceUsed),
    total: formatExact(c.total),
    uncovered: formatExact(c.uncovered),
    overage: { currency, amount: formatExact(c.overage.amount), requests: formatExact(c.overage.requests), ...(c.overage.credits === undefined ? {} : { credits: formatExact(c.overage.credits) }) },
    quota: c.quota ? { limit: formatExact(c.quota.limit), used: formatExact(c.quota.used) } : null,
    exhausted_at: c.exhaustedAt === undefined ? null : formatInstant(c.exhaustedAt),
    by_category: exactMap(splitBy(c.lines, (l) => l.category)),
    by_pool: exactMap(splitBy(c.lines, (l) => l.pool)),
    by_project: exactMap(byProject(c.lines)),
    lines: new MappedArray(c.lines, (l) => ({
      meter: l.meter,
      ...(l.component !== undefined ? { component: l.component } : {}),
      kind: l.kind,
      category: l.category,
      pool: l.pool,
      dimensions: l.dimensions,
      quantity: formatExact(l.quantity),
      unit_price: formatExact(l.unitPrice),
      amount: formatExact(l.amount),
      events: l.events,
      ...(l.version !== undefined ? { version: l.version } : {}),
    })),
    grants: c.grants.map((g) => ({
      kind: g.kind,
      opening: formatExact(g.opening),
      granted: formatExact(g.granted),
      consumed: formatExact(g.consumed),
      expired: formatExact(g.expired),
      closing: formatExact(g.closing),
    })),
    rejected: c.rejected.map((r) => ({ meter: r.meter, reason: r.reason, events: r.events, quantity: formatExact(r.quantity), first_at: formatInstant(r.firstAt), first_line: r.firstOrigin ? fileLine(r.firstOrigin) : null })),
    thresholds: c.thresholds.map((t) => ({ percent: t.percent, at: formatInstant(t.at) })),
    duplicates: c.duplicates.map((d) => ({ meter: d.meter, events: d.events, quantity: formatExact(d.quantity) })),
    budgets: c.budgets.map((b) => ({ key: b.key, budget: formatExact(b.budget), spent: formatExact(b.spent) })),
    alerts: c.alerts.map((a) => (a.kind === "low_balance" ? { kind: a.kind, level: formatExact(a.level), at: formatInstant(a.at) } : { kind: a.kind, key: a.key, percent: a.percent, at: formatInstant(a.at) })),
    rewards: { earned: formatExact(c.rewards.earned), from: c.rewards.from.map((r) => ({ account: r.account, amount: formatExact(r.amount) })) },
    // Only a cycle with changes says so: statements without a timeline stay as they were.
    ...(c.timeline.length === 0 ? {} : {
      timeline: c.timeline.map((t) => ({
        at: formatInstant(t.at), change: t.change, from: t.from, to: t.to, granted: formatExact(t.granted), removed: formatExact(t.removed),
        applies_at: t.appliesAt === undefined ? null : formatInstant(t.appliesAt),
        ...(t.capped === undefined ? {} : { capped: formatExact(t.capped) }),
        ...(t.tookBack === undefined ? {} : { took_back: waitingJson(t.tookBack) }),
        ...(t.stillWaits === undefined ? {} : { still_waits: waitingJson(t.stillWaits) }),
      })),
    }),
    ...(c.plans.length === 0 ? {} : { plans: c.plans.map((p) => ({ plan: p.plan, from: formatInstant(p.from), to: formatInstant(p.to) })) }),
    // Only a cycle the subscription's end falls before the end of says so: statements of running subscriptions stay as they were.
    ...(c.subscriptionEnd === undefined ? {} : { subscription_end: formatInstant(c.subscriptionEnd) }),
  };
}

/** A change waiting for the cycle's end, as a timeline entry's `took_back` or `still_waits` says it. */
function waitingJson(w: WaitingChange): { change: string; to: string; applies_at: string } {
  return { change: w.change, to: w.to, applies_at: formatInstant(w.appliesAt) };
}
