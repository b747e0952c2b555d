import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, burnrateJson, ROOT } from "./helpers/cli.js";

function scenarioFile(lines: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-peruser63-"));
  const file = join(dir, "s.yaml");
  writeFileSync(file, [`card: ${JSON.stringify(join(ROOT, "ratecards/flikly.yaml"))}`, "plan: pro", "start: 2026-11-01", "cycles: 1", "populations:", ...lines, ""].join("\n"));
  return file;
}

// Two studios, each an account of its own: 200 seconds of Pika text-to-video at 0.2 credits a second, 40 credits a
// cycle each. Flikly sells no priced add-ons, so a user whose credits run out is refused: Free's 5 one-time credits,
// Creator's 30 and Custom's none (its allowance is negotiated) fall short; Pro's 100 and Team's 250 serve it, at
// 2 x 35 = 70 and 2 x 80 = 160 USD.
const STUDIOS = [
  "  - name: studios",
  "    users: 2",
  "    distribution: fixed",
  "    billing: per_user",
  "    per_user:",
  "      - { meter: generate, quantity: 200, dimensions: { workflow: text_to_video, model: pika, resolution: 720p } }",
];

describe("simulate --compare-plans where all usage is in billing: per_user populations (newcomer62b M2)", () => {
  it("names the plan whose users pay least while serving every user, not the own account's price alone", async () => {
    const file = scenarioFile(STUDIOS);
    const out = await burnrateJson(["simulate", file, "--compare-plans", "--format", "json"]);
    expect(out.own_usage).toBe(false);
    expect(out.users_cheapest).toBe("pro");
    const byPlan = new Map<string, any>(out.plans.filter((p: any) => p.accounts !== null).map((p: any) => [p.plan, p.accounts]));
    expect(byPlan.get("pro").money.sum).toBe("70");
    expect(byPlan.get("team").money.sum).toBe("160");
    expect([...byPlan].map(([plan, a]) => [plan, a.refused]).sort()).toEqual([["creator", 2], ["custom", 2], ["free", 2], ["pro", 0], ["team", 0]]);

    const table = await burnrate(["simulate", file, "--compare-plans", "--format", "table"]);
    expect(table.code).toBe(0);
    const flat = table.stdout.replace(/\s+/g, " ");
    expect(flat).toContain("Cheapest plan Pro for the users' own accounts, serving every user's usage, at 70.00 USD in all (2 accounts)");
    expect(flat).toContain("35.00 USD over 1 cycle for the scenario's own account, which has no usage");
    expect(flat).toContain("The scenario's own account (no usage) on each plan, cheapest first");
    expect(flat).not.toContain("Free as is, covering the scenario");
  });

  it("says no plan serves every user where each refuses some", async () => {
    // 1,500 seconds at 0.2 = 300 credits a user: past Team's 250 too.
    const file = scenarioFile(STUDIOS.map((l) => l.replace("quantity: 200", "quantity: 1500")));
    const out = await burnrateJson(["simulate", file, "--compare-plans", "--format", "json"]);
    expect(out.users_cheapest).toBeNull();
    const md = await burnrate(["simulate", file, "--compare-plans", "--format", "markdown"]);
    expect(md.stdout.replace(/\s+/g, " ")).toContain("none serves every user's own account");
  });

  it("keeps the own account's cheapest where it has usage of its own, and still names the users'", async () => {
    // The owner's own 100 seconds (20 credits) beside the studios: Creator's 30 serve it at 15 USD, the least price that covers it.
    const file = scenarioFile([
      ...STUDIOS,
      "  - name: owner",
      "    users: 1",
      "    distribution: fixed",
      "    per_user:",
      "      - { meter: generate, quantity: 100, dimensions: { workflow: text_to_video, model: pika, resolution: 720p } }",
    ]);
    const out = await burnrateJson(["simulate", file, "--compare-plans", "--format", "json"]);
    expect(out.own_usage).toBe(true);
    expect(out.cheapest).toBe("creator");
    expect(out.users_cheapest).toBe("pro");
    const table = await burnrate(["simulate", file, "--compare-plans", "--format", "table"]);
    expect(table.stdout.replace(/\s+/g, " ")).toContain("Cheapest plan Creator without add-ons, covering the scenario, at 15.00 USD");
    // The users' own, beside it, where Creator's 30 credits would refuse both studios (red63d M2).
    expect(table.stdout.replace(/\s+/g, " ")).toContain("Users' plan Pro for the users' own accounts, serving every user's usage, at 70.00 USD in all (2 accounts)");
  });
});
