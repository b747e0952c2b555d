import { Chalk } from "chalk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cliTable, laidOut, type Block } from "../src/render/shared/document.js";
import { plainTable } from "../src/render/shared/plain-table.js";

// A borderless table is laid out without cli-table3 where its layout is plain (plain-table.ts): it must be the text
// cli-table3 draws, line for line, on every table it takes; any other it leaves to cli-table3 (stop 57: a statement of
// 20,000 accounts spent 50 of 63 s in cli-table3).
type TableBlock = Extract<Block, { kind: "table" }>;
const RUNS = Number(process.env.TABLE_RUNS ?? 300);

const text = fc.oneof(
  { arbitrary: fc.constantFrom("", "0", "1,234.5600", "usage", "Total", "a b", "gpt-4o", "cust_00042", "2026-11-01 00:00"), weight: 8 },
  { arbitrary: fc.constantFrom("a  b", " lead", "trail ", " ", "x".repeat(30)), weight: 1 },
  { arbitrary: fc.string({ unit: fc.constantFrom("a", "b", " ", "-", "9", ".", "é", "界", "\t", "\u0007"), maxLength: 12 }), weight: 1 },
);

const block = fc.integer({ min: 1, max: 5 }).chain((columns) =>
  fc.record({
    kind: fc.constant("table" as const),
    head: fc.array(text, { minLength: columns, maxLength: columns }),
    align: fc.array(fc.constantFrom("left" as const, "right" as const), { minLength: columns, maxLength: columns }),
    rows: fc.array(fc.array(text, { minLength: columns, maxLength: columns }), { maxLength: 7 }),
    emphasis: fc.option(fc.array(fc.nat(7), { maxLength: 3 }), { nil: undefined }),
    maxWidths: fc.option(fc.array(fc.option(fc.integer({ min: 3, max: 20 }), { nil: null }), { minLength: columns, maxLength: columns }), { nil: undefined }),
  }),
);

describe("a plain table laid out without cli-table3", () => {
  it("is the text cli-table3 draws, coloured or not, in one table or several, at any terminal width", () => {
    let plain = 0;
    fc.assert(
      fc.property(block, fc.constantFrom(0, 1), fc.option(fc.integer({ min: 20, max: 120 }), { nil: undefined, freq: 2 }), fc.constantFrom(2, 100), (b: TableBlock, level, width, rowsPerTable) => {
        const laid = laidOut(b, new Chalk({ level: level as 0 | 1 }), width);
        const fast = plainTable(laid);
        if (fast === undefined) return;
        plain++;
        expect(fast).toBe(cliTable(laid, rowsPerTable));
      }),
      { numRuns: RUNS },
    );
    // Most random tables are plain: the property is not held by tables it never lays out.
    expect(plain).toBeGreaterThan(RUNS / 10);
  });

  it("leaves to cli-table3 a cell it would wrap or cut, a cell not ASCII, and a row of another width", () => {
    const laid = (rows: string[][], widths?: number[]) => ({ head: ["Meter", "Amount"], rows, align: ["left", "right"] as const, widths, wrap: widths !== undefined });
    expect(plainTable(laid([["chat", "1.00"]]))).toBe("  Meter  Amount\n  chat     1.00");
    expect(plainTable(laid([["chat", "1.00"]], [6, 8]))).toBeUndefined();
    expect(plainTable(laid([["chät", "1.00"]]))).toBeUndefined();
    expect(plainTable(laid([["界", "1.00"]]))).toBeUndefined();
    expect(plainTable(laid([["chat"]]))).toBeUndefined();
    // Wrapped at spaces, a cell's runs of spaces are folded: its text is not its own.
    expect(plainTable(laid([["a  b", "1"]], [12, 8]))).toBeUndefined();
    expect(plainTable(laid([["a b", "1"]], [12, 8]))).toBe("  Meter       Amount\n  a b              1");
  });
});
