import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalOrder } from "../src/engine/canonical-order.js";
import type { UsageEvent } from "../src/engine/types.js";
import type { ShapedEvent } from "../src/engine/rows.js";
import { Decimal } from "../src/money.js";

// Events at one instant are priced in the order of their canonical keys. The
// comparator encodes only the part that differs; it must sort exactly as the
// whole keys do, also where JSON escaping reorders characters: `"` sorts after
// `!` as text but its escape `\"` sorts after every letter but a few.
// A high and a low surrogate: a pair is written as it is, a lone one escaped, so a string's text
// depends on the neighbour of its surrogate (a string of "\ud800" then "\udc00" beside one that ends at "\ud800").
const text = fc.string({ unit: fc.constantFrom("a", "b", "!", " ", '"', "\\", "\u0001", "\ud800", "\udc00", "\u00e9", "Z"), maxLength: 3 });
const event = fc
  .record({
    account: text,
    meter: text,
    dimensions: fc.dictionary(fc.constantFrom("project", "user", "a", "b\\", "10", "9", "\u00e9", "__proto__"), text, { maxKeys: 4 }),
    quantity: fc.constantFrom("0", "1", "1.5", "10", "2"),
    eventId: fc.option(text, { nil: undefined }),
  })
  .map(({ quantity, ...rest }): UsageEvent => ({ ...rest, at: 0, quantity: new Decimal(quantity), origin: { file: "u.csv", line: 2, column: 1 } }));

/** The whole key's parts: account, meter and dimensions as JSON text, then the quantity by value, then the id as JSON text. */
function wholeOrder(a: UsageEvent, b: UsageEvent): number {
  const text = (e: UsageEvent) => JSON.stringify([e.account, e.meter, Object.keys(e.dimensions).sort().map((k) => [k, e.dimensions[k]])]);
  const id = (e: UsageEvent) => JSON.stringify(e.eventId ?? "");
  const [ta, tb] = [text(a), text(b)];
  if (ta !== tb) return ta < tb ? -1 : 1;
  // By value since stop 36: as text, "10" sorted before "2" (a retry of 1000 priced over its bucket of 9).
  const q = a.quantity.cmp(b.quantity);
  if (q !== 0) return q;
  return id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0;
}

/** Sorting by the comparator and by the whole keys gives the same order of indices (so ties stay in arrival order). */
function sortsAsWholeKeys(events: fc.Arbitrary<UsageEvent>): void {
  fc.assert(
    fc.property(fc.array(events, { maxLength: 12 }), (list) => {
      const indices = list.map((_, i) => i);
      const byKey = [...indices].sort((i, j) => wholeOrder(list[i]!, list[j]!));
      expect([...indices].sort((i, j) => canonicalOrder(list[i]!, list[j]!))).toEqual(byKey);
    }),
    { numRuns: 2000 },
  );
}

describe("canonical order of events at one instant", () => {
  it("sorts as the whole canonical keys do, ties kept in arrival order", () => {
    sortsAsWholeKeys(event);
  });

  it("sorts events whose dimensions objects are shared (a shape's) as the whole keys do", () => {
    const pool: Record<string, string>[] = [{}, { project: "p1" }, { project: "p1", user: 'u"' }, { project: "p\\2" }, { user: "\ud800" }, { project: "p1!" }];
    const shaped = fc.tuple(event, fc.nat(pool.length - 1)).map(([e, i]): ShapedEvent => ({ ...e, dimensions: pool[i]!, shape: i }));
    sortsAsWholeKeys(shaped);
  });

  it("sorts events with many dimensions (their keys sorted once, not walked once a key) as the whole keys do", () => {
    const names = fc.constantFrom(...Array.from({ length: 40 }, (_, i) => `d${i}`), "b\\", "\u00e9", "__proto__");
    const wide = fc
      .tuple(event, fc.dictionary(names, text, { minKeys: 0, maxKeys: 30 }))
      .map(([e, dimensions]): UsageEvent => ({ ...e, dimensions }));
    sortsAsWholeKeys(wide);
  });

  it("orders by the escaped text, not the raw text", () => {
    const at = (meter: string): UsageEvent => ({ at: 0, account: "a", meter, quantity: new Decimal(1), dimensions: {}, eventId: undefined, origin: { file: "u.csv", line: 2, column: 1 } });
    // Raw, "ab" < "ab!"; as JSON, "\"ab\"" > "\"ab!\"" because `"` (0x22) follows `!` (0x21).
    expect(canonicalOrder(at("ab"), at("ab!"))).toBe(1);
    expect(canonicalOrder(at("ab!"), at("ab"))).toBe(-1);
  });
});
