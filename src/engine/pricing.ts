import { UserError, shown, type Location } from "../errors.js";
import { Decimal, ZERO } from "../money.js";
import type { Lookup, Meter, Price, PriceTree } from "../ratecard/types.js";

type Dims = Readonly<Record<string, string>>;

function lookupPrice(price: Price, meter: Meter, what: string, dims: Dims, origin: Location): Decimal {
  if (price.kind === "flat") return price.value;
  let node: PriceTree = price.tree;
  for (const dim of price.by) {
    const table = node as ReadonlyMap<string, PriceTree>;
    const value = dims[dim] ?? "";
    const next = table.get(value) ?? table.get("*");
    if (next === undefined) {
      throw new UserError(`no ${what} for ${dim} ${shown(value)} on meter ${shown(meter.key)}`, origin, `one of ${[...table.keys()].join(", ")}`, shown(value));
    }
    node = next;
  }
  return node as Decimal;
}

function matches(when: ReadonlyMap<string, string>, dims: Dims): boolean {
  for (const [dim, value] of when) if (dims[dim] !== value) return false;
  return true;
}

/** The meter's unit price for these dimensions, per-unit surcharges included. */
export function unitPrice(meter: Meter, dims: Dims, origin: Location): Decimal {
  let price = lookupPrice(meter.price, meter, "price", dims, origin);
  for (const s of meter.surcharges) if (s.kind === "per_unit" && matches(s.when, dims)) price = price.plus(s.amount);
  return price;
}

/** One priced part of an event: the meter's own quantity, a component's, or a per-event surcharge. */
export interface PricedPart {
  /** Undefined for the meter's own quantity. */
  component: string | undefined;
  quantity: Decimal;
  unitPrice: Decimal;
  amount: Decimal;
}

/**
 * Everything an event costs, part by part. Exempt rows (bring-your-own-key) keep
 * their quantities at a unit price of 0, so they still show on the statement.
 */
export function priceEvent(meter: Meter, dims: Dims, quantity: Decimal, components: Readonly<Record<string, Decimal>>, origin: Location): PricedPart[] {
  const exempt = meter.exemptWhen !== undefined && matches(meter.exemptWhen, dims);
  const unit = exempt ? ZERO : unitPrice(meter, dims, origin);
  const parts: PricedPart[] = [{ component: undefined, quantity, unitPrice: unit, amount: quantity.mul(unit) }];
  for (const c of meter.components) {
    const q = components[c.name] ?? ZERO;
    const price = exempt ? ZERO : lookupPrice(c.price, meter, `${c.name} price`, dims, origin);
    parts.push({ component: c.name, quantity: q, unitPrice: price, amount: q.mul(price) });
  }
  for (const s of meter.surcharges) {
    if (s.kind === "per_event" && matches(s.when, dims)) {
      const flat = exempt ? ZERO : s.amount;
      parts.push({ component: s.name, quantity: new Decimal(1), unitPrice: flat, amount: flat });
    }
  }
  return parts;
}

export function resolve(lookup: Lookup<string>, dims: Dims, what: string, meter: Meter, origin: Location): string {
  if (lookup.kind === "fixed") return lookup.value;
  const value = dims[lookup.dimension] ?? "";
  const found = lookup.table.get(value) ?? lookup.table.get("*");
  if (found === undefined) {
    throw new UserError(`no ${what} for ${lookup.dimension} ${shown(value)} on meter ${shown(meter.key)}`, origin, `one of ${[...lookup.table.keys()].join(", ")}`, shown(value));
  }
  return found;
}

/** The dimensions a statement line shows: the meter's declared ones, in their declared order. */
export function lineDimensions(meter: Meter, dims: Dims): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of meter.dimensions) out[d] = dims[d] ?? "";
  return out;
}

/** A key for a keyed item (unique user, recurring project, gauge project). */
export function itemKey(keyBy: readonly string[], dims: Dims): string {
  return keyBy.length === 1 ? (dims[keyBy[0]!] ?? "") : JSON.stringify(keyBy.map((d) => dims[d] ?? ""));
}
