import { UserError, shown, type Location } from "../errors.js";
import { extraParts, PriceBook } from "../engine/pricing.js";
import { ONE, ZERO, type Decimal } from "../money.js";
import { nearest } from "../nearest.js";
import type { Meter, RateCard } from "../ratecard/types.js";
import type { Activity } from "./types.js";

/** An item's components as the check reads them: where the item is written, and each component's quantity per event. */
export interface ComponentsGiven {
  readonly meterName: string;
  /** The card's versions in force over the simulated cycles (the card alone where one is given). */
  readonly versions: readonly RateCard[];
  readonly dims: Record<string, string>;
  readonly item: { readonly path: (string | number)[]; readonly components: ReadonlyMap<string, Decimal> | undefined };
  readonly at: (path: (string | number)[]) => Location;
}

/**
 * Never a silent zero: a meter priced on components (tokens beside a request) costs nothing for a row without them, so
 * an item must give every component its meter prices, in each version of the card in force over the cycles, unless its
 * rows are exempt there (bring-your-own-key). With versions, the first version's meter alone was read: a later one's
 * cached tokens, left out, cost nothing without a word (newcomer72b M5). A name no version prices is refused, as it
 * would be dropped without a word, but for a 0, which drops nothing: one prospect's file is priced on a card that
 * prices cached tokens and on one that does not.
 */
export function itemComponents(given: ComponentsGiven): Activity["components"] {
  const { versions, item, at, meterName } = given;
  const meters = versions.flatMap((v) => {
    const meter = v.events.get(meterName)?.meter;
    return meter === undefined ? [] : [{ version: v, meter }];
  });
  const names = [...new Set(meters.flatMap((m) => m.meter.components.map((c) => c.name)))];
  const written = item.components;
  for (const [name, quantity] of written ?? []) {
    if (names.includes(name)) continue;
    const near = nearest(name, names);
    if (quantity.isZero() && near === undefined && names.length > 0) continue;
    throw new UserError(
      `meter ${shown(meterName)} has no component ${shown(name)}${near ? `; did you mean ${shown(near)}?` : ""}`,
      at([...item.path, "components", name]),
      names.length === 0 ? `no components (${shown(meterName)} is priced on its quantity alone)` : `components of ${shown(meterName)}: ${names.join(", ")} (or 0 for one it does not price)`,
      shown(name),
    );
  }
  if (names.length === 0) return undefined;
  // A component a version in force does not price costs nothing under it, as that version says: a later version that
  // stops pricing a component, or prices the meter per request, is priced so (red72b M1).
  for (const { version, meter } of meters) missingIn(version, meter, given, versions.length > 1);
  const out: Record<string, Decimal> = {};
  for (const n of names) out[n] = written?.get(n) ?? ZERO;
  for (const { meter } of meters) extraParts(new PriceBook(), { meter, dims: given.dims, quantity: ONE, components: out, origin: at(item.path) });
  return out;
}

/** Refuse an item that leaves out a component the version's meter prices, its rows not exempt there. */
function missingIn(version: RateCard, meter: Meter, { dims, item, at }: ComponentsGiven, several: boolean): void {
  const names = meter.components.map((c) => c.name);
  const written = item.components;
  const exempt = meter.exemptWhen !== undefined && [...meter.exemptWhen].every(([d, v]) => dims[d] === v);
  const missing = names.filter((n) => !written?.has(n));
  if (missing.length === 0 || exempt) return;
  const example = names.map((n) => `${n}: ${written?.get(n)?.toFixed() ?? "N"}`).join(", ");
  const by = several ? ` by version ${shown(version.version)} of the card (effective ${version.effective})` : "";
  throw new UserError(
    `meter ${shown(meter.key)} is priced on ${names.join(" and ")} per event${by}, and this item gives no ${missing.join(" or ")}: ${missing.length === names.length ? "it would cost nothing" : `its ${missing.join(" and ")} would cost nothing`}`,
    at(written === undefined ? item.path : [...item.path, "components"]),
    `components: { ${example} } on this item (quantities per event)`,
    written === undefined ? "no components" : `components without ${missing.join(", ")}`,
  );
}

