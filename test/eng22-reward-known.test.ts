import { describe, expect, it } from "vitest";
import type { Statement } from "../src/engine/types.js";
import { statementJson } from "../src/render/statement/json.js";
import { viaRows } from "./helpers/priced-in-full.js";
import { card, events, replay, TEST_CARD, type EventSpec, type RunOptions } from "./helpers/engine.js";

// eng22 (stop 39): a creator's reward declared no room, so every row of another creator's app went the full way
// (the app builder's shared apps). Its room has no bound (a reward never refuses) and records the share of the
// rows' sum, the last row's instant, on the creator's cycle then; it holds only while the creator's cycle does,
// which an upgrade may have anchored apart from the earner's.

const text = (st: Statement) => JSON.stringify(statementJson(st));

/** The test card with a 10% reward to the row's user, and upgrades that start a cycle. */
const rewarded = card(TEST_CARD, { "provider: testco": 'provider: testco\nrewards: { share: "0.10", dimension: user }\nplan_changes: { upgrade: new_cycle }' });

/** Reads (0.5 credits) by `other` of acct's app, every hour from `from` (UTC, an ISO instant), `hours` of them. */
function reads(from: string, hours: number): EventSpec[] {
  return Array.from({ length: hours }, (_, i): EventSpec => [new Date(Date.parse(from) + i * 3_600_000).toISOString(), "read", "1", { project: "p", user: "acct" }, { account: "other" }]);
}

describe("rows of another creator's app on the known path", () => {
  it("earn the creator its share, few of them priced in full", () => {
    const evs = events(reads("2026-01-02T00:00:00Z", 150));
    const options: RunOptions = { plan: "paid" };
    const { statement, full } = viaRows(rewarded, evs, options);
    expect(text(statement)).toBe(text(replay(rewarded, evs, options)));
    // By hand: 150 reads at 0.5 are 75 credits of other's 100; acct earns 7.5 from other.
    const acct = statement.accounts.find((a) => a.account === "acct")!;
    expect(acct.cycles[0]!.rewards.from.map((r) => [r.account, r.amount.toFixed()])).toEqual([["other", "7.5"]]);
    // The first row, and a row or two as the shape's facts are learnt: not 150.
    expect(full).toBeLessThan(6);
  });

  it("split their earnings at the creator's own cycle end, where an upgrade anchored the creator's cycles apart", () => {
    // acct upgrades at noon on January 10: its cycles run from noon on the 10th of each month, other's from the 1st.
    // other reads hourly from February 9 to the end of February 10 (48 rows, 24 credits, within its top-up):
    // 36 before noon on the 10th (18 credits, 1.8 earned in acct's cycle from January 10) and 12 after (0.6).
    const evs = events(reads("2026-02-09T00:00:00Z", 48));
    const options: RunOptions = { plan: "small", changes: [{ at: "2026-01-10T12:00:00Z", plan: "paid" }], purchases: [{ kind: "topup", amount: "100", at: "2026-02-01T00:00:00Z", account: "other" }] };
    const { statement } = viaRows(rewarded, evs, options);
    expect(text(statement)).toBe(text(replay(rewarded, evs, options)));
    const acct = statement.accounts.find((a) => a.account === "acct")!;
    const earned = acct.cycles.filter((c) => c.rewards.from.length > 0).map((c) => [new Date(c.start).toISOString(), c.rewards.earned.toFixed()]);
    expect(earned).toEqual([
      ["2026-01-10T12:00:00.000Z", "1.8"],
      ["2026-02-10T12:00:00.000Z", "0.6"],
    ]);
  });
  it("credit the column the version in force names, after a version that credits another (red team red22c)", () => {
    // Version 1 credits the row's user, version 2 (from January 15) its project. other reads 20 times before the
    // switch with user acct (project carol), 20 times after with project acct (user dave): by hand, acct earns
    // 20 x 0.5 x 10% = 1 from each half, 2 in all; carol and dave nothing.
    const userCard = card(TEST_CARD.replace('version: "1"', 'version: "1"\neffective: "2026-01-01T00:00:00Z"'), { "provider: testco": 'provider: testco\nrewards: { share: "0.10", dimension: user }' });
    const projectCard = card(TEST_CARD.replace('version: "1"', 'version: "2"\neffective: "2026-01-15T00:00:00Z"'), { "provider: testco": 'provider: testco\nrewards: { share: "0.10", dimension: project }' });
    const row = (day: number, i: number, dims: Record<string, string>): EventSpec => [new Date(Date.UTC(2026, 0, day, 1) + i * 60_000).toISOString(), "read", "1", dims, { account: "other" }];
    const evs = events([...Array.from({ length: 20 }, (_, i) => row(10, i, { project: "carol", user: "acct" })), ...Array.from({ length: 20 }, (_, i) => row(16, i, { project: "acct", user: "dave" }))]);
    const options: RunOptions = { plan: "paid", versions: [projectCard] };
    const { statement } = viaRows(userCard, evs, options);
    expect(text(statement)).toBe(text(replay(userCard, evs, options)));
    const earned = statement.accounts.filter((a) => a.cycles.some((c) => c.rewards.from.length > 0)).map((a) => [a.account, a.cycles[0]!.rewards.earned.toFixed()]);
    expect(earned).toEqual([["acct", "2"]]);
  });
});
