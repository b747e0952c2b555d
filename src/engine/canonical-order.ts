import type { UsageEvent } from "./types.js";

/**
 * The order of events at one instant: the order of their canonical keys,
 * `JSON.stringify([account, meter, sorted dimension entries, quantity, id])`.
 * No JSON text is a proper prefix of another, so the first part that differs
 * decides, and only that part is encoded: two events of different meters
 * compare by two short strings instead of two whole keys.
 */
export function canonicalOrder(a: UsageEvent, b: UsageEvent): number {
  return (
    compareJson(a.account, b.account) ||
    compareJson(a.meter, b.meter) ||
    (a.dimensions === b.dimensions ? 0 : compareText(dimensionsJson(a.dimensions), dimensionsJson(b.dimensions))) ||
    compareJson(a.quantity.toFixed(), b.quantity.toFixed()) ||
    compareJson(a.eventId ?? "", b.eventId ?? "")
  );
}

function compareJson(a: string, b: string): number {
  return a === b ? 0 : compareText(JSON.stringify(a), JSON.stringify(b));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function dimensionsJson(dims: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(dims).sort().map((k) => [k, dims[k]]));
}
