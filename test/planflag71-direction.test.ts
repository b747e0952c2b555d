import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { folderMaker } from "./helpers/gateway-logs.js";
import { burnrate } from "./helpers/cli.js";
import { callCard } from "./helpers/payg.js";

// --plan starts the scenario on another plan, its changes: as written: with --plan enterprise, the scenario's upgrade
// from Team to Business became a downgrade from Enterprise (applied from the next cycle), without a word. Upgrade or
// downgrade is the engine's rule: more included credits, else the dearer plan. Card: Team 1,000 credits for 10 USD,
// Business 2,000 for 20, Enterprise 5,000 for 50; a call costs 1 credit; downgrades wait for the next cycle (the default).
const PLANS = ["team: { label: Team, included: 1000, price: 10 }", "business: { label: Business, included: 2000, price: 20 }", "enterprise: { label: Enterprise, included: 5000, price: 50 }"];
const CARD = callCard({ provider: "tiers", policy: "block", plan: PLANS.join("\n  "), price: "1" });

const made = folderMaker("planflag71-");
// The change is on line 9, its mapping at column 5.
const folder = (): string => made({ "card.yaml": CARD, "s.yaml": "name: up\ncard: card.yaml\nplan: team\nstart: 2027-01-01\ncycles: 3\ntimezone: UTC\nsends:\n  - { name: a, meter: call, quantity: 10, every: cycle on day 2 at 10:00 }\nchanges:\n  - { at: 2027-02-15T00:00:00Z, plan: business }\n" });

describe("--plan that turns a scenario's plan change around", () => {
  it("says so where the upgrade becomes a downgrade, on stderr and under the per-cycle table", async () => {
    const r = await burnrate(["simulate", "s.yaml", "--plan", "enterprise", "--format", "markdown"], { cwd: folder() });
    expect(r.code).toBe(0);
    // Team (1,000) -> Business (2,000) is an upgrade; Enterprise (5,000) -> Business (2,000) a downgrade.
    const text = "--plan enterprise: the scenario's change to Business, an upgrade from Team as written, is a downgrade from Enterprise (the card's plan_changes: downgrade next_cycle)";
    expect(r.stderr).toBe(`burnrate: note: s.yaml:10:5: ${text}\n`);
    expect(r.stdout.replace(/\s+/g, " ")).toContain(`${text} (line 10).`);
  });

  it("says so where the change names the plan --plan put in force, and once with --compare-plans, whose other plans keep no changes; nothing where a change goes the way it was written", async () => {
    const r = await burnrate(["simulate", "s.yaml", "--plan", "business", "--compare-plans", "--format", "json"], { cwd: folder() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("burnrate: note: s.yaml:10:5: --plan business: the scenario's change to Business, an upgrade from Team as written, names the plan already in force and changes nothing\n");
    // --plan team is the scenario's own plan; without --plan nothing is turned.
    for (const args of [["--plan", "team"], []]) {
      const quiet = await burnrate(["simulate", "s.yaml", ...args, "--format", "json"], { cwd: folder() });
      expect([quiet.code, quiet.stderr]).toEqual([0, ""]);
    }
    // From Business as from Team, a change to Enterprise (5,000 credits) is an upgrade: nothing said.
    const dir = folder();
    writeFileSync(join(dir, "s.yaml"), "name: up\ncard: card.yaml\nplan: team\nstart: 2027-01-01\ncycles: 3\ntimezone: UTC\nsends:\n  - { name: a, meter: call, quantity: 10, every: cycle on day 2 at 10:00 }\nchanges:\n  - { at: 2027-02-15T00:00:00Z, plan: enterprise }\n");
    const same = await burnrate(["simulate", "s.yaml", "--plan", "business", "--format", "json"], { cwd: dir });
    expect([same.code, same.stderr]).toEqual([0, ""]);
  });
});
