import { describe, expect, it } from "vitest";
import { OpenCycle } from "../src/engine/cycle.js";
import { LineHead } from "../src/engine/cycle-lines.js";
import { ClosedCycles, releaseCycles } from "../src/engine/closed-cycles.js";
import { PriceBook } from "../src/engine/pricing.js";
import { Wallet } from "../src/engine/wallet.js";
import type { CycleStatement, Statement } from "../src/engine/types.js";
import { statementJsonText } from "../src/render/statement/json-text.js";
import { Decimal } from "../src/money.js";
import { card, closing, paidCycle } from "./helpers/engine.js";

// accounts13: a cycle of a few lines finds a line by its slot among its own positions, not in a list as long as
// the account's slots; past LOOKED_THROUGH lines, or a line of two slots, by such a list. And the JSON writer
// may let go of each account's cycles once written.
const C = card();
const call = C.meters.get("call")!;
const { order, terms } = closing(C);
const unit = new PriceBook().text(new Decimal(1));

const dimensionsOf = new Map<string, { project: string }>();
const headOf = new Map<string, LineHead>();

/** A row of project `project` on line `slot`, held as its shape's head where it can be. */
function shaped(cycle: OpenCycle, project: string, quantity: number, slot: number | undefined): void {
  if (!dimensionsOf.has(project)) dimensionsOf.set(project, { project });
  const dimensions = dimensionsOf.get(project)!;
  if (!headOf.has(project)) headOf.set(project, new LineHead({ meter: "call", kind: "usage", category: "main", pool: "build", dimensions, unitPrice: unit.value, eventPrice: unit.value, source: call, version: undefined }));
  const of = { meter: call, name: "call", component: undefined, kind: "usage" as const, category: "main", pool: "build", dims: dimensions };
  cycle.addLine(of, { quantity: new Decimal(quantity), count: quantity * 1_000_000, unit, amount: undefined, slot, dimensions, head: slot === undefined ? undefined : headOf.get(project) });
}

/** The closed lines as project, quantity and events, by project. */
function byProject(cycle: OpenCycle): Map<string, [string, number]> {
  return new Map(cycle.close(new Wallet(), order, terms).lines.map((l) => [l.dimensions.project!, [l.quantity.toFixed(), l.events]]));
}

describe("an open cycle's lines by slot", () => {
  it("finds each of 40 lines by its slot, numbered out of their order, before and after the cycle passes 16 lines", () => {
    const cycle = paidCycle(C);
    // Line i of the cycle is the account's slot (7i mod 40) + 5: slots 5 to 44, none equal to its position.
    const slotOf = (i: number) => ((7 * i) % 40) + 5;
    for (let i = 0; i < 40; i++) {
      shaped(cycle, `p${i}`, 1, slotOf(i));
      // Every line opened so far takes another row at once, whichever side of 16 lines the cycle is.
      cycle.addToSlot(slotOf(i), new Decimal(2), 2_000_000);
      expect(cycle.hasSlot(slotOf(i))).toBe(true);
      expect(cycle.hasSlot(slotOf(i + 1))).toBe(i + 1 >= 40);
    }
    for (const slot of [0, 4, 45, 100]) expect(cycle.hasSlot(slot)).toBe(false);
    // A third row on every line, in the opposite order.
    for (let i = 39; i >= 0; i--) shaped(cycle, `p${i}`, i, slotOf(i));
    const lines = byProject(cycle);
    expect(lines.size).toBe(40);
    // Line i: 1 + 2 + i in 3 events.
    for (let i = 0; i < 40; i++) expect(lines.get(`p${i}`)).toEqual([String(3 + i), 3]);
  });

  it("finds a line that took a second slot (found by its key) by either slot", () => {
    const cycle = paidCycle(C);
    shaped(cycle, "p1", 2, 3);
    shaped(cycle, "p2", 1, 4);
    // Without a number: the line is found by its key, and so is the next row of the same key with a number of its own.
    shaped(cycle, "p1", 5, undefined);
    shaped(cycle, "p1", 7, 9);
    cycle.addToSlot(3, new Decimal(1), 1_000_000);
    cycle.addToSlot(9, new Decimal(10), 10_000_000);
    cycle.addToSlot(4, new Decimal(4), 4_000_000);
    expect([3, 4, 9].map((s) => cycle.hasSlot(s))).toEqual([true, true, true]);
    expect(cycle.hasSlot(5)).toBe(false);
    // p1: 2 + 5 + 7 + 1 + 10 = 25 in 5 events; p2: 1 + 4 = 5 in 2.
    expect([...byProject(cycle)].sort()).toEqual([["p1", ["25", 5]], ["p2", ["5", 2]]]);
  });
});

describe("the JSON statement, each account's cycles let go once written", () => {
  function closedCycle(quantity: number): CycleStatement {
    const cycle = paidCycle(C);
    shaped(cycle, "p1", quantity, 0);
    return cycle.close(new Wallet(), order, terms);
  }

  function statementOf(closed: ClosedCycles): Statement {
    const accounts = ["a", "b"].map((id, ordinal) => closed.statement(ordinal, id, "paid", () => closedCycle(10 + ordinal)));
    return { provider: "p", version: "1", unit: "credit", currency: "USD", timezone: "UTC", accounts, events: { read: 0, priced: 0, duplicates: 0, rejected: 0 }, duplicateEvents: { listed: [], omitted: 0 } };
  }

  it("writes the same text as without letting go, and refuses to read an account's cycles again", () => {
    const closed = new ClosedCycles({ budget: 0 });
    // Account a's first cycle went to text (a budget of 0, no spill: held as its text), b has none closed.
    closed.add(0, closedCycle(3));
    const kept = statementOf(closed);
    const released = statementOf(closed);
    const text = [...statementJsonText(kept)].join("");
    expect([...statementJsonText(released, undefined, { release: true })].join("")).toBe(text);
    // a: the cycle of 3 then its last of 10; b: its last of 11.
    expect(kept.accounts.map((a) => a.cycles.map((c) => c.lines[0]!.quantity.toFixed()))).toEqual([["3", "10"], ["11"]]);
    for (const account of released.accounts) expect(() => account.cycles).toThrow(/read and let go/);
    // Written without letting go, the statement reads the same again.
    expect([...statementJsonText(kept)].join("")).toBe(text);
  });

  it("leaves an account whose cycles are a list of its own as it is", () => {
    const cycles = [closedCycle(4)];
    const account = { account: "c", plan: "paid", cycles };
    releaseCycles(account);
    expect(account.cycles).toBe(cycles);
  });
});
