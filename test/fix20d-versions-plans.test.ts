import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// With card versions, --compare-plans compared the earliest version's plans alone: a plan a later version adds was
// never priced, and a scenario on it was refused though that version priced every cycle (red team, stop 38 #3).
const V1 = join(ROOT, "ratecards/fliplet.yaml");

function folder(start: string, plan: string): string {
  const dir = mkdtempSync(join(tmpdir(), "fix20d-versions-"));
  // Version 2026-12 adds Max: 5,000 credits for 30 USD.
  const v2 = readFileSync(V1, "utf8")
    .replace('version: "2026-11"\neffective: "2026-11-01"', 'version: "2026-12"\neffective: "2026-12-01"')
    .replace('    grace: { run: "0.10" }    # "a 10% grace buffer above 100% on end-user activity in published projects"\n', '    grace: { run: "0.10" }\n  max:\n    label: Max\n    included: 5000\n    price: 30\n');
  writeFileSync(join(dir, "v2.yaml"), v2);
  // 400,000 reads a cycle x 0.01 = 4,000 credits.
  writeFileSync(join(dir, "s.yaml"), `plan: ${plan}\nstart: ${start}\ncycles: 2\nsends:\n  - { meter: data_read, quantity: 400000, every: cycle, dimensions: { project: p } }\n`);
  return dir;
}

const json = async (args: string[]) => {
  const r = await burnrate(args);
  expect(r.code, r.stderr).toBe(0);
  return { out: JSON.parse(r.stdout) as { cheapest: string; plans: { plan: string; money: string; covers: boolean }[] }, stderr: r.stderr };
};

describe("--compare-plans over card versions", () => {
  it("prices a plan the version in force adds, and names it the cheapest", async () => {
    const dir = folder("2026-12-01", "pro");
    const { out } = await json(["simulate", join(dir, "s.yaml"), "--card", V1, "--card", join(dir, "v2.yaml"), "--compare-plans", "--format", "json"]);
    // December and January, both under 2026-12. Pro: 9 + (4,000 - 1,000) x 0.01 = 39 a cycle, 78. Max covers 4,000 with
    // its 5,000 for 30 a cycle: 60, the cheapest.
    expect(Object.fromEntries(out.plans.map((p) => [p.plan, [p.money, p.covers]]))).toEqual({ pro: ["78", true], max: ["60", true], free: ["0", false] });
    expect(out.cheapest).toBe("max");
  });

  it("prices a scenario on that plan", async () => {
    const dir = folder("2026-12-01", "max");
    const { out } = await json(["simulate", join(dir, "s.yaml"), "--card", V1, "--card", join(dir, "v2.yaml"), "--format", "json"]);
    expect(out.plans.map((p) => [p.plan, p.money])).toEqual([["max", "60"]]);
  });

  it("leaves out, and says so, a plan a version in force over some cycles does not offer", async () => {
    const dir = folder("2026-11-01", "pro");
    const { out, stderr } = await json(["simulate", join(dir, "s.yaml"), "--card", V1, "--card", join(dir, "v2.yaml"), "--compare-plans", "--format", "json"]);
    expect(out.plans.map((p) => p.plan).sort()).toEqual(["free", "pro"]);
    expect(stderr).toContain('burnrate: warning: --compare-plans: plan "max" (Max) is offered by version 2026-12 of the card and not by 2026-11, in force over the simulated cycles: not compared');
  });

  it("refuses a scenario on it at its plan", async () => {
    const dir = folder("2026-11-01", "max");
    const r = await burnrate(["simulate", join(dir, "s.yaml"), "--card", V1, "--card", join(dir, "v2.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('s.yaml:1:7: plan "max" is not offered by version 2026-11 of the card, in force over the simulated cycles');
  });
});
