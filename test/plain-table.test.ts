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
  { arbitrary: fc.string({ unit: fc.constantFrom("a", "b", " ", "-", "9", ".", "é", "·", "→", "…", "界", "\t", "\u0007", "\u00a0", "\u0301", "\u200b"), maxLength: 12 }), weight: 1 },
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

  it("leaves to cli-table3 a cell it would wrap or cut, a cell of a character not one column wide, and a row of another width", () => {
    const laid = (rows: string[][], widths?: number[]) => ({ head: ["Meter", "Amount"], rows, align: ["left", "right"] as const, widths, wrap: widths !== undefined });
    expect(plainTable(laid([["chat", "1.00"]]))).toBe("  Meter  Amount\n  chat     1.00");
    expect(plainTable(laid([["chat", "1.00"]], [6, 8]))).toBeUndefined();
    // Two columns wide (界), none (a combining accent, a zero-width space), a space cli-table3 breaks at (U+00A0), an emoji.
    for (const wide of ["界", "e\u0301", "a\u200bb", "a\u00a0b", "\u2194\ufe0f", "\u{1f600}"]) expect(plainTable(laid([[wide, "1.00"]]))).toBeUndefined();
    // One column wide: a customer's name, and the "·" a statement joins dimensions with.
    expect(plainTable(laid([["José · p1 → x", "1.00"]]))).toBe("  Meter          Amount\n  José · p1 → x    1.00");
    expect(plainTable(laid([["chat"]]))).toBeUndefined();
    // Wrapped at spaces, a cell's runs of spaces are folded: its text is not its own.
    expect(plainTable(laid([["a  b", "1"]], [12, 8]))).toBeUndefined();
    expect(plainTable(laid([["a b", "1"]], [12, 8]))).toBe("  Meter       Amount\n  a b              1");
  });

  it("draws every character it takes as cli-table3 does, alone and between words, wrapped or not", () => {
    const blocks: [number, number][] = [[0x20, 0x7e], [0xa1, 0x2ff], [0x2010, 0x2027], [0x2030, 0x205e], [0x2190, 0x22ff], [0x2500, 0x259f]];
    let taken = 0;
    for (const [from, to] of blocks) {
      for (let c = from; c <= to; c++) {
        const ch = String.fromCharCode(c);
        for (const widths of [undefined, [14, 8]]) {
          const laid = { head: ["Meter", "Amount"], rows: [[ch, "1"], [`a${ch}b ${ch}`, "2"]], align: ["left", "right"] as const, widths, wrap: widths !== undefined };
          const fast = plainTable(laid);
          if (c === 0x20 || fast === undefined) continue;
          taken++;
          expect(fast, `U+${c.toString(16)}`).toBe(cliTable(laid, 100));
        }
      }
    }
    // Every one of them but the space, which WORDS leaves to cli-table3 as a cell of its own: 2 layouts each.
    expect(taken).toBe(2 * blocks.reduce((n, [from, to]) => n + to - from + 1, -1));
  });
});
