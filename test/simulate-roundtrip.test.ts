import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { burnrate, burnrateJson } from "./helpers/cli.js";

// `--emit-usage DIR` writes the scenario as usage and an account; `burnrate
// statement` on them must give the simulation's per-cycle totals, for every
// bundled scenario.
const SCENARIOS = readdirSync("fixtures/scenarios/fliplet").filter((f) => f.endsWith(".yaml")).sort();
const work = mkdtempSync(join(tmpdir(), "burnrate-roundtrip-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("simulate --emit-usage round trip through statement", () => {
  it("bundles scenarios to check", async () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(12);
  });

  for (const file of SCENARIOS) {
    it(file, async () => {
      const dir = join(work, file.replace(/\.yaml$/, ""));
      const sim = await burnrateJson(["simulate", `fixtures/scenarios/fliplet/${file}`, "--emit-usage", dir]);
      const statement = await burnrateJson(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")]);
      const simulated = sim.plans[0].cycles.map((c: any) => ({ start: c.start, end: c.end, total: c.total }));
      const stated = statement.accounts[0].cycles.map((c: any) => ({ start: c.start, end: c.end, total: c.total }));
      expect(stated).toEqual(simulated);
      expect(statement.accounts[0].plan).toBe(sim.plans[0].plan);
      // The top-ups the simulation says each cycle needs are exactly what the statement consumes.
      const topups = statement.accounts[0].cycles.map((c: any) => c.grants.find((g: any) => g.kind === "topup")?.consumed ?? "0");
      expect(topups).toEqual(sim.plans[0].cycles.map((c: any) => c.topup_needed));
      expect(statement.accounts[0].cycles.every((c: any) => c.rejected.length === 0)).toBe(true);
    });
  }

  it("writes a canonical usage CSV and an account naming the card", async () => {
    const dir = join(work, "shape");
    const run = await burnrate(["simulate", "fixtures/scenarios/fliplet/email-1000.yaml", "--emit-usage", dir, "--format", "json"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(readFileSync(join(dir, "usage.csv"), "utf8")).toBe("timestamp,meter,quantity,project,source\n2026-11-05T09:00:00Z,email,1000,portal,studio\n");
    const account = readFileSync(join(dir, "account.yaml"), "utf8");
    expect(account).toMatch(/^card: ".*ratecards\/fliplet\.yaml"$/m);
    expect(account).toContain("plan: pro\n");
    expect(account).toContain('anchor: "2026-11-01T00:00:00Z"\n');
    expect(account).toContain('through: "2026-11-01T00:00:00Z"\n');
    expect(account).not.toContain("grants:");
  });

  it("buys the needed top-ups at each cycle's start in the account", async () => {
    const dir = join(work, "headline-topups");
    const sim = await burnrateJson(["simulate", "fixtures/scenarios/fliplet/headline.yaml", "--emit-usage", dir]);
    const needed = sim.plans[0].cycles.filter((c: any) => c.topup_needed !== "0");
    expect(needed.length).toBeGreaterThan(0);
    const account = readFileSync(join(dir, "account.yaml"), "utf8");
    for (const c of needed) expect(account).toContain(`  - { kind: topup, amount: "${c.topup_needed}", at: "${c.start}" }\n`);
  });
});
