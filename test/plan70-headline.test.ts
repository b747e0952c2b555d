import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// newcomer70b M2: simulate's Plan line named every later version's price of the scenario's first plan, past the change
// that left it, and the plan it moved to at the first version's price only. Card: Solo 1,500 credits for 12 USD, Team
// 5,000 for 40; a version from December 1 makes them 13 and 44. The scenario upgrades to Team on November 15, and
// December and January bill Team's 44.
const V1 = `provider: payg
version: "1"
effective: "2026-11-01"
credit_price: "0.01"
unit: credits
currency: USD
categories: { c: { label: Calls } }
pools: { p: { label: P, when_exhausted: overage } }
grant_kinds: { included: { priority: 1, expires: cycle_end } }
plans:
  solo: { label: Solo, included: 1500, price: 12 }
  team: { label: Team, included: 5000, price: 40 }
meters:
  call: { description: a call, aggregation: flow, category: c, pool: p, price: "100" }
`;
const V2 = V1.replace('version: "1"\neffective: "2026-11-01"', 'version: "2"\neffective: "2026-12-01"').replace("price: 12 }", "price: 13 }").replace("price: 40 }", "price: 44 }");

describe("simulate's Plan line, a plan change beside card versions", () => {
  it("prices each plan as the versions in force while it is", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plan70-"));
    writeFileSync(join(dir, "v1.yaml"), V1);
    writeFileSync(join(dir, "v2.yaml"), V2);
    writeFileSync(join(dir, "scn.yaml"), "name: up\ncard: v1.yaml\nplan: solo\nstart: 2026-11-01\ncycles: 3\ntimezone: UTC\nchanges:\n  - { at: 2026-11-15T00:00:00Z, plan: team }\nsends:\n  - { name: a, meter: call, quantity: 10, every: cycle on day 2 at 10:00 }\n");
    const r = await burnrate(["simulate", "scn.yaml", "--card", "v1.yaml", "--card", "v2.yaml", "--format", "markdown"], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain("Team from 2026-11-15 00:00 (5,000.00 credits a cycle for 40.00 USD); 44.00 USD from 2026-12-01 (2)");
    expect(r.stdout).toMatch(/Solo \(1,500\.00 credits a cycle for 12\.00 USD\), then Team/);
    // Team's 40, then 44 and 44: 128.
    expect(r.stdout).toMatch(/Money[^\n]*128\.00 USD over 3 cycles/);
  });

  it("dates a version that applies from the next cycle by that cycle's start, and prices no plan by it before (red70e H1)", async () => {
    // Version 2 dated November 10, applying from the next cycle: Solo is not 13 from November 10, Team not 44 from
    // November 15; both take it from December 1, where December's cycle starts.
    const dir = mkdtempSync(join(tmpdir(), "plan70-"));
    writeFileSync(join(dir, "v1.yaml"), V1);
    writeFileSync(join(dir, "v2.yaml"), V2.replace('effective: "2026-12-01"', 'effective: "2026-11-10"\napplies: next_cycle'));
    writeFileSync(join(dir, "scn.yaml"), "name: up\ncard: v1.yaml\nplan: solo\nstart: 2026-11-01\ncycles: 3\ntimezone: UTC\nchanges:\n  - { at: 2026-11-15T00:00:00Z, plan: team }\nsends:\n  - { name: a, meter: call, quantity: 10, every: cycle on day 2 at 10:00 }\n");
    const r = await burnrate(["simulate", "scn.yaml", "--card", "v1.yaml", "--card", "v2.yaml", "--format", "markdown"], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain("Solo (1,500.00 credits a cycle for 12.00 USD), then Team from 2026-11-15 00:00 (5,000.00 credits a cycle for 40.00 USD); 44.00 USD from 2026-12-01 (2)");
    expect(r.stdout).toMatch(/Money[^\n]*128\.00 USD over 3 cycles/);
  });

  it("dates the credit price of a version applying from the next cycle by that cycle, in the note on overage (red70f L2)", async () => {
    // Solo, 20 calls a cycle: 500 credits past zero each, billed at 0.01 in November and 0.02 from December 1, where
    // version 2 (dated November 10, applying from the next cycle) is in force: 12 + 5 + (13 + 10) x 2 = 63.
    const dir = mkdtempSync(join(tmpdir(), "plan70-"));
    writeFileSync(join(dir, "v1.yaml"), V1);
    writeFileSync(join(dir, "v2.yaml"), V2.replace('effective: "2026-12-01"', 'effective: "2026-11-10"\napplies: next_cycle').replace('credit_price: "0.01"', 'credit_price: "0.02"'));
    writeFileSync(join(dir, "scn.yaml"), "name: over\ncard: v1.yaml\nplan: solo\nstart: 2026-11-01\ncycles: 3\ntimezone: UTC\nsends:\n  - { name: a, meter: call, quantity: 20, every: cycle on day 2 at 10:00 }\n");
    const r = await burnrate(["simulate", "scn.yaml", "--card", "v1.yaml", "--card", "v2.yaml", "--format", "markdown"], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout.replace(/\s+/g, " ")).toContain("at 0.01 USD per credit, then 0.02 from 2026-12-01, billed in money");
    expect(r.stdout).toMatch(/Money[^\n]*63\.00 USD over 3 cycles/);
  });
});
