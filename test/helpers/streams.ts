import fc from "fast-check";
import type { EventSpec } from "./engine.js";

// Random usage streams over the test card's meters (helpers/engine.ts TEST_CARD), shared by
// the invariants and the fast-path differential test.
export const DAY = 86_400_000;
export const START = Date.UTC(2026, 0, 1);
const meters = ["call", "read", "view", "visitor", "site", "site_closed", "disk", "disk_freed"] as const;

export const rawEvent = fc.record({
  day: fc.integer({ min: 0, max: 80 }),
  // Few distinct instants, so that many events share one and order within it matters.
  hour: fc.integer({ min: 0, max: 1 }),
  meter: fc.constantFrom(...meters),
  quantity: fc.integer({ min: 0, max: 60 }),
  hundredths: fc.integer({ min: 0, max: 99 }),
  project: fc.constantFrom("p", "q"),
  user: fc.constantFrom("u1", "u2"),
  account: fc.constantFrom("acct", "other"),
});
export type RawEvent = typeof rawEvent extends fc.Arbitrary<infer T> ? T : never;

/** Make random rows consistent: close an item only while open, lower a level only as far as it goes. */
export function consistent(raw: RawEvent[]): EventSpec[] {
  const sorted = raw.map((r, i) => ({ r, i })).sort((a, b) => a.r.day - b.r.day || a.r.hour - b.r.hour || a.i - b.i);
  const open = new Set<string>();
  const level = new Map<string, number>();
  const out: EventSpec[] = [];
  for (const { r, i } of sorted) {
    const key = `${r.account}/${r.project}`;
    let quantity = `${r.quantity}.${String(r.hundredths).padStart(2, "0")}`;
    if (r.meter === "site") open.add(key);
    if (r.meter === "site_closed" && !open.delete(key)) continue;
    if (r.meter === "disk") {
      level.set(key, (level.get(key) ?? 0) + r.quantity);
      quantity = String(r.quantity);
    }
    if (r.meter === "disk_freed") {
      const have = level.get(key) ?? 0;
      if (have === 0) continue;
      const take = Math.min(have, Math.max(1, r.quantity));
      level.set(key, have - take);
      quantity = String(take);
    }
    out.push([new Date(START + r.day * DAY + r.hour * 3_600_000).toISOString(), r.meter, quantity, { project: r.project, user: r.user }, { account: r.account, id: `e${i}` }]);
  }
  return out;
}

export const stream = fc.array(rawEvent, { maxLength: 24 }).map(consistent);
export const purchases = fc.array(fc.record({
  kind: fc.constantFrom("topup", "addon"),
  amount: fc.integer({ min: 1, max: 60 }).map(String),
  // Before 2026-03-10, the subscription's end the streams' runs give: no credits are sold after it (stop 37).
  day: fc.integer({ min: 0, max: 67 }),
}), { maxLength: 3 }).map((ps) => ps.map((p) => ({ kind: p.kind, amount: p.amount, at: new Date(START + p.day * DAY + 1800_000).toISOString() })));

// Long runs of few shapes, so that most rows are priced from what earlier rows of their
// shape showed, and the balance runs out partway, with ties at most instants.
export const repeating = fc.record({
  day: fc.integer({ min: 0, max: 19 }).map((d) => 4 * d),
  hour: fc.integer({ min: 0, max: 1 }),
  meter: fc.constantFrom("call", "read", "read", "view", "visitor", "visitor", "site", "disk"),
  quantity: fc.constantFrom(0, 0, 1, 1, 2, 3),
  hundredths: fc.constantFrom(0, 0, 50),
  project: fc.constantFrom("p", "p", "q"),
  user: fc.constantFrom("u1", "u2"),
  account: fc.constantFrom("acct", "acct", "other"),
});
export const long = fc.array(repeating, { minLength: 20, maxLength: 120 }).map(consistent);
