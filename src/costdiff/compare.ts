import type { LineKind, Statement } from "../engine/types.js";
import { Decimal, ZERO } from "../money.js";
import type { Instant } from "../time.js";
import type { PricedBy } from "./priced-by.js";

/** Credits one meter cost one account in one cycle, under each card. */
export interface CostRow {
  account: string;
  start: Instant;
  end: Instant;
  meter: string;
  old: Decimal;
  new: Decimal;
  /** Events of this meter the credits could not cover, under each card: when they differ, the credits ran out at another time. */
  oldRefused: number;
  newRefused: number;
}

interface CycleRow {
  account: string;
  start: Instant;
  end: Instant;
  old: Decimal;
  new: Decimal;
  /** Events the credits could not cover: a price rise can turn spend into rejections. */
  oldRejected: number;
  newRejected: number;
}

export interface Totals {
  old: Decimal;
  new: Decimal;
}

/**
 * What one priced line cost over the whole corpus under each card: a meter's own
 * quantity, or one of its components, at one set of the dimension values the
 * card prices by (request · output_tokens · gpt-4o · openai). A price rise on
 * one model hides in its meter's total; here it shows whole.
 */
export interface PricedLine extends Totals {
  meter: string;
  component: string | undefined;
  /** A recurring charge or a refund is a line of its own beside the meter's usage. */
  kind: LineKind;
  dimensions: Readonly<Record<string, string>>;
  /** The card versions that priced it under either card, where several are given: a price of a version that priced none of it is not measured by it. */
  versions?: Set<string>;
}

export interface CostComparison {
  rows: CostRow[];
  cycles: CycleRow[];
  total: Totals;
  /** Every priced line either card charged, summed over all accounts and cycles, in first-seen order. */
  lines: PricedLine[];
}

/** The engine's reasons for refusing an event the credits (or the grace buffer) could not cover: quota, budget and plan refusals do not move with the credits. */
const OUT_OF_CREDITS = new Set(["credits exhausted", "grace buffer exhausted"]);

/**
 * Line up two statements of the same usage by account, cycle start and meter,
 * and by priced line over the whole usage: only the dimensions its price is
 * looked up by (`priced`) tell one line from another.
 */
export function compareStatements(base: Statement, card: Statement, priced: PricedBy): CostComparison {
  const rows = new Map<string, CostRow>();
  const cycles = new Map<string, CycleRow>();
  const lines = new Map<string, PricedLine>();
  const visit = (statement: Statement, side: "old" | "new") => {
    for (const account of statement.accounts) {
      for (const c of account.cycles) {
        const cycleKey = JSON.stringify([account.account, c.start]);
        const cycle = cycles.get(cycleKey) ?? { account: account.account, start: c.start, end: c.end, old: ZERO, new: ZERO, oldRejected: 0, newRejected: 0 };
        cycle[side] = c.total;
        cycle[side === "old" ? "oldRejected" : "newRejected"] = c.rejected.reduce((n, r) => n + r.events, 0);
        cycles.set(cycleKey, cycle);
        for (const line of c.lines) {
          const key = JSON.stringify([account.account, c.start, line.meter]);
          const row = rows.get(key) ?? { account: account.account, start: c.start, end: c.end, meter: line.meter, old: ZERO, new: ZERO, oldRefused: 0, newRefused: 0 };
          row[side] = row[side].plus(line.amount);
          rows.set(key, row);
          const by = priced(line.meter, line.component);
          const dimensions = by === undefined ? line.dimensions : Object.fromEntries(Object.entries(line.dimensions).filter(([d]) => by.includes(d)));
          const lineKey = JSON.stringify([line.meter, line.component ?? null, line.kind, Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
          const total = lines.get(lineKey) ?? { meter: line.meter, component: line.component, kind: line.kind, dimensions, old: ZERO, new: ZERO };
          total[side] = total[side].plus(line.amount);
          if (line.version !== undefined) (total.versions ??= new Set()).add(line.version);
          lines.set(lineKey, total);
        }
      }
    }
  };
  visit(base, "old");
  visit(card, "new");
  // Refusals attach to the meter's line: a meter refused under both cards and charged under neither changes nothing.
  for (const [statement, field] of [[base, "oldRefused"], [card, "newRefused"]] as const) {
    for (const account of statement.accounts) {
      for (const c of account.cycles) {
        for (const refusal of c.rejected) {
          if (!OUT_OF_CREDITS.has(refusal.reason)) continue;
          const row = rows.get(JSON.stringify([account.account, c.start, refusal.meter]));
          if (row) row[field] += refusal.events;
        }
      }
    }
  }
  const meterRank = new Map<string, number>();
  for (const s of [base, card]) for (const a of s.accounts) for (const c of a.cycles) for (const l of c.lines) if (!meterRank.has(l.meter)) meterRank.set(l.meter, meterRank.size);
  const byCycle = (a: { account: string; start: Instant }, b: { account: string; start: Instant }) => (a.account < b.account ? -1 : a.account > b.account ? 1 : a.start - b.start);
  const sortedCycles = [...cycles.values()].sort(byCycle);
  return {
    rows: [...rows.values()].sort((a, b) => byCycle(a, b) || meterRank.get(a.meter)! - meterRank.get(b.meter)!),
    cycles: sortedCycles,
    total: { old: sum(sortedCycles.map((c) => c.old)), new: sum(sortedCycles.map((c) => c.new)) },
    lines: [...lines.values()],
  };
}

/** Rows summed by some key (meter, account), keeping first-seen order. */
export function totalsBy(rows: readonly CostRow[], key: (row: CostRow) => string): Map<string, Totals> {
  const out = new Map<string, Totals>();
  for (const r of rows) {
    const t = out.get(key(r)) ?? { old: ZERO, new: ZERO };
    out.set(key(r), { old: t.old.plus(r.old), new: t.new.plus(r.new) });
  }
  return out;
}

export function delta(t: Totals): Decimal {
  return t.new.minus(t.old);
}

/** Percent change from old to new, to 2 places; undefined when old is 0 and new is not (no finite percentage). */
export function deltaPercent(t: Totals): Decimal | undefined {
  if (t.old.isZero()) return t.new.isZero() ? ZERO : undefined;
  return t.new.minus(t.old).mul(100).div(t.old).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
}

/**
 * A change the credits running out earlier or later explain, at least in
 * part: the meter's refused events moved between the cards.
 */
export function refusalsMoved(row: CostRow): "earlier" | "later" | undefined {
  return row.newRefused > row.oldRefused ? "earlier" : row.newRefused < row.oldRefused ? "later" : undefined;
}

/**
 * How the reports name a priced line: its meter, component and dimensions, as the card's price table reads them. Each
 * value with its dimension's name: `byok=false` says what a bare `false` left to guess (newcomer, stop 34).
 */
export function lineName(line: PricedLine): string {
  const dimensions = Object.entries(line.dimensions).filter(([, value]) => value !== "").map(([name, value]) => `${name}=${value}`);
  return [line.meter, line.component, line.kind === "usage" ? undefined : line.kind, ...dimensions].filter((p) => p !== undefined && p !== "").join(" · ");
}

/** `--fail-over PCT` on the total, `--fail-over-line PCT` on a priced line: it rose by more than PCT percent (any rise from zero counts). */
export function exceeds(t: Totals, percent: Decimal): boolean {
  if (!t.new.gt(t.old)) return false;
  const p = deltaPercent(t);
  return p === undefined || p.gt(percent);
}

function sum(values: readonly Decimal[]): Decimal {
  return values.reduce((a, b) => a.plus(b), ZERO);
}
