import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A `burnrate test` scenario case priced the scenario's account on the plan alone: its daily limits and overage were
// left out, and it bought no top-up, so a case that expects simulate's figures failed (red team, stop 38 #1). Both now
// build the account's terms by one rule (scenarioTerms) and replay it by one (replayBuying).

/** A folder with a card (the bundled one, `edit`ed), a scenario and a tests file with one case. */
function suite(cardName: string, scenario: string, expect: string, edit: (card: string) => string = (c) => c): string {
  const dir = mkdtempSync(join(tmpdir(), "fix20d-case-"));
  writeFileSync(join(dir, "card.yaml"), edit(readFileSync(join(ROOT, "ratecards", `${cardName}.yaml`), "utf8")));
  writeFileSync(join(dir, "scenario.yaml"), `card: card.yaml\n${scenario}`);
  writeFileSync(join(dir, "card.tests.yaml"), `cases:\n  - name: the scenario\n    scenario: scenario.yaml\n    expect: ${expect}\n`);
  return dir;
}

const AGENCY = `plan: pro
start: 2026-11-01
cycles: 1
daily_limits: { dental: 100 }
schedules:
  - { meter: message, every: hour, dimensions: { server: bakery, model: claude-haiku-4.5, byok: "false" }, components: { input_tokens: 1000, output_tokens: 200 } }
  - { meter: message, every: hour, dimensions: { server: dental, model: claude-sonnet-4.5, byok: "false" }, components: { input_tokens: 3000, output_tokens: 500 } }
`;

async function simulated(dir: string): Promise<{ total: string; rejected: number }> {
  const r = await burnrate(["simulate", join(dir, "scenario.yaml"), "--format", "json"]);
  expect(r.code).toBe(0);
  const cycles = JSON.parse(r.stdout).plans[0].cycles as { total: string; rejected_with_topups: { events: number }[] }[];
  return { total: cycles.map((c) => Number(c.total)).reduce((a, b) => a + b, 0).toString(), rejected: cycles.flatMap((c) => c.rejected_with_topups).reduce((n, r) => n + r.events, 0) };
}

describe("a scenario case", () => {
  it("holds the scenario's daily limits, as simulate does", async () => {
    // Flowly Pro (5,000 credits). Bakery: 720 hours x (1000 x 0.001 + 200 x 0.005) = 720 x 2 = 1,440. Dental: a message
    // costs 3000 x 0.003 + 500 x 0.015 = 16.5, so 100 a day lets 6 through (99): 30 x 99 = 2,970, and 30 x 18 = 540 refused.
    // 1,440 + 2,970 = 4,410.
    const dir = suite("flowly", AGENCY, '{ total: "4410", rejected: 540 }');
    const r = await burnrate(["test", join(dir, "card.yaml")]);
    expect(r.stdout).toContain("1 passed, 0 failed");
    expect(r.code).toBe(0);
    expect(await simulated(dir)).toEqual({ total: "4410", rejected: 540 });
  });

  it("bills overage past the quota, as simulate does", async () => {
    // Floopy Free with 100,000 credits, so that the quota is what runs out. 83 gpt-4o-mini requests an hour: 720 x 83 =
    // 59,760 requests x (1000 x 0.000015 + 200 x 0.00006 = 0.027) = 1,613.52 cents. Overage on: none refused.
    const dir = suite("floopy", "plan: free\nstart: 2026-11-01\ncycles: 1\noverage: true\nschedules:\n  - { meter: request, every: hour, quantity: 83, components: { input_tokens: 1000, output_tokens: 200 }, dimensions: { model: gpt-4o-mini, provider: openai } }\n", '{ total: "1613.52", rejected: 0 }', (card) => card.replace("label: Free\n    included: 0", "label: Free\n    included: 100000"));
    const r = await burnrate(["test", join(dir, "card.yaml")]);
    expect(r.stdout).toContain("1 passed, 0 failed");
    expect(await simulated(dir)).toEqual({ total: "1613.52", rejected: 0 });
  });

  it("buys the top-ups it needs where its plan sells them, as simulate's plan row does", async () => {
    // Fliplet Pro: 1,000 credits, top-ups sold. 400,000 reads a cycle x 0.01 = 4,000 credits: 1,000 included and 3,000
    // of top-ups each cycle, bought as needed (granted what is taken, none left over), nothing refused, no grace used.
    const scenario = "plan: pro\nstart: 2026-11-01\ncycles: 2\nsends:\n  - { meter: data_read, quantity: 400000, every: cycle, dimensions: { project: p } }\n";
    const cycle = (start: string) => `{ start: ${start}, total: "4000", uncovered: "0", rejected: 0, grants: { topup: { opening: "0", granted: "3000", consumed: "3000", closing: "0" }, included: { consumed: "1000" } } }`;
    const dir = suite("fliplet", scenario, `{ total: "8000", rejected: 0, cycles: [${cycle("2026-11-01")}, ${cycle("2026-12-01")}] }`);
    const r = await burnrate(["test", join(dir, "card.yaml")]);
    expect(r.stdout).toContain("1 passed, 0 failed");
    expect(await simulated(dir)).toEqual({ total: "8000", rejected: 0 });
  });
});
