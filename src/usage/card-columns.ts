import type { Lookup, Meter, Price, RateCard } from "../ratecard/types.js";
import type { ReadColumns } from "./layout.js";

/** What a usage file's columns are checked against: the card replayed, and any other the same usage is replayed through (diff's base). */
export function readColumnsFor(card: RateCard, others: readonly RateCard[] = []): ReadColumns {
  return { names: columnsRead([card, ...others]), card: `${card.provider} ${card.version}` };
}

/**
 * Every usage column a card reads besides the canonical ones: its meters' line
 * dimensions and keys, component quantities, the dimensions prices, surcharges,
 * exemptions, pools and categories look up, and those of plan gates, budgets,
 * daily limits and rewards. A usage column outside this set is read by nothing:
 * a typo or an export's extra column, which must not quietly become a dimension.
 */
function columnsRead(cards: readonly RateCard[]): Set<string> {
  const read = new Set<string>();
  for (const card of cards) {
    for (const meter of card.meters.values()) for (const name of meterColumns(meter)) read.add(name);
    for (const plan of card.plans.values()) for (const dim of plan.only.keys()) read.add(dim);
    for (const dim of [card.dailyLimits?.dimension, card.budgets?.dimension, card.rewards?.dimension]) if (dim !== undefined) read.add(dim);
  }
  return read;
}

function meterColumns(meter: Meter): string[] {
  const names = [...meter.dimensions, ...priceColumns(meter.price), ...lookupColumns(meter.pool), ...lookupColumns(meter.category)];
  if ("keyBy" in meter) names.push(...meter.keyBy);
  for (const c of meter.components) names.push(c.name, ...priceColumns(c.price));
  for (const s of meter.surcharges) names.push(...s.when.keys());
  names.push(...(meter.exemptWhen?.keys() ?? []));
  return names;
}

function priceColumns(price: Price): readonly string[] {
  return price.kind === "table" ? price.by : [];
}

function lookupColumns(lookup: Lookup<unknown>): string[] {
  return lookup.kind === "by" ? [lookup.dimension] : [];
}
