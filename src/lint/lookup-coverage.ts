import { shown } from "../errors.js";
import type { Meter, Price, PriceTree } from "../ratecard/types.js";
import { nearest } from "../yaml/codec.js";
import type { Severity } from "./finding.js";

export type Report = (severity: Severity, rule: string, path: readonly (string | number)[], message: string, fix: string) => void;

/** The values of one dimension a lookup accepts; `any` when it has a `*` entry. */
type Accepts = { any: true } | { any: false; values: Set<string> };

interface DimensionLookup {
  what: "price" | "pool" | "category";
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

type Limited = DimensionLookup & { accepts: { any: false; values: Set<string> } };

function accepts(keys: Iterable<string>): Accepts {
  const values = new Set(keys);
  return values.has("*") ? { any: true } : { any: false, values };
}

/** Keys of a price tree at one depth, over every branch. */
function keysAtDepth(tree: ReadonlyMap<string, PriceTree>, depth: number): Set<string> {
  if (depth === 0) return new Set(tree.keys());
  const out = new Set<string>();
  for (const child of tree.values()) if (child instanceof Map) for (const k of keysAtDepth(child, depth - 1)) out.add(k);
  return out;
}

function lookupsByDimension(meter: Meter): Map<string, DimensionLookup[]> {
  const base = ["meters", meter.key];
  const out = new Map<string, DimensionLookup[]>();
  const add = (dimension: string, lookup: DimensionLookup) => out.set(dimension, [...(out.get(dimension) ?? []), lookup]);
  // The meter's own price, then each component's: an event looks up every one of them (a component's even at quantity 0).
  const prices: { price: Price; label: string; at: (string | number)[]; table: string }[] = [
    { price: meter.price, label: "price", at: [...base, "price"], table: "price.table" },
    ...meter.components.map((c) => ({ price: c.price, label: `${c.name} price`, at: [...base, "components", c.name], table: `components.${c.name}.table` })),
  ];
  for (const { price, label, at, table } of prices) {
    if (price.kind !== "table") continue;
    const tablePath = [...at, "table"];
    price.by.forEach((dimension, depth) => {
      add(dimension, { what: "price", label, table, tablePath, accepts: accepts(keysAtDepth(price.tree, depth)), path: (v) => (depth === 0 ? [...tablePath, v] : tablePath) });
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
  value: string;
  lacking: Limited;
  having: DimensionLookup[];
  /** The lacking table's nearest spelling of the value. */
  near: string | undefined;
}

/**
 * Where a meter looks things up by the same dimension in several tables, each
 * value must be in all of them: a source with a pool but no price is a missing
 * price (an event would fail the replay), and a price no event can reach is dead.
 */
export function lookupCoverage(meter: Meter, report: Report): void {
  for (const [dimension, lookups] of lookupsByDimension(meter)) {
    const reachable = new Set<string>();
    const limited = lookups.filter((l): l is Limited => !l.accepts.any);
    // A row exempt by this value alone is never priced, so a price table need not list it.
    const exempt = meter.exemptWhen?.size === 1 ? meter.exemptWhen.get(dimension) : undefined;
    const gaps = new Map<string, PriceGap>();
    for (const a of lookups) {
      if (a.accepts.any) continue;
      for (const value of a.accepts.values) {
        const lacking = limited.filter((b) => b !== a && !b.accepts.values.has(value) && !(b.what === "price" && value === exempt));
        if (lacking.length === 0) {
          reachable.add(value);
          continue;
        }
        for (const b of lacking) {
          if (a.what === "price" && b.what === "price") {
            const key = `${value}\u0000${b.label}`;
            const gap = gaps.get(key) ?? { value, lacking: b, having: [], near: nearest(value, [...b.accepts.values]) };
            gap.having.push(a);
            gaps.set(key, gap);
            continue;
          }
          const rule = b.what === "price" ? "missing-price" : `missing-${b.what}`;
          report("error", rule, a.path(value), `meter ${shown(meter.key)}: ${dimension} ${shown(value)} has a ${a.label} but no ${b.label}`, `add ${value}: ... to meters.${meter.key}.${b.table}, or remove ${shown(value)} from its ${a.label} table`);
        }
      }
    }
    priceGaps(meter, dimension, lookups, [...gaps.values()], report);
    if (limited.length >= 2 && reachable.size === 0) {
      report("error", "unreachable-meter", ["meters", meter.key], `meter ${shown(meter.key)} can never be priced: no ${dimension} value is in all of its ${lookups.map((l) => l.label).join(" and ")} tables`, `make the ${dimension} tables of meters.${meter.key} list the same values`);
    }
    meter.surcharges.forEach((s, i) => {
      const value = s.when.get(dimension);
      if (value === undefined) return;
      for (const l of limited) {
        if (!l.accepts.values.has(value)) {
          report("warning", "unreachable-surcharge", ["meters", meter.key, "surcharges", i, "when", dimension], `surcharge on meter ${shown(meter.key)} never applies: its ${l.label} table has no ${dimension} ${shown(value)}`, `use one of ${[...l.accepts.values].join(", ")}, or add ${shown(value)} to the ${l.label} table`);
        }
      }
    });
  }
}

/**
 * Values one of a meter's price tables (its own, a component's) prices and another
 * does not: the engine looks up every table for every event, so an event with such
 * a value fails the replay. Reported at the table that lacks it. A misspelling shows
 * twice (gpt-4o in one table, gpt4o in the other), each missing from the other: that
 * pair is one finding, at the spelling fewer tables use (on a tie, the later table's).
 */
function priceGaps(meter: Meter, dimension: string, lookups: readonly DimensionLookup[], gaps: readonly PriceGap[], report: Report): void {
  const order = (g: PriceGap) => Math.min(...g.having.map((h) => lookups.indexOf(h)));
  const mirrorOf = (g: PriceGap) => gaps.find((o) => o.value === g.near && g.having.includes(o.lacking) && o.having.includes(g.lacking) && o.near === g.value);
  const dropped = new Set<PriceGap>();
  for (const g of gaps) {
    const mirror = mirrorOf(g);
    if (!mirror || dropped.has(g)) continue;
    const keep = g.having.length !== mirror.having.length ? g.having.length > mirror.having.length : order(g) < order(mirror);
    dropped.add(keep ? mirror : g);
  }
  for (const g of gaps) {
    if (dropped.has(g)) continue;
    const having = g.having.map((h) => h.label).join(" and ");
    const misspelt = g.near !== undefined && mirrorOf(g) !== undefined;
    const instead = g.near === undefined ? "" : misspelt ? `; that table has ${shown(g.near)}, which no other table prices` : `; nearest there: ${shown(g.near)}`;
    const where = `meters.${meter.key}.${g.lacking.table}`;
    report(
      "error", "missing-price", g.lacking.tablePath,
      `meter ${shown(meter.key)}: ${dimension} ${shown(g.value)} is in the ${having} table${g.having.length > 1 ? "s" : ""} but not in the ${g.lacking.label} table, so no event with it can be priced${instead}`,
      misspelt ? `rename ${g.near} to ${g.value} in ${where}` : `add ${g.value}: ... to ${where}, or remove ${shown(g.value)} from its ${having} table`,
    );
  }
}
