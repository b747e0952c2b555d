import { describe, expect, it } from "vitest";
import { OpenCycle } from "../src/engine/cycle.js";
import { LineHead } from "../src/engine/cycle-lines.js";
import { PriceBook } from "../src/engine/pricing.js";
import { Wallet } from "../src/engine/wallet.js";
import { Decimal } from "../src/money.js";
import { card, closing, paidCycle } from "./helpers/engine.js";

// Issue 16, many accounts: an open cycle finds a numbered line by its number and makes a key
// for a line only once a line without a number comes; its statement may be made more than once.
const C = card();
const call = C.meters.get("call")!;
const { order, terms } = closing(C);

/** A closed cycle's lines as [project, quantity, events, amount], in their order. */
function summary(lines: readonly { dimensions: Readonly<Record<string, string>>; quantity: Decimal; events: number; amount: Decimal }[]): (string | number | undefined)[][] {
  return lines.map((l) => [l.dimensions.project, l.quantity.toFixed(), l.events, l.amount.toFixed()]);
}

function add(cycle: OpenCycle, project: string, quantity: string, slot: number | undefined): void {
  const dims = { project };
  const of = { meter: call, name: "call", component: undefined, kind: "usage" as const, category: "main", pool: "build", dims };
  const value = new Decimal(quantity);
  cycle.addLine(of, { quantity: value, count: undefined, unit: new PriceBook().text(new Decimal(1)), amount: undefined, slot });
}

describe("open cycle", () => {
  it("adds a line without a number to the numbered line of the same meter, dimensions and price, and keeps other lines apart", () => {
    const cycle = paidCycle(C);
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
    expect(summary(lines)).toEqual([
      ["p1", "6", 3, "6"],
      ["p2", "5", 1, "5"],
      ["p3", "12", 3, "12"],
    ]);
  });

  it("takes a first line numbered past the short lists, and leaves other cycles' lists as they were", () => {
    const cycle = paidCycle(C);
    add(cycle, "p4", "2", 20);
    cycle.addToSlot(20, new Decimal(3), 3_000_000);
    add(cycle, "p5", "1", 3);
    const other = paidCycle(C);
    add(other, "p6", "4", 0);
    expect(cycle.close(new Wallet(), order, terms).lines.map((l) => [l.dimensions.project, l.quantity.toFixed(), l.events])).toEqual([["p4", "5", 2], ["p5", "1", 1]]);
    expect(other.close(new Wallet(), order, terms).lines.map((l) => [l.dimensions.project, l.quantity.toFixed(), l.events])).toEqual([["p6", "4", 1]]);
    expect(paidCycle(C).close(new Wallet(), order, terms).lines).toEqual([]);
  });

  it("gives the same statement each time it is closed, the sums by number added once", () => {
    const cycle = paidCycle(C);
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

describe("open cycle, a shape's lines held as their head and their slot's sums", () => {
  const unit = new PriceBook().text(new Decimal(1));
  const dimensionsOf = new Map<string, { project: string }>();
  const headOf = new Map<string, LineHead>();
  /** Adds the row; returns whether its head can hold its line (else the line is an object of its own). */
  function shaped(cycle: OpenCycle, project: string, quantity: string, slot: number): boolean {
    if (!dimensionsOf.has(project)) dimensionsOf.set(project, { project });
    const dimensions = dimensionsOf.get(project)!;
    if (!headOf.has(project)) headOf.set(project, new LineHead({ meter: "call", kind: "usage", category: "main", pool: "build", dimensions, unitPrice: unit.value, eventPrice: unit.value, source: call, version: undefined }));
    const of = { meter: call, name: "call", component: undefined, kind: "usage" as const, category: "main", pool: "build", dims: dimensions };
    const value = new Decimal(quantity);
    // A count of millionths, as the replay gives it for a quantity of at most six decimals.
    const count = value.mul(1_000_000).toNumber();
    const added = { quantity: value, count, unit, amount: undefined, slot, dimensions, head: headOf.get(project) };
    cycle.addLine(of, added);
    return added.head!.heads(of, added, cycle.version);
  }
  const shown = (cycle: OpenCycle) => summary(cycle.close(new Wallet(), order, terms).lines);

  it("sums a line by its slot, gives it an object of its own where it needs one, and shows it as a line of its own would be shown", () => {
    const cycle = paidCycle(C);
    expect(shaped(cycle, "p1", "2", 0)).toBe(true);
    cycle.addToSlot(0, new Decimal("1.5"), 1_500_000);
    shaped(cycle, "p1", "1", 0);
    shaped(cycle, "p2", "1", 1);
    shaped(cycle, "p2", "3", 1);
    // A line without a number of p1's key: the index made for it finds p1's line, which becomes an object of its own.
    shaped(cycle, "p4", "5", 2);
    add(cycle, "p1", "2", undefined);
    shaped(cycle, "p1", "1", 0);
    cycle.addToSlot(0, new Decimal("0.25"), 250_000);
    // After the index, a new numbered line is an object of its own from the start.
    shaped(cycle, "p5", "2", 3);
    const lines = cycle.close(new Wallet(), order, terms).lines;
    // p1: 2 + 1.5 + 1 + 2 + 1 + 0.25 = 7.75 in 6 events, at 1 credit; p2: 1 + 3 = 4 in 2; p4: 5 in 1; p5: 2 in 1.
    expect(summary(lines)).toEqual([
      ["p1", "7.75", 6, "7.75"],
      ["p2", "4", 2, "4"],
      ["p4", "5", 1, "5"],
      ["p5", "2", 1, "2"],
    ]);
    for (const line of lines) expect(Object.keys(line)).toEqual(["meter", "component", "kind", "category", "pool", "dimensions", "quantity", "unitPrice", "amount", "events"]);
  });

  it("adds a quantity past a safe integer of millionths exactly, and gives the same statement each time it is closed", () => {
    const cycle = paidCycle(C);
    shaped(cycle, "p1", "6000000000", 0);
    cycle.addToSlot(0, new Decimal("5000000000"), 5_000_000_000_000_000);
    shaped(cycle, "p1", "0.5", 0);
    // 6e15 + 5e15 millionths passes 2^53: the second is added as a Decimal. 6e9 + 5e9 + 0.5 = 11000000000.5 in 3 events.
    expect(shown(cycle)).toEqual([["p1", "11000000000.5", 3, "11000000000.5"]]);
    expect(shown(cycle)).toEqual([["p1", "11000000000.5", 3, "11000000000.5"]]);
  });

  it("takes a line opened without its head (another card version) as a line of its own", () => {
    const cycle = paidCycle(C);
    cycle.version = "v2";
    expect(shaped(cycle, "p1", "2", 0)).toBe(false);
    shaped(cycle, "p1", "1", 0);
    const lines = cycle.close(new Wallet(), order, terms).lines;
    expect(lines.map((l) => [l.dimensions.project, l.quantity.toFixed(), l.events, l.version])).toEqual([["p1", "3", 2, "v2"]]);
  });
});
