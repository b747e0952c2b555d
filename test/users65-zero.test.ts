import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { scenarioFile } from "./helpers/scenario-file.js";

// newcomer65b L3: `users: 0` in a quote of 1,000 end users made 950 of them vanish, exit 0, no word.
function scenario(population: string): string {
  return scenarioFile(`card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nstart: 2026-11-01\ncycles: 3\npopulations:\n  - name: member\n${population}    dimensions: { project: portal }\n    per_user:\n      - { meter: data_read, quantity: 20 }\n`);
}

describe("a population of 0 users", () => {
  it("is warned of at its count, with a percentage's growth too, and priced as none", async () => {
    const file = scenario("    users: 0\n    growth: 20%\n");
    const r = await burnrate(["simulate", file, "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`burnrate: warning: ${file}:7:12: population "member" has 0 users, which a percentage grows to none: none of its usage is in any cycle\n`);
    expect(JSON.parse(r.stdout).plans[0].cycles.map((c: { total: string }) => c.total)).toEqual(["0", "0", "0"]);
  });

  it("is not warned of where users are added each cycle", async () => {
    const r = await burnrate(["simulate", scenario("    users: 0\n    growth: +10\n"), "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    // 0, 10 and 20 users of 20 reads at 0.01: 0, 2 and 4 credits.
    expect(JSON.parse(r.stdout).plans[0].cycles.map((c: { total: string }) => c.total)).toEqual(["0", "2", "4"]);
  });
});
