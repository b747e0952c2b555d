import type { Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import type { UsageEvent } from "./types.js";

/**
 * The order of events at one instant, the one declaration the full path (sortInstant, in Replay.flush) and the
 * known path (KnownRows.flush) both take. The rows are sorted by their canonical keys (instantOrder),
 * `JSON.stringify([account, meter, sorted dimension entries, quantity, id])`: shuffling them within an instant or
 * splitting a log across files changes nothing. Then the rows that act on one item or gauge (its start and end, its
 * increase and decrease: one account, one family of meters linked by `ended_by` or `decreased_by`, one set of key
 * values) are put back in the log's order among the places that order gave them (itemsInLogOrder: SPEC 2's "ties
 * keeping file order"): a delete and a re-create in one second mean different things in their two orders, and the log
 * says which happened (red team, stop 38: a re-publish in the second of its unpublish was billed nothing after).
 * Rows of different items keep the canonical order between them, as before: the bench's statements are unchanged.
 *
 * `a` and `b` are the rows' places at the instant, in the log's order (files in the order given, then line), as
 * `rows` reads them.
 */
export function instantOrder(rows: InstantRows, a: number, b: number): number {
  return (rows.sameParts(a, b) ? 0 : partsOrder(rows, a, b)) || quantityOrder(rows.quantity(a), rows.quantity(b)) || componentsOrder(rows.components(a), rows.components(b)) || idOrder(rows.id(a), rows.id(b));
}

/**
 * The first `n` places of `order`, sorted by instantOrder, with each item's rows put back in the log's order (their
 * places ascending) among the places they hold: a function of the rows' content and of each item's own order alone.
 */
export function itemsInLogOrder(rows: InstantRows, order: number[], n: number): void {
  let first: number | undefined;
  let groups: Map<string, number[]> | undefined;
  for (let i = 0; i < n; i++) {
    const family = rows.family(order[i]!);
    if (family === undefined) continue;
    // Most instants hold one row of an item at most: the map is made at a second.
    if (first === undefined) {
      first = i;
      continue;
    }
    if (groups === undefined) groups = new Map([[itemOf(rows, order[first]!), [first]]]);
    const key = itemOf(rows, order[i]!);
    const slots = groups.get(key);
    if (slots === undefined) groups.set(key, [i]);
    else slots.push(i);
  }
  for (const slots of groups?.values() ?? []) {
    if (slots.length < 2) continue;
    const places = slots.map((i) => order[i]!).sort(byPlace);
    slots.forEach((i, j) => (order[i] = places[j]!));
  }
}

/** Places in the log's order. */
const byPlace = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

/** A row's item: its account, its family's charging meter and its key values. */
function itemOf(rows: InstantRows, k: number): string {
  const family = rows.family(k)!;
  const dims = rows.dimensions(k);
  return JSON.stringify([rows.account(k), family.meter, family.keyBy.map((d) => dims[d] ?? "")]);
}

/** The meters that act on one item or gauge: the charging meter (`published`) with its `ended_by` or `decreased_by`. */
export interface ItemFamily {
  /** The charging meter's name, the family's place in the order. */
  readonly meter: string;
  readonly keyBy: readonly string[];
}

/** Each meter's family, by the meter's name, in one version of the card. */
export type ItemFamilies = ReadonlyMap<string, ItemFamily>;

export function itemFamilies(card: RateCard): ItemFamilies {
  // One version's meters: the version in force at the instant says what an item is (red team, stop 38: keyed by the
  // names every version shares, a later version's narrower key merged November's items into one).
  const families = new Map<string, ItemFamily>();
  for (const meter of card.meters.values()) {
    if (meter.aggregation !== "recurring" && meter.aggregation !== "gauge") continue;
    const family: ItemFamily = { meter: meter.key, keyBy: meter.keyBy };
    for (const name of [meter.key, meter.aggregation === "recurring" ? meter.endedBy : meter.decreasedBy]) if (!families.has(name)) families.set(name, family);
  }
  return families;
}

/**
 * The item families of the version in force at each instant: `first` (the earliest version) until the first switch,
 * then each switch's card from its instant (versionSwitches: a grandfathered version at a cycle start). The earliest
 * version may never switch in (a later one replaces it at its own switch): it is in force until then all the same
 * (red team, stop 38).
 */
export function familiesAt(first: RateCard, switches: readonly { card: RateCard; at: number }[] | undefined): (at: number) => ItemFamilies {
  const before = itemFamilies(first);
  if (switches === undefined || switches.length === 0) return () => before;
  const dated = switches.map((v) => ({ at: v.at, families: v.card === first ? before : itemFamilies(v.card) }));
  return (at) => {
    let families = before;
    for (const v of dated) if (v.at <= at) families = v.families;
    return families;
  };
}

/** How `instantOrder` reads the rows of one instant, by their places. */
export interface InstantRows extends PartsOf<number> {
  family(of: number): ItemFamily | undefined;
  quantity(of: number): Decimal;
  components(of: number): Components;
  id(of: number): string | undefined;
  /** Whether two rows have one account, meter and dimensions, where the reader can tell at once (two rows of one shape); false where it cannot. */
  sameParts(a: number, b: number): boolean;
}

/** Events of one instant, in the order of an instant (instantOrder, itemsInLogOrder): `events` in the log's order. */
export function sortInstant(families: ItemFamilies, events: readonly UsageEvent[]): UsageEvent[] {
  const family = events.map((e) => families.get(e.meter));
  const rows: InstantRows = {
    account: (k) => events[k]!.account,
    meter: (k) => events[k]!.meter,
    dimensions: (k) => events[k]!.dimensions,
    family: (k) => family[k],
    quantity: (k) => events[k]!.quantity,
    components: (k) => events[k]!.components,
    id: (k) => events[k]!.eventId,
    sameParts: () => false,
  };
  const order = events.map((_, k) => k).sort((a, b) => instantOrder(rows, a, b));
  itemsInLogOrder(rows, order, order.length);
  return order.map((k) => events[k]!);
}

/** The canonical order of two events, instantOrder's, before an item's rows are put back in the log's order. */
export function canonicalOrder(a: UsageEvent, b: UsageEvent): number {
  return partsOrder(EVENT_PARTS, a, b) || quantityOrder(a.quantity, b.quantity) || componentsOrder(a.components, b.components) || idOrder(a.eventId, b.eventId);
}

/** How to read the account, meter and dimensions of a `T`: an event's fields, or a shape's in a row source's columns. */
interface PartsOf<T> {
  account(of: T): string;
  meter(of: T): string;
  dimensions(of: T): Dimensions;
}

const EVENT_PARTS: PartsOf<UsageEvent> = { account: (e) => e.account, meter: (e) => e.meter, dimensions: (e) => e.dimensions };

/** The canonical order of two events' accounts, meters and dimensions, read through `parts`. */
function partsOrder<T>(parts: PartsOf<T>, a: T, b: T): number {
  const da = parts.dimensions(a), db = parts.dimensions(b);
  return compareJson(parts.account(a), parts.account(b)) || compareJson(parts.meter(a), parts.meter(b)) || (da === db ? 0 : compareDimensions(da, db));
}

/**
 * By value: the smaller quantity first. As text "1000" came before "9", so of a bucket retried at one instant under its
 * event_id, the one priced was the one whose digits sorted first (red team, stop 36: 10 credits for 0.09).
 */
function quantityOrder(a: Decimal, b: Decimal): number {
  return a === b ? 0 : a.cmp(b);
}

type Components = Readonly<Record<string, Decimal>> | undefined;

/**
 * By each component's value, the components taken in name order; a row without components first. Two retries of one
 * request at one instant under its event_id that differ in tokens alone were priced in the order they were read, and
 * so a reordered log priced the other (red team, stop 36: 0.00225 cents or 250).
 */
function componentsOrder(a: Components, b: Components): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const [ka, kb] = [Object.keys(a), Object.keys(b)];
  // One meter's rows name their components in one order: sorted only where they do not.
  const names = ka.length === kb.length && ka.every((k, i) => k === kb[i]) ? ka.sort() : [...new Set([...ka, ...kb])].sort();
  for (const name of names) {
    const [x, y] = [a[name], b[name]];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const order = x.cmp(y);
    if (order !== 0) return order;
  }
  return 0;
}

function idOrder(a: string | undefined, b: string | undefined): number {
  return compareJson(a ?? "", b ?? "");
}

type Dimensions = Readonly<Record<string, string>>;

/**
 * Compare as the JSON texts of the sorted entries compare: entry by entry, key
 * then value; where one list runs out, its `]` meets the other's `,`, and `]`
 * sorts after `,`, so the longer list comes first.
 */
function compareDimensions(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): number {
  if (sorted.has(a) || sorted.has(b)) return compareSorted(a, b);
  // Keys taken in sorted order one at a time, without sorting a copy: a handful
  // of dimensions, compared for many pairs of rows at one instant.
  let ka = nextKey(a, undefined);
  const wideA = counted > FEW_KEYS;
  let kb = nextKey(b, undefined);
  if (wideA || counted > FEW_KEYS) return compareSorted(a, b);
  for (; ; ka = nextKey(a, ka), kb = nextKey(b, kb)) {
    if (ka === undefined || kb === undefined) return ka === kb ? 0 : ka === undefined ? 1 : -1;
    const order = compareJson(ka, kb) || compareJson(a[ka]!, b[kb]!);
    if (order !== 0) return order;
  }
}

/**
 * Finding each next key walks all keys: quadratic in their number, so past a
 * handful (a usage log of 10,000 columns) an object's keys are sorted once,
 * and kept for the other comparisons it takes part in.
 */
const FEW_KEYS = 16;
const sorted = new WeakMap<object, readonly string[]>();

function compareSorted(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): number {
  const keysA = sortedKeys(a), keysB = sortedKeys(b);
  for (let i = 0; i < keysA.length && i < keysB.length; i++) {
    const order = compareJson(keysA[i]!, keysB[i]!) || compareJson(a[keysA[i]!]!, b[keysB[i]!]!);
    if (order !== 0) return order;
  }
  return keysA.length === keysB.length ? 0 : keysA.length > keysB.length ? -1 : 1;
}

function sortedKeys(o: Readonly<Record<string, string>>): readonly string[] {
  let keys = sorted.get(o);
  if (keys === undefined) sorted.set(o, (keys = sortKeys(Object.keys(o))));
  return keys;
}

/** The last keys sorted, as they came and sorted: the rows of one file mostly share their columns, sorted once. */
let lastKeys: { given: readonly string[]; sorted: readonly string[] } = { given: [], sorted: [] };

function sortKeys(given: string[]): readonly string[] {
  const last = lastKeys.given;
  if (given.length !== last.length || given.some((key, i) => key !== last[i])) lastKeys = { given, sorted: [...given].sort() };
  return lastKeys.sorted;
}

/** How many keys the last nextKey walked. */
let counted = 0;

/** The least key of `o` after `after` (all keys when undefined), in the order Array.prototype.sort gives strings. */
function nextKey(o: Readonly<Record<string, string>>, after: string | undefined): string | undefined {
  let least: string | undefined;
  counted = 0;
  for (const key in o) {
    counted++;
    if ((after === undefined || key > after) && (least === undefined || key < least)) least = key;
  }
  return least;
}

/**
 * Compare two strings as their JSON texts compare, encoding them only where JSON
 * escapes a character. Their common start is written alike in both, so the
 * texts first differ where the strings do: where both characters there are
 * written as they are, those two decide, and the strings are read no further;
 * where one is escaped, the JSON texts are compared whole. A surrogate's text
 * depends on its neighbour (a pair is written as it is, a lone one escaped),
 * but never so as to change this: before two plain characters a high surrogate
 * is lone in both strings, and a high one that ends the shorter string and
 * pairs in the longer starts a backslash there against a surrogate, as the
 * longer's next character, not plain, is taken to sort after the quote.
 */
/** Two names in the order of their JSON texts: how the rows of an instant are ordered by account (partsOrder). */
export function compareJson(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i < n) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (plain(x) && plain(y)) return x < y ? -1 : 1;
    return compareText(JSON.stringify(a), JSON.stringify(b));
  }
  // One is a prefix of the other: its closing quote meets the other's next character,
  // or the backslash or surrogate that starts that character's text, both after the quote.
  const next = a.length < b.length ? b.charCodeAt(n) : a.charCodeAt(n);
  const longerFirst = plain(next) && next < QUOTE;
  return (a.length < b.length) === longerFirst ? 1 : -1;
}

const QUOTE = 0x22;

/** Whether JSON writes the character as it is, whatever its neighbours: no control character, quote, backslash or surrogate. */
function plain(c: number): boolean {
  return c >= 0x20 && c !== QUOTE && c !== 0x5c && !surrogate(c);
}

function surrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdfff;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

