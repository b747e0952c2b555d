import { ZERO } from "../money.js";
import type { Meter, MeterEvent, Price, PriceTree, RateCard } from "../ratecard/types.js";

type Table = ReadonlyMap<string, PriceTree>;

const isTable = (node: PriceTree): node is Table => node instanceof Map;

/** The same table with every price 0: what the base card charges for a value only the new card prices. */
function zeroed(node: PriceTree): PriceTree {
  return isTable(node) ? new Map([...node].map(([key, child]) => [key, zeroed(child)])) : ZERO;
}

/**
 * The base's table with every entry the new card's adds that the base could not price at 0, or undefined where it
 * prices all of them already. A value the base table neither names nor covers with `*` is refused by it; under `*` the
 * base's own fallback prices it, and only the deeper values that fallback lacks are added.
 */
function merged(mine: Table, theirs: Table): Table | undefined {
  let out: Map<string, PriceTree> | undefined;
  for (const [key, their] of theirs) {
    const own = mine.get(key) ?? mine.get("*");
    const next = own === undefined ? zeroed(their) : isTable(own) && isTable(their) ? merged(own, their) : undefined;
    if (next === undefined) continue;
    out ??= new Map(mine);
    out.set(key, next);
  }
  return out;
}

/** One price of the base with the values the new card's same price adds, where both look the price up by the same dimensions. */
function withValues(mine: Price, theirs: readonly Price[]): Price {
  let price = mine;
  for (const other of theirs) {
    if (price.kind !== "table" || other.kind !== "table" || price.by.join("\u0000") !== other.by.join("\u0000")) continue;
    const tree = merged(price.tree, other.tree);
    if (tree !== undefined) price = { ...price, tree };
  }
  return price;
}

/** The base meter with the values its prices and its components' gain from the new card's meter of that key. */
function meterWithValues(meter: Meter, theirs: readonly Meter[]): Meter {
  const price = withValues(meter.price, theirs.map((m) => m.price));
  const components = meter.components.map((c) => {
    const same = theirs.flatMap((m) => m.components.filter((o) => o.name === c.name).map((o) => o.price));
    const p = withValues(c.price, same);
    return p === c.price ? c : { ...c, price: p };
  });
  const changed = price !== meter.price || components.some((c, i) => c !== meter.components[i]);
  return changed ? { ...meter, price, components } : meter;
}

/**
 * The base card (each of its versions) with the values the new card adds to a price table (a model, a provider, a `*`)
 * at a price of 0, as `withMetersAtZero` gives it the meters the change adds: the corpus's rows of a model the change
 * adds are the new card's to price, and the base card, read from git, refused them with a did-you-mean that would
 * price them as another model (newcomer, stop 37: a pull request adding gpt-4.1 with its usage could not be diffed).
 * Their cost shows as a rise from 0. A value neither card prices is still refused, by both.
 */
export function withPricesAtZero(base: RateCard, card: RateCard): RateCard {
  const theirs = (key: string) => (card.versions ?? [card]).flatMap((v) => {
    const m = v.meters.get(key);
    return m === undefined ? [] : [m];
  });
  const one = (c: RateCard): RateCard => {
    const meters = new Map([...c.meters].map(([key, m]) => [key, meterWithValues(m, theirs(key))] as const));
    if ([...meters].every(([key, m]) => m === c.meters.get(key))) return c;
    // A usage row reaches its meter through the events: each must name the meter with the added values.
    const events = new Map([...c.events].map(([name, e]) => [name, { ...e, meter: meters.get(e.meter.key) ?? e.meter } as MeterEvent] as const));
    return { ...c, meters, events };
  };
  if (base.versions === undefined) return one(base);
  const versions = base.versions.map(one);
  if (versions.every((v, i) => v === base.versions![i])) return base;
  const events = new Map(versions[0]!.events);
  for (const version of versions) for (const [name, event] of version.events) if (!events.has(name)) events.set(name, event);
  return { ...versions[0]!, events, versions };
}
