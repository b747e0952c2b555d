import { describe, expect, it } from "vitest";
import { ClosedCycles, someCycle } from "../src/engine/closed-cycles.js";
import type { CycleStatement } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";

// Stop 72: a statement's checks of whether an account has usage read every cycle, and so made its last cycle (made
// each time it is read) twice more before the statement made it to write it. someCycle reads no further than it must.

/** A cycle of `lines` usage lines and nothing else. */
function cycle(index: number, lines: number): CycleStatement {
  const d = (text: string) => new Decimal(text);
  const line = { meter: "call", component: undefined, kind: "usage" as const, category: "api", pool: "main", dimensions: {}, quantity: d("1"), unitPrice: d("1"), amount: d("1"), events: 1 };
  return {
    index, start: 1_000 * index, end: 1_000 * (index + 1), renews: Infinity, allowance: d("3"), allowanceUsed: d("0"), total: d("0"), uncovered: d("0"),
    lines: Array.from({ length: lines }, () => line), grants: [], rejected: [], thresholds: [], duplicates: [], overage: { requests: d("0"), amount: d("0") },
    quota: undefined, budgets: [], alerts: [], rewards: { earned: d("0"), from: [] }, exhaustedAt: undefined, timeline: [], plans: [], plan: "paid",
  } as CycleStatement;
}

const used = (c: CycleStatement) => c.lines.length > 0;

describe("someCycle", () => {
  for (const [held, why] of [[Infinity, "held as objects"], [0, "kept as text"]] as const) {
    it(`stops at the first cycle that passes, before the last cycle is made (earlier cycles ${why})`, () => {
      const closed = new ClosedCycles({ budget: held, text: Infinity });
      closed.add(0, cycle(0, 0));
      closed.add(0, cycle(1, 2));
      let made = 0;
      const account = closed.statement(0, "acme", "paid", () => (made++, cycle(2, 0)));
      expect(someCycle(account, used)).toBe(true);
      expect(made).toBe(0);
      // `cycles` makes it each time: what someCycle spares.
      expect(account.cycles.map((c) => c.lines.length)).toEqual([0, 2, 0]);
      expect(made).toBe(1);
    });
  }

  it("makes the last cycle when no cycle before it passes, and finds its usage", () => {
    const closed = new ClosedCycles({ budget: 0, text: Infinity });
    closed.add(0, cycle(0, 0));
    let made = 0;
    const account = closed.statement(0, "acme", "paid", () => (made++, cycle(1, 3)));
    expect(someCycle(account, used)).toBe(true);
    expect(made).toBe(1);
    const idle = closed.statement(1, "bolt", "paid", () => cycle(0, 0));
    expect(someCycle(idle, used)).toBe(false);
  });

  it("reads a plain account's list as it is", () => {
    expect(someCycle({ account: "a", plan: "p", cycles: [cycle(0, 0), cycle(1, 1)] }, used)).toBe(true);
    expect(someCycle({ account: "a", plan: "p", cycles: [cycle(0, 0)] }, used)).toBe(false);
  });
});
