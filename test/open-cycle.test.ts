import { describe, expect, it } from "vitest";
import { OpenCycle } from "../src/engine/cycle.js";
import { Scale } from "../src/engine/credits.js";
import { PriceBook } from "../src/engine/pricing.js";
import { Wallet } from "../src/engine/wallet.js";
import { Decimal } from "../src/money.js";
import { card } from "./helpers/engine.js";

// Issue 16, many accounts: an open cycle finds a numbered line by its number and makes a key
// for a line only once a line without a number comes; its statement may be made more than once.
const C = card();
const call = C.meters.get("call")!;
const paid = C.plans.get("paid")!;
const order = { meters: [...C.events.keys()], kinds: [...C.grantKinds.keys()] };
const terms = { quota: undefined, budgets: new Map<string, Decimal>(), renews: 100 };

function openCycle(): OpenCycle {
  return new OpenCycle({ index: 0, start: 0, end: 100 }, { allowance: new Decimal(100), plan: paid }, [], new Set(["included"]), new Scale(6));
}

function add(cycle: OpenCycle, project: string, quantity: string, slot: number | undefined): void {
  const dims = { project };
  const of = { meter: call, name: "call", component: undefined, kind: "usage" as const, category: "main", pool: "build", dims };
  const value = new Decimal(quantity);
  cycle.addLine(of, { quantity: value, count: undefined, unit: new PriceBook().text(new Decimal(1)), amount: undefined, slot });
}

describe("open cycle", () => {
  it("adds a line without a number to the numbered line of the same meter, dimensions and price, and keeps other lines apart", () => {
    const cycle = openCycle();
    add(cycle, "p1", "2", 0);
    add(cycle, "p2", "5", 1);
    // Without a number: found by its key, which the numbered lines did not need until now.
    add(cycle, "p1", "3", undefined);
    add(cycle, "p3", "7", undefined);
    // Numbered again: the line by its number, as before.
    add(cycle, "p1", "1", 0);
    // A new numbered line whose key a line without a number already has: found by the key.
    add(cycle, "p3", "4", 2);
    add(cycle, "p3", "1", 2);
    const lines = cycle.close(new Wallet(), order, terms).lines;
    // Sorted by their dimensions: p1 2 + 3 + 1 = 6 in 3 events, p2 5 in 1, p3 7 + 4 + 1 = 12 in 3, at 1 credit each.
    expect(lines.map((l) => [l.dimensions.project, l.quantity.toFixed(), l.events, l.amount.toFixed()])).toEqual([
      ["p1", "6", 3, "6"],
      ["p2", "5", 1, "5"],
      ["p3", "12", 3, "12"],
    ]);
  });

  it("takes a first line numbered past the short lists, and leaves other cycles' lists as they were", () => {
    const cycle = openCycle();
    add(cycle, "p4", "2", 20);
    cycle.addToSlot(20, new Decimal(3), 3_000_000);
    add(cycle, "p5", "1", 3);
    const other = openCycle();
    add(other, "p6", "4", 0);
    expect(cycle.close(new Wallet(), order, terms).lines.map((l) => [l.dimensions.project, l.quantity.toFixed(), l.events])).toEqual([["p4", "5", 2], ["p5", "1", 1]]);
    expect(other.close(new Wallet(), order, terms).lines.map((l) => [l.dimensions.project, l.quantity.toFixed(), l.events])).toEqual([["p6", "4", 1]]);
    expect(openCycle().close(new Wallet(), order, terms).lines).toEqual([]);
  });

  it("gives the same statement each time it is closed, the sums by number added once", () => {
    const cycle = openCycle();
    add(cycle, "p1", "2", 0);
    cycle.addToSlot(0, new Decimal("1.5"), 1_500_000);
    cycle.addToSlot(0, new Decimal("1.5"), 1_500_000);
    const first = cycle.close(new Wallet(), order, terms);
    const second = cycle.close(new Wallet(), order, terms);
    // 2 + 1.5 + 1.5 = 5 in 3 events, not 8 in 5 at the second close.
    expect(first.lines.map((l) => [l.quantity.toFixed(), l.events])).toEqual([["5", 3]]);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
  });
});
