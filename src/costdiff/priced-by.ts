import { componentUnits, extraParts, PriceBook } from "../engine/pricing.js";
import { UserError } from "../errors.js";
import { ONE, ZERO, type Decimal } from "../money.js";
import type { NamedValues } from "../ratecard/condition-values.js";
import type { Meter, Price, PriceTree, RateCard } from "../ratecard/types.js";

/** Which dimensions set a line's unit price: its meter and component, looked up in the cards. */
export type PricedBy = (meter: string, component: string | undefined) => readonly string[] | undefined;

const byOf = (price: Price) => (price.kind === "table" ? price.by : []);

/** For one meter's own quantity (component undefined) or one of its components or per-event surcharges. */
function dimensionsOf(meter: Meter, component: string | undefined): readonly string[] | undefined {
  const exempt = [...(meter.exemptWhen?.keys() ?? [])];
  if (component === undefined) {
    const perUnit = meter.surcharges.filter((s) => s.kind === "per_unit").flatMap((s) => [...s.when.keys()]);
    return [...byOf(meter.price), ...perUnit, ...exempt];
  }
  const priced = meter.components.find((c) => c.name === component);
  if (priced) return [...byOf(priced.price), ...exempt];
  const perEvent = meter.surcharges.filter((s) => s.kind === "per_event" && s.name === component);
  return perEvent.length === 0 ? undefined : [...perEvent.flatMap((s) => [...s.when.keys()]), ...exempt];
}

/**
 * The dimensions each line's price is looked up by, in either card or any of
 * their versions: a flat price is one line whatever the dimension values, a
 * price by model and provider a line per pair. Undefined where neither card
 * knows the line: then every dimension it carries names it.
 */
export function pricedBy(cards: readonly RateCard[]): PricedBy {
  const all = cards.flatMap((c) => c.versions ?? [c]);
  // Asked once per statement line: the answer per meter and component is kept.
  const known = new Map<string, readonly string[] | undefined>();
  return (meter, component) => {
    const key = JSON.stringify([meter, component ?? null]);
    if (known.has(key)) return known.get(key);
    const found = all.flatMap((card) => {
      const m = card.meters.get(meter);
      return m === undefined ? [] : [dimensionsOf(m, component)];
    });
    // A part one card has and the other not (a surcharge added or removed) is priced by the one that has it: split by
    // every dimension for the card without it, 347 lines of one surcharge hid its total (newcomer66b F2).
    const pricing = found.filter((d) => d !== undefined);
    const by = pricing.length === 0 ? undefined : [...new Set(pricing.flat())];
    known.set(key, by);
    return by;
  };
}

/** One part of what a meter charges: its own unit price (per-unit surcharges included), a component's, or a per-event surcharge's line. */
type PricePart = { kind: "own" } | { kind: "component"; name: string } | { kind: "surcharge"; name: string };

/** Where one part of a meter costs more under the new card: at `point`, a value of each dimension its prices read ("*" for any value neither card names). */
export interface PriceRise {
  meter: string;
  part: PricePart;
  point: Readonly<Record<string, string>>;
  old: Decimal;
  new: Decimal;
  /** The values either card names for each dimension of `point`: "*" stands for every other. */
  named: NamedValues;
}

/** More points than this (a table of thousands of models by providers) are not enumerated: the leaves' own rises are compared instead. */
const MAX_POINTS = 20_000;

/**
 * Every part of a meter that costs more under `neu` than under `old`, at every combination of the dimension values
 * either card names (and "*", any other): a price rise is one whatever shape it takes. A scalar price turned into a
 * table that charges one value 5x, an entry added above a `*` fallback, a surcharge added, a component added: each
 * is a value a row can carry that now costs more, which a comparison of the cards' leaves by path does not see (red
 * team, stop 37). The prices are the engine's own lookups (PriceBook), so the rule is written once. Undefined where
 * the combinations are too many to enumerate.
 */
export function meterRises(old: Meter, neu: Meter): PriceRise[] | undefined {
  const named = namedValues([old, neu]);
  const dims = [...named.keys()];
  const count = dims.reduce((n, d) => n * named.get(d)!.size, 1);
  if (count > MAX_POINTS) return undefined;
  const books = [new PriceBook(named), new PriceBook(named)] as const;
  const out = new Map<string, PriceRise>();
  for (const point of points(dims, named)) {
    const [before, after] = [partPrices(books[0], old, point), partPrices(books[1], neu, point)];
    // A value one card cannot price (its table lacks it) is an error there, not a price: nothing to compare.
    if (before === undefined || after === undefined) continue;
    for (const [key, price] of after) {
      const was = before.get(key);
      if (was?.value === null || price.value === null || !price.value.gt(was?.value ?? ZERO)) continue;
      // Told at the values its part's price reads: a component's rise by model and provider, not by a surcharge's column too.
      const reads = new Set([old, neu].flatMap((m) => dimensionsOf(m, price.part.kind === "own" ? undefined : price.part.name) ?? []));
      const at = Object.fromEntries(Object.entries(point).filter(([d]) => reads.has(d)));
      const id = JSON.stringify([key, at]);
      if (!out.has(id)) out.set(id, { meter: neu.key, part: price.part, point: at, old: was?.value ?? ZERO, new: price.value, named });
    }
  }
  return [...out.values()];
}

/** The values each dimension a meter's prices read takes in either card's tables, conditions and exemption, and "*". */
function namedValues(meters: readonly Meter[]): Map<string, Set<string>> {
  const named = new Map<string, Set<string>>();
  const add = (d: string, v: string) => (named.get(d) ?? named.set(d, new Set(["*"])).get(d)!).add(v);
  const tree = (by: readonly string[], node: PriceTree, depth: number): void => {
    if (!(node instanceof Map) || depth >= by.length) return;
    for (const [key, next] of node) {
      add(by[depth]!, key);
      tree(by, next, depth + 1);
    }
  };
  const price = (p: Price) => {
    if (p.kind === "table") {
      for (const d of p.by) add(d, "*");
      tree(p.by, p.tree, 0);
    }
  };
  for (const m of meters) {
    price(m.price);
    for (const c of m.components) price(c.price);
    for (const s of m.surcharges) for (const [d, v] of s.when) add(d, v);
    for (const [d, v] of m.exemptWhen ?? []) add(d, v);
  }
  return named;
}

function* points(dims: readonly string[], named: NamedValues, at = 0, point: Record<string, string> = {}): Generator<Record<string, string>> {
  if (at === dims.length) {
    yield { ...point };
    return;
  }
  for (const value of named.get(dims[at]!)!) {
    point[dims[at]!] = value;
    yield* points(dims, named, at + 1, point);
  }
}

/**
 * What each part of the meter charges a row at `point`, by a key per part; null where a component's table lacks the
 * value (the row is refused there); undefined where the meter's own price does.
 */
function partPrices(book: PriceBook, meter: Meter, point: Readonly<Record<string, string>>): Map<string, { part: PricePart; value: Decimal | null }> | undefined {
  const origin = meter.location;
  const out = new Map<string, { part: PricePart; value: Decimal | null }>();
  try {
    out.set("own", { part: { kind: "own" }, value: book.unit(meter, point, origin).value });
  } catch (e) {
    if (e instanceof UserError) return undefined;
    throw e;
  }
  for (const c of meter.components) {
    let value: Decimal | null;
    try {
      value = componentUnits(book, { ...meter, components: [c] }, point, origin)[0]!.value;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      value = null;
    }
    out.set(`component\u0000${c.name}`, { part: { kind: "component", name: c.name }, value });
  }
  for (const p of extraParts(book, { meter: { ...meter, components: [] }, dims: point, quantity: ONE, components: {}, origin })) {
    const key = `surcharge\u0000${p.component!}`;
    const sum = out.get(key)?.value ?? ZERO;
    out.set(key, { part: { kind: "surcharge", name: p.component! }, value: sum.plus(p.amount) });
  }
  return out;
}
