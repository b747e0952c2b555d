import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { burnrate, burnrateJson, ROOT } from "./helpers/cli.js";

const HEADLINE = "fixtures/scenarios/fliplet/headline.yaml";
const expected = (name: string) => readFileSync(join(ROOT, "fixtures/scenarios/expected", name), "utf8");
const work = mkdtempSync(join(tmpdir(), "burnrate-simulate-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("simulate output", () => {
  it("prints the headline case with its plan comparison as Markdown (README)", async () => {
    const run = await burnrate(["simulate", HEADLINE, "--compare-plans", "--format", "markdown"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(expected("headline-compare.md"));
  });

  it("names a credit's price as the card gives it, not at two places (0.001, not 0.00)", async () => {
    const card = join(work, "tenth-of-a-cent.yaml");
    writeFileSync(card, readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8").replace('credit_price: "0.01"', 'credit_price: "0.001"'));
    const scenario = join(work, "headline-tenth.yaml");
    writeFileSync(scenario, readFileSync(join(ROOT, HEADLINE), "utf8").replace(/^card: .*$/m, `card: ${card}`));
    const run = await burnrate(["simulate", scenario, "--format", "markdown"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("are the credits to buy instead, at 0.001 USD per credit.");
  });

  it("writes the same blocks as a terminal table", async () => {
    const run = await burnrate(["simulate", HEADLINE, "--format", "table"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("Simulation · 1,000 end-users and hourly automations");
    expect(lines).toContain("  Card      fliplet 2026-11 · 6 cycles from 2026-11-01 · UTC");
    // Headings wrap so that the table fits 100 columns off a terminal.
    // "703 rows" is narrower than "703 events" was: the room goes to the columns before it.
    expect(lines).toContain("      3  2027-01-01  1,060.60      106.06%  2027-01-29 21:16    60.60  none        60.60   9.61 USD");
    expect(lines).toContain("  Cycle  Start        Credits           Of  Runs out            Grace  Refused   Top-ups      Money");
  });

  it("ranks every plan by money, the scenario's plan first in JSON, and names the cheapest that covers", async () => {
    const out = await burnrateJson(["simulate", HEADLINE, "--compare-plans"]);
    expect(out.compared).toBe(true);
    expect(out.plans.map((p: any) => [p.plan, p.rank, p.covers, p.topups])).toEqual([["pro", 1, true, true], ["free", 2, false, false]]);
    expect(out.cheapest).toBe("pro");
    // Pro: 6 cycles at 9 plus their top-ups at 0.01 (0, 0, 60.6, 127.45, 227.7, 318.65 credits: 734.4), each cycle
    // rounded to the cent as the statement bills it: 9 + 9 + 9.61 + 10.27 (10.2745) + 11.28 (11.277) + 12.19 (12.1865) = 61.35.
    expect(out.plans[0].money).toBe("61.35");
    expect(out.plans[0].topup_needed).toBe("734.4");
    // Free sells no top-ups: it refuses usage once its 100 credits are gone.
    const free = out.plans[1].cycles[0];
    expect(free).toMatchObject({ allowance: "100", topup_needed: "0", money: "0" });
    expect(Number(free.total)).toBeLessThanOrEqual(100);
    expect(free.rejected.length).toBeGreaterThan(0);
  });

  it("names the cheaper plan when both cover the scenario", async () => {
    const out = await burnrateJson(["simulate", "fixtures/scenarios/fliplet/storage-1gb.yaml", "--compare-plans"]);
    expect(out.plans.map((p: any) => p.plan)).toEqual(["pro", "free"]);
    expect(out.cheapest).toBe("free");
    const csv = await burnrate(["simulate", "fixtures/scenarios/fliplet/storage-1gb.yaml", "--compare-plans", "--format", "csv"]);
    expect(csv.stdout).toBe(expected("storage-1gb-compare.csv"));
  });

  it("reports per cycle: by category and pool, share of the allowance, run-out, grace, refusals, top-ups and money", async () => {
    const out = await burnrateJson(["simulate", HEADLINE]);
    const c = out.plans[0].cycles[3];
    expect(c).toMatchObject({
      start: "2027-02-01T00:00:00Z",
      end: "2027-03-01T00:00:00Z",
      total: "1127.45",
      percent_of_allowance: "112.74",
      runs_out_at: "2027-02-25T08:00:00Z",
      grace_used: "99.94",
      topup_needed: "127.45",
      // 9 + 127.45 x 0.01 = 10.2745, to the cent (half-even) as billed.
      money: "10.27",
    });
    expect(c.by_pool).toEqual({ build: "116.5", run: "1010.95" });
    expect(c.rejected.map((r: any) => r.meter)).toEqual(["end_user_open", "data_read", "data_write", "automation_run"]);
    expect(out.compared).toBe(false);
    expect(out.cheapest).toBe(null);
    expect(out.samples).toBe(null);
  });

  it("keeps a mid-month anchor and local schedules across a daylight-saving change", async () => {
    const out = await burnrateJson(["simulate", "fixtures/scenarios/fliplet/london-assistant.yaml"]);
    const cycles = out.plans[0].cycles;
    // Cycles start at local midnight on the 14th: 23:00Z in October (BST), 00:00Z after the clocks go back.
    expect(cycles.map((c: any) => c.start)).toEqual(["2026-10-13T23:00:00Z", "2026-11-14T00:00:00Z", "2026-12-14T00:00:00Z"]);
    // 300 users: 75 for opens, 120 for 40 reads each, 90 + 72 for their assistant's tokens; 31 daily
    // runs at 4.65; the launch email 200; project 0.5 and a private iOS build 5. Records, added on
    // 20 October, are charged from the second cycle (100), when 150 more users have arrived.
    expect(cycles[0].by_category).toEqual({ ai: "162", projects: "5.5", end_users: "195", communications: "200", other: "4.65" });
    expect(cycles.map((c: any) => c.total)).toEqual(["567.15", "645.5", "824.15"]);
  });

  it("matches the JSON Schema it ships, and every bundled scenario matches the scenario schema", async () => {
    const schema = JSON.parse(readFileSync(join(ROOT, "schema/simulation.schema.json"), "utf8"));
    const printed = await burnrate(["schema", "simulation"]);
    expect(JSON.parse(printed.stdout)).toEqual(schema);
    const out = await burnrateJson(["simulate", HEADLINE, "--compare-plans", "--samples", "2", "--seed", "9"]);
    expect(missing(out, schema)).toEqual([]);

    const scenarioSchema = JSON.parse(readFileSync(join(ROOT, "schema/scenario.schema.json"), "utf8"));
    expect(JSON.parse((await burnrate(["schema", "scenario"])).stdout)).toEqual(scenarioSchema);
    const perCard = ["appbuilder", "fliplet", "floopy", "flikly", "flowly"].flatMap((card) => readdirSync(join(ROOT, "fixtures/scenarios", card)).map((f) => join(card, f)));
    for (const file of perCard.filter((f) => f.endsWith(".yaml"))) {
      const doc = parse(readFileSync(join(ROOT, "fixtures/scenarios", file), "utf8"));
      expect(missing(doc, scenarioSchema), file).toEqual([]);
    }
    // A per-user simulation's accounts match the schema too.
    const accounts = await burnrateJson(["simulate", "fixtures/scenarios/appbuilder/creator-2000-users.yaml", "--compare-plans"]);
    expect(missing(accounts, schema)).toEqual([]);
  });

  it("writes -o FILE and nothing on stdout", async () => {
    const file = join(work, "sim.json");
    const run = await burnrate(["simulate", "fixtures/scenarios/fliplet/sms-100.yaml", "-o", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(JSON.parse(readFileSync(file, "utf8")).plans[0].cycles[0].total).toBe("50");
  });

  it("shows progress on a terminal's stderr only", async () => {
    const file = join(work, "tty.json");
    // script(1) gives the command a terminal; the report goes to a file so only stderr is on it.
    // Not in CI either, where the line is not drawn.
    const tty = spawnSync("script", ["-qec", `node bin/burnrate simulate ${HEADLINE} -o ${file}`, "/dev/null"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "" } });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toContain("simulating Pro · without top-ups: cycle 6/6");
    expect(tty.stdout.endsWith("\r\x1b[K")).toBe(true);
    expect((await burnrate(["simulate", HEADLINE, "-o", file])).stderr).toBe("");
  });
});

/**
 * Every `required` key present and no key outside `properties` where the schema
 * closes an object, down the tree: enough to hold output and fixtures to their
 * schemas without a validator dependency.
 */
function missing(value: unknown, schema: any, path = "$"): string[] {
  if (value === null || typeof value !== "object") return [];
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) {
    const fits = variants.map((s: any) => missing(value, s, path));
    return fits.some((f: string[]) => f.length === 0) ? [] : fits[0];
  }
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => missing(v, schema.items, `${path}[${i}]`)) : [];
  const object = value as Record<string, unknown>;
  const errors: string[] = [];
  for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${path}: missing ${key}`);
  for (const [key, v] of Object.entries(object)) {
    const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
    if (!sub && schema.additionalProperties === false) errors.push(`${path}: unexpected ${key}`);
    if (sub) errors.push(...missing(v, sub, `${path}.${key}`));
  }
  return errors;
}
