import { parsePlainDecimal, type Decimal } from "../money.js";
import type { CardChange } from "./card-changes.js";
import type { PricedLine } from "./compare.js";

/** The settings under a meter that are prices: its own, its components', a surcharge's. */
const PRICE_KEYS = new Set(["price", "components", "surcharges"]);

/** `meters.request.components.output_tokens.table.gpt-4o.openai` as its keys; a quoted key (`["a.b"]`) is one key. */
function segments(path: string): string[] {
  return [...path.matchAll(/(?:^|\.)([A-Za-z0-9_-]+)|\[("(?:[^"\\]|\\.)*"|\d+)\]/g)].map((m) => (m[1] ?? (m[2]!.startsWith('"') ? JSON.parse(m[2]!) as string : m[2]!)));
}

/**
 * Whether the corpus has a line this price applies to: the meter, the component a path names, and every table key
 * (or `*`) among the line's dimension values; and, for a change between versions, a line the new version priced (a
 * version in force after the corpus's rows measures nothing: newcomer, stop 35).
 */
function priced(keys: readonly string[], lines: readonly PricedLine[], version?: string): boolean {
  const [, meter, setting] = keys;
  const component = setting === "components" ? keys[3] : undefined;
  const tableAt = keys.indexOf("table");
  const values = tableAt < 0 ? [] : keys.slice(tableAt + 1);
  return lines.some((l) => l.meter === meter
    && (version === undefined || l.versions === undefined || l.versions.has(version))
    && (setting !== "price" || l.component === undefined)
    && (component === undefined || l.component === component)
    && values.every((v) => v === "*" || Object.values(l.dimensions).includes(v)));
}

/**
 * Price rises in the card on lines the usage never priced. The replay cannot
 * measure them (the same usage costs the same under both cards), so no gate
 * on usage can trip on them; the reports name them rather than let them pass
 * as "no change".
 */
export function unmeasuredRises(changes: readonly CardChange[], lines: readonly PricedLine[]): CardChange[] {
  return changes.filter((c) => {
    const rise = priceRise(c);
    return rise !== undefined && !priced(rise.keys, lines, c.versions?.card);
  });
}

/**
 * Price rises in the card by more than `percent` on lines the usage priced: `--fail-over-line`
 * on the rate itself. What a line was charged can fall while its price rises, when the new price
 * gets its rows refused (a budget, a quota, the credits), so the charged cost alone lets it pass.
 * A rise on a line whose cost already tripped the gate (`tripped`) is that line's, not told twice.
 */
export function rateRises(changes: readonly CardChange[], lines: { priced: readonly PricedLine[]; tripped: readonly PricedLine[] }, percent: Decimal): CardChange[] {
  return changes.filter((c) => {
    const rise = priceRise(c);
    return rise !== undefined && priced(rise.keys, lines.priced, c.versions?.card) && !priced(rise.keys, lines.tripped, c.versions?.card) && rise.new.minus(rise.old).mul(100).gt(rise.old.mul(percent));
  });
}

/** A card change that raises a meter's price, its component's or a surcharge's, with its keys and both prices. */
function priceRise(c: CardChange): { keys: string[]; old: Decimal; new: Decimal } | undefined {
  if (c.change !== "changed" || c.old === undefined || c.new === undefined) return undefined;
  const keys = segments(c.path);
  if (keys[0] !== "meters" || !PRICE_KEYS.has(keys[2] ?? "")) return undefined;
  const [old, neu] = [parsePlainDecimal(c.old), parsePlainDecimal(c.new)];
  return old !== undefined && neu !== undefined && neu.gt(old) ? { keys, old, new: neu } : undefined;
}
