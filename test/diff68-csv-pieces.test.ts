import { describe, expect, it } from "vitest";
import type { CostDiff } from "../src/costdiff/diff.js";
import { Decimal } from "../src/money.js";
import { diffCsv } from "../src/render/diff/csv.js";

// diff's CSV is written a piece at a time (stop 68: 10,000 accounts' 180,000 rows were made, and their text, at once;
// 749 MB where the JSON took 505). The pieces join into the one file a single stringify wrote: a header once, the BOM
// once, every row in order. Rows by hand: account a<i> spent i credits under the base card and 2i under the new one.
describe("diff's CSV in pieces", () => {
  const ROWS = 9_000;
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    account: `a${i}`, start: Date.UTC(2026, 0, 1), end: Date.UTC(2026, 1, 1), meter: "call",
    old: new Decimal(i), new: new Decimal(2 * i), oldRefused: 0, newRefused: i % 2, served: { old: new Decimal(i), new: new Decimal(2 * i) },
  }));
  const d = { card: { unit: "credits" }, comparison: { rows, lines: [] }, money: { changes: [], currency: "USD" }, failOverLine: undefined } as unknown as CostDiff;

  it("writes a header, then rows in pieces, that join into every row in order", () => {
    const pieces = [...diffCsv(d, { bom: true })];
    // The header, then 9,000 rows in pieces of 4,096: 4,096 + 4,096 + 808.
    expect(pieces.map((p) => p.split("\n").length - 1)).toEqual([1, 4096, 4096, 808]);
    const lines = pieces.join("").split("\n");
    expect(lines[0]).toBe("\ufeffcycle,cycle_end,account,meter,old,new,delta,delta_percent,old_refused,new_refused,cause,line,gate,money,unit");
    expect(lines.filter((l) => l.includes("\ufeff"))).toHaveLength(1);
    expect(lines[1]).toBe("2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,a0,call,0,0,0,0,0,0,,,,,credits");
    // 0 → 0 is no change: 0%, where a rise from 0 has none.
    // 4,097th row, the second piece's first: a4096, 4096 → 8192, +100%, one event refused more (the credits ran out earlier).
    expect(lines[4097]).toBe("2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,a4096,call,4096,8192,4096,100,0,0,,,,,credits");
    expect(lines[4098]).toBe("2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,a4097,call,4097,8194,4097,100,0,1,credits_ran_out_earlier,,,,credits");
    expect(lines[ROWS]).toBe("2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,a8999,call,8999,17998,8999,100,0,1,credits_ran_out_earlier,,,,credits");
    expect(lines[ROWS + 1]).toBe("");
    expect(lines).toHaveLength(ROWS + 2);
  });
});
