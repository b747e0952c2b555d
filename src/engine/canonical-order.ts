import type { UsageEvent } from "./types.js";

/**
 * The order of events at one instant: the order of their canonical keys,
 * `JSON.stringify([account, meter, sorted dimension entries, quantity, id])`.
 * No JSON text is a proper prefix of another, so the first part that differs
 * decides, and only that part is encoded: two events of different meters
 * compare by two short strings instead of two whole keys. The dimensions' text
 * of a shape (`UsageEvent.shape`) is kept for its next events.
 */
export class CanonicalOrder {
  private readonly texts: ({ dimensions: Dimensions; text: string } | undefined)[] = [];

  readonly compare = (a: UsageEvent, b: UsageEvent): number =>
    compareJson(a.account, b.account) ||
    compareJson(a.meter, b.meter) ||
    (a.dimensions === b.dimensions ? 0 : compareText(this.dimensionsJson(a), this.dimensionsJson(b))) ||
    compareJson(a.quantity.toFixed(), b.quantity.toFixed()) ||
    compareJson(a.eventId ?? "", b.eventId ?? "");

  private dimensionsJson(e: UsageEvent): string {
    const kept = e.shape === undefined ? undefined : this.texts[e.shape];
    if (kept?.dimensions === e.dimensions) return kept.text;
    const text = JSON.stringify(Object.keys(e.dimensions).sort().map((k) => [k, e.dimensions[k]]));
    if (e.shape !== undefined) {
      // Shapes are numbered from 0 in order: filled without a gap, the array stays a fast one.
      while (this.texts.length < e.shape) this.texts.push(undefined);
      this.texts[e.shape] = { dimensions: e.dimensions, text };
    }
    return text;
  }
}

type Dimensions = Readonly<Record<string, string>>;

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

