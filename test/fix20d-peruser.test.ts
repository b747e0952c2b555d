import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// The per-user table (billing: per_user) counted the credits of requests the plan refuses, and the creator's reward
// on them, as if each user bought the packs the card gives no price for, while their money left them out (red team,
// stop 38 #5). A user now buys only what the card prices; credits and reward are on what the plan serves.
const SCENARIO = `name: appbuilder hand check
card: ${join(ROOT, "ratecards/appbuilder.yaml")}
plan: standard
start: 2026-11-01
cycles: 2
populations:
  - name: cook
    users: 10
    growth: 10%
    billing: per_user
    dimensions: { app: recipes, creator: ana, tier: standard }
    per_user:
      - { meter: app_request, quantity: 30, components: { input_tokens: 1200, output_tokens: 400 }, dimensions: { web_search: "true" } }
  - name: power
    users: 3
    billing: per_user
    dimensions: { app: recipes, creator: ana, tier: standard }
    per_user:
      - { meter: app_request, quantity: 150, components: { input_tokens: 1200, output_tokens: 400 }, dimensions: { web_search: "true" } }
`;

describe("per-user accounts", () => {
  it("count the credits and the creator reward of what the plan serves", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix20d-peruser-"));
    writeFileSync(join(dir, "ab.yaml"), SCENARIO);
    const r = await burnrate(["simulate", join(dir, "ab.yaml"), "--compare-plans", "--format", "json", "--emit-usage", join(dir, "emit")]);
    expect(r.code).toBe(0);
    const plans = JSON.parse(r.stdout).plans as { plan: string; accounts: { credits: { sum: string; max: string }; creator_rewards: string } }[];
    const standard = plans.find((p) => p.plan === "standard")!.accounts;
    const superPlan = plans.find((p) => p.plan === "super")!.accounts;
    // A request: 1,200 x 0.002 + 400 x 0.006 + 15 (web search) = 19.8. A cook asks 30 a cycle: 594; 10 cooks, then 11.
    // Cooks: (10 + 11) x 594 = 12,474, all served on either plan.
    // Power cooks ask 150 a cycle (2,970). Standard's 2,000 serve 101 (1,999.8) and refuse the rest; packs have no price,
    // so none is bought: 3 x 2 cycles x 1,999.8 = 11,998.8. Served: 12,474 + 11,998.8 = 24,472.8; Ana's 10%: 2,447.28.
    expect(standard.credits.sum).toBe("24472.8");
    expect(standard.credits.max).toBe("3999.6");
    expect(standard.creator_rewards).toBe("2447.28");
    // Super (20,000) serves all: 12,474 + 3 x 2 x 2,970 = 30,294, and 10% is 3,029.4.
    expect(superPlan.credits.sum).toBe("30294");
    expect(superPlan.creator_rewards).toBe("3029.4");

    // The statement of the emitted usage credits Ana the same: cycle 1, 10% of (10 x 594 + 3 x 1,999.8 = 11,939.4);
    // cycle 2, 10% of (11 x 594 + 3 x 1,999.8 = 12,533.4). 1,193.94 + 1,253.34 = 2,447.28.
    const st = await burnrate(["statement", "--account", join(dir, "emit/account.yaml"), "--usage", join(dir, "emit/usage.csv"), "--format", "json"]);
    expect(st.code).toBe(0);
    const ana = JSON.parse(st.stdout).accounts.find((a: { account: string }) => a.account === "ana");
    expect(ana.cycles.map((c: { rewards: { earned: string } }) => c.rewards.earned)).toEqual(["1193.94", "1253.34"]);
  });
});
