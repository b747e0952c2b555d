import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "burnrate-check-lookups-"));

/** A one-meter card (a newcomer's LLM gateway) whose meter ends with `pricing`, indented under the meter. */
function card(name: string, pricing: string[]): { file: string; text: string } {
  const text = [
    "# yaml-language-server: $schema=../schema/ratecard.schema.json",
    "provider: gatewayco",
    'version: "2026-11"',
    'effective: "2026-11-01"',
    "unit: credits",
    "categories:",
    "  llm: { label: LLM requests }",
    "pools:",
    "  ai: { label: AI, when_exhausted: block }",
    "grant_kinds:",
    "  included: { priority: 1, expires: cycle_end }",
    "plans:",
    "  team: { label: Team, included: 5000, price: 40 }",
    "meters:",
    "  request:",
    "    aggregation: flow",
    "    dimensions: [model, provider]",
    "    category: llm",
    // A meter's own pool line replaces the fixed one.
    ...(pricing.some((l) => l.startsWith("pool:")) ? [] : ["    pool: ai"]),
    ...pricing.map((l) => `    ${l}`),
    "",
  ].join("\n");
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return { file, text };
}

/** 1-based line:column of the first `needle` on the line that starts (after indentation) with `line`. */
function at(text: string, line: string, needle: string): string {
  const lines = text.split("\n");
  const n = lines.findIndex((l) => l.trimStart().startsWith(line));
  expect(n, `no line ${line}`).toBeGreaterThanOrEqual(0);
  return `${n + 1}:${lines[n]!.indexOf(needle) + 1}`;
}

interface Found {
  where: string;
  severity: string;
  rule: string;
  message: string;
  fix: string;
}

/** The card's findings other than the missing tests file. */
async function findings(file: string): Promise<{ code: number; found: Found[] }> {
  const run = await burnrate(["check", file, "--format", "json"]);
  const found = JSON.parse(run.stdout).files[0].findings.filter((f: { rule: string }) => f.rule !== "no-tests");
  return { code: run.code, found: found.map((f: Found & { line: number; column: number }) => ({ where: `${f.line}:${f.column}`, severity: f.severity, rule: f.rule, message: f.message, fix: f.fix })) };
}

const PRICE_ZERO = 'price: "0"';

describe("check: a value one price table of a meter has and another lacks", () => {
  it("finds the newcomer's gpt4o once, at the output_tokens table, naming both spellings and, on a tie, both renames", async () => {
    const { file, text } = card("typo", [
      PRICE_ZERO,
      "components:",
      '  input_tokens: { by: [model], table: { gpt-4o: "0.0025", gpt-4o-mini: "0.00015", claude-sonnet: "0.003" } }',
      '  output_tokens: { by: [model], table: { gpt4o: "0.01", gpt-4o-mini: "0.0006", claude-sonnet: "0.015" } }',
    ]);
    expect(await findings(file)).toEqual({
      code: 1,
      found: [{
        where: at(text, "output_tokens:", "{ gpt4o"),
        severity: "error",
        rule: "missing-price",
        message: 'meter "request": model "gpt-4o" is in the input_tokens price table but not in the output_tokens price table, so no event with it can be priced; that table has "gpt4o", which the input_tokens price table lacks',
        fix: "rename gpt4o to gpt-4o in meters.request.components.output_tokens.table, or gpt-4o to gpt4o in meters.request.components.input_tokens.table (as many tables spell it each way)",
      }],
    });
    // The text report, at file:line:column, and the exit code of an error finding.
    const run = await burnrate(["check", file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file}:${at(text, "output_tokens:", "{ gpt4o")}: error [missing-price] meter "request": model "gpt-4o"`);
    expect(run.stderr).toBe("burnrate: check found 1 error(s)\n");
  });

  it("puts the finding at the spelling fewer tables use: the meter's own price and one component against another", async () => {
    const { file, text } = card("majority", [
      'price: { by: [model], table: { gpt4o: "1", mini: "0.5" } }',
      "components:",
      '  input_tokens: { by: [model], table: { gpt-4o: "0.0025", mini: "0.00015" } }',
      '  output_tokens: { by: [model], table: { gpt-4o: "0.01", mini: "0.0006" } }',
    ]);
    expect(await findings(file)).toEqual({
      code: 1,
      found: [{
        where: at(text, "price:", "{ gpt4o"),
        severity: "error",
        rule: "missing-price",
        message: 'meter "request": model "gpt-4o" is in the input_tokens price and output_tokens price tables but not in the price table, so no event with it can be priced; that table has "gpt4o", which the input_tokens price and output_tokens price tables lack',
        fix: "rename gpt4o to gpt-4o in meters.request.price.table",
      }],
    });
  });

  it("names a value missing outright, and the nearest spelling when the lacking table has one", async () => {
    const { file, text } = card("missing", [
      PRICE_ZERO,
      "components:",
      '  input_tokens: { by: [model], table: { gpt-4o: "0.0025", gpt-4o-mini: "0.00015", gpt-4: "0.003" } }',
      '  output_tokens: { by: [model], table: { gpt-4o: "0.01", gpt-4o-mini: "0.0006" } }',
    ]);
    expect(await findings(file)).toEqual({
      code: 1,
      found: [{
        where: at(text, "output_tokens:", "{ gpt-4o"),
        severity: "error",
        rule: "missing-price",
        // gpt-4o is one edit from gpt-4, but it is priced everywhere: a hint, not a rename.
        message: 'meter "request": model "gpt-4" is in the input_tokens price table but not in the output_tokens price table, so no event with it can be priced; nearest there: "gpt-4o"',
        fix: 'add gpt-4: ... to meters.request.components.output_tokens.table, or remove "gpt-4" from its input_tokens price table',
      }],
    });
  });

  it("accepts tables that differ where a `*` entry prices every other value", async () => {
    const defaulted = card("defaulted", [
      PRICE_ZERO,
      "components:",
      '  input_tokens: { by: [model], table: { gpt-4o: "0.0025", gpt-4o-mini: "0.00015" } }',
      '  cached_tokens: { by: [model], table: { gpt-4o: "0.001", "*": "0" } }',
      '  output_tokens: { by: [model], table: { gpt-4o-mini: "0.0006", "*": "0.01" } }',
    ]);
    expect(await findings(defaulted.file)).toEqual({ code: 0, found: [] });
  });

  it("still holds a value named beside a `*` to the tables without one", async () => {
    const { file, text } = card("named-beside-default", [
      PRICE_ZERO,
      "components:",
      '  input_tokens: { by: [model], table: { gpt-4o: "0.0025", gpt-4o-mini: "0.00015" } }',
      '  output_tokens: { by: [model], table: { claude-sonnet: "0.015", "*": "0.01" } }',
    ]);
    // An event with claude-sonnet finds its output_tokens price, and no input_tokens price.
    expect(await findings(file)).toEqual({
      code: 1,
      found: [{
        where: at(text, "input_tokens:", "{ gpt-4o"),
        severity: "error",
        rule: "missing-price",
        message: 'meter "request": model "claude-sonnet" is in the output_tokens price table but not in the input_tokens price table, so no event with it can be priced',
        fix: 'add claude-sonnet: ... to meters.request.components.input_tokens.table, or remove "claude-sonnet" from its output_tokens price table',
      }],
    });
  });

  it("compares tables keyed by two dimensions on each of them", async () => {
    const { file, text } = card("two-dims", [
      PRICE_ZERO,
      "components:",
      "  input_tokens:",
      "    by: [model, provider]",
      "    table:",
      '      gpt-4o: { openai: "0.00025", azure: "0.000275" }',
      '      claude-sonnet: { anthropic: "0.0003", bedrock: "0.0003" }',
      "  output_tokens:",
      "    by: [model, provider]",
      "    table:",
      '      gpt-4o: { openai: "0.001", azure: "0.0011" }',
      '      claude-sonnet: { anthropic: "0.0015", bedrok: "0.0015" }',
    ]);
    const { code, found } = await findings(file);
    expect(code).toBe(1);
    // Inside the output_tokens table's claude-sonnet branch, whose mapping starts after "claude-sonnet: ".
    expect(found.map((f) => [f.where, f.rule, f.message, f.fix])).toEqual([[
      at(text, 'claude-sonnet: { anthropic: "0.0015"', "{ anthropic"),
      "missing-price",
      'meter "request": provider "bedrock" under model "claude-sonnet" is in the input_tokens price table but not in the output_tokens price table, so no event with it can be priced; that table has "bedrok", which the input_tokens price table lacks',
      "rename bedrok to bedrock in meters.request.components.output_tokens.table.claude-sonnet, or bedrock to bedrok in meters.request.components.input_tokens.table.claude-sonnet (as many tables spell it each way)",
    ]]);
  });

  it("compares each branch: a provider missing under one model though priced under another", async () => {
    const { file, text } = card("branch", [
      PRICE_ZERO,
      "components:",
      "  input_tokens:",
      "    by: [model, provider]",
      "    table:",
      '      gpt-4o: { openai: "0.00025", azure: "0.000275" }',
      '      gpt-4o-mini: { openai: "0.000015", azure: "0.0000165" }',
      "  output_tokens:",
      "    by: [model, provider]",
      "    table:",
      '      gpt-4o: { openai: "0.001" }',
      '      gpt-4o-mini: { openai: "0.00006", azure: "0.000066" }',
      '      "*": { openai: "0.002" }',
    ]);
    // azure is in output_tokens (under gpt-4o-mini), so only the branch shows the gap; the `*` branch lacks nothing input_tokens has.
    expect(await findings(file)).toEqual({
      code: 1,
      found: [{
        where: at(text, 'gpt-4o: { openai: "0.001" }', "{ openai"),
        severity: "error",
        rule: "missing-price",
        message: 'meter "request": provider "azure" under model "gpt-4o" is in the input_tokens price table but not in the output_tokens price table, so no event with it can be priced',
        fix: 'add azure: ... to meters.request.components.output_tokens.table.gpt-4o, or remove "azure" from its input_tokens price table',
      }],
    });
  });

  it("needs no price for a value the meter exempts", async () => {
    const { file } = card("exempt", [
      PRICE_ZERO,
      "components:",
      '  input_tokens: { by: [model], table: { gpt-4o: "0.0025", byok: "0" } }',
      '  output_tokens: { by: [model], table: { gpt-4o: "0.01" } }',
      "exempt_when: { model: byok }",
    ]);
    expect(await findings(file)).toEqual({ code: 0, found: [] });
  });

  it("is an error because the statement cannot price such an event", async () => {
    const { file } = card("engine", [
      PRICE_ZERO,
      "components:",
      '  input_tokens: { by: [model], table: { gpt-4o: "0.0025" } }',
      '  output_tokens: { by: [model], table: { gpt4o: "0.01" } }',
    ]);
    const usage = join(dir, "usage.csv");
    writeFileSync(usage, "timestamp,meter,quantity,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,1,gpt-4o,openai,100,10\n");
    const run = await burnrate(["statement", "--card", file, "--plan", "team", "--anchor", "2026-11-01", "--usage", usage]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no output_tokens price for model "gpt-4o" on meter "request"');
  });
});

describe("check: a file that is not a rate card", () => {
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const one = (file: string, kind: string, has: string, readBy: string) =>
    `burnrate: error: ${file}:1:1: this looks like ${kind} (it has ${has}), not a rate card: check takes rate cards and their NAME.tests.yaml (expected a rate card (${kind} is read by ${readBy}), found ${kind})\n`;

  it("says once, at 1:1, that an account file is an account file (exit 2)", async () => {
    const file = write("acct.yaml", "card: gw.yaml\naccount: cust_acme\nplan: team\nanchor: 2026-11-01\ntimezone: America/New_York\naccounts:\n  cust_globex: { plan: team }\n");
    expect(await burnrate(["check", file])).toEqual({ code: 2, stdout: "", stderr: one(file, "an account file", "card:, account:, plan:", "--account of statement, simulate, reconcile and diff") });
  });

  it("recognises a scenario, a tests file under another name, and usage and bill mappings", async () => {
    const scenario = write("sc.yaml", "plan: team\nstart: 2026-11-01\ncycles: 3\npopulations: []\n");
    expect((await burnrate(["check", scenario])).stderr).toBe(one(scenario, "a scenario", "plan:, start:, cycles:", "burnrate simulate SCENARIO"));
    const tests = write("gw-cases.yaml", "card: gw.yaml\ncases: []\n");
    expect((await burnrate(["check", tests])).stderr).toBe(one(tests, "a tests file", "card:, cases:", "burnrate test, and by check when named CARD.tests.yaml beside its card"));
    const mapping = write("log.csv.mapping.yaml", "columns: { timestamp: ts, meter: event }\nrename: { mdl: model }\n");
    expect((await burnrate(["check", mapping])).stderr).toBe(one(mapping, "a usage mapping", "columns:, rename:", "--mapping"));
  });

  it("still reports a card's misspelt keys one by one, and a file of no known shape as before", async () => {
    const misspelt = write("misspelt.yaml", 'provider: x\nversion: "1"\nunit: credits\ncategorys: {}\npool: {}\ngrant_kinds: {}\nplans: {}\nmeters: {}\n');
    const run = await burnrate(["check", misspelt, "--format", "json"]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).files[0].findings.map((f: { message: string }) => f.message.split(" (")[0])).toEqual(
      expect.arrayContaining(['unknown key "categorys"; did you mean "categories"?', 'unknown key "pool"; did you mean "pools"?']),
    );
    const unknown = write("other.yaml", "colour: blue\nsize: 3\n");
    const other = await burnrate(["check", unknown]);
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('unknown key "colour"');
  });
});

describe("check: a pool table and a price table by the same dimension", () => {
  it("reports the pool's value in the pool table, with the price table's nearest spelling", async () => {
    const { file, text } = card("pool-typo", [
      "pool: { by: model, table: { gpt-4o: ai, claude: ai } }",
      'price: { by: [model], table: { gpt4o: "1", claude: "2" } }',
    ]);
    const { code, found } = await findings(file);
    expect(code).toBe(1);
    expect(found.map((f) => [f.where, f.rule, f.message])).toEqual([
      // At the value the having table gives it, as this rule has always pointed.
      [at(text, "pool: { by", "ai, claude"), "missing-price", 'meter "request": model "gpt-4o" has a pool but no price; nearest in its price table: "gpt4o"'],
      [at(text, "price: { by", '"1"'), "missing-pool", 'meter "request": model "gpt4o" has a price but no pool; nearest in its pool table: "gpt-4o"'],
    ]);
  });
});
