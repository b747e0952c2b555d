import { UserError, cellOf, shown, type Location } from "../errors.js";
import { nearest } from "../nearest.js";
import { ONE, ZERO, roundToStep, scaledCount, type Decimal } from "../money.js";
import type { Lookup, Meter, Price, PriceTree, RateCard } from "../ratecard/types.js";
import { conditionNearMiss, conditionNearMissError, type NamedValues } from "../ratecard/condition-values.js";
import { COUNT_DECIMALS, countOf, exact, type Exact } from "./credits.js";

type Dims = Readonly<Record<string, string>>;

function lookupPrice(price: Price, meter: Meter, what: string, dims: Dims, origin: Location): Decimal {
  if (price.kind === "flat") return price.value;
  let node: PriceTree = price.tree;
  for (const dim of price.by) {
    const table = node as ReadonlyMap<string, PriceTree>;
    const value = dims[dim] ?? "";
    const next = table.get(value) ?? table.get("*");
    if (next === undefined) {
      const typo = cardTypo({ meter, price, dim, value, keys: table.keys() });
      if (typo !== undefined) {
        const named = typo.named === value ? "names it" : `names ${shown(typo.named)}`;
        const read = typo.named === value ? "" : `, and the export's value read as ${shown(typo.named)}: dimension_values: { ${dim}: { ${shown(value)}: ${shown(typo.named)} } } in the usage mapping`;
        const typoText = typo.near === undefined ? "" : `: this table's ${shown(typo.near)} is likely a typo in the card`;
        const fix = typo.near === undefined ? "" : `${shown(typo.near)} renamed; `;
        throw new Unpriced(dim, value, `no ${what} for ${dim} ${shown(value)} on meter ${shown(meter.key)}, though the card's ${typo.elsewhere} ${named}${typoText}`, cellOf(origin, dim), `the card's ${what} to name ${shown(typo.named)} as its other prices do (${fix}burnrate check names it)${read}`);
      }
      // A new model in an export is common: the card's fallback, which prices every value not listed, is named where it is the fix.
      throw new Unpriced(dim, value, `no ${what} for ${dim} ${shown(value)} on meter ${shown(meter.key)}${meant(value, table.keys())}`, cellOf(origin, dim), `one of ${[...table.keys()].join(", ")}, or a "*" entry in the card's price for any other${mappedFix(dim, value, table.keys(), origin)}${setAside(dim, origin)}`);
    }
    node = next;
  }
  return node as Decimal;
}

/**
 * A value that one of the meter's prices lacks but another names, where the one lacking it has a near miss of it that
 * the other lacks (`gpt4o-mini` in the input price, `gpt-4o-mini` in the output price): the card's typo, not the
 * export's, so mapping the export's value onto the near miss would fix the data to fit the typo (newcomer, stop 48).
 * A near miss the other price names too is a value of its own (`gpt-4o-mini` beside a missing `gpt-4o-mini-tts`: red48b
 * #2): then the value is what this price lacks, without a near miss. The value after a gateway's prefix counts as the
 * value (`openai/gpt-4o-mini`, red48b #3). Only a table's first dimension is compared.
 */
function cardTypo(at: { meter: Meter; price: Price; dim: string; value: string; keys: Iterable<string> }): { elsewhere: string; named: string; near: string | undefined } | undefined {
  const { meter, price, dim, value } = at;
  const keys = [...at.keys].filter((k) => k !== "*");
  const prices = [{ name: "price", price: meter.price }, ...meter.components.map((c) => ({ name: `${c.name} price`, price: c.price }))];
  const tail = value.split("/").at(-1)!;
  for (const named of tail === value || tail === "" ? [value] : [value, tail]) {
    // This price names the value after the prefix: the export's prefix is what it lacks, not the card.
    if (keys.includes(named)) return undefined;
    for (const p of prices) {
      if (p.price === price || p.price.kind !== "table" || p.price.by[0] !== dim || !p.price.tree.has(named)) continue;
      const tree = p.price.tree;
      return { elsewhere: p.name, named, near: nearest(named, keys.filter((k) => !tree.has(k))) };
    }
  }
  return undefined;
}

/** A row's value of a dimension that a price table neither names nor covers with "*": the reader names every such value, not the first alone. */
export class Unpriced extends UserError {
  constructor(
    readonly dimension: string,
    readonly value: string,
    problem: string,
    place: Location,
    expected: string,
  ) {
    super(problem, place, expected, shown(value));
  }
}

/** "; did you mean ..." where a value misses one of a table's by a typo (quill-pr0 for quill-pro): a model's name mistyped in an export or a scenario. */
function meant(value: string, keys: Iterable<string>): string {
  const near = closeKey(value, keys);
  return near === undefined ? "" : `; did you mean ${shown(near)}?`;
}

/** The table's value a row's value was probably meant to be: a typo of it (nearest), else a release of it (releaseOf). */
function closeKey(value: string, keys: Iterable<string>): string | undefined {
  if (value === "") return undefined;
  const listed = [...keys].filter((k) => k !== "*");
  // After a gateway's prefix, a typo of a listed value (openai/gpt4o for gpt-4o) is as near as one without it.
  const tail = value.split("/").at(-1)!;
  return nearest(value, listed) ?? releaseOf(value, listed) ?? (tail !== value && tail !== "" ? nearest(tail, listed) : undefined);
}

/**
 * The table's value that an export's longer name is a release of: after a provider's prefix
 * (`bedrock/`, `anthropic.`, `us.anthropic.`), the value followed by a date, a version or a variant
 * (gpt-4o-mini-2024-07-18, claude-sonnet-4-20250514, bedrock/anthropic.claude-sonnet-4-20250514-v1:0: RELEASE_SUFFIX);
 * the longest such value (gpt-4o-mini before gpt-4o). Only ever suggested: a release may be priced apart.
 */
/**
 * What may follow a model's name in a release of it: dates (-2024-07-18, -20250514, -0613, @20240620),
 * versions (-v1:0, Google's stable -001) and -latest, nothing else. A word (-mini, -realtime-preview) or a bare number
 * (claude-sonnet-4-5) names another model, which a mapping onto this one would misprice.
 */
const RELEASE_SUFFIX = /^(?:[-@_.](?:\d{4}-\d{2}-\d{2}|\d{8}|(?:0[1-9]|1[0-2])[0-3]\d|0\d[1-9]|v\d+(?::\d+)?|latest))+$/;

export function releaseOf(value: string, keys: readonly string[]): string | undefined {
  const name = value.toLowerCase().replace(/^.*\//, "").replace(/^(?:[a-z]+\.)+(?=[a-z])/, "");
  let best: string | undefined;
  for (const key of keys) {
    const k = key.toLowerCase();
    const release = k !== "" && name.startsWith(k) && RELEASE_SUFFIX.test(name.slice(k.length));
    if (release && (best === undefined || key.length > best.length)) best = key;
  }
  return best;
}

/**
 * For a usage row's value: its rows set aside by the usage mapping while the price is decided, as a month's statements
 * are wanted before the card prices a new model (newcomer68 L2: 9 rows of 157,815 stopped all 40 customers' statements).
 */
function setAside(dim: string, origin: Location): string {
  if (origin.columns === undefined) return "";
  // Not an entry to paste: the export's column of the dimension may be named otherwise (rename:, a layout's path), and a
  // long value is shown cut short (red68c M3, M4).
  return `, or a skip_rows: entry in the usage mapping, under the export's column of ${dim}, with this value, to leave its rows out meanwhile, neither charged nor counted`;
}

/** For a usage row's value near one of the table's (OPENAI, openai/gpt-4o): the usage mapping's entry that reads it as that one. */
function mappedFix(dim: string, value: string, keys: Iterable<string>, origin: Location): string {
  const near = origin.columns === undefined ? undefined : closeKey(value, keys);
  if (near === undefined) return "";
  const flag = /^[\w./:@-]{1,80}$/.test(value) && /^[\w.-]{1,40}$/.test(dim) && !near.includes("=") ? ` (--map value:${dim}:${near}=${value})` : "";
  return `, or the export's value read as ${shown(near)}: dimension_values: { ${dim}: { ${shown(value)}: ${shown(near)} } } in the usage mapping${flag}`;
}

function matches(when: ReadonlyMap<string, string>, dims: Dims): boolean {
  for (const [dim, value] of when) if (dims[dim] !== value) return false;
  return true;
}

/** A unit price with its exact text, which keys statement lines, and its integer form, which prices events in credits. */
export interface UnitPrice {
  value: Decimal;
  text: string;
  exact: Exact;
}

function unitOf(value: Decimal): UnitPrice {
  return { value, text: value.toFixed(), exact: exact(value) };
}

/**
 * Unit prices looked up once per meter and combination of the dimension values
 * they depend on, not once per event: a replay prices millions of rows from a few
 * thousand combinations.
 */
export class PriceBook {
  private readonly memo = new Map<string, UnitPrice>();
  private readonly texts = new Map<string, UnitPrice>();
  private readonly depends = new Map<Meter, readonly string[]>();
  /** Quantities by identity: readers hand out one Decimal per distinct text (and per whole number of tokens below 65,536), so a few thousand cover a log. */
  private readonly quantities = new Map<Decimal, Quantity>();
  static readonly ZERO: UnitPrice = unitOf(ZERO);

  /** `named`: the values the whole card names for each dimension (cardNamedValues), none of them a near miss of a condition's. */
  constructor(private readonly named?: NamedValues) {}

  /**
   * Refuse a row whose value is a near miss of one its meter's surcharge or exemption compares against
   * (`Private` for `private`, `True` for `true`): a condition compares exact text, so the row would pay
   * the base price without a word, where a price table's near miss is refused.
   */
  checkConditions(meter: Meter, dims: Dims, origin: Location): void {
    if (meter.surcharges.length === 0 && meter.exemptWhen === undefined) return;
    const miss = conditionNearMiss(meter, dims, this.named);
    if (miss) throw conditionNearMissError(miss, meter.key, cellOf(origin, miss.dimension));
  }

  unit(meter: Meter, dims: Dims, origin: Location): UnitPrice {
    let deps = this.depends.get(meter);
    if (!deps) this.depends.set(meter, (deps = priceDimensions(meter)));
    let key = meter.key;
    for (const d of deps) key += `\u0001${dims[d] ?? "\u0002"}`;
    let found = this.memo.get(key);
    if (!found) {
      // Every combination of the values a per-unit surcharge or the exemption reads is looked up here once.
      this.checkConditions(meter, dims, origin);
      const exempt = meter.exemptWhen !== undefined && matches(meter.exemptWhen, dims);
      const value = exempt ? ZERO : unitPrice(meter, dims, origin);
      this.memo.set(key, (found = unitOf(value)));
    }
    return found;
  }

  /** The unit price of a component or refund line: a few distinct values, each worked out once. */
  text(value: Decimal): UnitPrice {
    const text = value.toFixed();
    let found = this.texts.get(text);
    if (!found) {
      found = unitOf(value);
      if (this.texts.size < 4096) this.texts.set(text, found);
    }
    return found;
  }

  /**
   * A quantity's count in millionths, where safe: from the Decimal's own digits (a gateway log's rows give two token
   * counts each, and a lookup of each took longer), else, near the safe integers' end, from its integer form.
   */
  count(value: Decimal): number | undefined {
    const count = scaledCount(value, COUNT_DECIMALS);
    // A negative zero's count is 0, as its integer form's.
    return count === undefined ? this.quantity(value).count : count === 0 ? 0 : count;
  }

  quantity(value: Decimal): Quantity {
    let found = this.quantities.get(value);
    if (!found) {
      const integer = exact(value);
      found = { ...integer, count: countOf(integer) };
      if (this.quantities.size < KEPT_QUANTITIES) this.quantities.set(value, found);
    }
    return found;
  }
}

/** Quantities a PriceBook keeps: a gateway log's token counts are a few thousand distinct values a component. */
const KEPT_QUANTITIES = 1 << 16;

/** A quantity's integer form, and its count in millionths where a statement line can add it as a number. */
export interface Quantity extends Exact {
  readonly count: number | undefined;
}

/** Whether an event of this meter costs its quantity times its unit price and nothing else, before any rounding. */
export function pricedByUnitAlone(meter: Meter): boolean {
  return meter.components.length === 0 && pricedByUnits(meter);
}

/**
 * Whether an event of this meter costs its quantity times its unit price plus each component's quantity times the
 * component's unit price, and nothing else, before any rounding: of every event, or of one of these dimensions,
 * which meet the condition of no per-event surcharge (extraParts adds those that they meet).
 */
export function pricedByUnits(meter: Meter, dims?: Dims): boolean {
  return !meter.surcharges.some((s) => s.kind === "per_event" && (dims === undefined || matches(s.when, dims)));
}

/** The unit price of each of a meter's components for these dimensions, in the meter's order: 0 for an exempt row (bring-your-own-key), which keeps its quantities. */
export function componentUnits(book: PriceBook, meter: Meter, dims: Dims, origin: Location): UnitPrice[] {
  const exempt = meter.exemptWhen !== undefined && matches(meter.exemptWhen, dims);
  return meter.components.map((c) => (exempt ? PriceBook.ZERO : book.text(lookupPrice(c.price, meter, `${c.name} price`, dims, origin))));
}

/** The most decimals any price of the card has: with a quantity's, what the replay's credit scale must hold. */
export function priceDecimals(card: RateCard): number {
  let most = 0;
  const tree = (node: PriceTree): void => {
    if (node instanceof Map) for (const next of node.values()) tree(next);
    else if ((node as Decimal).decimalPlaces() > most) most = (node as Decimal).decimalPlaces();
  };
  const price = (p: Price) => (p.kind === "flat" ? tree(p.value) : tree(p.tree));
  for (const meter of card.meters.values()) {
    price(meter.price);
    for (const c of meter.components) price(c.price);
    for (const s of meter.surcharges) tree(s.amount);
  }
  return most;
}

/** The dimensions a meter's unit price can depend on. */
export function priceDimensions(meter: Meter): readonly string[] {
  const dims = new Set<string>();
  if (meter.price.kind === "table") for (const d of meter.price.by) dims.add(d);
  for (const s of meter.surcharges) if (s.kind === "per_unit") for (const d of s.when.keys()) dims.add(d);
  for (const d of meter.exemptWhen?.keys() ?? []) dims.add(d);
  return [...dims];
}

/** The meter's unit price for these dimensions, per-unit surcharges included. */
export function unitPrice(meter: Meter, dims: Dims, origin: Location): Decimal {
  let price = lookupPrice(meter.price, meter, "price", dims, origin);
  for (const s of meter.surcharges) if (s.kind === "per_unit" && matches(s.when, dims)) price = price.plus(s.amount);
  return price;
}

/** One priced part of an event: the meter's own quantity, a component's, or a per-event surcharge. */
interface PricedPart {
  /** Undefined for the meter's own quantity. */
  component: string | undefined;
  quantity: Decimal;
  unit: UnitPrice;
  amount: Decimal;
}


/** What one event costs: its own quantity at the unit price, then its components and surcharges, each rounded where the card rounds per event. */
export interface PricedEvent {
  unit: UnitPrice;
  own: Decimal;
  extras: readonly PricedPart[];
  amount: Decimal;
}

const NO_PARTS: readonly PricedPart[] = Object.freeze([]);
const NO_COMPONENTS: Readonly<Record<string, Decimal>> = Object.freeze({});

/** The one place an event's amount is worked out: the replay charges it, reconciliation estimates with it. */
export function priceEvent(book: PriceBook, card: RateCard, event: { meter: Meter; dims: Dims; quantity: Decimal; components: Readonly<Record<string, Decimal>> | undefined; origin: Location }): PricedEvent {
  const { meter, dims, quantity, components = NO_COMPONENTS, origin } = event;
  const unit = book.unit(meter, dims, origin);
  const exactOwn = quantity === ONE ? unit.value : quantity.mul(unit.value);
  const extras = meter.components.length > 0 || meter.surcharges.length > 0 ? extraParts(book, { meter, dims, quantity, components, origin }) : NO_PARTS;
  let exact = exactOwn;
  for (const p of extras) exact = exact.plus(p.amount);
  const { roundAt, step, rounding } = card.precision;
  if (roundAt !== "event") return { unit, own: exactOwn, extras, amount: exact };
  // A bucket of whole events priced without components holds `quantity` alike events (SPEC 1), each rounded as a
  // row of its own would be: 100 maps calls of 0.08 at a step of 0.1 cost 100 x 0.1, not 8 rounded once (red team,
  // stop 37). A bucket priced by components does not say how its tokens split among its requests: rounded as one.
  if (meter.components.length === 0 && quantity.gt(ONE) && quantity.isInteger()) return eachOf(priceEvent(book, card, { ...event, quantity: ONE }), quantity);
  // The provider rounds what the event costs, once: two components of 0.0045 make a 0.01 request, not two of 0.
  // Each component's line shows its own amount cut down to the step, and the event's own line the rest, so the
  // lines still add up to what was charged. Cut down, the parts never sum past the rounded event (a sum of parts
  // cut down is at most the sum cut down), so the own line is never a negative usage line that reads as a refund.
  const amount = roundToStep(exact, step, rounding);
  let own = amount;
  for (const p of extras) {
    p.amount = roundToStep(p.amount, step, "down");
    own = own.minus(p.amount);
  }
  return { unit, own, extras, amount };
}

/** `count` events priced alike as `one`: its amounts and quantities that many times. */
function eachOf(one: PricedEvent, count: Decimal): PricedEvent {
  const extras = one.extras.map((p) => ({ ...p, quantity: p.quantity.mul(count), amount: p.amount.mul(count) }));
  return { unit: one.unit, own: one.own.mul(count), extras, amount: one.amount.mul(count) };
}

/**
 * Everything an event costs beyond its own quantity: its components and per-event
 * surcharges. Exempt rows (bring-your-own-key) keep their quantities at a unit
 * price of 0, so they still show on the statement. A row's quantity counts the
 * events it holds (SPEC 1: one row per event, or a pre-aggregated bucket), so a
 * per-event surcharge is charged that many times: a bucket of 5 requests with web
 * search pays 5 surcharges, not one.
 */
export function extraParts(book: PriceBook, event: { meter: Meter; dims: Dims; quantity: Decimal; components: Readonly<Record<string, Decimal>>; origin: Location }): PricedPart[] {
  const { meter, dims, quantity, components, origin } = event;
  // A per-event surcharge's values are not among those unit() looks up by: every event is checked here.
  book.checkConditions(meter, dims, origin);
  const exempt = meter.exemptWhen !== undefined && matches(meter.exemptWhen, dims);
  const parts: PricedPart[] = [];
  const units = meter.components.length === 0 ? [] : componentUnits(book, meter, dims, origin);
  meter.components.forEach((c, j) => {
    const q = components[c.name];
    // A row need not give a component only some card versions price (usage/card-columns.ts, meterComponents):
    // one its version prices is refused here, not priced as 0.
    if (q === undefined && components !== NO_COMPONENTS) {
      throw new UserError(`meter ${shown(meter.key)} needs a quantity of ${shown(c.name)} under the card version in force at this row`, cellOf(origin, c.name), "a plain decimal (the version in force prices it)", "an empty cell, or a null or missing field");
    }
    parts.push({ component: c.name, quantity: q ?? ZERO, unit: units[j]!, amount: (q ?? ZERO).mul(units[j]!.value) });
  });
  for (const s of meter.surcharges) {
    if (s.kind === "per_event" && matches(s.when, dims)) {
      const unit = exempt ? PriceBook.ZERO : book.text(s.amount);
      parts.push({ component: s.name, quantity, unit, amount: quantity === ONE ? unit.value : quantity.mul(unit.value) });
    }
  }
  return parts;
}

export function resolve(lookup: Lookup<string>, dims: Dims, what: string, meter: Meter, origin: Location): string {
  if (lookup.kind === "fixed") return lookup.value;
  const value = dims[lookup.dimension] ?? "";
  const found = lookup.table.get(value) ?? lookup.table.get("*");
  if (found === undefined) {
    throw new UserError(`no ${what} for ${lookup.dimension} ${shown(value)} on meter ${shown(meter.key)}${meant(value, lookup.table.keys())}`, cellOf(origin, lookup.dimension), `one of ${[...lookup.table.keys()].join(", ")}`, shown(value));
  }
  return found;
}

/** The dimensions a statement line shows: the meter's declared ones, in their declared order. */
export function lineDimensions(meter: Meter, dims: Dims): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of meter.dimensions) out[d] = dims[d] ?? "";
  return out;
}

/** An item's key values as a reader names them (`project "alpha", channel "web"`), not as itemKey joins them. */
export function itemNamed(keyBy: readonly string[], dims: Dims): string {
  return keyBy.map((d) => `${d} ${shown(dims[d] ?? "")}`).join(", ");
}

/** A key for a keyed item (unique user, recurring project, gauge project). */
export function itemKey(keyBy: readonly string[], dims: Dims): string {
  if (keyBy.length === 1) return dims[keyBy[0]!] ?? "";
  // Each value prefixed with its length: no value can run into the next, whatever it holds.
  let key = "";
  for (const d of keyBy) {
    const value = dims[d] ?? "";
    key += `${value.length}:${value}`;
  }
  return key;
}
