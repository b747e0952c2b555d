import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// On a card priced in cents whose plans include none (Floopy: prepaid), simulate said "Pro (0.0000 cents a cycle for
// 20.00 USD)" and headed sampled columns "Credits p50" (newcomer, stop 35).
function scenario(): string {
  const dir = mkdtempSync(join(tmpdir(), "fix17-"));
  const card = join(ROOT, "ratecards/floopy.yaml");
  expect(readFileSync(card, "utf8")).toMatch(/^unit: cents/m);
  writeFileSync(
    join(dir, "scenario.yaml"),
    `name: helpdesk\ncard: ${card}\nplan: pro\nstart: 2027-01-01\ncycles: 2\ntimezone: UTC\npopulations:\n  - name: agent\n    users: 5\n    per_user:\n      - meter: request\n        quantity: 10\n        dimensions: { model: gpt-4o-mini, provider: openai }\n        components: { input_tokens: 800, output_tokens: 300 }\n`,
  );
  return join(dir, "scenario.yaml");
}

describe("simulate on a card priced in cents with no included credits", () => {
  it("says the plan includes none, and heads sampled columns in the card's unit", async () => {
    const run = await burnrate(["simulate", scenario(), "--samples", "3", "--format", "table"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Plan\s+Pro \(no cents included for 20\.00 USD\)/);
    expect(run.stdout).toMatch(/Cycle\s+Cents p50\s+Cents p90/);
    expect(run.stdout).not.toContain("Credits p50");
  });

  it("a plan of one-time credits alone says them (Flikly Free: 5 credits once), not that none are included", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    writeFileSync(join(dir, "scenario.yaml"), `name: x\ncard: ${join(ROOT, "ratecards/flikly.yaml")}\nplan: free\nstart: 2026-11-01\ncycles: 1\ntimezone: UTC\n`);
    const run = await burnrate(["simulate", join(dir, "scenario.yaml"), "--format", "table"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Plan\s+Free \(5\.00 credits once, none a cycle for 0\.00 USD\)/);
  });
});
