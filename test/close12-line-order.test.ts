import { describe, expect, it } from "vitest";
import { sortLines } from "../src/engine/line-order.js";
import { OpenCycle } from "../src/engine/cycle.js";
import { PriceBook } from "../src/engine/pricing.js";
import { LineHead } from "../src/engine/cycle-lines.js";
import { Wallet } from "../src/engine/wallet.js";
import type { StatementLine } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";
import { card, closing, paidCycle } from "./helpers/engine.js";

// Issue 16: a close sorts its lines with each line's meter rank and dimensions' text worked out once (line-order.ts),
// and shares the quantity and amount of a line of its own all counted, as a head's line shares them.

function line(meter: string, dimensions: Record<string, string>, more: Partial<StatementLine> & { tag: string }): StatementLine & { tag: string } {
  return { meter, component: undefined, kind: "usage", category: "c", pool: "p", dimensions, quantity: new Decimal(1), unitPrice: new Decimal(1), amount: new Decimal(1), events: 1, ...more };
}

describe("a cycle's lines in the statement's order", () => {
  it("orders by meter rank, then dimensions' JSON text, component, kind and unit price, keeping ties in the order they opened", () => {
    const rank = new Map([
      ["b", 0],
      ["a", 1],
    ]);
    const shared = { project: "p2" };
    const lines = [
      line("a", { project: "p1" }, { tag: "a p1" }),
      line("b", { project: "p9" }, { tag: "b p9" }),
      // "p10" sorts before "p9" as text: the JSON text's, not a number's order.
      line("b", { project: "p10" }, { tag: "b p10" }),
      line("b", shared, { tag: "b p2 refund", kind: "refund" }),
      line("b", shared, { tag: "b p2 tokens", component: "tokens" }),
      line("b", shared, { tag: "b p2 at 3", unitPrice: new Decimal(3) }),
      line("b", shared, { tag: "b p2 at 0.5", unitPrice: new Decimal("0.5") }),
      // Equal to the line before in every part the order reads: after it, as it opened after it.
      line("b", { project: "p2" }, { tag: "b p2 at 0.5 again", unitPrice: new Decimal("0.50") }),
      // A meter the card's order lacks ranks as its first meter, 0.
      line("z", { project: "p0" }, { tag: "z p0" }),
    ];
    sortLines(lines, rank);
    // Rank 0 first: b and z. Among them by dimensions' text: {"project":"p0"} < {"project":"p10"} < {"project":"p2"} < {"project":"p9"}.
    // Among b p2: no component ("") before "tokens"; then kind "refund" < "usage"; then unit price 0.5 < 3.
    expect(lines.map((l) => (l as { tag: string }).tag)).toEqual(["z p0", "b p10", "b p2 refund", "b p2 at 0.5", "b p2 at 0.5 again", "b p2 at 3", "b p2 tokens", "b p9", "a p1"]);
  });

  it("leaves a list of one line or none as it is", () => {
    const one = [line("a", {}, { tag: "one" })];
    sortLines(one, new Map());
    expect(one.map((l) => (l as { tag: string }).tag)).toEqual(["one"]);
    const none: StatementLine[] = [];
    sortLines(none, new Map());
    expect(none).toEqual([]);
  });
});

describe("a line of its own all counted", () => {
  const C = card();
  const call = C.meters.get("call")!;
  const { order, terms } = closing(C);

  it("shows its quantity and amount as a line with Decimals would, sharing them with another of the same count and price", () => {
    const cycle = paidCycle(C);
    const unit = new PriceBook().text(new Decimal("0.25"));
    const add = (project: string, quantity: string) => {
      const value = new Decimal(quantity);
      // Without a number, each line is one of its own; counted in millionths.
      cycle.addLine({ meter: call, name: "call", component: undefined, kind: "usage", category: "main", pool: "build", dims: { project } }, { quantity: value, count: Number(value.mul(1e6).toFixed()), unit, amount: undefined, slot: undefined });
    };
    add("p1", "1.5");
    add("p1", "2.5");
    add("p2", "4");
    add("p3", "0.000001");
    const { lines } = cycle.close(new Wallet(), order, terms);
    // p1: 1.5 + 2.5 = 4 at 0.25 is 1; p2: 4 at 0.25 is 1; p3: a millionth at 0.25 is 0.00000025.
    expect(lines.map((l) => [l.dimensions.project, l.quantity.toFixed(), l.amount.toFixed(), l.events])).toEqual([
      ["p1", "4", "1", 2],
      ["p2", "4", "1", 1],
      ["p3", "0.000001", "0.00000025", 1],
    ]);
    expect(lines[0]!.quantity).toBe(lines[1]!.quantity);
    expect(lines[0]!.amount).toBe(lines[1]!.amount);
    expect(Object.keys(lines[0]!)).toEqual(["meter", "component", "kind", "category", "pool", "dimensions", "quantity", "unitPrice", "amount", "events"]);
  });
});

describe("an open cycle's index of lines by key, by name", () => {
  const C = card();
  const call = C.meters.get("call")!;
  const site = C.meters.get("site")!;
  const { order, terms } = closing(C);
  const unit = new PriceBook().text(new Decimal(1));
  const p1 = { project: "p1" };
  const p2 = { project: "p2" };
  const heads = new Map([p1, p2].map((dimensions) => [dimensions, new LineHead({ meter: "call", kind: "usage", category: "main", pool: "build", dimensions, unitPrice: unit.value, eventPrice: unit.value, source: call, version: undefined })]));

  /** A row of `call` (numbered where `slot` is given, as a shape's row is) or of `site` (never numbered, as a cycle-start charge). */
  function row(cycle: OpenCycle, name: "call" | "site", dimensions: { project: string }, quantity: number, slot?: number): void {
    const meter = name === "call" ? call : site;
    const of = { meter, name, component: undefined, kind: "usage" as const, category: "main", pool: "build", dims: dimensions };
    const added = { quantity: new Decimal(quantity), count: quantity * 1_000_000, unit, amount: undefined, slot, dimensions, head: slot === undefined ? undefined : heads.get(dimensions) };
    cycle.addLine(of, added);
  }

  it("keys a name's lines from its first line without a number: another name's numbered lines are found by number, and by key once one of theirs comes without", () => {
    const cycle = paidCycle(C);
    row(cycle, "site", p1, 1);
    row(cycle, "call", p1, 2, 0);
    row(cycle, "call", p1, 3, 0);
    row(cycle, "site", p1, 4);
    // Without a number, of p1's call line: found by its key, made once call's lines are indexed.
    row(cycle, "call", p1, 5);
    row(cycle, "call", p1, 6, 0);
    // Numbered, new, of a name now indexed: a line of its own, found by number after.
    row(cycle, "call", p2, 7, 1);
    row(cycle, "call", p2, 8, 1);
    const lines = cycle.close(new Wallet(), order, terms).lines;
    // In the card's order (call before site), then by project: call p1 2 + 3 + 5 + 6 = 16 in 4 events; call p2 7 + 8 = 15 in 2; site p1 1 + 4 = 5 in 2; all at 1 credit.
    expect(lines.map((l) => [l.meter, l.dimensions.project, l.quantity.toFixed(), l.events, l.amount.toFixed()])).toEqual([
      ["call", "p1", "16", 4, "16"],
      ["call", "p2", "15", 2, "15"],
      ["site", "p1", "5", 2, "5"],
    ]);
  });

  it("sums a numbered line by its number while only another name has lines without a number", () => {
    const cycle = paidCycle(C);
    row(cycle, "site", p1, 1);
    row(cycle, "call", p2, 2, 1);
    row(cycle, "call", p2, 3, 1);
    expect(cycle.close(new Wallet(), order, terms).lines.map((l) => [l.meter, l.dimensions.project, l.quantity.toFixed(), l.events])).toEqual([
      ["call", "p2", "5", 2],
      ["site", "p1", "1", 1],
    ]);
  });
});
