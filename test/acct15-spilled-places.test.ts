import { describe, expect, it } from "vitest";
import { ClosedCycles, encodeCycle } from "../src/engine/closed-cycles.js";
import type { CycleStatement } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";
import { ArraySpill } from "./helpers/engine.js";

// acct15: an account's places in the spill are its last one and a chain back from it, not a list an account;
// each account's cycles still come back in the order they closed, whatever other accounts closed between.

const d = (text: string) => new Decimal(text);

/** A cycle of one line, told apart by its index and its line's project. */
function cycle(index: number, project: string): CycleStatement {
  return {
    index, start: 1_000 * index, end: 1_000 * (index + 1), allowance: d("3"), allowanceUsed: d("1"), total: d("1"), uncovered: d("0"),
    lines: [{ meter: "call", component: undefined, kind: "usage", category: "api", pool: "main", dimensions: { project }, quantity: d("2"), unitPrice: d("0.5"), amount: d("1"), events: 2 }],
    grants: [], rejected: [], thresholds: [], duplicates: [], overage: { requests: d("0"), amount: d("0") }, quota: undefined, budgets: [], alerts: [],
    rewards: { earned: d("0"), from: [] }, exhaustedAt: undefined, timeline: [], plan: "paid", plans: [], renews: 1_000 * (index + 1),
  };
}

describe("an account's spilled places, chained (acct15)", () => {
  it("gives each account's cycles back in order, accounts interleaved, past the chain's first room", () => {
    const spill = new ArraySpill();
    const closed = new ClosedCycles({ budget: 0, spill: () => spill });
    // 3,000 accounts close three cycles each, round by round: 9,000 places, past the 4,096 the chain starts with.
    for (let index = 0; index < 3; index++) for (let a = 0; a < 3_000; a++) closed.add(a, cycle(index, `p${a}`));
    expect(spill.texts.length).toBe(9_000);
    for (const a of [0, 1, 2_047, 2_999]) {
      expect(closed.statement(a, `a${a}`, "paid").cycles).toEqual([cycle(0, `p${a}`), cycle(1, `p${a}`), cycle(2, `p${a}`)]);
    }
    // An account with no cycle closed has none, and an account's one place is the chain's end.
    closed.add(3_000, cycle(0, "lone"));
    expect(closed.statement(3_000, "lone", "paid").cycles).toEqual([cycle(0, "lone")]);
    expect(closed.statement(3_001, "none", "paid").cycles).toEqual([]);
  });

  it("keeps an account's texts held in memory before its places in the spill, in order", () => {
    const spill = new ArraySpill();
    const one = encodeCycle(cycle(0, "a")).length;
    // Room for the text of three cycles (a little more): a's first two and b's first in memory, the rest spilled.
    const closed = new ClosedCycles({ budget: 1e9, cycles: 0, text: 3.5 * one, spill: () => spill });
    closed.add(0, cycle(0, "a"));
    closed.add(0, cycle(1, "a"));
    closed.add(1, cycle(0, "b"));
    closed.add(0, cycle(2, "a"));
    closed.add(1, cycle(1, "b"));
    closed.add(0, cycle(3, "a"));
    expect(spill.texts.length).toBe(3);
    expect(closed.statement(0, "a", "paid").cycles).toEqual([0, 1, 2, 3].map((i) => cycle(i, "a")));
    expect(closed.statement(1, "b", "paid").cycles).toEqual([0, 1].map((i) => cycle(i, "b")));
  });
});
