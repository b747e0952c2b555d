import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// new67 M8: --emit-usage wrote the scenario's own changes: below accounts:, where the statement of what it wrote
// warned that they might be meant for the last user's entry. Written above it, the statement reads them in silence.
describe("--emit-usage of a scenario with per-user accounts and a plan change", () => {
  it("writes changes: above accounts:, and the statement of what it wrote says nothing of them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-emit67-"));
    const scenario = join(dir, "s.yaml");
    writeFileSync(scenario, [
      "name: users on their own accounts, the owner upgrading",
      `card: ${JSON.stringify(join(ROOT, "ratecards/floopy.yaml"))}`,
      "plan: free",
      "start: 2026-12-01",
      "cycles: 4",
      "populations:",
      // 20 users growing 5% a cycle join in later cycles: each joiner is an entry of accounts: (its subscription).
      "  - { name: writer, users: 20, growth: 5%, billing: per_user, per_user: [{ meter: request, quantity: 10, dimensions: { model: gpt-4o-mini, provider: openai }, components: { input_tokens: 900, output_tokens: 250 } }] }",
      "schedules:",
      "  - { name: classifier, meter: request, every: hour, dimensions: { model: gpt-4o-mini, provider: openai }, components: { input_tokens: 300, output_tokens: 50 } }",
      "changes:",
      "  - { at: 2027-02-15T12:00:00Z, plan: pro }",
      "",
    ].join("\n"));
    const emitted = join(dir, "em");
    const sim = await burnrate(["simulate", scenario, "--emit-usage", emitted, "--format", "json"]);
    expect(sim.code, sim.stderr).toBe(0);
    const account = readFileSync(join(emitted, "account.yaml"), "utf8").split("\n");
    const changesAt = account.indexOf("changes:");
    const accountsAt = account.indexOf("accounts:");
    expect(changesAt).toBeGreaterThan(0);
    expect(accountsAt).toBeGreaterThan(changesAt);
    const statement = await burnrate(["statement", "--account", join(emitted, "account.yaml"), "--usage", join(emitted, "usage.csv"), "--format", "json"]);
    expect(statement.stderr).toBe("");
    expect(statement.code).toBe(0);
    // The owner ("default") is on Free (0 USD) in December and January, on Pro (20 USD, ratecards/floopy.yaml) from the
    // change in February: the whole fee at once.
    const owner = JSON.parse(statement.stdout).accounts.find((a: { account: string }) => a.account === "default");
    expect(owner.plan).toBe("pro");
    expect(owner.cycles.map((c: { money: { plan: string } }) => c.money.plan)).toEqual(["0", "0", "20", "20"]);
  });
});
