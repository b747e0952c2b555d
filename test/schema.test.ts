import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

type Schema = Record<string, any>;

/**
 * The part of JSON Schema 2020-12 burnrate's schemas use, enough to hold the
 * JSON each command prints to the schema it ships. Returns every violation.
 */
function validate(value: unknown, schema: Schema, root: Schema = schema, path = "$"): string[] {
  if (schema.$ref) return validate(value, root.$defs[schema.$ref.replace("#/$defs/", "")], root, path);
  const errors: string[] = [];
  if (schema.oneOf) {
    const matching = schema.oneOf.filter((s: Schema) => validate(value, s, root, path).length === 0).length;
    if (matching !== 1) errors.push(`${path}: matches ${matching} of oneOf`);
  }
  if (schema.const !== undefined && value !== schema.const) errors.push(`${path}: not ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (schema.type) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
    if (!types.some((t) => t === actual || (t === "number" && actual === "integer"))) return [...errors, `${path}: ${actual}, not ${types.join("|")}`];
  }
  if (typeof value === "string" && schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errors.push(...validate(v, schema.items, root, `${path}[${i}]`)));
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${path}: missing ${key}`);
    for (const [key, v] of Object.entries(object)) {
      if (schema.propertyNames?.pattern && !new RegExp(schema.propertyNames.pattern).test(key)) errors.push(`${path}: key ${key}`);
      if (schema.properties?.[key]) errors.push(...validate(v, schema.properties[key], root, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected ${key}`);
      else if (typeof schema.additionalProperties === "object") errors.push(...validate(v, schema.additionalProperties, root, `${path}.${key}`));
    }
  }
  return errors;
}

const committed = (name: string): Schema => JSON.parse(readFileSync(join(ROOT, "schema", `${name}.schema.json`), "utf8"));

async function printed(args: string[]): Promise<unknown> {
  const run = await burnrate([...args, "--format", "json"]);
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout);
}

describe("burnrate schema", async () => {
  const listing = await burnrate(["schema"]);
  const names = listing.stdout.trim().split("\n").map((l) => l.split(/\s+/)[0]!);

  it("lists the schemas it ships, inputs and outputs", () => {
    expect(listing.code).toBe(0);
    expect(names).toEqual(expect.arrayContaining(["ratecard", "account", "mapping", "tests", "statement", "ledger", "reconcile", "diff", "check", "cardtest"]));
  });

  it("ships every schema in schema/, exactly as `burnrate schema NAME` prints it", async () => {
    const files = readdirSync(join(ROOT, "schema")).filter((f) => f.endsWith(".schema.json")).map((f) => f.replace(".schema.json", ""));
    expect(files.sort()).toEqual([...names].sort());
    for (const name of files) {
      const run = await burnrate(["schema", name]);
      expect(run.code, name).toBe(0);
      expect(run.stdout, `schema/${name}.schema.json is stale: npm run schemas`).toBe(readFileSync(join(ROOT, "schema", `${name}.schema.json`), "utf8"));
    }
  });

  it("is what the bundled files point editors at", async () => {
    for (const card of readdirSync(join(ROOT, "ratecards")).filter((f) => f.endsWith(".yaml"))) {
      const first = readFileSync(join(ROOT, "ratecards", card), "utf8").split("\n")[0];
      const expected = card.endsWith(".tests.yaml") ? "tests" : "ratecard";
      expect(first, card).toBe(`# yaml-language-server: $schema=../schema/${expected}.schema.json`);
    }
  });

  it("rejects an unknown name with exit 2", async () => {
    const run = await burnrate(["schema", "ratecards"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^burnrate: error: unknown schema "ratecards" \(expected one of ratecard, account, /);
  });
});

describe("the JSON each command prints holds to its schema", () => {
  const usage = ["--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv"];

  it("statement", async () => {
    expect(validate(await printed(["statement", ...usage]), committed("statement"))).toEqual([]);
  });

  it("simulate, its percentages with trailing zeros (10.00, 100.00) as the schema says (red team, stop 34)", async () => {
    const out = await printed(["simulate", "fixtures/scenarios/fliplet/email-1000.yaml", "--compare-plans"]);
    expect(JSON.stringify(out)).toMatch(/"percent_of_allowance":"\d+\.\d0"/);
    expect(validate(out, committed("simulation"))).toEqual([]);
  });

  it("ledger", async () => {
    expect(validate(await printed(["statement", "--ledger", ...usage]), committed("ledger"))).toEqual([]);
  });

  it("diff", async () => {
    const out = await printed(["diff", "--base", "ratecards/fliplet.yaml", "--card", "ratecards/fliplet.yaml", ...usage, "--fail-over", "5"]);
    expect(validate(out, committed("diff"))).toEqual([]);
  });

  it("reconcile, agreeing and with a difference of every class", async () => {
    const rec = ["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", "fixtures/reconcile/usage.csv"];
    expect(validate(await printed([...rec, "--bill", "fixtures/reconcile/bill-clean.csv"]), committed("reconcile"))).toEqual([]);
    for (const bill of ["rate-drift", "quantity-mismatch", "duplicates", "missing-on-bill", "missing-in-usage", "rounding", "boundary", "unexplained", "off-anchor"]) {
      const run = await burnrate([...rec, "--bill", `fixtures/reconcile/bill-${bill}.csv`, "--format", "json"]);
      expect(validate(JSON.parse(run.stdout), committed("reconcile"))).toEqual([]);
    }
  });

  it("check", async () => {
    expect(validate(await printed(["check", "ratecards/fliplet.yaml", "ratecards/fliplet.tests.yaml"]), committed("check"))).toEqual([]);
  });

  it("test", async () => {
    expect(validate(await printed(["test", "ratecards/fliplet.yaml"]), committed("cardtest"))).toEqual([]);
  });

  it("the validator itself rejects what breaks a contract", async () => {
    const statement = await printed(["statement", ...usage]) as any;
    statement.accounts[0].cycles[0].total = 388.1162;
    delete statement.events;
    expect(validate(statement, committed("statement"))).toEqual(["$: missing events", "$.accounts[0].cycles[0].total: number, not string"]);
  });
});

describe("input schemas accept the bundled inputs", () => {
  it("the Fliplet card, read as JSON would be by an editor, has only known keys", () => {
    const schema = committed("ratecard");
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["provider", "version", "plans", "meters", "thresholds"]));
    expect(schema.$defs.priceTree).toBeDefined();
  });
});
