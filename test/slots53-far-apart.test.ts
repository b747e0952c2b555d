import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OpenCycle } from "../src/engine/cycle.js";
import { LineHead } from "../src/engine/cycle-lines.js";
import { heldIn, withItem } from "../src/engine/items-apart.js";
import type { ItemsApart } from "../src/engine/items-apart.js";
import { indexOf, placeIn, SCANNED, withSlot } from "../src/engine/line-positions.js";
import type { SlotIndex } from "../src/engine/line-positions.js";
import { PriceBook } from "../src/engine/pricing.js";
import { Wallet } from "../src/engine/wallet.js";
import { Decimal } from "../src/money.js";
import { card, closing, paidCycle } from "./helpers/engine.js";

// slots53: a line's slot is the replay's number of the line, the same in every account, not a number of the
// account's own (a map an account past 64 lines, 366 MB at the accounts shape's 10M rows). An account's cycle
// then holds slots far apart: it looks them up among its positions up to SCANNED lines, by a map past them, and
// by a list by slot once its slots are close together again (a log of one account, its lines in another order).
const RUNS = Number(process.env.INVARIANT_RUNS ?? 300);
const C = card();
const call = C.meters.get("call")!;
const { order, terms } = closing(C);
const unit = new PriceBook().text(new Decimal(1));
const heads = new Map<string, LineHead>();

function row(cycle: OpenCycle, project: string, quantity: number, slot: number): void {
  const dimensions = { project };
  const head = heads.get(project) ?? new LineHead({ meter: "call", kind: "usage", category: "main", pool: "build", dimensions, unitPrice: unit.value, eventPrice: unit.value, source: call, version: undefined });
  heads.set(project, head);
  const of = { meter: call, name: "call", component: undefined, kind: "usage" as const, category: "main", pool: "build", dims: head.dimensions };
  cycle.addLine(of, { quantity: new Decimal(quantity), count: quantity * 1_000_000, unit, amount: undefined, slot, dimensions: head.dimensions, head });
}

function byProject(cycle: OpenCycle): Map<string, [string, number]> {
  return new Map(cycle.close(new Wallet(), order, terms).lines.map((l) => [l.dimensions.project!, [l.quantity.toFixed(), l.events]]));
}

describe("an account's cycle of lines numbered far apart", () => {
  it("finds each line by its number through the look-through, the map, the list and the map again", () => {
    const cycle = paidCycle(C);
    // 600 slots among the first 2,000 (k * 7 mod 2,000, 1,999 first: looked through up to 64 lines, a map past them,
    // a list from 485 lines on), then three far past them (a map again): 10^5, 10^6 and 2^30.
    const near = Array.from({ length: 600 }, (_, k) => ((k + 1) * 7) % 2000).filter((s) => s !== 1999);
    const slots = [1999, ...near.slice(0, 599), 100_000, 1_000_000, 2 ** 30];
    const opened: number[] = [];
    for (const [i, slot] of slots.entries()) {
      row(cycle, `p${slot}`, 1, slot);
      opened.push(slot);
      // Its second row is found by number at once, whatever holds the numbers now.
      expect(cycle.hasSlot(slot)).toBe(true);
      cycle.addToSlot(slot, new Decimal(i), i * 1_000_000);
      // Every line opened before it is still found, and a number never opened is not.
      if (i % 37 === 0 || [SCANNED - 1, SCANNED, SCANNED + 1, 483, 484, 485, 600].includes(i)) for (const s of opened) expect(cycle.hasSlot(s)).toBe(true);
      expect(cycle.hasSlot(slot + 400_000)).toBe(false);
    }
    const lines = byProject(cycle);
    expect(lines.size).toBe(slots.length);
    // The line of the i-th slot: 1 + i in two events.
    for (const [i, slot] of slots.entries()) expect(lines.get(`p${slot}`)).toEqual([String(1 + i), 2]);
  });

  it("holds every slot at its last place, whatever order the slots come in (the index alone)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(200), fc.nat(2 ** 31 - 1)), { minLength: 1, maxLength: 400 }), (slots) => {
        const expected = new Map<number, number>();
        let index: SlotIndex = indexOf([], true);
        let top = -1;
        slots.forEach((slot, i) => {
          top = Math.max(top, slot);
          expected.set(slot, i + 1);
          index = withSlot(index, slot, i + 1, { lines: i + 1, top });
        });
        for (const [slot, place] of expected) expect(placeIn(index, slot)).toBe(place);
        for (const slot of [top + 1, 201 + top]) if (!expected.has(slot)) expect(placeIn(index, slot)).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("a cycle's items held apart, a list up to 64 and a set past them", () => {
  it("holds every item given and no other, in lists and sets alike", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(100), fc.nat(2 ** 31 - 1)), { maxLength: 200 }), fc.array(fc.nat(2 ** 31 - 1), { maxLength: 50 }), (items, others) => {
        let apart: ItemsApart | undefined;
        items.forEach((item) => (apart = withItem(apart, item)));
        for (const item of items) expect(heldIn(apart, item)).toBe(true);
        for (const other of others) expect(heldIn(apart, other)).toBe(items.includes(other));
        // The room past a list's items (-1) is never an item.
        expect(heldIn(apart, -1)).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });
});
