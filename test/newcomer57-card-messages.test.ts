import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

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
