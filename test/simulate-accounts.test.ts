import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expand } from "../src/scenario/expand.js";
import { loadScenario } from "../src/scenario/load.js";
import { Random } from "../src/scenario/random.js";
import { Calendar } from "../src/time.js";
import { burnrateJson, ROOT } from "./helpers/cli.js";

function scenarioFile(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-accounts-"));
  const file = join(dir, "s.yaml");
  writeFileSync(file, body);
  return file;
}

describe("activity that moves together under --samples", () => {
  it("draws a geometric user's level once a cycle: their meters rise and fall together", () => {
    // Two unique meters (one row per user each), both on Fliplet's end_user_open keyed by user and project.
    const file = scenarioFile([
      `card: ${JSON.stringify(join(ROOT, "ratecards/fliplet.yaml"))}`,
      "plan: pro",
      "start: 2026-11-01",
      "cycles: 1",
      "populations:",
      "  - name: u",
      "    users: 2000",
      "    distribution: geometric",
      "    per_user:",
      "      - { meter: end_user_open, quantity: 20, dimensions: { project: a } }",
      "      - { meter: end_user_open, quantity: 20, dimensions: { project: b } }",
      "",
    ].join("\n"));
    const scenario = loadScenario(file);
    const counts = new Map<string, number[]>();
    for (const e of expand(scenario, new Calendar(scenario.start, scenario.zone), new Random("7", 0))) {
      const pair = counts.get(e.dimensions.user!) ?? [0, 0];
      pair[e.dimensions.project === "a" ? 0 : 1] = e.quantity.toNumber();
      counts.set(e.dimensions.user!, pair);
    }
    const xs = [...counts.values()];
    const mean = (f: (p: number[]) => number) => xs.reduce((t, p) => t + f(p), 0) / xs.length;
    const ma = mean((p) => p[0]!);
    const mb = mean((p) => p[1]!);
    const cov = mean((p) => (p[0]! - ma) * (p[1]! - mb));
    const sa = Math.sqrt(mean((p) => (p[0]! - ma) ** 2));
    const sb = Math.sqrt(mean((p) => (p[1]! - mb) ** 2));
    // Shared level L ~ Exp(1): cov = 20 x 20 x Var(L) = 400; each variance 20 + 400 = 420: correlation 400 / 420 = 0.95.
    expect(cov / (sa * sb)).toBeGreaterThan(0.85);
  });
});

describe("billing: per_user with --samples", () => {
  it("reports each account's spend at p50 <= p90 <= p99 <= max, run-outs and the creator reward", async () => {
    const file = scenarioFile([
      `card: ${JSON.stringify(join(ROOT, "ratecards/appbuilder.yaml"))}`,
      "plan: standard",
      "start: 2026-11-01",
      "cycles: 2",
      "populations:",
      "  - name: cook",
      "    users: 300",
      "    billing: per_user",
      "    distribution: geometric",
      "    dimensions: { app: recipes, creator: ana, tier: standard }",
      "    per_user:",
      "      - { meter: app_request, quantity: 100, components: { input_tokens: 1200, output_tokens: 400 } }",
      "",
    ].join("\n"));
    const out = await burnrateJson(["simulate", file, "--samples", "2", "--seed", "3"]);
    const a = out.plans[0].accounts;
    expect(a.accounts).toBe(300);
    const v = (k: string) => Number(a.credits[k]);
    expect(v("p50")).toBeLessThanOrEqual(v("p90"));
    expect(v("p90")).toBeLessThanOrEqual(v("p99"));
    expect(v("p99")).toBeLessThanOrEqual(v("max"));
    // 4.8 credits a request, Standard's 2,000 a month: an account runs out past 416 requests in a cycle;
    // with a geometric mean of 100, P(more than 416) = (100/101)^417, about 1.6% a cycle: some of 300 do.
    expect(a.ran_out).toBeGreaterThan(0);
    expect(a.ran_out).toBeLessThan(60);
    // The creator earns 10% of what the accounts consume.
    expect(Number(a.creator_rewards)).toBeCloseTo(v("sum") * 0.1, 6);
  });

  it("prices identical users once without --samples and counts every account", async () => {
    const file = scenarioFile([
      `card: ${JSON.stringify(join(ROOT, "ratecards/appbuilder.yaml"))}`,
      "plan: standard",
      "start: 2026-11-01",
      "cycles: 3",
      "populations:",
      "  - name: cook",
      "    users: 100",
      "    growth: +50",
      "    billing: per_user",
      "    dimensions: { app: recipes, creator: ana, tier: standard }",
      "    per_user:",
      "      - { meter: app_request, quantity: 10, components: { input_tokens: 1200, output_tokens: 400 } }",
      "",
    ].join("\n"));
    const out = await burnrateJson(["simulate", file]);
    const a = out.plans[0].accounts;
    // 100, 150, 200 users: 200 accounts; 48 credits a user a cycle (10 x 4.8).
    // Cycle-months present: 100 x 3 + 50 x 2 + 50 x 1 = 450; 450 x 48 = 21,600 credits; reward 2,160.
    expect(a.accounts).toBe(200);
    expect(a.credits.sum).toBe("21600");
    expect(a.credits.max).toBe("144");
    expect(a.credits.p50).toBe("96");
    expect(a.creator_rewards).toBe("2160");
    // Money: each account pays 20 USD a month it is in: 450 x 20 = 9,000.
    expect(a.money.sum).toBe("9000");
  });
});
