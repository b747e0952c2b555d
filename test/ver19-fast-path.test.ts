import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Statement } from "../src/engine/types.js";
import { statementJson } from "../src/render/statement/json.js";
import { card, events, replay, replayRows, TEST_CARD, type RunOptions } from "./helpers/engine.js";
import { long, purchases } from "./helpers/streams.js";

// The rules of red team stop 37 (#1, #2, #6) on both paths: a card version that resizes the plan in force inside a
// cycle, a plan change to the plan in force, and add-ons that expire exactly at a cycle boundary. The known path
// (src/engine/fast/) may skip work only where the rules' declarations say; a version switch and an expiry are clock
// changes, so rows priced on it must give the full path's statement byte for byte.
const RUNS = Math.ceil(Number(process.env.FUZZ_RUNS ?? 300) / 3);

const text = (st: Statement) => JSON.stringify(statementJson(st));
// Add-ons that last a month: one bought at a cycle's start expires at the next one's.
const MONTHLY_ADDONS = { "addon: { priority: 2, expires: { after_months: 12, at_latest: subscription_end } }": "addon: { priority: 2, expires: { after_months: 1 } }" };
const base = card(TEST_CARD.replace('version: "1"', 'version: "1"\neffective: "2026-01-01T00:00:00Z"'), MONTHLY_ADDONS);

const version = fc.record({
  day: fc.constantFrom(31, 40, 45, 59, 70),
  included: fc.constantFrom("50", "100", "200"),
  grace: fc.constantFrom("0.10", "0.20"),
  upgrade: fc.constantFrom("difference", "prorated"),
}).map((v) => card(TEST_CARD.replace('version: "1"', `version: "2"\neffective: "${new Date(Date.UTC(2026, 0, 1) + v.day * 86_400_000).toISOString()}"\nplan_changes: { upgrade: ${v.upgrade} }`), {
  ...MONTHLY_ADDONS,
  'paid: { label: Paid, included: 100, price: 20, grace: { run: "0.10" } }': `paid: { label: Paid, included: ${v.included}, price: 20, grace: { run: "${v.grace}" } }`,
}));

// Add-ons bought at a cycle's start (Jan 1, Feb 1), which expire at the next cycle's start, beside random purchases.
const atStarts = fc.subarray(["2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"]).map((ats) => ats.map((at) => ({ kind: "addon", amount: "30", at })));
const changes = fc.subarray([
  { at: "2026-01-20T00:00:00Z", plan: "paid" },
  { at: "2026-02-15T00:00:00Z", plan: "small" },
  { at: "2026-02-20T00:00:00Z", plan: "paid" },
]);

describe(`the known path gives the full path's statement across version resizes and boundary expiries (${RUNS} runs)`, () => {
  it("rows and events give the same statement", () => {
    fc.assert(fc.property(version, long, purchases, atStarts, changes, fc.integer(), (v2, specs, ps, starts, cs, seed) => {
      const evs = events(specs);
      const options: RunOptions = { plan: "paid", purchases: [...ps, ...starts], through: "2026-03-20T00:00:00Z", versions: [v2], changes: cs };
      const sizes = [1 + (seed & 7), 1 + ((seed >> 3) & 31)];
      expect(text(replayRows(base, evs, options, sizes, (seed >> 8) & 3))).toBe(text(replay(base, evs, options)));
    }), { numRuns: RUNS });
  }, 600_000);

  it("the generator reaches both rules: a version's grant at its switch and an add-on expiring at a cycle's end", () => {
    // Paid 100 to 200 from Feb 15 (difference: 100 granted); 30 add-on credits bought Feb 1 expire Mar 1, February's end.
    const v2 = card(TEST_CARD.replace('version: "1"', 'version: "2"\neffective: "2026-02-15T00:00:00Z"'), { ...MONTHLY_ADDONS, "included: 100, price: 20": "included: 200, price: 20" });
    const options: RunOptions = { plan: "paid", purchases: [{ kind: "addon", amount: "30", at: "2026-02-01T00:00:00Z" }], through: "2026-03-20T00:00:00Z", versions: [v2] };
    const [, feb, mar] = JSON.parse(text(replay(base, [], options))).accounts[0].cycles;
    expect(feb.grants).toEqual([
      { kind: "included", opening: "100", granted: "100", consumed: "0", expired: "0", closing: "200" },
      { kind: "addon", opening: "0", granted: "30", consumed: "0", expired: "30", closing: "0" },
    ]);
    expect(feb.allowance).toBe("200");
    expect(mar.grants).toEqual([{ kind: "included", opening: "200", granted: "0", consumed: "0", expired: "0", closing: "200" }]);
  });

  it("an upgrade that starts a new cycle at an add-on's expiry expires it in the cycle the upgrade closes", () => {
    // Small (10 credits); 30 add-on credits bought Jan 10 expire Feb 10, when an upgrade to Paid starts a new cycle.
    const newCycle = card(TEST_CARD.replace('version: "1"', 'version: "1"\nplan_changes: { upgrade: new_cycle }'), MONTHLY_ADDONS);
    const options: RunOptions = { plan: "small", purchases: [{ kind: "addon", amount: "30", at: "2026-01-10T00:00:00Z" }], changes: [{ at: "2026-02-10T00:00:00Z", plan: "paid" }], through: "2026-02-20T00:00:00Z" };
    const [, early, upgraded] = JSON.parse(text(replay(newCycle, [], options))).accounts[0].cycles;
    expect([early.start, early.end]).toEqual(["2026-02-01T00:00:00Z", "2026-02-10T00:00:00Z"]);
    expect(early.grants.find((g: { kind: string }) => g.kind === "addon")).toEqual({ kind: "addon", opening: "30", granted: "0", consumed: "0", expired: "30", closing: "0" });
    expect(upgraded.grants.map((g: { kind: string }) => g.kind)).toEqual(["included"]);
  });
});
