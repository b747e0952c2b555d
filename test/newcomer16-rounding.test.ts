import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A bill line one step off the computed amount is rounding only where rounding to the card's step can give it: 100 reads
// at 0.01 are 1.00 exactly, and no rounding makes 1.01 of it (newcomer, stop 34: 500 such lines, +5 credits, passed as
// "rounding, which always passes"). Fliplet: data_read 0.01, step 0.01.
async function reconcile(rows: string, bill: string) {
  const dir = mkdtempSync(join(tmpdir(), "nc16-"));
  writeFileSync(join(dir, "account.yaml"), "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n");
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project\n${rows}`);
  writeFileSync(join(dir, "bill.csv"), `period_start,activity,project,quantity,amount\n${bill}`);
  const run = await burnrate(["reconcile", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
  return { run, differences: (JSON.parse(run.stdout) as { differences: { class: string; delta: string; within_tolerance: boolean }[] }).differences };
}

describe("reconcile: rounding is what rounding can give", () => {
  it("1.01 billed for 100 reads (1.00 exactly) is a rate drift, not rounding: exit 1", async () => {
    const { run, differences } = await reconcile("2026-11-02T10:00:00Z,data_read,100,alpha\n", "2026-11-01,data_read,alpha,100,1.01\n");
    expect(run.code).toBe(1);
    expect(differences.map((d) => [d.class, d.delta, d.within_tolerance])).toEqual([["rate_drift", "0.01", false]]);
  });

  it("a bill with more decimals than the step (1.009) is not rounding either", async () => {
    const { differences } = await reconcile("2026-11-02T10:00:00Z,data_read,100,alpha\n", "2026-11-01,data_read,alpha,100,1.009\n");
    expect(differences.map((d) => d.class)).toEqual(["rate_drift"]);
  });

  it("1.01 billed for 1.005 (100.5 reads) is half-up rounding of it, and passes", async () => {
    // 100.5 x 0.01 = 1.005: half-even gives 1.00, half-up 1.01. The card rounds half-even; a provider rounding half-up bills 1.01.
    const { run, differences } = await reconcile("2026-11-02T10:00:00Z,data_read,100.5,alpha\n", "2026-11-01,data_read,alpha,100.5,1.01\n");
    expect(run.code).toBe(0);
    expect(differences.map((d) => [d.class, d.within_tolerance])).toEqual([["rounding", true]]);
  });
});
