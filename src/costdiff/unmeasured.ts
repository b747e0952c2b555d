import { parsePlainDecimal, type Decimal } from "../money.js";
import type { CardChange } from "./card-changes.js";
import type { PricedLine } from "./compare.js";
import type { MoneyExercised } from "./money.js";

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
export function unmeasuredRises(changes: readonly CardChange[], lines: readonly PricedLine[], money: MoneyExercised): CardChange[] {
  return changes.filter((c) => {
    const rise = priceRise(c);
    if (rise !== undefined) return !priced(rise.keys, lines, c.versions?.card);
    const moneyRise = moneyPriceRise(c);
    return moneyRise !== undefined && !moneyRise(c.versions?.card === undefined ? money : versionExercised(money, c.versions.card));
  });
}

/** What cycles priced by one card version exercise: a change of that version is measured by them alone. */
function versionExercised(money: MoneyExercised, version: string): MoneyExercised {
  const of = (keys: Set<string>) => new Set([...keys].filter((k) => k.startsWith(`${version}\u0000`)).map((k) => k.slice(version.length + 1)));
  return { plans: of(money.byVersion.plans), overage: of(money.byVersion.overage), bought: money.byVersion.bought.has(version), byVersion: money.byVersion };
}

/** A plan's allowance or quota as a path's keys: less of it for the same fee is the rise. */
const isAllowance = (keys: readonly string[]): boolean =>
  keys[0] === "plans" && keys[1] !== undefined && ((keys.length === 3 && keys[2] === "included") || (keys.length === 4 && keys[2] === "quota" && keys[3] === "requests"));

/** How a report says an unmeasured change: a price rises, an allowance is cut. */
export const unmeasuredVerb = (c: CardChange): string => (isAllowance(segments(c.path)) ? "is cut" : "rises");

export const LINE_NEVER_PRICED = "on a line the usage never priced";

/** Why the usage does not measure an unmeasured rise, in words: a line it never priced, or the money it never pays. */
export function unmeasuredWhy(c: CardChange): string {
  const keys = segments(c.path);
  if (keys[0] === "credit_price") return "on credits, which no cycle of the usage buys";
  if (keys[0] === "plans" && keys[3] === "overage_price") return `on plan ${keys[1]}'s overage, which no cycle of the usage reaches`;
  if (keys[0] === "plans") return `on plan ${keys[1]}, which no cycle of the usage is on`;
  return LINE_NEVER_PRICED;
}

/**
 * A card change that raises a price in money, with whether the usage exercises it: a plan's price (or a cut of its
 * allowance or quota) is measured where a cycle is on that plan, its overage price where a cycle on it went past its
 * quota, the credit price where a cycle bought credits. A Free plan's overage price raised tenfold, on a corpus that never leaves the quota, costs
 * that corpus nothing more, and is named like a credit price rise on a line the usage never priced.
 */
function moneyPriceRise(c: CardChange): ((money: MoneyExercised) => boolean) | undefined {
  if (c.change !== "changed" || c.old === undefined || c.new === undefined) return undefined;
  const [old, neu] = [parsePlainDecimal(c.old), parsePlainDecimal(c.new)];
  if (old === undefined || neu === undefined) return undefined;
  const keys = segments(c.path);
  // Less for the same fee is a rise too: a plan's allowance or quota cut, where no cycle is on that plan.
  if (isAllowance(keys)) return neu.lt(old) ? (m) => m.plans.has(keys[1]!) : undefined;
  if (!neu.gt(old)) return undefined;
  if (keys.length === 1 && keys[0] === "credit_price") return (m) => m.bought;
  if (keys[0] !== "plans" || keys[1] === undefined) return undefined;
  const plan = keys[1];
  if (keys.length === 3 && keys[2] === "price") return (m) => m.plans.has(plan);
  if (keys.length === 4 && keys[2] === "quota" && keys[3] === "overage_price") return (m) => m.overage.has(plan);
  return undefined;
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
