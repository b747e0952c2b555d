import type { Lookup, Meter, Price, PriceTree, RateCard } from "../ratecard/types.js";
import type { ReadColumns } from "./layout.js";

/** What a usage file's columns are checked against: the card replayed, and any other the same usage is replayed through (diff's base). */
export function readColumnsFor(card: RateCard, others: readonly RateCard[] = []): ReadColumns {
  const cards = [card, ...others].flatMap((c) => c.versions ?? [c]);
  const components = new Set(cards.flatMap((c) => [...c.meters.values()].flatMap((m) => m.components.map((x) => x.name))));
  const { named, closed } = valuesNamed(cards);
  return { names: columnsRead([card, ...others]), card: `${card.provider} ${card.version}`, values: named, closed, components };
}

/**
 * The values the cards name for each dimension (in a price or lookup table, a surcharge, an
 * exemption, a plan gate: a mapping may aim at any of them), and the dimensions some price or
 * lookup table closes (it has no "*" for any other value): a value outside them is refused at the
 * row, so a mapping onto one is a mistake.
 */
function valuesNamed(cards: readonly RateCard[]): { named: Map<string, Set<string>>; closed: Set<string> } {
  const named = new Map<string, Set<string>>();
  const closed = new Set<string>();
  const add = (dimension: string, keys: Iterable<string>, closes: boolean) => {
    let set = named.get(dimension);
    if (!set) named.set(dimension, (set = new Set()));
    let any = false;
    for (const key of keys) {
      if (key === "*") any = true;
      else set.add(key);
    }
    if (closes && !any) closed.add(dimension);
  };
  const tree = (by: readonly string[], node: ReadonlyMap<string, PriceTree>, depth: number): void => {
    add(by[depth]!, node.keys(), true);
    if (depth + 1 < by.length) for (const next of node.values()) tree(by, next as ReadonlyMap<string, PriceTree>, depth + 1);
  };
  const price = (p: Price) => {
    if (p.kind === "table") tree(p.by, p.tree, 0);
  };
  const lookup = (l: Lookup<unknown>) => {
    if (l.kind === "by") add(l.dimension, l.table.keys(), true);
  };
  for (const card of cards) {
    for (const meter of card.meters.values()) {
      price(meter.price);
      for (const c of meter.components) price(c.price);
      lookup(meter.pool);
      lookup(meter.category);
      for (const s of meter.surcharges) for (const [dim, value] of s.when) add(dim, [value], false);
      for (const [dim, value] of meter.exemptWhen ?? []) add(dim, [value], false);
    }
    for (const plan of card.plans.values()) for (const [dim, values] of plan.only) add(dim, values, false);
  }
  return { named, closed };
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
