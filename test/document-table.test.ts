import { Chalk } from "chalk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { drawTable } from "../src/render/shared/document.js";

// A statement of a large log is drawn as many borderless tables of a few hundred
// rows; together they must print exactly as one table of every row would.
const cell = fc.oneof(fc.constantFrom("", "1,000.00", "alpha · web · private", "東京プロジェクト", "0.005", "a long dimension value that wraps"), fc.string({ maxLength: 12 }).map((s) => s.replace(/[\n\r\t\u001b]/g, " ")));

describe("large terminal tables drawn in parts", () => {
  it("print exactly as one table, with colour, emphasis and capped widths", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((cols) =>
          fc.record({
            head: fc.array(fc.constantFrom("Meter", "Dimensions", "Amount", "Share"), { minLength: cols, maxLength: cols }),
            align: fc.array(fc.constantFrom("left" as const, "right" as const), { minLength: cols, maxLength: cols }),
            rows: fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { maxLength: 40 }),
            emphasis: fc.array(fc.nat(40), { maxLength: 3 }),
            capped: fc.boolean(),
          }),
        ),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom(0, 1),
        ({ head, align, rows, emphasis, capped }, part, level) => {
          const block = { kind: "table" as const, head, align, rows, emphasis, ...(capped ? { maxWidths: head.map((_, i) => (i === 0 ? 12 : null)) } : {}) };
          const color = new Chalk({ level: level as 0 | 1 });
          expect(drawTable(block, color, part)).toBe(drawTable(block, color, 1_000_000));
        },
      ),
      { numRuns: 300 },
    );
  });
});
