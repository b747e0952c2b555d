import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, burnrateJson, ROOT } from "./helpers/cli.js";

/** A Fliplet customer on Free who upgrades to Pro on 10 December: Free is 100 credits for 0 USD, Pro 1,000 for 9 USD (ratecards/fliplet.yaml). */
function upgrading(): string {
  return scenario("free", "  - { at: 2026-12-10T00:00:00Z, plan: pro }");
}

/** A scenario of three cycles from November 2026 on `plan`, with `changes`. */
function scenario(plan: string, ...changes: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-upgrade-"));
  const file = join(dir, "scenario.yaml");
  writeFileSync(file, [
    "name: upgrade in month 2",
    `card: ${join(ROOT, "ratecards/fliplet.yaml")}`,
    `plan: ${plan}`,
    "start: 2026-11-01",
    "cycles: 3",
    "sends:",
    "  - { name: n, meter: email, quantity: 10, at: 2026-11-05T09:00:00Z, dimensions: { project: p, source: studio } }",
    "changes:",
    ...changes,
    "",
  ].join("\n"));
  return file;
}

describe("simulate: a scenario that changes plan", () => {
  it("says which plan each cycle ends on, in JSON, and prices the cycles after the change on it", async () => {
    const out = await burnrateJson(["simulate", upgrading()]);
    const own = out.plans[0];
    expect(own.plan).toBe("free");
    expect(own.cycles.map((c: { plan: string }) => c.plan)).toEqual(["free", "pro", "pro"]);
    // Free costs 0 USD a cycle; the cycle holding the upgrade and the next are Pro's 9 USD: 18 USD.
    expect(own.cycles.map((c: { money: string }) => c.money)).toEqual(["0", "9", "9"]);
    expect(own.money).toBe("18");
  });

  it("names the change in the table's Plan line and gives each cycle's plan a column", async () => {
    const { stdout, code } = await burnrate(["simulate", upgrading(), "--format", "table", "--no-color"], { terminal: { columns: 160, colors: 0 } });
    expect(code).toBe(0);
    expect(stdout).toMatch(/Plan +Free \(100\.00 credits a cycle for 0\.00 USD\), then Pro from 2026-12-10 00:00 \(1,000\.00 credits a cycle for 9\.00 USD\)/);
    const rows = stdout.split("\n").filter((l) => /^ +[123] +2026-1[12]-01|^ +3 +2027-01-01/.test(l));
    expect(rows.map((l) => l.trim().split(/ +/)[2])).toEqual(["Free", "Pro", "Pro"]);
    expect(stdout).toContain(`"Of allowance" is of that plan's allowance`);
  });

  it("names a downgrade from the cycle it applies at (the next), and no change that leaves the plan as it was", async () => {
    // Fliplet's downgrades wait for the next cycle: Pro through December, Free from January.
    const down = await burnrate(["simulate", scenario("pro", "  - { at: 2026-12-15T12:00:00Z, plan: free }"), "--format", "table", "--no-color"], { terminal: { columns: 160, colors: 0 } });
    expect(down.stdout).toMatch(/Plan +Pro \(1,000\.00 credits a cycle for 9\.00 USD\), then Free from 2027-01-01 00:00 \(100\.00 credits a cycle for 0\.00 USD\)\n/);
    const same = await burnrate(["simulate", scenario("pro", "  - { cycle: 2, plan: pro }"), "--format", "table", "--no-color"], { terminal: { columns: 160, colors: 0 } });
    expect(same.stdout).toMatch(/Plan +Pro \(1,000\.00 credits a cycle for 9\.00 USD\)\n/);
    expect(same.stdout).toMatch(/Cycle +Start +Credits/);
  });

  it("leaves the table of a scenario without changes as it was: no Plan column", async () => {
    const { stdout } = await burnrate(["simulate", join(ROOT, "fixtures/scenarios/fliplet/sms-100.yaml"), "--format", "table", "--no-color"], { terminal: { columns: 160, colors: 0 } });
    expect(stdout).toMatch(/Cycle +Start +Credits/);
  });
});
