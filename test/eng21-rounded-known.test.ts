import { describe, expect, it } from "vitest";
import type { Statement, UsageEvent } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";
import { statementJson } from "../src/render/statement/json.js";
import { viaRows } from "./helpers/priced-in-full.js";
import { card, events, replay, replayRows, TEST_CARD, type EventSpec, type RunOptions } from "./helpers/engine.js";

// eng21 (stop 39): a card that rounds each event (precision round_at: event) sent every row the full way, with a
// key string and Decimals a row: the bench's 2M-row log took 21 s on such a copy of fliplet.yaml, against 2.2 s.
// A whole number of events costs that many times one event's rounded price (priceEvent's rule for a bucket), so
// the line's head holds that price and its rows of whole events take the known path; a row of part of an event
// goes the full way with its own rounded amount. Each case holds the rows' statement to the full path's (events,
// every row through price()), counts the rows priced in full, and checks the figures by hand.

const text = (st: Statement) => JSON.stringify(statementJson(st));


function minutes(rows: readonly [meter: string, quantity: string][]): UsageEvent[] {
  const start = Date.UTC(2026, 0, 2);
  return events(rows.map(([meter, quantity], i): EventSpec => [new Date(start + i * 60_000).toISOString(), meter, quantity]));
}

/** The test card with `call` at 0.08 and each event rounded half-up to a step of 0.1: one call costs 0.1. */
const rounded = card(TEST_CARD, {
  "provider: testco": 'provider: testco\nprecision: { display: 2, rounding: half-up, round_at: event, step: "0.1" }',
  'price: "1", dimensions: [project] }': 'price: "0.08", dimensions: [project] }',
});

describe("a card that rounds each event", () => {
  it("prices rows of whole events on the known path, each event at its rounded price", () => {
    // 300 rows of one call and 100 rows of three: 600 events at 0.1 = 60, where 600 x 0.08 unrounded is 48.
    const rows = Array.from({ length: 400 }, (_, i) => ["call", i % 4 === 3 ? "3" : "1"] as [string, string]);
    const evs = minutes(rows);
    const options: RunOptions = { plan: "paid" };
    const { statement, full } = viaRows(rounded, evs, options);
    expect(text(statement)).toBe(text(replay(rounded, evs, options)));
    const line = statement.accounts[0]!.cycles[0]!.lines.find((l) => l.meter === "call")!;
    expect([line.quantity.toFixed(), line.unitPrice.toFixed(), line.amount.toFixed(), line.events]).toEqual(["600", "0.08", "60", 400]);
    expect(full).toBeLessThan(5);
  });

  it("prices a row of part of an event the full way, at its own rounded amount, on the same line", () => {
    // A row of 0.5 call costs 0.04, rounded half-up to 0.0; one of 0.7 costs 0.056, rounded to 0.1. Whole rows before
    // and after it: 10 + 20 events at 0.1 = 3, and the line is 31.2 calls for 3.1 credits.
    const rows: [string, string][] = [...Array.from({ length: 10 }, (): [string, string] => ["call", "1"]), ["call", "0.5"], ["call", "0.7"], ...Array.from({ length: 10 }, (): [string, string] => ["call", "2"])];
    const evs = minutes(rows);
    const options: RunOptions = { plan: "paid" };
    const { statement, full } = viaRows(rounded, evs, options);
    expect(text(statement)).toBe(text(replay(rounded, evs, options)));
    const line = statement.accounts[0]!.cycles[0]!.lines.find((l) => l.meter === "call")!;
    expect([line.quantity.toFixed(), line.amount.toFixed(), line.events]).toEqual(["31.2", "3.1", 22]);
    expect(full).toBeLessThan(6);
  });

  it("gives the full path's statement where a line's first row is part of an event, and past the credits", () => {
    // Small: 10 credits; the first row of 0.5 opens the line with its own amount; then 150 whole calls, 100 of them
    // paid (10 credits at 0.1) and 50 refused.
    const rows: [string, string][] = [["call", "0.5"], ...Array.from({ length: 150 }, (): [string, string] => ["call", "1"])];
    const evs = minutes(rows);
    const options: RunOptions = { plan: "small" };
    const { statement } = viaRows(rounded, evs, options);
    expect(text(statement)).toBe(text(replay(rounded, evs, options)));
    const cycle = statement.accounts[0]!.cycles[0]!;
    const line = cycle.lines.find((l) => l.meter === "call")!;
    expect([line.quantity.toFixed(), line.amount.toFixed()]).toEqual(["100.5", "10"]);
    expect(cycle.rejected.map((r) => [r.meter, r.events])).toEqual([["call", 50]]);
  });
});

describe("a card that rounds each event: lines a row of part of a charge or of many events opened (red team, stop 39)", () => {
  it("adds later whole events at the event's price to a line a split crossing opened with its own amount", () => {
    // Small: 10 credits; reads of 0.5, calls of 0.08 (0.1 an event). 19 reads leave 0.5; a row of 10 calls is split:
    // 5 accepted (0.5), 5 refused. A top-up of 5, then 9 calls: 0.9. The call line is 14 calls, 1.4; the cycle 10.9.
    const c = card(TEST_CARD, {
      "provider: testco": 'provider: testco\ncrossing: split\nprecision: { display: 2, rounding: half-up, round_at: event, step: "0.1" }',
      'price: "1", dimensions: [project] }': 'price: "0.08", dimensions: [project] }',
    });
    const evs = events([
      ["2026-01-02T00:00:00Z", "read", "19"],
      ["2026-01-03T00:00:00Z", "call", "10"],
      ...Array.from({ length: 9 }, (_, i): EventSpec => [`2026-01-06T00:0${i}:00Z`, "call", "1"]),
    ]);
    const options: RunOptions = { plan: "small", purchases: [{ kind: "topup", amount: "5", at: "2026-01-05T00:00:00Z" }] };
    const { statement } = viaRows(c, evs, options);
    expect(text(statement)).toBe(text(replay(c, evs, options)));
    const cycle = statement.accounts[0]!.cycles[0]!;
    expect(cycle.lines.filter((l) => l.meter === "call").map((l) => [l.quantity.toFixed(), l.amount.toFixed()])).toEqual([["14", "1.4"]]);
    expect(cycle.total.toFixed()).toBe("10.9");
    expect(cycle.rejected.map((r) => [r.meter, r.quantity.toFixed()])).toEqual([["call", "5"]]);
  });

  it("adds whole events at the event's price to a split line that a row of part of an event found first (red team red22)", () => {
    // Small: 3 credits; reads of 0.333, each event rounded half-up to 0.01: 0.33. 10 reads are split: 9 accepted
    // (2.97), 1 refused. A top-up of 5; 1.25 reads cost 0.41625, 0.42 (the full way, an amount of its own, finding
    // the split's line); then 3 reads, whole events, 0.99 on the known path. The line is 13.25 reads, 4.38.
    const c = card(TEST_CARD, {
      "provider: testco": 'provider: testco\ncrossing: split\nprecision: { display: 2, rounding: half-up, round_at: event, step: "0.01" }',
      "small: { label: Small, included: 10, price: 5 }": "small: { label: Small, included: 3, price: 5 }",
      'read: { aggregation: flow, category: main, pool: run, price: "0.5", dimensions: [project] }': 'read: { aggregation: flow, category: main, pool: build, price: "0.333", dimensions: [project] }',
    });
    const evs = events([
      ["2026-01-02T00:00:00Z", "read", "10"],
      ["2026-01-06T00:00:00Z", "read", "1.25"],
      ["2026-01-07T00:00:00Z", "read", "3"],
    ]);
    const options: RunOptions = { plan: "small", purchases: [{ kind: "topup", amount: "5", at: "2026-01-05T00:00:00Z" }] };
    const { statement } = viaRows(c, evs, options);
    expect(text(statement)).toBe(text(replay(c, evs, options)));
    const cycle = statement.accounts[0]!.cycles[0]!;
    expect(cycle.lines.map((l) => [l.meter, l.quantity.toFixed(), l.amount.toFixed()])).toEqual([["read", "13.25", "4.38"]]);
    expect(cycle.total.toFixed()).toBe("4.38");
    expect(cycle.rejected.map((r) => [r.meter, r.quantity.toFixed()])).toEqual([["read", "1"]]);
  });

  it("keeps the amount of whole events past a safe count of millionths on a line", () => {
    // Two rows of 5,000,000,000 calls at 0.1 an event (a card of one price, so that a row's units are a safe count and
    // the second row takes the known path): 10^16 millionths, past 2^53 once added; 1,000,000,000 credits.
    const c = card(`
provider: redco
version: "1"
unit: credits
precision: { display: 2, rounding: half-up, round_at: event, step: "0.1" }
categories: { main: { label: Main } }
pools: { build: { label: Build, when_exhausted: block } }
grant_kinds: { included: { priority: 1, expires: cycle_end } }
plans: { big: { label: Big, included: 100000000000, price: 5 } }
meters:
  call: { aggregation: flow, category: main, pool: build, price: "0.1", dimensions: [project] }
`);
    const evs = events([["2026-01-02T00:10:00Z", "call", "5000000000"], ["2026-01-02T00:11:00Z", "call", "5000000000"]]);
    const options: RunOptions = { plan: "big" };
    const { statement } = viaRows(c, evs, options);
    expect(text(statement)).toBe(text(replay(c, evs, options)));
    const line = statement.accounts[0]!.cycles[0]!.lines.find((l) => l.meter === "call")!;
    expect([line.quantity.toFixed(), line.amount.toFixed()]).toEqual(["10000000000", "1000000000"]);
  });
});

describe("the low-balance alert on the known path", () => {
  it("is re-armed by a free row once a top-up lifted the balance back, and goes off again when an expiry takes it below", () => {
    // Small: 10 included; the alert at 9. A read of 4 (2 credits) leaves 8: alerted. A top-up of 5 lifts it to 13,
    // bought as another account's row is priced; a free read (0) is the next charge paid, which re-arms the alert. At
    // the subscription's end the 8 included credits left expire: 5, below 9, and the free read at that instant sets
    // the alert off again. Before, the free read took the known path and nothing re-armed the alert (fuzz, seed 99).
    const evs = events([
      ["2026-01-01T00:00:00Z", "read", "4"],
      ["2026-01-01T00:45:00Z", "read", "1", { project: "q" }, { account: "other" }],
      ["2026-01-01T01:00:00Z", "read", "0"],
      ["2026-01-10T00:00:00Z", "read", "0"],
    ]);
    const options: RunOptions = { plan: "small", purchases: [{ kind: "topup", amount: "5", at: "2026-01-01T00:30:00Z" }], subscriptionEnd: "2026-01-10T00:00:00Z", terms: { lowBalance: new Decimal(9) } };
    const rows = replayRows(card(), evs, options, [1]);
    expect(text(rows)).toBe(text(replay(card(), evs, options)));
    expect(rows.accounts[0]!.cycles[0]!.alerts.map((a) => [a.kind, new Date(a.at).toISOString()])).toEqual([
      ["low_balance", "2026-01-01T00:00:00.000Z"],
      ["low_balance", "2026-01-10T00:00:00.000Z"],
    ]);
  });
});
