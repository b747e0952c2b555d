import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { callCard } from "./helpers/payg.js";

// newcomer57 L1: `thresholds: [80, 100]` was refused as "expected a mapping", and the key a card's thresholds need
// (percent_of_allowance:) was found only in the bundled cards. A mapping of fixed keys now names them.
describe("a card's mapping of fixed keys given a list", () => {
  it("names the keys the mapping takes, at the list, in check and where the card is loaded", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newcomer57-"));
    const text = readFileSync(join(ROOT, "ratecards/flowly.yaml"), "utf8").replace(/^thresholds:\n {2}percent_of_allowance: \[80, 100\].*$/m, "thresholds: [80, 100]");
    const lines = text.split("\n");
    const line = lines.findIndex((l) => l === "thresholds: [80, 100]") + 1;
    expect(line).toBeGreaterThan(0);
    const card = join(dir, "card.yaml");
    writeFileSync(card, text);
    const checked = await burnrate(["check", card]);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain(`card.yaml:${line}:13: error [schema] wrong type (expected a mapping of percent_of_allowance:, found a list)`);
    expect(checked.stdout).toContain("fix: write a mapping of percent_of_allowance:");
    const account = join(dir, "account.yaml");
    writeFileSync(account, "card: card.yaml\nplan: starter\nanchor: 2026-11-01\n");
    const usage = join(dir, "usage.csv");
    writeFileSync(usage, "timestamp,meter,quantity\n");
    const statement = await burnrate(["statement", "--account", account, "--usage", usage]);
    expect(statement.code).toBe(2);
    expect(statement.stderr).toContain(`card.yaml:${line}:13: wrong type (expected a mapping of percent_of_allowance:, found a list)`);
  });
});

// newcomer57 L7: a pay-as-you-go account (nothing included, no grant) drew a Credits table's heading over no rows.
describe("a cycle of no grant", () => {
  it("has no Credits table; a cycle with a grant keeps its own", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newcomer57-payg-"));
    writeFileSync(join(dir, "card.yaml"), callCard({ provider: "payg", policy: "allow", plan: "payg: { label: Payg, included: 0, price: 0 }\n  solo: { label: Solo, included: 100, price: 5 }", price: "10" }));
    writeFileSync(join(dir, "usage.csv"), "timestamp,account,meter,quantity\n2026-11-02T10:00:00Z,a,call,3\n2026-11-02T10:00:00Z,b,call,3\n");
    writeFileSync(join(dir, "account.yaml"), "card: card.yaml\naccount: a\nplan: payg\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  b: { plan: solo }\n");
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "table"], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const [a, b] = r.stdout.split(/^payg 1 · account /m).slice(1) as [string, string];
    expect(a.startsWith("a ·")).toBe(true);
    expect(a).not.toContain("  Credits\n");
    // b's 100 included: 30 consumed, 70 left.
    expect(b).toContain("  Credits\n  Grant     Opening  Granted  Consumed  Expired  Closing\n  included");
  });
});
