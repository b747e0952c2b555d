import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A key written with a capital (`plan: Pro`, `category: Gateway`) is a string: the message
// says what kind of key was expected and how keys are spelt, not "expected a string".
describe("a card's or a scenario's key with a capital letter (field12)", () => {
  const dir = mkdtempSync(join(tmpdir(), "field12-keys-"));

  // newcomer58a L4: the card's plans judge it, with the did-you-mean `--plan Pro` gets.
  it("simulate names the card's plan, at the scenario's plan", async () => {
    const scenario = join(dir, "scenario.yaml");
    writeFileSync(scenario, `card: ${join(ROOT, "ratecards/floopy.yaml")}\nplan: Pro\nstart: 2026-11-01\ncycles: 1\n`);
    const out = await burnrate(["simulate", scenario]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${scenario}:2:7: unknown plan "Pro"; did you mean "pro"? (expected a plan of floopy 2026-11: free, pro, enterprise, found "Pro")\n`);
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

// The card reads `model` and `input_tokens`; a mapping that reads the header's column of that
// name as something else leaves no column of the name, and the message says where it went.
describe("a column the card reads, taken by the mapping for something else (field12)", () => {
  const dir = mkdtempSync(join(tmpdir(), "field12-taken-"));
  const usage = join(dir, "usage.csv");
  writeFileSync(usage, "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,gpt-4o,openai,1000,200\n");
  const statement = (map: string) => burnrate(["statement", "--account", join(ROOT, "fixtures/layouts/account.yaml"), "--usage", usage, "--map", map, "--format", "csv"]);

  it("says a component's column is under ignore_columns:", async () => {
    const out = await statement("ignore:input_tokens");
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${usage}:2:1: meter "request" needs a quantity of "input_tokens" (expected a plain decimal, found no such column: "input_tokens" is under ignore_columns:)\n`);
  });

  it("says a dimension's column is read as a canonical column", async () => {
    const out = await statement("event_id=model");
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${usage}:2:1: meter "request" needs dimension "model" (expected a value for "model", found no such column: "model" is read as event_id)\n`);
  });
});

// `rename:` gives a column a dimension's or component's name; a canonical column is named by
// `columns:`. A rename onto one was "renamed to "quantity", which no meter of floopy reads".
describe("a rename onto a canonical column (field12)", () => {
  const dir = mkdtempSync(join(tmpdir(), "field12-rename-"));
  const usage = join(dir, "usage.csv");
  writeFileSync(usage, "timestamp,meter,model,provider,input_tokens,output_tokens,n\n2026-11-02T10:00:00Z,request,gpt-4o,openai,1000,200,3\n");
  const account = join(ROOT, "fixtures/layouts/account.yaml");

  it("in a mapping file, says so at the rename and gives the columns: key", async () => {
    const mapping = join(dir, "usage.mapping.yaml");
    writeFileSync(mapping, "rename: { n: quantity }\n");
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--mapping", mapping, "--format", "csv"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${mapping}:1:14: column "n" (${usage}:1:7) is renamed to the canonical column "quantity", which rename: does not set (expected columns: { quantity: n } in the usage mapping (--map quantity=n), found rename: "n": "quantity")\n`);
  });

  it("on the command line, says so at --map", async () => {
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--map", "dim:quantity=n", "--format", "csv"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: --map: column "n" (${usage}:1:7) is renamed to the canonical column "quantity", which rename: does not set (expected columns: { quantity: n } in the usage mapping (--map quantity=n), found dim:quantity=n)\n`);
  });

  it("reads the column as the quantity through --map quantity=n: 3 requests of 1,000 and 200 tokens in all, 0.25 + 0.2 cents", async () => {
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--map", "quantity=n", "--format", "json"]);
    expect(out.code).toBe(0);
    expect((JSON.parse(out.stdout) as { accounts: { cycles: { total: string }[] }[] }).accounts[0]!.cycles[0]!.total).toBe("0.45");
  });
});
