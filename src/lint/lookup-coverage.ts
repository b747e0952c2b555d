import { shown } from "../errors.js";
import type { Meter, Price, PriceTree } from "../ratecard/types.js";
import { nearest } from "../nearest.js";
import type { Severity } from "./finding.js";

export type Report = (severity: Severity, rule: string, path: readonly (string | number)[], message: string, fix: string) => void;

/** The values of one dimension a lookup names, and whether it accepts any other (a `*` entry). */
interface Accepts {
  any: boolean;
  values: Set<string>;
}

/** One of a meter's price tables: its own price's, or a component's. */
interface PriceTable {
  label: string;
  /** The table in the card's terms, for a fix: price.table, components.input_tokens.table. */
  table: string;
  tablePath: (string | number)[];
  by: readonly string[];
  tree: ReadonlyMap<string, PriceTree>;
}

interface DimensionLookup {
  what: "price" | "pool" | "category";
  /** The price table it reads, for a price lookup. */
  source?: PriceTable;
  /** How messages name it: price, pool, category, or a component's price ("input_tokens price"). */
  label: string;
  /** The table in the card's terms, for a fix: price.table, components.input_tokens.table, pool.table. */
  table: string;
  /** Where the table itself is written. */
  tablePath: (string | number)[];
  accepts: Accepts;
  /** Where an accepted value is written, for pointing at it. */
  path(value: string): (string | number)[];
}

type Limited = DimensionLookup & { accepts: { any: false } };

function accepts(keys: Iterable<string>): Accepts {
  const values = new Set(keys);
  const any = values.delete("*");
  return { any, values };
}

/** Keys of a price tree at one depth, over every branch. */
function keysAtDepth(tree: ReadonlyMap<string, PriceTree>, depth: number): Set<string> {
  if (depth === 0) return new Set(tree.keys());
  const out = new Set<string>();
  for (const child of tree.values()) if (child instanceof Map) for (const k of keysAtDepth(child, depth - 1)) out.add(k);
  return out;
}

/** The meter's own price table, then each component's: an event looks up every one of them (a component's even at quantity 0). */
function priceTables(meter: Meter): PriceTable[] {
  const base = ["meters", meter.key];
  const prices: { price: Price; label: string; at: (string | number)[]; table: string }[] = [
    { price: meter.price, label: "price", at: [...base, "price"], table: "price.table" },
    ...meter.components.map((c) => ({ price: c.price, label: `${c.name} price`, at: [...base, "components", c.name], table: `components.${c.name}.table` })),
  ];
  return prices.flatMap(({ price, label, at, table }) => (price.kind === "table" ? [{ label, table, tablePath: [...at, "table"], by: price.by, tree: price.tree }] : []));
}

function lookupsByDimension(meter: Meter, tables: readonly PriceTable[]): Map<string, DimensionLookup[]> {
  const base = ["meters", meter.key];
  const out = new Map<string, DimensionLookup[]>();
  const add = (dimension: string, lookup: DimensionLookup) => out.set(dimension, [...(out.get(dimension) ?? []), lookup]);
  for (const source of tables) {
    const { label, table, tablePath } = source;
    source.by.forEach((dimension, depth) => {
      add(dimension, { what: "price", source, label, table, tablePath, accepts: accepts(keysAtDepth(source.tree, depth)), path: (v) => (depth === 0 ? [...tablePath, v] : tablePath) });
    });
  }
  for (const what of ["pool", "category"] as const) {
    const lookup = meter[what];
    const tablePath = [...base, what, "table"];
    if (lookup.kind === "by") add(lookup.dimension, { what, label: what, table: `${what}.table`, tablePath, accepts: accepts(lookup.table.keys()), path: (v) => [...tablePath, v] });
  }
  return out;
}

/** A value one price table of a meter has and another lacks. */
interface PriceGap {
  dimension: string;
  value: string;
  /** For a gap inside one branch of tables keyed by several dimensions: the values of the dimensions before. */
  under: readonly string[];
  lacking: PriceTable;
  /** Where the lacking table (or its branch) is written. */
  at: (string | number)[];
  having: PriceTable[];
  /** The lacking table's nearest spelling of the value. */
  near: string | undefined;
}

const keyedAlike = (a: PriceTable, b: PriceTable) => a.by.length > 1 && JSON.stringify(a.by) === JSON.stringify(b.by);

const gapKey = (dimension: string, value: string, under: readonly string[], lacking: PriceTable) => JSON.stringify([dimension, value, under, lacking.label]);

/**
 * Gaps within one branch of two price tables keyed by the same dimensions: azure under
 * gpt-4o in one and not in the other is a missing price even when the other has azure
 * under another model. The engine's lookup is followed: a key, or else `*`.
 */
function branchGaps(tables: readonly PriceTable[], exempt: (dimension: string, value: string) => boolean): PriceGap[] {
  const gaps = new Map<string, PriceGap>();
  const walk = (a: PriceTable, b: PriceTable, nodeA: ReadonlyMap<string, PriceTree>, nodeB: ReadonlyMap<string, PriceTree>, depth: number, under: string[]) => {
    const dimension = a.by[depth]!;
    for (const [key, childA] of nodeA) {
      if (key === "*") continue;
      const childB = nodeB.get(key) ?? nodeB.get("*");
      if (childB === undefined) {
        // Depth 0 is the whole table's keys, which the per-dimension comparison already covers.
        if (depth > 0 && !exempt(dimension, key)) {
          const k = gapKey(dimension, key, under, b);
          const gap = gaps.get(k) ?? { dimension, value: key, under, lacking: b, at: [...b.tablePath, ...under], having: [], near: nearest(key, [...nodeB.keys()]) };
          gap.having.push(a);
          gaps.set(k, gap);
        }
        continue;
      }
      if (childA instanceof Map && childB instanceof Map) walk(a, b, childA, childB, depth + 1, [...under, key]);
    }
  };
  for (const a of tables) {
    for (const b of tables) {
      if (a !== b && keyedAlike(a, b)) walk(a, b, a.tree, b.tree, 0, []);
    }
  }
  return [...gaps.values()];
}

/**
 * Where a meter looks things up by the same dimension in several tables, each
 * value must be in all of them: a source with a pool but no price is a missing
 * price (an event would fail the replay), and a price no event can reach is dead.
 */
export function lookupCoverage(meter: Meter, report: Report): void {
  const tables = priceTables(meter);
  // A row exempt by one value alone is never priced, so a price table need not list it.
  const exemptBy = (dimension: string, value: string) => meter.exemptWhen?.size === 1 && meter.exemptWhen.get(dimension) === value;
  const inBranches = branchGaps(tables, exemptBy);
  for (const [dimension, lookups] of lookupsByDimension(meter, tables)) {
    const reachable = new Set<string>();
    const limited = lookups.filter((l): l is Limited => !l.accepts.any);
    const gaps = new Map<string, PriceGap>();
    for (const a of lookups) {
      // A table with `*` still names values: one another table lacks cannot be priced there.
      for (const value of a.accepts.values) {
        const lacking = limited.filter((b) => b !== a && !b.accepts.values.has(value) && !(b.what === "price" && exemptBy(dimension, value)));
        if (lacking.length === 0) {
          reachable.add(value);
          continue;
        }
        for (const b of lacking) {
          if (a.source && b.source) {
            // Tables keyed alike are compared branch by branch below the first dimension (branchGaps).
            if (keyedAlike(a.source, b.source) && a.source.by.indexOf(dimension) > 0) continue;
            const key = gapKey(dimension, value, [], b.source);
            const gap = gaps.get(key) ?? { dimension, value, under: [], lacking: b.source, at: b.tablePath, having: [], near: nearest(value, [...b.accepts.values]) };
            gap.having.push(a.source);
            gaps.set(key, gap);
            continue;
          }
          const rule = b.what === "price" ? "missing-price" : `missing-${b.what}`;
          const near = nearest(value, [...b.accepts.values]);
          report("error", rule, a.path(value), `meter ${shown(meter.key)}: ${dimension} ${shown(value)} has a ${a.label} but no ${b.label}${near === undefined ? "" : `; nearest in its ${b.label} table: ${shown(near)}`}`, `add ${value}: ... to meters.${meter.key}.${b.table}, or remove ${shown(value)} from its ${a.label} table`);
        }
      }
    }
    priceGaps(meter, tables, [...gaps.values(), ...inBranches.filter((g) => g.dimension === dimension)], report);
    if (limited.length >= 2 && reachable.size === 0) {
      report("error", "unreachable-meter", ["meters", meter.key], `meter ${shown(meter.key)} can never be priced: no ${dimension} value is in all of its ${lookups.map((l) => l.label).join(" and ")} tables`, `make the ${dimension} tables of meters.${meter.key} list the same values`);
    }
  }
}

/**
 * Values one of a meter's price tables (its own, a component's) prices and another
 * does not: the engine looks up every table for every event, so an event with such
 * a value fails the replay. Reported at the table that lacks it. A misspelling shows
 * twice (gpt-4o in some tables, gpt4o in the others, never together), each missing
 * where the other is: that pair is one finding, at the spelling fewer tables use (on a
 * tie, the one the earlier tables have is taken as meant).
 */
function priceGaps(meter: Meter, tables: readonly PriceTable[], gaps: readonly PriceGap[], report: Report): void {
  const order = (g: PriceGap) => Math.min(...g.having.map((h) => tables.indexOf(h)));
  const sameBranch = (g: PriceGap, o: PriceGap) => JSON.stringify(g.under) === JSON.stringify(o.under);
  // Each spelling is where the other is not: in no table together.
  const apart = (g: PriceGap, o: PriceGap) => g.having.includes(o.lacking) && o.having.includes(g.lacking) && !o.having.some((h) => g.having.includes(h));
  const mirrorOf = (g: PriceGap) => gaps.find((o) => o.value === g.near && o.near === g.value && sameBranch(g, o) && apart(g, o));
  const dropped = new Set<PriceGap>();
  // As many tables spell it each way: which one is the typo is a guess, so the fix offers both renames.
  const tied = new Map<PriceGap, PriceGap>();
  for (const g of gaps) {
    const mirror = mirrorOf(g);
    if (!mirror || dropped.has(g) || dropped.has(mirror)) continue;
    const keep = g.having.length !== mirror.having.length ? g.having.length > mirror.having.length : order(g) !== order(mirror) ? order(g) < order(mirror) : tables.indexOf(g.lacking) > tables.indexOf(mirror.lacking);
    dropped.add(keep ? mirror : g);
    if (g.having.length === mirror.having.length) tied.set(keep ? g : mirror, keep ? mirror : g);
  }
  for (const g of gaps) {
    if (dropped.has(g)) continue;
    const having = g.having.map((h) => h.label).join(" and ");
    const misspelt = g.near !== undefined && mirrorOf(g) !== undefined;
    const instead = g.near === undefined ? "" : misspelt ? `; that table has ${shown(g.near)}, which the ${having} table${g.having.length > 1 ? "s lack" : " lacks"}` : `; nearest there: ${shown(g.near)}`;
    const under = g.under.map((v, i) => ` under ${g.lacking.by[i]} ${shown(v)}`).join("");
    const whereOf = (o: PriceGap) => `meters.${meter.key}.${o.lacking.table}${o.under.map((v) => `.${v}`).join("")}`;
    const where = whereOf(g);
    const other = tied.get(g);
    const rename = `rename ${g.near} to ${g.value} in ${where}${other === undefined ? "" : `, or ${g.value} to ${g.near} in ${whereOf(other)} (as many tables spell it each way)`}`;
    report(
      "error", "missing-price", g.at,
      `meter ${shown(meter.key)}: ${g.dimension} ${shown(g.value)}${under} is in the ${having} table${g.having.length > 1 ? "s" : ""} but not in the ${g.lacking.label} table, so no event with it can be priced${instead}`,
      misspelt ? rename : `add ${g.value}: ... to ${where}, or remove ${shown(g.value)} from its ${having} table`,
    );
  }
}
