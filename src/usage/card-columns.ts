import type { Lookup, Meter, Price, PriceTree, RateCard, UndeclaredRead } from "../ratecard/types.js";
import type { ReadColumns } from "./layout.js";
import type { OtherAccounts } from "./account-column.js";

/** What a usage file's columns are checked against: the card replayed, and any other the same usage is replayed through (diff's base). */
export function readColumnsFor(card: RateCard, others: readonly RateCard[] = [], accounts?: OtherAccounts): ReadColumns {
  const cards = [card, ...others].flatMap((c) => c.versions ?? [c]);
  const components = new Set(cards.flatMap((c) => [...c.meters.values()].flatMap((m) => m.components.map((x) => x.name))));
  const { named, closed } = valuesNamed(cards);
  const meters = [...new Set(cards.flatMap((c) => [...c.meters.keys()]))];
  const undeclared = new Map<string, UndeclaredRead>();
  for (const c of cards) for (const [name, read] of c.undeclared) if (!undeclared.has(name)) undeclared.set(name, read);
  return { names: columnsRead(cards), card: `${card.provider} ${card.version}`, values: named, closed, components, meters, ...(undeclared.size === 0 ? {} : { undeclared }), ...(accounts === undefined ? {} : { otherAccounts: accounts }) };
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
 * A meter's components across a card's versions (`--card` repeated), which the reader cannot tell
 * apart (a grandfathered version waits for the account's cycle): every component some version
 * prices is read, so that a later version's new component is priced from its switch (layout19: a
 * later version's cached-input price was never read), and `required` are those every version with
 * the meter prices, whose cell a row must give; the others are the replay's to require of the
 * rows their version prices. Worked out once a card and meter.
 */
export function meterComponents(card: RateCard, meter: string): { names: readonly string[]; required: ReadonlySet<string> } {
  let byMeter = componentsOf.get(card);
  if (byMeter === undefined) componentsOf.set(card, (byMeter = new Map()));
  let found = byMeter.get(meter);
  if (found !== undefined) return found;
  const lists: string[][] = [];
  for (const version of card.versions ?? [card]) {
    const event = version.events.get(meter);
    if (event?.role === "charge") lists.push(event.meter.components.map((c) => c.name));
  }
  const names = [...new Set(lists.flat())];
  found = { names, required: new Set(names.filter((n) => lists.every((l) => l.includes(n)))) };
  byMeter.set(meter, found);
  return found;
}

const componentsOf = new WeakMap<RateCard, Map<string, { names: readonly string[]; required: ReadonlySet<string> }>>();

/**
 * Every usage column a card reads besides the canonical ones: its meters' line
 * dimensions and keys, component quantities, the dimensions prices, surcharges,
 * exemptions, pools and categories look up, and those of plan gates, budgets,
 * daily limits and rewards. A usage column outside this set is read by nothing:
 * a typo or an export's extra column, which must not quietly become a dimension.
 * Every version's: a column only a later version reads is read too.
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

const pricedComponents = new WeakMap<RateCard, readonly string[]>();

/** Every component name some meter of the card (of any version) prices: a token count's column, read for those meters. */
export function cardComponents(card: RateCard): readonly string[] {
  let names = pricedComponents.get(card);
  if (names === undefined) pricedComponents.set(card, (names = [...new Set((card.versions ?? [card]).flatMap((v) => [...v.meters.values()].flatMap((m) => m.components.map((c) => c.name))))]));
  return names;
}
