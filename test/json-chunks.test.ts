import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../src/money.js";
import { jsonChunks, MappedArray } from "../src/render/shared/json-chunks.js";

const written = (value: unknown, long?: number) => [...jsonChunks(value, long)].join("");

describe("JSON written in pieces", () => {
  it("is byte for byte JSON.stringify(value, null, 2) and a newline, whatever the value", () => {
    const values = fc.anything({ withNullPrototype: false, withBoxedValues: false, withMap: false, withSet: false, withTypedArray: false, withSparseArray: false, withBigInt: false, maxDepth: 5, maxKeys: 12 });
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 8 }), (value, long) => {
        const expected = JSON.stringify(value, null, 2);
        if (expected === undefined) return;
        expect(written(value, long)).toBe(`${expected}\n`);
      }),
      { numRuns: 2000 },
    );
  });

  it("writes what toJSON gives (a Decimal, a Date), inside long arrays too", () => {
    const value = { at: new Date(0), amounts: [new Decimal("1.50"), new Decimal("2")], rows: Array.from({ length: 70 }, (_, i) => ({ i, d: new Decimal(i), nothing: undefined, f: () => 1 })) };
    expect(written(value)).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });

  it("gives a long array in several pieces, so it is never one string", () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ line: i }));
    expect([...jsonChunks({ rows })].length).toBeGreaterThan(1000);
  });

  it("writes a mapped array as JSON.stringify writes its mapped elements, short or long, nested or empty", () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 20 }), fc.integer({ min: 1, max: 8 }), (items, long) => {
        const value = { lines: new MappedArray(items, (n) => (n % 3 === 0 ? undefined : { n, d: new Decimal(n), tags: [n, "x"] })), after: 1 };
        const mapped = { lines: items.map((n) => (n % 3 === 0 ? undefined : { n, d: new Decimal(n), tags: [n, "x"] })), after: 1 };
        expect(written(value, long)).toBe(`${JSON.stringify(mapped, null, 2)}\n`);
        expect(JSON.stringify(value)).toBe(JSON.stringify(mapped));
      }),
      { numRuns: 500 },
    );
  });

  it("maps a long array's elements one at a time, as they are written", () => {
    let mapped = 0;
    const chunks = jsonChunks({ lines: new MappedArray(Array.from({ length: 100 }, (_, i) => i), (i) => (mapped++, { i })) });
    let taken = 0;
    for (const chunk of chunks) {
      taken++;
      if (chunk.includes('"i": 9')) break;
    }
    expect(taken).toBeGreaterThan(10);
    expect(mapped).toBe(10);
  });
});
