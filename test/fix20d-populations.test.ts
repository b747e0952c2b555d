import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A population's name names its users (NAME-1, NAME-2, ...). Two populations of one name were the same users, so
// Fliplet's unique end-user meter counted 20 people as 10 without a word (red team, stop 38 #4).
function scenario(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "fix20d-pops-"));
  const populations = names.map((name, i) => `  - name: ${name}\n    users: ${i === 2 ? 5 : 10}\n    dimensions: { project: p }\n    per_user:\n      - { meter: end_user_open, quantity: 1 }\n`).join("");
  writeFileSync(join(dir, "pops.yaml"), `name: groups\ncard: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nstart: 2026-11-01\ncycles: 1\npopulations:\n${populations}`);
  return join(dir, "pops.yaml");
}

describe("populations of one name", () => {
  it("are refused at the second name", async () => {
    const r = await burnrate(["simulate", scenario(["m", "m", "m-1"])]);
    expect(r.code).toBe(2);
    // The second population's `name:` is on line 12 (7 header lines, then 5 lines a population), its value at column 11.
    expect(r.stderr).toMatch(/pops\.yaml:12:11: population "m" named twice/);
    expect(r.stdout).toBe("");
  });

  it("named apart are every one of their users", async () => {
    const r = await burnrate(["simulate", scenario(["m", "n", "m-1"]), "--format", "json"]);
    expect(r.code).toBe(0);
    // 10 + 10 + 5 = 25 unique end-users x 0.25 ("0.25 per unique end-user") = 6.25 credits.
    expect(JSON.parse(r.stdout).plans[0].cycles[0].total).toBe("6.25");
  });
});
