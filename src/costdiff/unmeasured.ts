import { parsePlainDecimal, type Decimal } from "../money.js";
import type { CardChange } from "./card-changes.js";
import type { PricedLine } from "./compare.js";
import type { PriceRise } from "./priced-by.js";
import type { MoneyExercised } from "./money.js";

/** The settings under a meter that are prices: its own, its components', a surcharge's. */
const PRICE_KEYS = new Set(["price", "components", "surcharges"]);
/** Those and the exemption: what a meter charges a row, compared point by point (priced-by.ts meterRises). */
export const PRICE_SETTINGS: readonly string[] = [...PRICE_KEYS, "exempt_when"];

/** `meters.request.components.output_tokens.table.gpt-4o.openai` as its keys; a quoted key (`["a.b"]`) is one key. */
export function segments(path: string): string[] {
  return [...path.matchAll(/(?:^|\.)([A-Za-z0-9_-]+)|\[("(?:[^"\\]|\\.)*"|\d+)\]/g)].map((m) => (m[1] ?? (m[2]!.startsWith('"') ? JSON.parse(m[2]!) as string : m[2]!)));
}

/**
 * Whether the corpus has a line this price applies to: the meter, the component a path names, and every table key
 * (or `*`) among the line's dimension values; and, for a change between versions, a line the version in force for it
 * priced (a version in force after the corpus's rows measures nothing: newcomer, stop 35).
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
 * as "no change". So are the changes that restrict (a plan's gate, a grace cut)
 * in a version that prices no row of the usage: the replay cannot measure them
 * there either, where the version in force measures them by what it refuses.
 */
export function unmeasuredRises(changes: readonly CardChange[], lines: readonly PricedLine[], money: MoneyExercised): CardChange[] {
  const out: CardChange[] = [];
  // An expiry told as a setting removed and another added (`never` to `after_months: 12`) is named once.
  const heldNamed = new Set<string>();
  for (const c of changes) {
    const kind = expiryKind(segments(c.path));
    if (kind !== undefined) {
      // What a shorter expiry loses is measured on the credits of the kind the corpus holds: none held, none measured.
      const held = c.measuredBy === undefined ? money.kinds.has(kind) : money.byVersion.kinds.has(`${c.measuredBy}\u0000${kind}`);
      if (lengthens(c)) continue;
      if (!held) out.push(c);
      else if (!money.expiryReplayed.has(kind)) out.push({ ...c, why: `on the expiry of grant kind ${kind} in a later version, which the replay does not apply (a set of versions takes its grant kinds from the earliest)` });
      else if (money.heldAtEnd.has(kind) && !heldNamed.has(kind) && !(c.change === "removed" && changes.some((o) => o !== c && o.change !== "removed" && expiryKind(segments(o.path)) === kind))) {
        // Told by the new rule where the card writes one (`expires.after_months 12`), not by the old one it removes (red58 F13).
        heldNamed.add(kind);
        out.push({ ...c, why: `on the expiry of grant kind ${kind}, whose credits the usage still holds at its end, to lapse after it (a later --through measures them)` });
      }
      continue;
    }
    // A kind made paid again bills as bought what the corpus grants of it: measured where a cycle holds credits of it (of
    // the version it is in), named otherwise, between two cards as between versions (red72b H3: two single cards passed).
    const paid = paidAgainKind(c);
    if (paid !== undefined) {
      const held = c.measuredBy === undefined ? money.kinds.has(paid) : money.byVersion.kinds.has(`${c.measuredBy}\u0000${paid}`);
      if (!held) out.push({ ...c, why: `on grant kind ${paid}, made paid${c.versions === undefined ? "" : ` in version ${c.versions.card}, in force from ${c.versions.from}`}, whose credits no cycle of the usage holds` });
      continue;
    }
    if (c.rises !== undefined) {
      out.push(...unmeasuredPrices(c, lines));
      continue;
    }
    // A meter whose prices were too many to compare point by point: its leaves that rose, as written.
    const rise = priceRise(c);
    if (rise !== undefined) {
      if (!priced(rise.keys, lines, c.measuredBy)) out.push(c);
      continue;
    }
    const moneyRise = moneyPriceRise(c);
    if (moneyRise !== undefined) {
      if (!moneyRise(c.measuredBy === undefined ? money : versionExercised(money, c.measuredBy))) out.push(c);
    } else if (c.measuredBy !== undefined && restricts(c) && !versionReached(c.measuredBy, lines)) {
      out.push(c);
    }
  }
  return out;
}

/** The grant kind a change makes paid again (`grant_kinds.promo.paid`: false removed, or made true); undefined for any other change. */
const paidAgainKind = (c: CardChange): string | undefined => {
  const keys = segments(c.path);
  return keys[0] === "grant_kinds" && keys[2] === "paid" && keys.length === 3 && restricts(c) ? keys[1] : undefined;
};

/** The grant kind whose expiry a change is of (`grant_kinds.pack.expires`, and the settings under it). */
const expiryKind = (keys: readonly string[]): string | undefined => (keys[0] === "grant_kinds" && keys[2] === "expires" ? keys[1] : undefined);

/**
 * Whether an expiry change lets credits live longer, where the order is plain: `cycle_end` to `never`, or more
 * `after_months`. Any other (an expiry added or removed, a rule of another shape, the cap at the subscription's end)
 * is taken to shorten it, as a gate that cannot tell fails closed.
 */
function lengthens(c: CardChange): boolean {
  if (c.change !== "changed") return false;
  if (c.old === "cycle_end" && c.new === "never") return true;
  if (segments(c.path)[3] !== "after_months") return false;
  const [old, neu] = [parsePlainDecimal(c.old ?? ""), parsePlainDecimal(c.new ?? "")];
  return old !== undefined && neu !== undefined && neu.gt(old);
}

/**
 * Whether a version of the new card priced any of the usage. A version whose rows it all refused priced none and is
 * named too, though its refusals also fail the run (refused_more): a cycle ending under it would not do, as a version
 * in force from the middle of the corpus's last cycle, after its last row, ends that cycle and prices nothing.
 */
function versionReached(version: string, lines: readonly PricedLine[]): boolean {
  return lines.some((l) => l.versions?.has(version) === true);
}

/**
 * A change's price rises that no line of the usage measures. A leaf that changed by exactly the rise (a table
 * entry, a surcharge's amount) is told as itself, measured where any line it prices is; a rise of another shape (a
 * price made a table, a surcharge added) is told at each point no line measures, with the part's price before and after.
 */
function unmeasuredPrices(c: CardChange, lines: readonly PricedLine[]): CardChange[] {
  const { rises = [], ...change } = c;
  const open = rises.filter((r) => !measured(r, lines, c.measuredBy));
  if (open.length === 0) return [];
  const [was, is] = c.change === "changed" ? [parsePlainDecimal(c.old ?? ""), parsePlainDecimal(c.new ?? "")] : [undefined, undefined];
  if (was !== undefined && is !== undefined && rises.every((r) => r.new.minus(r.old).eq(is.minus(was)))) return open.length === rises.length ? [change] : [];
  return open.map((r) => ({ ...change, change: "changed", path: risePath(r), old: r.old.toFixed(), new: r.new.toFixed() }));
}

/**
 * Whether a line of the usage (of the version that measures it) is priced at the rise's point. A line that does not
 * show one of the point's dimensions (a surcharge's condition on a column the meter does not declare) cannot be told
 * apart by it: it measures the rise only where its cost moved, as rows at the point would have moved it.
 */
function measured(rise: PriceRise, lines: readonly PricedLine[], version: string | undefined): boolean {
  const component = rise.part.kind === "own" ? undefined : rise.part.name;
  return lines.some((l) => {
    if (l.meter !== rise.meter || l.component !== component || (version !== undefined && l.versions?.has(version) !== true)) return false;
    let blind = false;
    for (const [d, v] of Object.entries(rise.point)) {
      const value = l.dimensions[d];
      if (value === undefined) blind = true;
      else if (v === "*" ? rise.named.get(d)!.has(value) : value !== v) return false;
    }
    return !blind || !l.new.eq(l.old);
  });
}

/** `meters.data_read.price at project=enterprise-app`: the part of the meter that rises, at the values it rises for ("*": any other). */
function risePath(r: PriceRise): string {
  const part = r.part.kind === "own" ? "price" : r.part.kind === "component" ? `components.${r.part.name}.price` : `surcharge ${r.part.name}`;
  const at = Object.entries(r.point).map(([d, v]) => `${d}=${v}`).join(", ");
  return `meters.${r.meter}${r.part.kind === "surcharge" ? " " : "."}${part}${at === "" ? "" : ` at ${at}`}`;
}

/** Settings that say what the card is or how it reads, and alerts: none refuses an event or charges more. */
const INFORMATIONAL = new Set(["version", "effective", "provider", "unit", "description", "thresholds", "low_balance"]);
const NAMES = new Set(["label", "labels", "description"]);
/** What a pool does when the credits run out, from the most it gives for nothing to the least: overage bills in money what allow lets through. */
const EXHAUSTED = ["allow", "overage", "grace", "block"];

/** Whether a pool's new policy gives less: grace to overage bills what the buffer gave free, overage to grace refuses past the buffer. */
function exhaustedRestricts(old: string | undefined, now: string | undefined): boolean {
  if ((old === "grace" && now === "overage") || (old === "overage" && now === "grace")) return true;
  return EXHAUSTED.indexOf(now ?? "") > EXHAUSTED.indexOf(old ?? "");
}

/**
 * Whether a change may give a customer less for the same money, other than a price (the prices' rises are found
 * apart): a plan's gate added or narrowed, its grace or one-time credits cut, top-ups taken away, a pool that blocks
 * sooner, anything removed. A change whose direction is not known here (a grant's expiry, the crossing rule, budgets
 * on more plans, a quota on more meters) counts as one, as a gate that cannot measure fails closed; what only adds or
 * loosens (a meter or plan added, a gate lifted, more grace) does not.
 */
function restricts(c: CardChange): boolean {
  const keys = segments(c.path);
  const [top, entity, setting] = keys;
  if (INFORMATIONAL.has(top ?? "") || NAMES.has(keys.at(-1) ?? "") || (top === "budgets" && entity === "alerts")) return false;
  // A meter's prices are compared as prices; a money price or an allowance as money (moneyPriceRise).
  if (top === "meters" && PRICE_SETTINGS.includes(setting ?? "")) return false;
  if (top === "credit_price" || (top === "plans" && (isAllowance(keys) || setting === "price" || (setting === "quota" && keys[3] === "overage_price")))) return false;
  if (c.change === "added" && c.what !== "setting") return false;
  // A grant kind made free (paid: false) gives its credits for nothing; made paid again, it bills them as bought.
  if (top === "grant_kinds" && setting === "paid") return c.old === "false" && c.new !== "false";
  // A plan's gate removed lets more through; its grace or one-time credits removed give less.
  if (c.change === "removed") return !(top === "plans" && setting === "only");
  if (top === "plans" && setting === "only") return c.change === "added" || listOf(c.old).some((v) => !listOf(c.new).includes(v));
  if (top === "plans" && (setting === "grace" || setting === "onetime")) return c.change === "changed" && lessThan(c.new, c.old);
  if (top === "plans" && setting === "topups") return c.new === "false";
  if (top === "pools" && setting === "when_exhausted") return exhaustedRestricts(c.old, c.new);
  return true;
}

const listOf = (text: string | undefined): string[] => (text === undefined ? [] : text.replace(/^\[|\]$/g, "").split(", ").filter((v) => v !== ""));

function lessThan(a: string | undefined, b: string | undefined): boolean {
  const [x, y] = [a === undefined ? undefined : parsePlainDecimal(a), b === undefined ? undefined : parsePlainDecimal(b)];
  return x === undefined || y === undefined || x.lt(y);
}

/** What cycles priced by one card version exercise: a change of that version is measured by them alone. */
function versionExercised(money: MoneyExercised, version: string): MoneyExercised {
  const of = (keys: Set<string>) => new Set([...keys].filter((k) => k.startsWith(`${version}\u0000`)).map((k) => k.slice(version.length + 1)));
  return { plans: of(money.byVersion.plans), overage: of(money.byVersion.overage), bought: money.byVersion.bought.has(version), kinds: of(money.byVersion.kinds), expiryReplayed: money.expiryReplayed, heldAtEnd: money.heldAtEnd, byVersion: money.byVersion };
}

/** A plan's allowance or quota as a path's keys: less of it for the same fee is the rise. */
const isAllowance = (keys: readonly string[]): boolean =>
  keys[0] === "plans" && keys[1] !== undefined && ((keys.length === 3 && keys[2] === "included") || (keys.length === 4 && keys[2] === "quota" && keys[3] === "requests"));

/** How a report says an unmeasured change: a price rises, an allowance is cut, a restriction changes. */
const unmeasuredVerb = (c: CardChange): string => (isAllowance(segments(c.path)) ? "is cut" : isRestriction(c) ? "changes" : "rises");

/** A restriction (not a price nor money) named because the version it is in prices no row of the usage. */
const isRestriction = (c: CardChange): boolean => c.rises === undefined && moneyPriceRise(c) === undefined && restricts(c);

/** The change as standard error says it: `PATH rises from OLD to NEW`, `PATH is set to NEW`, `PATH is removed (was OLD)`. */
export function unmeasuredChange(c: CardChange): string {
  if (c.change === "added") return c.new === undefined ? `${c.path} is added` : `${c.path} is set to ${c.new}`;
  if (c.change === "removed") return c.old === undefined ? `${c.path} is removed` : `${c.path} is removed (was ${c.old})`;
  return `${c.path} ${unmeasuredVerb(c)} from ${c.old} to ${c.new}`;
}

/** The change as the table and the pull-request comment list it: `PATH OLD → NEW`, `PATH set to NEW`, `PATH removed`. */
export function unmeasuredShown(c: CardChange): string {
  if (c.change === "added") return c.new === undefined ? `${c.path} added` : `${c.path} set to ${c.new}`;
  if (c.change === "removed") return c.old === undefined ? `${c.path} removed` : `${c.path} removed (was ${c.old})`;
  return `${c.path} ${c.old} → ${c.new}`;
}

/** What the reports call the unmeasured changes: price rises, or changes where a restriction is among them. */
export const unmeasuredNoun = (changes: readonly CardChange[]): string => (changes.some(isRestriction) ? "change" : "price rise");

export const LINE_NEVER_PRICED = "on a line the usage never priced";

/** Why the usage does not measure an unmeasured rise, in words: a line it never priced, or the money it never pays. */
export function unmeasuredWhy(c: CardChange): string {
  const keys = segments(c.path);
  if (c.why !== undefined) return c.why;
  const kind = expiryKind(keys);
  if (kind !== undefined) return `on the expiry of grant kind ${kind}, whose credits no cycle of the usage holds`;
  if (isRestriction(c) && c.versions !== undefined) return `in version ${c.versions.card}, in force from ${c.versions.from}, which prices no row of the usage`;
  if (keys[0] === "credit_price") return "on credits, which no cycle of the usage buys";
  // Between sets of versions, the version's own: another version may have billed that plan's overage (red62f F4).
  if (keys[0] === "plans" && keys[3] === "overage_price") return c.versions === undefined ? `on plan ${keys[1]}'s overage, which no cycle of the usage reaches` : `on plan ${keys[1]}'s overage under version ${c.versions.card}, in force from ${c.versions.from}, which bills none of the usage's`;
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
    return rise !== undefined && priced(rise.keys, lines.priced, c.measuredBy) && !priced(rise.keys, lines.tripped, c.measuredBy) && rise.new.minus(rise.old).mul(100).gt(rise.old.mul(percent));
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
