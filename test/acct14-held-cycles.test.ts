import { describe, expect, it } from "vitest";
import { ClosedCycles, encodeCycle } from "../src/engine/closed-cycles.js";
import type { CycleStatement } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";
import { closedCycleSetup } from "../src/replay/cycle-spill.js";
import { ArraySpill } from "./helpers/engine.js";

// acct14: closed cycles are held as objects up to a number of cycles as well as a budget of bytes, so that
// a log of many accounts, each closing a small cycle, spills nearly all of them as text.

const d = (text: string) => new Decimal(text);

/** A cycle of one line: about 1,900 bytes estimated (1,500 and 400 a row), far within any budget below. */
function cycle(index: number): CycleStatement {
  return {
    index, start: 1_000 * index, end: 1_000 * (index + 1), allowance: d("3"), allowanceUsed: d("1"), total: d("1"), uncovered: d("0"),
    lines: [{ meter: "call", component: undefined, kind: "usage", category: "api", pool: "main", dimensions: { project: "p" }, quantity: d("2"), unitPrice: d("0.5"), amount: d("1"), events: 2 }],
    grants: [], rejected: [], thresholds: [], duplicates: [], overage: { requests: d("0"), amount: d("0") }, quota: undefined, budgets: [], alerts: [],
    rewards: { earned: d("0"), from: [] }, exhaustedAt: undefined, timeline: [], plan: "paid", plans: [], renews: 1_000 * (index + 1),
  };
}

describe("closed cycles held by number (acct14)", () => {
  it("holds the first `cycles` cycles as given, whatever room the budget has left, and spills every later one in order", () => {
    const spill = new ArraySpill();
    const closed = new ClosedCycles({ budget: 1e9, cycles: 2, spill: () => spill });
    const given = [0, 1, 2, 3].map(cycle);
    closed.add(0, given[0]!);
    closed.add(1, given[1]!);
    // The third and fourth cycles: two held already, so both go to the spill, though 1e9 bytes are left.
    closed.add(2, given[2]!);
    closed.add(0, given[3]!);
    expect(spill.texts.length).toBe(2);
    const a = closed.statement(0, "a", "paid").cycles;
    expect(a[0]).toBe(given[0]);
    expect(a[1]).not.toBe(given[3]);
    expect(a[1]).toEqual(given[3]);
    expect(closed.statement(1, "b", "paid").cycles[0]).toBe(given[1]);
    expect(closed.statement(2, "c", "paid").cycles).toEqual([given[2]]);
  });

  it("keeps the text of cycles past the number in memory up to `text` characters, then opens the spill for the rest", () => {
    const spill = new ArraySpill();
    let opened = 0;
    const one = encodeCycle(cycle(0)).length;
    // Room for the text of two and a half cycles (a little more: the replay's texts name a line's dimensions by number): two kept, four spilled.
    const closed = new ClosedCycles({ budget: 1e9, cycles: 0, text: 2.5 * one, spill: () => (opened++, spill) });
    closed.add(0, cycle(0));
    closed.add(1, cycle(1));
    expect(opened).toBe(0);
    for (let i = 2; i < 6; i++) closed.add(i, cycle(i));
    expect(opened).toBe(1);
    expect(spill.texts.length).toBe(4);
    for (let i = 0; i < 6; i++) expect(closed.statement(i, `a${i}`, "paid").cycles).toEqual([cycle(i)]);
  });

  it("holds by bytes alone when no number is given", () => {
    const spill = new ArraySpill();
    const closed = new ClosedCycles({ budget: 1e9, spill: () => spill });
    for (let i = 0; i < 100; i++) closed.add(i, cycle(i));
    expect(spill.texts.length).toBe(0);
  });

  it("bounds the statement command's held cycles by number as well as by the budget in megabytes", () => {
    const setup = closedCycleSetup({ BURNRATE_CYCLE_MEMORY_MB: "64" });
    expect(setup.budget).toBe(64 * 2 ** 20);
    expect(setup.cycles).toBeGreaterThanOrEqual(3);
    expect(setup.cycles).toBeLessThan(100);
    // A budget of 0 spills every cycle to the file, none kept as text in memory.
    expect(closedCycleSetup({ BURNRATE_CYCLE_MEMORY_MB: "0" }).text).toBe(0);
  });
});
