import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// diff's money in credits read at the credit price of the version in force (red team, stop 37, #8). Fliplet: data_read
// 1 credit per 100 reads, Pro 9 USD with 1,000 included credits, credit_price 0.01 USD (version 2026-11). A second
// version, effective Nov 15, raises the credit price to 0.02. A 1,000-credit top-up bought Dec 1 12:00, under the
// second version. December: 150,000 reads = 1,500 credits, 1,000 from the allowance and 500 from the top-up.
const V1 = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const V2 = V1.replace('version: "2026-11"', 'version: "2026-11b"').replace('effective: "2026-11-01"', 'effective: "2026-11-15"').replace('credit_price: "0.01"', 'credit_price: "0.02"');

function folder() {
  const dir = mkdtempSync(join(tmpdir(), "ver19b-diff-"));
  writeFileSync(join(dir, "v1.yaml"), V1);
  writeFileSync(join(dir, "v2.yaml"), V2);
  writeFileSync(join(dir, "account.yaml"), "plan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: topup, amount: 1000, at: 2026-12-01T12:00:00Z }\n");
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,project,quantity\n2026-11-02T10:00:00Z,data_read,a,10000\n2026-12-02T10:00:00Z,data_read,a,150000\n");
  return dir;
}

const diff = (dir: string, ...more: string[]) =>
  burnrate(["diff", "--base", join(dir, "v1.yaml"), "--card", join(dir, "v1.yaml"), "--card", join(dir, "v2.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json", ...more]);

describe("diff: credits read in money at the credit price of the version in force", () => {
  it("values the paid credits drawn at the price they were bought at: 500 x 0.02 = 10 USD, not 500 x 0.01 = 5", async () => {
    const run = await diff(folder());
    expect(run.code).toBe(0);
    const money = JSON.parse(run.stdout).money;
    expect(money.paid_credits_drawn).toMatchObject({ old: "500", new: "500" });
    // Base (v1 alone): 500 x 0.01 = 5; new: bought under v2, 500 x 0.02 = 10.
    expect(money.paid_credits_worth).toMatchObject({ old: "5", new: "10" });
    expect(money.cycles[1].paid_credits_worth).toMatchObject({ old: "5", new: "10" });
  });

  it("reads --fail-over-amount's credits at the December version's price: 500 credits is 10 USD, 499 is 9.98", async () => {
    // December's credits bought: 1,000 x 0.01 = 10 USD under the base, 1,000 x 0.02 = 20 USD under the new card: +10 USD,
    // and the total 9 + 10 = 19 -> 9 + 20 = 29, +10 USD. 500 credits at 0.02 = 10 USD: not past; at 0.01 it was 5 USD, past.
    const dir = folder();
    const within = await diff(dir, "--fail-over-amount", "500");
    expect(JSON.parse(within.stdout).gates[0]).toMatchObject({ exceeded: false, money_changes: [] });
    expect(within.code).toBe(0);
    // 499 credits at 0.02 = 9.98 USD: the +10 USD of credits bought and of the total are past it.
    const past = await diff(dir, "--fail-over-amount", "499");
    expect(past.code).toBe(1);
    const gate = JSON.parse(past.stdout).gates[0];
    expect(gate.money_changes.map((m: { item: string; delta: string }) => [m.item, m.delta])).toEqual([["bought", "10"], ["total", "10"]]);
  });
});
