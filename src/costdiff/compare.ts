import { releaseCycles } from "../engine/closed-cycles.js";
import type { AccountStatement, CycleStatement, LineKind, Statement, StatementLine } from "../engine/types.js";
import { Decimal, ZERO } from "../money.js";
import type { Instant } from "../time.js";
import { GrainLines, type Served } from "./line-pairs.js";
import { MeterGroups } from "./served-by-events.js";
import type { PricedBy } from "./priced-by.js";
import { addCost, refusedRows, rowKey, type MeterCost, type Sides } from "./refused-worth.js";

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
  /** What the usage both cards serve cost under each (`Served`). */
  served: Totals;
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
  /** What the usage both cards serve cost under each (`Served`). */
  served: Totals;
}

/**
 * The usage of one meter refused in one account's cycle, for any reason, under each card: its quantity and events, and
 * its worth (`old`, `new`) at the base card's prices (the new card's where the base card served none of the meter). Events are not what a refusal takes from the customer: a price
 * rise that refuses one 10,000-fetch row where the old card refused one of 1,000 refuses as many events and ten times
 * the usage (red team, stop 38: "credits fall 43%", exit 0).
 */
export interface RefusedRow extends Totals {
  account: string;
  start: Instant;
  end: Instant;
  meter: string;
  quantity: Totals;
  events: { old: number; new: number };
  /** The credits the base card charged the meter in the cycle: the JSON gives the worth's rise as a share of it. */
  percentOf: Decimal;
  /**
   * Whether the worth is known: false where neither card charged anything for the meter, in the cycle or anywhere, to
   * read its price from (it served none of it, or served it free).
   */
  priced: boolean;
  /** Whose prices the worth is at: the base card's, else the new card's where the base card served none of the meter or served it free. */
  pricedBy?: "base" | "new";
}

export interface CostComparison {
  rows: CostRow[];
  /** Each account's cycle and meter whose refused quantity, or its worth, differs between the cards. */
  refused: RefusedRow[];
  cycles: CycleRow[];
  total: Totals;
  /** Every priced line either card charged, summed over all accounts and cycles, in first-seen order. */
  lines: PricedLine[];
  /**
   * The usage both cards serve, priced by each: the change the cards' prices make, with the events one card refuses and
   * the other serves left out. Where both serve the same events it is the total; where the new card refuses more, the
   * total also falls by what those events cost, which hides a price rise (newcomer, stop 37: a +10% price and a smaller
   * allowance read "credits fall").
   */
  served: Totals;
}

/** One statement line's grain (account, cycle, meter, component, kind, every dimension) under both cards, with the meter's cycle row and the priced line it adds to. */
export interface GrainPair {
  row: CostRow;
  line: PricedLine;
  component: string | undefined;
  kind: LineKind;
  /** Its dimension values, the statement line's own (refused-worth.ts keys them only for the meters refused). */
  dimensions: Readonly<Record<string, string>>;
  lines: GrainLines;
}

/**
 * What the events of one grain that both cards serve cost under each. The same events served: their amounts, whatever
 * the prices or a rounding step did to them. Some events refused by one card only: the quantity both serve (the
 * smaller) at each card's average price on the grain, so the difference is the price change alone (a price-volume
 * split as a finance analyst makes it: price change on the volume kept, and the volume lost at its old price). Events
 * served by one card only: none.
 */
function servedOf(o: Served, n: Served): Totals {
  // The same count of events of another size is not the same events served (red team, stop 38).
  if (o.events === n.events && o.quantity.eq(n.quantity)) return { old: o.amount, new: n.amount };
  if (o.quantity.isZero() || n.quantity.isZero()) return { old: ZERO, new: ZERO };
  // By size: a refund's quantity is negative.
  const both = Decimal.min(o.quantity.abs(), n.quantity.abs());
  return { old: o.amount.mul(both).div(o.quantity.abs()), new: n.amount.mul(both).div(n.quantity.abs()) };
}

/** The engine's reasons for refusing an event the credits (or the grace buffer) could not cover: quota, budget and plan refusals do not move with the credits. */
const OUT_OF_CREDITS = new Set(["credits exhausted", "grace buffer exhausted"]);

/** One account's cycles under each card: none under a card whose statement does not list it. */
export interface AccountPair {
  account: string;
  old: readonly CycleStatement[];
  new: readonly CycleStatement[];
}

const byName = ([a]: [string, string], [b]: [string, string]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Line up two statements of the same usage by account, cycle start and meter,
 * and by priced line over the whole usage: only the dimensions its price is
 * looked up by (`priced`) tell one line from another.
 *
 * Account by account: each account's grains (a statement line's rows under both cards, which price what both serve
 * and what each refuses) are let go once its rows are made. A quarter of 300 customers whose lines name their apps and
 * creators held 900 cycles' grains at once, and its diff's peak grew with the usage (newcomer66b: 990 MB at 262,000
 * rows, 2.8 GB at 1.1 million). What the whole usage tells (each meter's average price, the lines' and meters'
 * first-seen order) is read first, in one pass over each statement. `between` is called after each account in each pass (the
 * heap watch's check: the comparison gives the event loop no turn). With `release`, for a caller that reads the
 * statements no more, each account's cycles are let go once compared (releaseCycles), under both cards: 10,000
 * accounts' two statements were held whole until the report's rows were all made beside them.
 */
export function compareStatements(base: Statement, card: Statement, priced: PricedBy, { between = () => {}, release = false }: { between?: () => void; release?: boolean } = {}): CostComparison {
  const keyOf = pricedLineKey(priced);
  const corpus = { old: corpusOf(base, keyOf, between), new: corpusOf(card, keyOf, between) };
  // Every priced line either card charged, in first-seen order: the base card's, then the new card's own.
  const lines = new Map(corpus.old.lines);
  for (const [key, line] of corpus.new.lines) if (!lines.has(key)) lines.set(key, line);
  const meterRank = new Map<string, number>();
  for (const meter of [...corpus.old.meters, ...corpus.new.meters]) if (!meterRank.has(meter)) meterRank.set(meter, meterRank.size);
  const rows: CostRow[] = [];
  const cycles: CycleRow[] = [];
  const refused: RefusedRow[] = [];
  const served = { old: ZERO, new: ZERO };
  const overall = { old: corpus.old.costs, new: corpus.new.costs };
  for (const { pair, statements } of accountPairs(base, card)) {
    const one = compareAccount(pair, { lines, keyOf, overall });
    if (release) for (const account of statements) releaseCycles(account);
    // One at a time, not spread into push: an account of ten years of 1,000 meters has 120,000 rows, past the
    // arguments a call takes (red67b: a stack, where the statements were compared whole before).
    for (const row of one.rows) rows.push(row);
    for (const cycle of one.cycles) cycles.push(cycle);
    for (const row of one.refused) refused.push(row);
    served.old = served.old.plus(one.served.old);
    served.new = served.new.plus(one.served.new);
    between();
  }
  const byCycle = (a: { account: string; start: Instant }, b: { account: string; start: Instant }) => (a.account < b.account ? -1 : a.account > b.account ? 1 : a.start - b.start);
  const sortedCycles = cycles.sort(byCycle);
  return {
    rows: rows.sort((a, b) => byCycle(a, b) || meterRank.get(a.meter)! - meterRank.get(b.meter)!),
    refused: refused.sort((a, b) => byCycle(a, b) || (meterRank.get(a.meter) ?? meterRank.size) - (meterRank.get(b.meter) ?? meterRank.size) || (a.meter < b.meter ? -1 : a.meter > b.meter ? 1 : 0)),
    cycles: sortedCycles,
    total: { old: sum(sortedCycles.map((c) => c.old)), new: sum(sortedCycles.map((c) => c.new)) },
    lines: [...lines.values()],
    served,
  };
}

/** A statement line's priced line: its key, and the dimensions its price is looked up by. */
type PricedLineKey = (line: StatementLine) => { key: string; dimensions: Readonly<Record<string, string>> };

function pricedLineKey(priced: PricedBy): PricedLineKey {
  return (line) => {
    const by = priced(line.meter, line.component);
    const dimensions = by === undefined ? line.dimensions : Object.fromEntries(Object.entries(line.dimensions).filter(([d]) => by.includes(d)));
    return { key: JSON.stringify([line.meter, line.component ?? null, line.kind, Object.entries(dimensions).sort(byName)]), dimensions };
  };
}

/** What one card's statement tells over the whole usage: its priced lines and meters in first-seen order, and each meter's cost. */
function corpusOf(statement: Statement, keyOf: PricedLineKey, between: () => void): { lines: Map<string, PricedLine>; meters: Set<string>; costs: Map<string, MeterCost> } {
  const lines = new Map<string, PricedLine>();
  const meters = new Set<string>();
  const costs = new Map<string, MeterCost>();
  for (const account of statement.accounts) {
    for (const c of account.cycles) {
      for (const line of c.lines) {
        meters.add(line.meter);
        addCost(costs, line.meter, line);
        const { key, dimensions } = keyOf(line);
        if (!lines.has(key)) lines.set(key, { meter: line.meter, component: line.component, kind: line.kind, dimensions, old: ZERO, new: ZERO, served: { old: ZERO, new: ZERO } });
      }
    }
    between();
  }
  return { lines, meters, costs };
}

/** Each account of either statement, with its cycles under each card (each account's cycles are read once a card), and the accounts they are read from. */
function* accountPairs(base: Statement, card: Statement): Generator<{ pair: AccountPair; statements: AccountStatement[] }> {
  const theirs = new Map(card.accounts.map((a) => [a.account, a]));
  for (const a of base.accounts) {
    const other = theirs.get(a.account);
    theirs.delete(a.account);
    yield { pair: { account: a.account, old: a.cycles, new: other?.cycles ?? [] }, statements: other === undefined ? [a] : [a, other] };
  }
  for (const a of theirs.values()) yield { pair: { account: a.account, old: [], new: a.cycles }, statements: [a] };
}

/** One account's cost rows, cycles, refusals and what both cards serve; its lines' totals added to the corpus's `lines`. */
function compareAccount(pair: AccountPair, corpus: { lines: ReadonlyMap<string, PricedLine>; keyOf: PricedLineKey; overall: Sides<ReadonlyMap<string, MeterCost>> }): { rows: CostRow[]; cycles: CycleRow[]; refused: RefusedRow[]; served: Totals } {
  const { account } = pair;
  const rows = new Map<string, CostRow>();
  const cycles = new Map<Instant, CycleRow>();
  const grains = new Map<string, GrainPair>();
  const meters = new MeterGroups<GrainPair>();
  for (const side of ["old", "new"] as const) {
    for (const c of pair[side]) {
      const cycle = cycles.get(c.start) ?? { account, start: c.start, end: c.end, old: ZERO, new: ZERO, oldRejected: 0, newRejected: 0 };
      cycle[side] = c.total;
      cycle[side === "old" ? "oldRejected" : "newRejected"] = c.rejected.reduce((n, r) => n + r.events, 0);
      cycles.set(c.start, cycle);
      for (const line of c.lines) {
        const key = rowKey(c.start, line.meter);
        const row = rows.get(key) ?? { account, start: c.start, end: c.end, meter: line.meter, old: ZERO, new: ZERO, oldRefused: 0, newRefused: 0, served: { old: ZERO, new: ZERO } };
        row[side] = row[side].plus(line.amount);
        rows.set(key, row);
        const total = corpus.lines.get(corpus.keyOf(line).key)!;
        total[side] = total[side].plus(line.amount);
        if (line.version !== undefined) (total.versions ??= new Set()).add(line.version);
        const dimensions = JSON.stringify(Object.entries(line.dimensions).sort(byName));
        const grainKey = JSON.stringify([c.start, line.meter, line.component ?? null, line.kind, dimensions]);
        const grain = grains.get(grainKey) ?? { row, line: total, component: line.component, kind: line.kind, dimensions: line.dimensions, lines: new GrainLines() };
        grain.lines.add(side, line.unitPrice, line.version, { quantity: line.quantity, amount: line.amount, events: line.events });
        grains.set(grainKey, grain);
        meters.add(JSON.stringify([c.start, line.meter, line.kind, dimensions]), side, line, grain);
      }
    }
  }
  // Refusals attach to the meter's line, either card's: a meter refused under both cards and charged under neither changes nothing.
  for (const side of ["old", "new"] as const) {
    for (const c of pair[side]) {
      for (const refusal of c.rejected) {
        if (!OUT_OF_CREDITS.has(refusal.reason)) continue;
        const row = rows.get(rowKey(c.start, refusal.meter));
        if (row) row[side === "old" ? "oldRefused" : "newRefused"] += refusal.events;
      }
    }
  }
  const refused = refusedRows(pair, corpus.overall, rows, grains);
  const served = { old: ZERO, new: ZERO };
  const split = meters.split((g, side) => g.lines.total()[side].amount);
  for (const g of grains.values()) {
    // A meter the cards price by different components is judged per event (MeterGroups), each other grain line by line.
    const shared = split.get(g);
    for (const both of shared === undefined ? g.lines.pairs().map((p) => servedOf(p.old, p.new)) : [shared]) {
      for (const t of [g.row.served, g.line.served, served]) {
        t.old = t.old.plus(both.old);
        t.new = t.new.plus(both.new);
      }
    }
  }
  return { rows: [...rows.values()], cycles: [...cycles.values()], refused, served };
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

/**
 * Whether a change is more than `limit` percent of its own old amount, or of `percentOf` where it has one: exactly, the
 * change a hundred times against the limit times the amount, never its percentage rounded to show (newcomer64 H1: +5.004%
 * passed --fail-over 5, read as 5.00, and +4.996% failed --fail-over 4.999). From 0 any change is past it.
 */
export function pastPercent(t: Totals & { percentOf?: Decimal }, limit: Decimal): boolean {
  const change = t.new.minus(t.old);
  if (change.isZero()) return false;
  const of = (t.percentOf ?? t.old).abs();
  return of.isZero() || change.abs().mul(100).gt(limit.mul(of));
}

/** `--fail-over PCT` on the total, `--fail-over-line PCT` on a priced line: it rose by more than PCT percent (any rise from zero counts). */
export function exceeds(t: Totals, percent: Decimal): boolean {
  return t.new.gt(t.old) && pastPercent(t, percent);
}

function sum(values: readonly Decimal[]): Decimal {
  return values.reduce((a, b) => a.plus(b), ZERO);
}
