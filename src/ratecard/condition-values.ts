import { formatLocation, shown, UserError, type Location, type Place } from "../errors.js";
import type { Lookup, Meter, Price, PriceTree, RateCard } from "./types.js";
import { withinOneEdit } from "../nearest.js";

/** A row's dimension value one slip from a value a condition of its meter compares against. */
export interface ConditionNearMiss {
  /** The surcharge's `when:` or the meter's `exempt_when:`. */
  condition: "surcharge" | "exemption";
  dimension: string;
  /** The row's value: `Private`, `True`, `4K`. */
  value: string;
  /** The condition's value it nearly is: `private`, `true`, `4k`. */
  nearly: string;
  /** Where the card writes that condition value. */
  location: Location;
}

/** Values the card names for each dimension, beyond a meter's own conditions: none are near misses. */
export type NamedValues = ReadonlyMap<string, ReadonlySet<string>>;

const NONE: NamedValues = new Map();

/**
 * The first condition value (surcharges in order, then the exemption) that the row's value for its
 * dimension nearly is: the same letters in another case (`Private`, `TRUE`, `4K`), or, for a value of
 * four characters or more, one slip away (a letter added, dropped, changed, or two swapped: `privat`,
 * `ture`). A condition compares exact text, so such a row pays the base price without a word.
 *
 * A value the card names for that dimension anywhere (a price or lookup table key, another condition,
 * `named`: pass `cardNamedValues(card)` for the plans' gates and the other meters) is meant as itself,
 * never a near miss; nor is a value of a dimension the row does not carry. Pure: `dims` is read only.
 *
 * Call it once per priced row, with the row's meter and every dimension value the row carries (not only
 * the meter's line dimensions: a condition may read another column); a result is the row's error, at
 * the row's place, naming `nearly` and `location`. Its work per row is a few map look-ups: the verdict
 * for each (condition, value) pair is kept, as many as the log has distinct values.
 */
export function conditionNearMiss(meter: Meter, dims: Readonly<Record<string, string | undefined>>, named: NamedValues = NONE): ConditionNearMiss | undefined {
  const prepared = prepare(meter);
  for (const c of prepared.conditions) {
    const value = dims[c.dimension];
    if (value === undefined || value === c.value || prepared.named.get(c.dimension)?.has(value) || named.get(c.dimension)?.has(value)) continue;
    const key = `${c.index}\u0000${value}`;
    let near = prepared.verdicts.get(key);
    if (near === undefined) {
      near = nearMiss(value, c.value);
      if (prepared.verdicts.size < MAX_VERDICTS) prepared.verdicts.set(key, near);
    }
    if (near) return { condition: c.condition, dimension: c.dimension, value, nearly: c.value, location: c.location };
  }
  return undefined;
}

/** The error a near miss is, at `where`: the row's cell, or a scenario item's dimension. */
export function conditionNearMissError(miss: ConditionNearMiss, meter: string, where: Place): UserError {
  return new UserError(
    `${miss.dimension} ${shown(miss.value)} is not ${shown(miss.nearly)}, the value meter ${shown(meter)}'s ${miss.condition} condition compares against (${formatLocation(miss.location)}): its rows would ${miss.condition === "surcharge" ? "pay no surcharge" : "not be exempt"}; did you mean ${shown(miss.nearly)}?`,
    where,
    `${shown(miss.nearly)} exactly, as the card writes it`,
    shown(miss.value),
  );
}

/** Every value the card names for each dimension: price and lookup tables, conditions and plan gates of all its meters and plans. */
export function cardNamedValues(card: RateCard): NamedValues {
  const named = new Map<string, Set<string>>();
  for (const version of card.versions ?? [card]) {
    for (const meter of version.meters.values()) for (const [dim, values] of prepare(meter).named) add(named, dim, values);
    for (const plan of version.plans.values()) for (const [dim, values] of plan.only) add(named, dim, values);
  }
  return named;
}

/** Verdicts kept per meter: a log's distinct values of the conditions' dimensions are a few hundred. */
const MAX_VERDICTS = 1 << 14;

interface Condition {
  index: number;
  condition: ConditionNearMiss["condition"];
  dimension: string;
  value: string;
  location: Location;
}

interface Prepared {
  conditions: readonly Condition[];
  named: ReadonlyMap<string, ReadonlySet<string>>;
  verdicts: Map<string, boolean>;
}

const PREPARED = new WeakMap<Meter, Prepared>();

function prepare(meter: Meter): Prepared {
  let found = PREPARED.get(meter);
  if (found) return found;
  const conditions: Condition[] = [];
  meter.surcharges.forEach((s, i) => {
    for (const [dimension, value] of s.when) conditions.push({ index: conditions.length, condition: "surcharge", dimension, value, location: meter.conditionsAt.surcharges[i]?.get(dimension) ?? meter.location });
  });
  for (const [dimension, value] of meter.exemptWhen ?? []) conditions.push({ index: conditions.length, condition: "exemption", dimension, value, location: meter.conditionsAt.exemptWhen.get(dimension) ?? meter.location });
  const named = new Map<string, Set<string>>();
  const price = (p: Price) => {
    if (p.kind === "table") tree(named, p.by, p.tree, 0);
  };
  const lookup = (l: Lookup<unknown>) => {
    if (l.kind === "by") add(named, l.dimension, l.table.keys());
  };
  price(meter.price);
  for (const c of meter.components) price(c.price);
  lookup(meter.pool);
  lookup(meter.category);
  for (const c of conditions) add(named, c.dimension, [c.value]);
  PREPARED.set(meter, (found = { conditions, named, verdicts: new Map() }));
  return found;
}

function add(named: Map<string, Set<string>>, dimension: string, values: Iterable<string>): void {
  let set = named.get(dimension);
  if (!set) named.set(dimension, (set = new Set()));
  for (const v of values) if (v !== "*") set.add(v);
}

function tree(named: Map<string, Set<string>>, by: readonly string[], node: ReadonlyMap<string, PriceTree>, depth: number): void {
  add(named, by[depth]!, node.keys());
  if (depth + 1 < by.length) for (const next of node.values()) tree(named, by, next as ReadonlyMap<string, PriceTree>, depth + 1);
}

/** Spellings of a truth a condition may compare against as "true" or "false", beside the word itself. */
const BOOLEAN_SPELLINGS: Readonly<Record<string, readonly string[]>> = { true: ["1", "yes", "y", "t", "on"], false: ["0", "no", "n", "f", "off"] };

/**
 * Whether `value` is one slip from `target`: the same letters in another case, or (targets of four
 * characters or more, neither with a digit: `4k` beside `8k`, `1080i` beside `1080p` are values in
 * their own right) one letter added, dropped, changed, or two neighbours swapped, case aside.
 */
export function nearMiss(value: string, target: string): boolean {
  const a = value.toLowerCase();
  const b = target.toLowerCase();
  // Case and spaces aside (`1080P`, `1080 p`, `1080p ` for 1080p): the same letters.
  if (a === b || a.replace(/\s+/g, "") === b.replace(/\s+/g, "")) return true;
  // Another spelling of the same truth (a spreadsheet's 1, a form's yes) is the condition's value written otherwise.
  if (BOOLEAN_SPELLINGS[b]?.includes(a)) return true;
  // A number without the letter of its unit is that value as many exports write it (1080 for 1080p); a digit
  // or two alone (4 beside 4k) is too short to say.
  if (/^\d{3,}$/.test(a) && b.length === a.length + 1 && b.startsWith(a) && /[a-z]$/.test(b)) return true;
  // A digit more or less is most often another value in its own right: 1080i beside 1080p, gpt-4 beside gpt-4o.
  if (b.length < 4 || Math.abs(a.length - b.length) > 1 || /\d/.test(a) || /\d/.test(b)) return false;
  return withinOneEdit(a, b);
}
