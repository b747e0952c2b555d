import type { StatementLine } from "../engine/types.js";
import { Decimal, ONE, ZERO } from "../money.js";
import type { AccountPair, CostRow, GrainPair, RefusedRow, Totals } from "./compare.js";
import type { Instant } from "../time.js";
import type { LinePair } from "./line-pairs.js";

/** What one meter's usage cost under one card: its lines' credits (components too, refunds not) and its own quantity, whose ratio prices a unit of it. */
export interface MeterCost {
  amount: Decimal;
  quantity: Decimal;
}

/** A cost row's key within its account: its cycle and meter. */
export const rowKey = (start: Instant, meter: string): string => JSON.stringify([start, meter]);

/** One thing under each card. */
export interface Sides<T> {
  old: T;
  new: T;
}

export const addCost = (costs: Map<string, MeterCost>, key: string, line: StatementLine) => {
  if (line.kind === "refund") return;
  const c = costs.get(key) ?? { amount: ZERO, quantity: ZERO };
  costs.set(key, { amount: c.amount.plus(line.amount), quantity: line.component === undefined ? c.quantity.plus(line.quantity) : c.quantity });
};

/**
 * Each of one account's cycles and meters whose refused quantity, or its worth, differs, with its worth at the base card's prices.
 *
 * Where every row either card refused there was weighed (Rejection.credits: each at the base card's price of it, by
 * row-worth.ts), that is its worth. Else its lines price it, as follows.
 *
 * The same corpus under both cards, a line's rows are what one card served of them plus what it refused: the quantity
 * a card refuses more on a line is the quantity it serves less there, at the price the base card charged there. A
 * `tier=max` summary at 4 credits refused is worth 4 a unit, not the 2.5 the meter averages over cheaper tiers
 * (newcomer58b H2: 175 where the base card had charged those very rows 220, and --fail-over passed at 29.46% for
 * 37.04%). A token-priced meter's rows are worth their tokens at each component's price (red59 F4: a Sonnet row the
 * base card charged 180 read 60.6, the meter's average over messages brought with their own key, at 0).
 *
 * Where the lines cannot tell it (rows both cards refuse on a line, which no line shows; lines told by other
 * dimensions under each card), what a card refuses is priced as a finance analyst prices lost volume: at the base
 * card's average price of the meter in that account's cycle (what it charged the meter over what it served of it),
 * else over the whole usage; where the base card served none of the meter (it refused all of it), or served it free,
 * the new card's, so that refusals moved from a large row to a small one are weighed.
 */
export function refusedRows(pair: AccountPair, overall: Sides<ReadonlyMap<string, MeterCost>>, rows: ReadonlyMap<string, CostRow>, grains: ReadonlyMap<string, GrainPair>): RefusedRow[] {
  const { account } = pair;
  const inCycle = (side: "old" | "new") => {
    const costs = new Map<string, MeterCost>();
    for (const c of pair[side]) for (const line of c.lines) addCost(costs, rowKey(c.start, line.meter), line);
    return costs;
  };
  const [old, now] = [{ inCycle: inCycle("old"), overall: overall.old }, { inCycle: inCycle("new"), overall: overall.new }];
  const out = new Map<string, RefusedRow>();
  // What each card's refusals are worth there, row by row at the base card's prices (Rejection.credits, row-worth.ts); null where a row's is not known.
  const charges = { old: new Map<string, Decimal | null>(), new: new Map<string, Decimal | null>() };
  for (const side of ["old", "new"] as const) {
    for (const c of pair[side]) {
      for (const r of c.rejected) {
        const key = rowKey(c.start, r.meter);
        const row = out.get(key) ?? { account, start: c.start, end: c.end, meter: r.meter, old: ZERO, new: ZERO, quantity: { old: ZERO, new: ZERO }, events: { old: 0, new: 0 }, percentOf: rows.get(key)?.old ?? ZERO, priced: true };
        row.quantity[side] = row.quantity[side].plus(r.quantity);
        row.events[side] += r.events;
        out.set(key, row);
        const sofar = charges[side].get(key);
        charges[side].set(key, sofar === null || r.credits === undefined ? null : (sofar ?? ZERO).plus(r.credits));
      }
    }
  }
  const grainsOf = grainsByRow(grains);
  for (const [key, r] of out) {
    // A price of 0 gives no worth to measure: a meter free under the base card and charged under the new one is worth
    // what the new card charges for it, as that is what the customer would pay to get it back (red team, stop 38: 8
    // images refused under img 0 -> 5 were "worth 0 -> 0", and --fail-over passed). Free under both, it has no price
    // to be worth anything at: unknown, as --fail-over and --fail-on-unmeasured fail closed on it.
    const served = [old.inCycle.get(key), old.overall.get(r.meter), now.inCycle.get(key), now.overall.get(r.meter)];
    const at = served.findIndex((c) => c !== undefined && !c.quantity.isZero() && !c.amount.isZero());
    const cost = served[at];
    // To 6 places: an average price may not end (424.8145454… cents), and a worth is an estimate, not a charge.
    const worth = (d: Decimal) => d.toDecimalPlaces(6, Decimal.ROUND_HALF_EVEN);
    const [oldRows, newRows] = [charges.old.get(key), charges.new.get(key)];
    // Every refused row weighed: what each card refuses is worth what the base card charges those rows, whatever the
    // lines blend (versions, prices moved); a meter neither card charged any row of, but whose rows the new card
    // prices, is worth that (red64 L3: images free under the base card and all refused under the new one were unknown).
    const rowsKnown = oldRows !== null && newRows !== null && (cost !== undefined || !(oldRows ?? ZERO).plus(newRows ?? ZERO).isZero());
    r.priced = cost !== undefined || rowsKnown;
    if (!r.priced) continue;
    r.pricedBy = at >= 0 && at < 2 ? "base" : "new";
    if (rowsKnown) {
      r.old = worth(oldRows ?? ZERO);
      r.new = worth(newRows ?? ZERO);
      continue;
    }
    if (cost === undefined) continue;
    const average = (quantity: Decimal) => quantity.mul(cost.amount).div(cost.quantity);
    const onLines = refusedOnLines(grainsOf.get(key) ?? [], r.quantity, average(ONE));
    const whole = onLines !== undefined && "exact" in onLines ? onLines.exact : undefined;
    const moved = onLines !== undefined && "moved" in onLines ? onLines.moved : undefined;
    // Where the lines tell only what the new card refuses more (`moved`), what the base card refused is what it would
    // have charged those rows, where the engine priced each: a meter's average per request is not a token row's worth
    // (red62 F6: a 1,000-token row read 3.33 at the average of a 1,000,000-token one, and the new card's level
    // -0.0028). The change is `moved` either way. Told by neither, both are read at the average alike.
    const charged = moved !== undefined && r.pricedBy === "base" ? (r.quantity.old.isZero() ? ZERO : oldRows) : undefined;
    const refusedOld = charged ?? average(r.quantity.old);
    r.old = worth(whole?.old ?? refusedOld);
    r.new = worth(whole?.new ?? (moved === undefined ? average(r.quantity.new) : refusedOld.plus(moved)));
  }
  // As much refused under each card, but other rows: 30 `max` refused for 30 `lite` is a loss all the same (red59b F1).
  return [...out.values()].filter((r) => !r.quantity.old.eq(r.quantity.new) || (r.priced && !r.old.eq(r.new)));
}

/** The grains of each of the account's cycles and meters, by the key of its cost row. */
function grainsByRow(grains: ReadonlyMap<string, GrainPair>): Map<string, GrainPair[]> {
  const out = new Map<string, GrainPair[]>();
  for (const g of grains.values()) {
    if (g.kind !== "usage") continue;
    const key = rowKey(g.row.start, g.row.meter);
    const list = out.get(key);
    if (list === undefined) out.set(key, [g]);
    else list.push(g);
  }
  return out;
}

/**
 * What each card refuses of one account's cycle and meter, worth at the base card's prices line by line (`exact`),
 * where its lines tell it whole: on each set of dimension values one card served all the other did, and what they
 * served less adds up to each card's refusals. Else the worth of what the new card refuses more alone (`moved`); or
 * nothing where the two cards tell the meter's lines by other dimensions. `unit` prices a unit of the meter where
 * neither card charged a line anything.
 */
function refusedOnLines(grains: readonly GrainPair[], refused: Totals, unit: Decimal): { exact: Totals } | { moved: Decimal } | undefined {
  // A card that tells a meter's lines by other dimensions than the other's makes other grains.
  const names = (g: GrainPair) => Object.keys(g.dimensions).sort().join(",");
  const namesOf = (side: "old" | "new") => new Set(grains.filter((g) => g.component === undefined && !g.lines.total()[side].quantity.isZero()).map(names));
  const [oldNames, newNames] = [namesOf("old"), namesOf("new")];
  if (oldNames.size > 0 && newNames.size > 0 && (oldNames.size !== newNames.size || [...oldNames].some((n) => !newNames.has(n)))) return undefined;
  const byDimensions = new Map<string, GrainPair[]>();
  for (const g of grains) {
    const key = JSON.stringify(Object.entries(g.dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    byDimensions.set(key, [...(byDimensions.get(key) ?? []), g]);
  }
  const exact = { old: ZERO, new: ZERO };
  const lost = { old: ZERO, new: ZERO };
  let moved = ZERO;
  let movedQuantity = ZERO;
  for (const group of byDimensions.values()) {
    const own = group.find((g) => g.component === undefined);
    if (own === undefined) return undefined;
    const { old: was, new: is } = own.lines.total();
    // Every line of the rows: the meter's own price (an image's 145) and its components' or per-event surcharges'
    // (red59b F3, F4: the own line left out read a refused video of 500 as 5). A line neither card charged is priced
    // at the meter's average where it is the meter's alone; beside components, a free own line is free.
    const free = group.length > 1 ? ZERO : unit;
    const worth = group.reduce((sum, g) => g.lines.pairs().reduce((s, p) => s.plus(lessWorth(p, g.component === undefined ? free : ZERO)), sum), ZERO);
    moved = moved.plus(worth);
    movedQuantity = movedQuantity.plus(was.quantity.minus(is.quantity));
    // The card that served more of these dimension values served all of them: the other refused what it served less.
    const less = was.quantity.minus(is.quantity);
    if (less.gte(0)) {
      lost.new = lost.new.plus(less);
      exact.new = exact.new.plus(worth);
    } else {
      lost.old = lost.old.minus(less);
      exact.old = exact.old.minus(worth);
    }
  }
  if (lost.old.eq(refused.old) && lost.new.eq(refused.new)) return { exact };
  // The lines tell what the new card refuses more only where what it serves less is that much: a charge no usage line
  // shows (a gauge's or a recurring item's at a cycle's start) is the meter's average's to price (red59b F2: 0).
  return movedQuantity.eq(refused.new.minus(refused.old)) ? { moved } : undefined;
}

/**
 * The worth of what one line's rows were served less under the new card than under the base card (less than 0 where
 * more): at the base card's price on the line; where it charged nothing there, the new card's; where both served it
 * free (a key brought by the customer), nothing; else `free` a unit (the meter's price, as above, for its own
 * quantity; nothing for a component's).
 */
function lessWorth(pair: LinePair, free: Decimal): Decimal {
  const less = pair.old.quantity.minus(pair.new.quantity);
  if (less.isZero()) return ZERO;
  const price = (s: LinePair["old"]) => (s.quantity.isZero() || s.amount.isZero() ? undefined : s.amount.div(s.quantity));
  const bothFree = !pair.old.quantity.isZero() && !pair.new.quantity.isZero();
  return less.mul(price(pair.old) ?? price(pair.new) ?? (bothFree ? ZERO : free));
}
