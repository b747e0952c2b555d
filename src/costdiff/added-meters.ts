import { ZERO } from "../money.js";
import type { Meter, MeterEvent, Price, RateCard } from "../ratecard/types.js";

const FREE: Price = { kind: "flat", value: ZERO };

/** The meters the new card (any of its versions) prices that no version of the base card has, each once. */
export function addedMeters(base: RateCard, card: RateCard): Meter[] {
  const baseHas = (key: string) => (base.versions ?? [base]).some((v) => v.meters.has(key));
  const added = new Map<string, Meter>();
  for (const version of card.versions ?? [card]) {
    for (const [key, meter] of version.meters) if (!baseHas(key) && !added.has(key)) added.set(key, meter);
  }
  return [...added.values()];
}

/**
 * The base card (each of its versions) with the meters a change adds, at a price of 0: its rows are the corpus's
 * and the base card cannot price them, so their cost under the change shows as a rise from 0, which the gates count,
 * as a cost report shows a resource a change adds. Each is the new card's meter (its aggregation, dimensions, keys
 * and the events that end or lower it) with every price 0 and no surcharge; its category and pool, where the base
 * has none of that name, are the new card's. A CI step stopped at the first such row (newcomer, stop 34). A meter
 * the change only renames is the base card's meter of the old name under the new key: its rows cost alike.
 */
export function withMetersAtZero(base: RateCard, meters: readonly Meter[], card: RateCard, renamed: ReadonlyMap<string, string> = new Map()): RateCard {
  if (meters.length === 0) return base;
  // A meter the change renames, written alike (card-changes.ts renamedMeters), is priced as the base card's of the old name.
  const baseMeter = (key: string) => (base.versions ?? [base]).map((v) => v.meters.get(key)).find((m) => m !== undefined);
  const free = meters.map((m): Meter => {
    const old = renamed.has(m.key) ? baseMeter(renamed.get(m.key)!) : undefined;
    return old !== undefined ? { ...old, key: m.key } : { ...m, price: FREE, surcharges: [], components: m.components.map((c) => ({ ...c, price: FREE })) };
  });
  const theirs = card.versions ?? [card];
  const one = (c: RateCard): RateCard => {
    const categories = new Map(c.categories);
    const pools = new Map(c.pools);
    for (const other of theirs) {
      for (const [key, category] of other.categories) if (!categories.has(key)) categories.set(key, category);
      for (const [key, pool] of other.pools) if (!pools.has(key)) pools.set(key, pool);
    }
    return { ...c, meters: new Map([...c.meters, ...free.map((m) => [m.key, m] as const)]), events: new Map([...c.events, ...free.flatMap(eventsOf)]), categories, pools };
  };
  if (base.versions === undefined) return one(base);
  const versions = base.versions.map(one);
  const events = new Map(versions[0]!.events);
  for (const version of versions) for (const [name, event] of version.events) if (!events.has(name)) events.set(name, event);
  return { ...versions[0]!, events, versions };
}

/** The names a usage row's meter column may give a meter: its key, and the event that ends or lowers its items. */
function eventsOf(meter: Meter): [string, MeterEvent][] {
  const charge: [string, MeterEvent] = [meter.key, { role: "charge", meter }];
  if (meter.aggregation === "recurring") return [charge, [meter.endedBy, { role: "end", meter }]];
  if (meter.aggregation === "gauge") return [charge, [meter.decreasedBy, { role: "decrease", meter }]];
  return [charge];
}
