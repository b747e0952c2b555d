import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cardHead } from "./helpers/cards.js";
import { burnrate } from "./helpers/cli.js";

// `round_at: event` on a pre-aggregated row (SPEC 1: a row of quantity N holds N events): each event is rounded as
// its own row would be (red team, stop 37: 100 maps calls of 0.08 at a step of 0.1 cost 8 as one row, 10 as 100).
const dir = mkdtempSync(join(tmpdir(), "burnrate-round-bucket-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function card(included: string, crossing = "", surcharges = true): string {
  const text = cardHead("g: { label: G, when_exhausted: block }", `included: ${included}, price: 9`, `${crossing}meters:
  call:
    description: a call
    aggregation: flow
    dimensions: [mode]
    category: c1
    pool: g
    price: "0.08"
${surcharges ? "    surcharges:\n      - { name: boost, when: { mode: fast }, per_event: \"0.03\" }\n" : ""}`);
  const rounded = text.replace("precision: { display: 2, rounding: half-even, round_at: none }", 'precision: { display: 2, rounding: half-up, round_at: event, step: "0.1" }');
  expect(rounded).not.toBe(text);
  return rounded;
}

async function cycleOf(name: string, cardText: string, rows: string[]): Promise<{ total: string; lines: { meter: string; component?: string; quantity: string; amount: string }[]; rejected: { quantity: string }[] }> {
  writeFileSync(join(dir, `${name}.yaml`), cardText);
  writeFileSync(join(dir, `${name}.csv`), `timestamp,meter,quantity,mode\n${rows.join("\n")}\n`);
  const run = await burnrate(["statement", "--card", `${name}.yaml`, "--plan", "pro", "--anchor", "2026-11-01", "--usage", `${name}.csv`, "--format", "json"], { cwd: dir });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout).accounts[0].cycles[0];
}

describe("round_at: event on a bucket row", () => {
  it("rounds each of a bucket's events: 100 calls of 0.08 at a step of 0.1 cost 10, as 100 rows of one do", async () => {
    // 0.08 half-up at 0.1 is 0.1 an event; 100 events 10. Rounded once, the bucket would cost 8.
    const bucket = await cycleOf("bucket", card("1000"), ["2026-11-02T10:00:00Z,call,100,slow"]);
    expect(bucket.total).toBe("10");
    const rows = await cycleOf("rows", card("1000"), Array.from({ length: 100 }, (_, i) => `2026-11-02T10:00:${String(i % 60).padStart(2, "0")}Z,call,1,slow`));
    expect(rows.total).toBe("10");
  });

  it("rounds the event with its per-event surcharge, then counts it: 10 fast calls of 0.08 + 0.03 cost 10 x 0.1", async () => {
    // One event: 0.08 + 0.03 = 0.11, half-up at 0.1 is 0.1. The surcharge's line is cut down to the step (0.03 -> 0)
    // and the call's own line has the rest: 10 x 0.1 = 1 in all, where one rounding of the row's 1.1 gave 1.1.
    const cycle = await cycleOf("fast", card("1000"), ["2026-11-02T10:00:00Z,call,10,fast"]);
    expect(cycle.total).toBe("1");
    expect(cycle.lines.map((l) => [l.component ?? "", l.quantity, l.amount])).toEqual([["", "10", "1"], ["boost", "10", "0"]]);
  });

  it("rounds a quantity that is not a whole number of events once: 2.5 of 0.08 is 0.2", async () => {
    const cycle = await cycleOf("part", card("1000"), ["2026-11-02T10:00:00Z,call,2.5,slow"]);
    expect(cycle.total).toBe("0.2");
  });

  // A split needs one unit price a unit (pricing.ts, pricedByUnitAlone): the meter here has no per-event surcharge.
  it("splits a bucket that crosses the end of the credits at the rounded price of an event", async () => {
    // 1 credit of allowance, 0.1 an event once rounded: 10 of the 20 calls fit, 10 are refused. At the unrounded
    // 0.08 a split would have taken 12 calls (0.96) and charged them 12 x 0.1 = 1.2, past the credits.
    const cycle = await cycleOf("split", card("1", "crossing: split\n", false), ["2026-11-02T10:00:00Z,call,20,slow"]);
    expect(cycle.total).toBe("1");
    expect(cycle.lines.map((l) => l.quantity)).toEqual(["10"]);
    expect(cycle.rejected.map((r) => r.quantity)).toEqual(["10"]);
  });
});
