import { UserError, shown, type Location } from "../errors.js";
import { Decimal } from "../money.js";
import type { Lookup, Meter, PriceTree } from "../ratecard/types.js";

/** The meter's unit price for these dimensions, surcharges included. */
export function unitPrice(meter: Meter, dims: Readonly<Record<string, string>>, origin: Location): Decimal {
  let price: Decimal;
  if (meter.price.kind === "flat") {
    price = meter.price.value;
  } else {
    let node: PriceTree = meter.price.tree;
    for (const dim of meter.price.by) {
      const table = node as ReadonlyMap<string, PriceTree>;
      const value = dims[dim] ?? "";
      const next = table.get(value) ?? table.get("*");
      if (next === undefined) {
        throw new UserError(`no price for ${dim} ${shown(value)} on meter ${shown(meter.key)}`, origin, `one of ${[...table.keys()].join(", ")}`, shown(value));
      }
      node = next;
    }
    price = node as Decimal;
  }
  for (const s of meter.surcharges) {
    let applies = true;
    for (const [dim, value] of s.when) if (dims[dim] !== value) applies = false;
    if (applies) price = price.plus(s.add);
  }
  return price;
}

export function resolve(lookup: Lookup<string>, dims: Readonly<Record<string, string>>, what: string, meter: Meter, origin: Location): string {
  if (lookup.kind === "fixed") return lookup.value;
  const value = dims[lookup.dimension] ?? "";
  const found = lookup.table.get(value) ?? lookup.table.get("*");
  if (found === undefined) {
    throw new UserError(`no ${what} for ${lookup.dimension} ${shown(value)} on meter ${shown(meter.key)}`, origin, `one of ${[...lookup.table.keys()].join(", ")}`, shown(value));
  }
  return found;
}

/** The dimensions a statement line shows: the meter's declared ones, in their declared order. */
export function lineDimensions(meter: Meter, dims: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of meter.dimensions) out[d] = dims[d] ?? "";
  return out;
}

/** A key for a keyed item (unique user, recurring project, gauge project). */
export function itemKey(keyBy: readonly string[], dims: Readonly<Record<string, string>>): string {
  return keyBy.length === 1 ? (dims[keyBy[0]!] ?? "") : JSON.stringify(keyBy.map((d) => dims[d] ?? ""));
}
