import type { Decimal } from "../money.js";
import type { UsageEvent } from "./types.js";

/**
 * The order of events at one instant: the order of their canonical keys,
 * `JSON.stringify([account, meter, sorted dimension entries, quantity, id])`.
 * No JSON text is a proper prefix of another, so the first part that differs
 * decides, and only that part is compared, string by string, without encoding
 * the keys: two events of different meters compare by two short strings.
 */
export function canonicalOrder(a: UsageEvent, b: UsageEvent): number {
  return shapeOrder(a, b) || quantityOrder(a.quantity, b.quantity) || idOrder(a.eventId, b.eventId);
}

/** What rows of one shape share: the first three parts of the canonical key. */
export type ShapeKey = Pick<UsageEvent, "account" | "meter" | "dimensions">;

/** The canonical order of two events' accounts, meters and dimensions. */
export function shapeOrder(a: ShapeKey, b: ShapeKey): number {
  return compareJson(a.account, b.account) || compareJson(a.meter, b.meter) || (a.dimensions === b.dimensions ? 0 : compareDimensions(a.dimensions, b.dimensions));
}

export function quantityOrder(a: Decimal, b: Decimal): number {
  return a === b ? 0 : compareJson(a.toFixed(), b.toFixed());
}

export function idOrder(a: string | undefined, b: string | undefined): number {
  return compareJson(a ?? "", b ?? "");
}

/**
 * Compare as the JSON texts of the sorted entries compare: entry by entry, key
 * then value; where one list runs out, its `]` meets the other's `,`, and `]`
 * sorts after `,`, so the longer list comes first.
 */
function compareDimensions(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): number {
  const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const order = compareJson(ka[i]!, kb[i]!) || compareJson(a[ka[i]!]!, b[kb[i]!]!);
    if (order !== 0) return order;
  }
  return ka.length === kb.length ? 0 : ka.length > kb.length ? -1 : 1;
}

/** Compare two strings as their JSON texts compare, encoding them only where JSON escapes a character. */
function compareJson(a: string, b: string): number {
  if (a === b) return 0;
  if (!unescaped(a) || !unescaped(b)) return compareText(JSON.stringify(a), JSON.stringify(b));
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x !== y) return x < y ? -1 : 1;
  }
  // One is a prefix of the other: its closing quote meets the other's next character.
  return a.length < b.length ? (QUOTE < b.charCodeAt(n) ? -1 : 1) : a.charCodeAt(n) < QUOTE ? -1 : 1;
}

const QUOTE = 0x22;

/** Whether JSON writes the string as it is, between quotes: no control character, quote, backslash or surrogate. */
function unescaped(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === QUOTE || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

