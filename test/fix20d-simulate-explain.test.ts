import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A sales engineer could not explain simulate's figure from its output (newcomer, stop 38 #8): the credits were split
// by category and pool only, so "what does the nightly batch cost?" took --emit-usage and a statement; a plan's
// "asks up to" was capped by its request quota; and "none covers the scenario at a known price" was said where no plan
// covers it at any price.
function scenario(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "fix20d-explain-"));
  writeFileSync(join(dir, "s.yaml"), text);
  return join(dir, "s.yaml");
}

const FLIPLET = `name: seats and a nightly batch
card: ${join(ROOT, "ratecards/fliplet.yaml")}
plan: pro
start: 2026-11-01
cycles: 2
populations:
  - name: seat
    users: 300
    dimensions: { project: harbor }
    per_user:
      - { meter: data_read, quantity: 200 }
schedules:
  - { name: nightly batch, meter: automation_run, every: day at 02:00, dimensions: { project: harbor } }
inventory:
  - { meter: project_created, dimensions: { project: harbor } }
`;

describe("what each part of the scenario comes to", () => {
  // Seats: 300 x 200 reads x 0.01 = 600 a cycle, 1,200 over two. Batch: 0.15 a run, 30 nights in November and 31 in
  // December: 4.5 + 4.65 = 9.15. Project: 0.5 a cycle, 1. At the card's 0.01 USD a credit: 12, 0.0915, 0.01.
  it("is in the JSON, a part a population, schedule, send or the inventory", async () => {
    const r = await burnrate(["simulate", scenario(FLIPLET), "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).parts).toEqual([
      { kind: "population", name: "seat", line: 7, credits: "1200", money: "12", cycles: ["600", "600"], priced_with: null },
      { kind: "schedule", name: "nightly batch", line: 13, credits: "9.15", money: "0.0915", cycles: ["4.5", "4.65"], priced_with: null },
      { kind: "inventory", name: "inventory", line: 15, credits: "1", money: "0.01", cycles: ["0.5", "0.5"], priced_with: null },
    ]);
  });

  it("is a table with each part's share, and rows of the CSV named in its last columns", async () => {
    const table = await burnrate(["simulate", scenario(FLIPLET), "--format", "markdown"]);
    expect(table.stdout).toContain("**What each part of the scenario comes to, credits over the 2 cycles**");
    // 1,210.15 in all: the seats 1,200 / 1,210.15 = 99.2%, the batch 9.15 / 1,210.15 = 0.8%.
    expect(table.stdout).toContain("| seat | population | line 7 | 1,200.00 | 99.2% | 12.00 USD |");
    expect(table.stdout).toContain("| nightly batch | schedule | line 13 | 9.15 | 0.8% | 0.09 USD |");
    const csv = await burnrate(["simulate", scenario(FLIPLET), "--format", "csv"]);
    const lines = csv.stdout.trim().split(/\r?\n/);
    expect(lines[0]!.endsWith(",asked,part_kind,part,cycle_plan,unpriced_credits,past_zero_billed")).toBe(true);
    expect(lines).toContain("pro,,,,2026-12-01T00:00:00Z,2027-01-01T00:00:00Z,,4.65,,,,,,,0.0465,,yes,,schedule,nightly batch,pro,,");
  });
});

describe("a plan that falls short", () => {
  it("asks what the usage costs past its request quota, not what the quota lets through", async () => {
    // Floopy Free: no credits, a quota of 1,000 requests. 83 gpt-4o-mini requests an hour over November's 720 hours:
    // 59,760 x (1,000 x 0.000015 + 200 x 0.00006 = 0.027) = 1,613.52 cents. Capped by the quota it read 12 rows x 83 =
    // 996 requests, 26.892.
    const file = scenario(`card: ${join(ROOT, "ratecards/floopy.yaml")}\nplan: free\nstart: 2026-11-01\ncycles: 1\nschedules:\n  - { meter: request, every: hour, quantity: 83, components: { input_tokens: 1000, output_tokens: 200 }, dimensions: { model: gpt-4o-mini, provider: openai } }\n`);
    const r = await burnrate(["simulate", file, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).plans[0].cycles[0].asked).toBe("1613.52");
  });

  it("is said to be no plan covering the scenario at any price, where none does", async () => {
    // Flowly without its bonus credits sells nothing more. Sonnet messages of 3,000 + 500 tokens cost 16.5; hourly over
    // November: 720 x 16.5 = 11,880 credits, past Starter's 1,000 and Pro's 5,000.
    const card = join(mkdtempSync(join(tmpdir(), "fix20d-")), "flowly-no-bonus.yaml");
    const flowly = readFileSync(join(ROOT, "ratecards/flowly.yaml"), "utf8");
    expect(flowly).toMatch(/^  bonus: .*\n/m);
    writeFileSync(card, flowly.replace(/^  bonus: .*\n/m, ""));
    const file = scenario(`card: ${card}\nplan: pro\nstart: 2026-11-01\ncycles: 1\nschedules:\n  - { meter: message, every: hour, dimensions: { server: s, model: claude-sonnet-4.5, byok: "false" }, components: { input_tokens: 3000, output_tokens: 500 } }\n`);
    const r = await burnrate(["simulate", file, "--compare-plans", "--format", "markdown"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("- **Cheapest plan**: no plan covers the scenario, at any price: each runs out of its credits or refuses usage, and none sells more");
    expect(r.stdout).not.toContain("at a known price");
    // Of plans that do not cover it, the one refusing fewer rows ranks first (newcomer65b L4): of the 720 hourly rows of
    // 16.5, Pro's 5,000 serve 303 and refuse 417, Starter's 1,000 serve 60 and refuse 660.
    expect(r.stdout).toContain("| 1 | Pro (scenario) | as is (no top-ups sold) | - | 40.00 USD | no: 417 usage rows refused;");
    expect(r.stdout).toContain("| 2 | Starter | as is (no top-ups sold) | - | 10.00 USD | no: 660 usage rows refused;");
  });

  it("names the plan that covers it with Flowly's bonus credits, which the card gives no price (newcomer65b H1)", async () => {
    // The same 11,880 credits: Starter covers them with 10,880 bonus credits, Pro with 6,880.
    const file = scenario(`card: ${join(ROOT, "ratecards/flowly.yaml")}\nplan: pro\nstart: 2026-11-01\ncycles: 1\nschedules:\n  - { meter: message, every: hour, dimensions: { server: s, model: claude-sonnet-4.5, byok: "false" }, components: { input_tokens: 3000, output_tokens: 500 } }\n`);
    const r = await burnrate(["simulate", file, "--compare-plans", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const needed = Object.fromEntries(out.plans.map((p: { plan: string; cycles: { topup_needed: string }[] }) => [p.plan, p.cycles[0]!.topup_needed]));
    expect(needed).toEqual({ starter: "10880", pro: "6880" });
    expect(out.cheapest).toBeNull();
    const md = await burnrate(["simulate", file, "--compare-plans", "--format", "markdown"]);
    expect(md.stdout).toContain("- **Cheapest plan**: none covers the scenario at a known price: Starter covers it with bonus credits the card gives no price");
  });
});
