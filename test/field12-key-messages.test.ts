import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A key written with a capital (`plan: Pro`, `category: Gateway`) is a string: the message
// says what kind of key was expected and how keys are spelt, not "expected a string".
describe("a card's or a scenario's key with a capital letter (field12)", () => {
  const dir = mkdtempSync(join(tmpdir(), "field12-keys-"));

  it("simulate names a plan key, at the scenario's plan", async () => {
    const scenario = join(dir, "scenario.yaml");
    writeFileSync(scenario, `card: ${join(ROOT, "ratecards/floopy.yaml")}\nplan: Pro\nstart: 2026-11-01\ncycles: 1\n`);
    const out = await burnrate(["simulate", scenario]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${scenario}:2:7: wrong value (expected a plan key of the card (lower case, digits, _), found "Pro")\n`);
  });

  it("check names a category key, at the meter's category", async () => {
    const card = join(dir, "card.yaml");
    const lines = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8").split("\n");
    const at = lines.indexOf("    category: gateway");
    lines[at] = "    category: Gateway";
    writeFileSync(card, lines.join("\n"));
    const out = await burnrate(["check", card, "--format", "json"]);
    expect(out.code).toBe(1);
    const finding = (JSON.parse(out.stdout) as { files: { findings: { line: number; column: number; message: string }[] }[] }).files[0]!.findings[0]!;
    // Line numbers count from 1; "category: " puts the value at column 15.
    expect(finding).toMatchObject({ line: at + 1, column: 15, message: 'wrong value (expected a category key of the card (lower case, digits, _), found "Gateway")' });
  });
});
