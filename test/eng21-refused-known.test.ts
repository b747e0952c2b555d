import { describe, expect, it } from "vitest";
import type { Statement, UsageEvent } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";
import { statementJson } from "../src/render/statement/json.js";
import { viaRows } from "./helpers/priced-in-full.js";
import { card, closing, events, paidCycle, replay, TEST_CARD, type EventSpec, type RunOptions } from "./helpers/engine.js";
import { Wallet } from "../src/engine/wallet.js";

// eng21 (stop 39): a log that runs out of credits early, or past its quota, refuses most of its rows. Before,
// each such row went the full way, and a row whose line no paid row had opened went the full way even before
// that: a 2M-row log on a 1,000-credit allowance took 8.5 s against 2.2 s for the same log within its credits.
// Now only the first refusal of a meter and reason in a cycle goes the full way (the statement names its row);
// the rest are refused on the known path, a unique item's first rows too. Each case counts the rows priced in
// full (Charging.price) and holds the statement to the full path's (events, every row through price()) and to
// figures worked out by hand.

const text = (st: Statement) => JSON.stringify(statementJson(st));

function viaRowsOf(c: ReturnType<typeof card>, evs: readonly UsageEvent[], options: RunOptions): { statement: Statement; full: number } {
  return viaRows(c, evs, options, [7, 64]);
}

/** Rows one minute apart from 2026-01-02T00:00Z, in one cycle of the test card (anchored 2026-01-01). */
function minutes(rows: readonly [meter: string, dims: Record<string, string>][]): UsageEvent[] {
  const start = Date.UTC(2026, 0, 2);
  return events(rows.map(([meter, dims], i): EventSpec => [new Date(start + i * 60_000).toISOString(), meter, "1", dims]));
}

describe("rows refused past the credits stay on the known path", () => {
  it("a block pool's rows past zero, also of lines no paid row opened, are refused known after the first", () => {
    // Small: 10 credits, `call` 1 credit in the build pool, which blocks. Projects p0 to p2 come first; p3 and p4
    // come only after the credits ran out, so their lines never open.
    const projects = (i: number) => (i < 30 ? `p${i % 3}` : `p${i % 5}`);
    const evs = minutes(Array.from({ length: 300 }, (_, i) => ["call", { project: projects(i) }] as [string, Record<string, string>]));
    const options: RunOptions = { plan: "small" };
    const { statement, full } = viaRowsOf(card(), evs, options);
    expect(text(statement)).toBe(text(replay(card(), evs, options)));
    const cycle = statement.accounts[0]!.cycles[0]!;
    // By hand: the first 10 calls (p0, p1, p2, p0, ...) are paid, 4 + 3 + 3 credits; the other 290 are refused.
    expect(cycle.lines.filter((l) => l.meter === "call").map((l) => [l.dimensions.project, l.quantity.toFixed()])).toEqual([["p0", "4"], ["p1", "3"], ["p2", "3"]]);
    expect(cycle.rejected.map((r) => [r.meter, r.reason, r.events, r.quantity.toFixed()])).toEqual([["call", "credits exhausted", 290, "290"]]);
    // The first row of the log, the first refusal, and a row or two of shapes not yet seen: not 290.
    expect(full).toBeLessThan(8);
  });

  it("a unique item's first rows go into the grace buffer and are then refused, on the known path", () => {
    // Paid: 100 credits and 10 of grace in the run pool; a visitor is 0.25. 600 visitors, each once: 400 paid from the
    // credits, 40 from the grace buffer, 160 refused (one item each).
    const evs = minutes(Array.from({ length: 600 }, (_, i) => ["visitor", { project: "p", user: `u${i}` }] as [string, Record<string, string>]));
    const options: RunOptions = { plan: "paid" };
    const { statement, full } = viaRowsOf(card(), evs, options);
    expect(text(statement)).toBe(text(replay(card(), evs, options)));
    const cycle = statement.accounts[0]!.cycles[0]!;
    expect(cycle.lines.filter((l) => l.meter === "visitor").map((l) => [l.quantity.toFixed(), l.amount.toFixed()])).toEqual([["440", "110"]]);
    expect(cycle.uncovered.toFixed()).toBe("10");
    expect(cycle.rejected.map((r) => [r.meter, r.reason, r.events, r.quantity.toFixed()])).toEqual([["visitor", "grace buffer exhausted", 160, "160"]]);
    expect(full).toBeLessThan(6);
  });

  it("a visitor refused once is charged by a later row when credits come back", () => {
    // Small: 10 credits, 40 visitors' worth; u0 to u49 come, then a top-up of 5, then u40 to u49 again: the ten
    // refused the first time are charged now (2.5 credits), no earlier visitor twice.
    const first = Array.from({ length: 50 }, (_, i) => ["visitor", { project: "p", user: `u${i}` }] as [string, Record<string, string>]);
    const again = Array.from({ length: 20 }, (_, i) => ["visitor", { project: "p", user: `u${30 + i}` }] as [string, Record<string, string>]);
    const evs = minutes([...first, ...again]);
    const options: RunOptions = { plan: "small", purchases: [{ kind: "topup", amount: "5", at: "2026-01-02T00:55:00Z" }] };
    const { statement } = viaRowsOf(card(), evs, options);
    expect(text(statement)).toBe(text(replay(card(), evs, options)));
    const cycle = statement.accounts[0]!.cycles[0]!;
    expect(cycle.lines.filter((l) => l.meter === "visitor").map((l) => l.quantity.toFixed())).toEqual(["50"]);
    expect(cycle.rejected.map((r) => [r.reason, r.events])).toEqual([["credits exhausted", 10]]);
  });

  it("rows past a quota are refused on the known path after the first", () => {
    // Small with 1,000 credits and a quota of 6 requests of `read`, no overage: the 7th read on is refused for the quota.
    const c = card(TEST_CARD, { "small: { label: Small, included: 10, price: 5 }": "small: { label: Small, included: 1000, price: 5, quota: { meters: [read], requests: 6 } }" });
    const evs = minutes(Array.from({ length: 200 }, (_, i) => ["read", { project: `p${i % 4}` }] as [string, Record<string, string>]));
    const options: RunOptions = { plan: "small" };
    const { statement, full } = viaRowsOf(c, evs, options);
    expect(text(statement)).toBe(text(replay(c, evs, options)));
    const cycle = statement.accounts[0]!.cycles[0]!;
    expect(cycle.lines.filter((l) => l.meter === "read").reduce((sum, l) => sum + Number(l.quantity), 0)).toBe(6);
    expect(cycle.rejected.map((r) => [r.meter, r.events, r.quantity.toFixed()])).toEqual([["read", 194, "194"]]);
    expect(full).toBeLessThan(12);
  });
});

describe("checks that cannot act on a row's values", () => {
  it("leave the known path to rows of a value with no daily limit, and of a value the plan's gate takes", () => {
    // Daily limits on projects with a limit for p only, and a paid plan that takes project q (and r) only: 150 reads
    // of q at 0.5 are neither limited nor gated, 75 credits; before, each went the full way.
    const c = card(TEST_CARD, {
      "provider: testco": "provider: testco\ndaily_limits: { dimension: project }",
      'paid: { label: Paid, included: 100, price: 20, grace: { run: "0.10" } }': 'paid: { label: Paid, included: 100, price: 20, grace: { run: "0.10" }, only: { project: [q, r] } }',
    });
    const evs = minutes(Array.from({ length: 150 }, () => ["read", { project: "q" }] as [string, Record<string, string>]));
    const options: RunOptions = { plan: "paid", terms: { dailyLimits: new Map([["p", new Decimal("3")]]) } };
    const { statement, full } = viaRowsOf(c, evs, options);
    expect(text(statement)).toBe(text(replay(c, evs, options)));
    const cycle = statement.accounts[0]!.cycles[0]!;
    expect(cycle.lines.filter((l) => l.meter === "read").map((l) => [l.quantity.toFixed(), l.amount.toFixed()])).toEqual([["150", "75"]]);
    expect(cycle.rejected).toEqual([]);
    expect(full).toBeLessThan(4);
  });
});

describe("a gauge's rises", () => {
  it("raise its level on the known path, charged at the next cycle start as on the full path", () => {
    // 20 rises of disk (4 credits a unit at each cycle start) among 160 reads: February's start charges the level
    // of 20, 80 credits, within the paid plan's 100. Before, each rise went the full way.
    const rows = Array.from({ length: 180 }, (_, i) => (i % 9 === 4 ? ["disk", { project: "p" }] : ["read", { project: "p" }]) as [string, Record<string, string>]);
    const evs = minutes(rows);
    const options: RunOptions = { plan: "paid", through: "2026-02-10T00:00:00Z" };
    const { statement, full } = viaRowsOf(card(), evs, options);
    expect(text(statement)).toBe(text(replay(card(), evs, options)));
    const february = statement.accounts[0]!.cycles[1]!;
    expect(february.lines.filter((l) => l.meter === "disk").map((l) => [l.quantity.toFixed(), l.amount.toFixed()])).toEqual([["20", "80"]]);
    expect(full).toBeLessThan(5);
  });
});

describe("an open cycle's refusals", () => {
  it("add a row's quantity as a count of millionths, folded in once: closing twice gives the same statement", () => {
    const c = card();
    const cycle = paidCycle(c);
    const wallet = new Wallet();
    cycle.reject({ meter: "call", reason: "credits exhausted", quantity: new Decimal("1.5"), at: 10 });
    cycle.reject({ meter: "call", reason: "credits exhausted", quantity: new Decimal("2.25"), count: 2_250_000, at: 11 });
    cycle.reject({ meter: "call", reason: "credits exhausted", quantity: new Decimal("0.000001"), count: 1, at: 12 });
    // A count past the safe integers is added as its Decimal.
    cycle.reject({ meter: "call", reason: "credits exhausted", quantity: new Decimal("9007199254.740994"), count: 2 ** 53 + 2, at: 13 });
    const { order, terms } = closing(c);
    const once = cycle.close(wallet, order, terms).rejected.map((r) => [r.events, r.quantity.toFixed()]);
    const twice = cycle.close(wallet, order, terms).rejected.map((r) => [r.events, r.quantity.toFixed()]);
    expect(once).toEqual([[4, "9007199258.490995"]]);
    expect(twice).toEqual(once);
  });
});
