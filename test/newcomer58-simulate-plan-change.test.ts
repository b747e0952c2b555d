import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer58a M2: a scenario that upgrades kept its first plan's key on every CSV row of its series, so that a pivot
// by plan read Free at Pro's allowance and fee. Fliplet's Free: 100 credits, 0 USD; Pro: 1,000 credits, 9 USD.
function scenario(): string {
  const dir = mkdtempSync(join(tmpdir(), "newcomer58-"));
  const file = join(dir, "scenario.yaml");
  writeFileSync(file, `name: upgrade\ncard: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: free\nstart: 2026-11-01\ncycles: 3\ntimezone: UTC\nschedules:\n  - { name: sync, meter: automation_run, every: day, dimensions: { project: portal } }\nchanges:\n  - { cycle: 2, plan: pro }\n`);
  return file;
}

describe("simulate's CSV of a scenario that changes plan", () => {
  it("names the plan in force of each cycle in cycle_plan, beside the series' plan", async () => {
    const run = await burnrate(["simulate", scenario(), "--compare-plans", "--format", "csv"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const [head, ...rows] = run.stdout.trim().split(/\r?\n/).map((l) => l.split(","));
    const col = (name: string) => head!.indexOf(name);
    const own = rows.filter((r) => r[col("scenario")] === "yes" && r[col("part")] === "");
    expect(own.map((r) => [r[col("plan")], r[col("cycle_start")], r[col("cycle_plan")], r[col("allowance")]])).toEqual([
      ["free", "2026-11-01T00:00:00Z", "free", "100"],
      ["free", "2026-12-01T00:00:00Z", "pro", "1000"],
      ["free", "2027-01-01T00:00:00Z", "pro", "1000"],
    ]);
    // The plans compared plain keep theirs on every cycle.
    const plainPro = rows.filter((r) => r[col("plan")] === "pro" && r[col("scenario")] === "no");
    expect(plainPro.map((r) => r[col("cycle_plan")])).toEqual(["pro", "pro", "pro"]);
  });
});
