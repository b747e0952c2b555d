import type { Meter, Price, RateCard } from "../ratecard/types.js";

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
    const by = found.length === 0 || found.some((d) => d === undefined) ? undefined : [...new Set(found.flat() as string[])];
    known.set(key, by);
    return by;
  };
}
