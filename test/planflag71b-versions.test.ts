import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { callCard } from "./helpers/payg.js";

// red71c M1, L4, L5: the --plan note judged each plan change on the first card version's plans, called a change to
// another plan of the same rank "the plan already in force", and said nothing of an allowance change turned around.
// The replay judges a change on the version in force at it: more included credits is an upgrade, else the dearer plan.
// Version 1: Team 1,000 credits for 10 USD, Business 2,000 for 20, Enterprise 5,000 for 50, Twin 2,000 for 20 (Business's
// equal). Version 2, from 2027-02-01: Business 8,000 credits, Enterprise 1,500 (prices unchanged).
const V1 = ["team: { label: Team, included: 1000, price: 10 }", "business: { label: Business, included: 2000, price: 20 }", "enterprise: { label: Enterprise, included: 5000, price: 50 }", "twin: { label: Twin, included: 2000, price: 20 }"];
const V2 = ["team: { label: Team, included: 1000, price: 10 }", "business: { label: Business, included: 8000, price: 20 }", "enterprise: { label: Enterprise, included: 1500, price: 50 }", "twin: { label: Twin, included: 2000, price: 20 }"];
const card = (plans: string[]) => callCard({ provider: "tiers", policy: "block", plan: plans.join("\n  "), price: "1" });

function folder(plan: string, change: string): string {
  const dir = mkdtempSync(join(tmpdir(), "planflag71b-"));
  writeFileSync(join(dir, "v1.yaml"), card(V1).replace('version: "1"', 'version: "1"\neffective: "2027-01-01"'));
  writeFileSync(join(dir, "v2.yaml"), card(V2).replace('version: "1"', 'version: "2"\neffective: "2027-02-01"'));
  // The change is on line 10, its mapping at column 5.
  writeFileSync(join(dir, "s.yaml"), `name: up\ncard: v1.yaml\nplan: ${plan}\nstart: 2027-01-01\ncycles: 3\ntimezone: UTC\nsends:\n  - { name: a, meter: call, quantity: 10, every: cycle on day 2 at 10:00 }\nchanges:\n  - { at: 2027-02-15T00:00:00Z, ${change} }\n`);
  return dir;
}

const VERSIONS = ["--card", "v1.yaml", "--card", "v2.yaml"];

describe("--plan note: each change judged on the card version in force at it", () => {
  it("says nothing where version 2's Business makes the change an upgrade from both plans", async () => {
    // In version 1, Enterprise (5,000) -> Business (2,000) would be a downgrade; on 02-15 version 2 is in force:
    // Team (1,000) -> Business (8,000) and Enterprise (5,000) -> Business (8,000) are both upgrades.
    const r = await burnrate(["simulate", "s.yaml", ...VERSIONS, "--plan", "enterprise", "--format", "json"], { cwd: folder("team", "plan: business") });
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });

  it("says so where version 2's Enterprise turns the change around", async () => {
    // On 02-15 version 2 is in force: Business (2,000 in version 1, 8,000 from 02-01, its own allowance following it)
    // -> Enterprise (1,500) is a downgrade as written; Team (1,000) -> Enterprise (1,500) an upgrade with --plan team.
    // In version 1 both were upgrades (to 5,000), so the old note said nothing.
    const r = await burnrate(["simulate", "s.yaml", ...VERSIONS, "--plan", "team", "--format", "json"], { cwd: folder("business", "plan: enterprise") });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("burnrate: note: s.yaml:10:5: --plan team: the scenario's change to Enterprise, a downgrade from Business as written, is an upgrade from Team (the card's plan_changes: upgrade difference)\n");
  });

  it("calls a change to another plan of the same rank a change, not the plan already in force (red71c L4)", async () => {
    // One version: Team (1,000) -> Twin (2,000) is an upgrade as written; Business (2,000, 20 USD) -> Twin (2,000, 20 USD) neither.
    const r = await burnrate(["simulate", "s.yaml", "--plan", "business", "--format", "json"], { cwd: folder("team", "plan: twin") });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("burnrate: note: s.yaml:10:5: --plan business: the scenario's change to Twin, an upgrade from Team as written, is a change from Business to a plan of the same rank, applied at once\n");
  });

  it("says so where an allowance change turns around (red71c L5)", async () => {
    // One version: an allowance of 3,000 is a raise from Team's 1,000 as written, a cut from Enterprise's 5,000 with --plan enterprise.
    const r = await burnrate(["simulate", "s.yaml", "--plan", "enterprise", "--format", "json"], { cwd: folder("team", "allowance: 3000") });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("burnrate: note: s.yaml:10:5: --plan enterprise: the scenario's allowance change to 3,000 credits, a raise from 1,000 credits as written, is a cut from 5,000 credits (the card's plan_changes: downgrade next_cycle)\n");
  });
});
