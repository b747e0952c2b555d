import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Decimal } from "../src/money.js";
import { percentOf } from "../src/render/shared/numbers.js";
import { burnrate, burnrateJson, ROOT } from "./helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "burnrate-plan14b-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, lines: string[]): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [...lines, ""].join("\n"));
  return file;
}

// Floopy (ratecards/floopy.yaml): every plan includes 0 cents; Pro is 20 USD with a quota of 50,000
// requests, Enterprise 500 USD with 1,000,000; a cent costs 0.01 USD. A gpt-4o request on openai with
// 1,000 input and 200 output tokens costs 1,000 x 0.00025 + 200 x 0.001 = 0.45 cents. 200 users x 300
// requests = 60,000 requests a cycle, spread over the cycle's hours: December's 744 rows of 60,000/744.
function gateway(name: string, cycles: number, changes: string[]): string {
  return write(name, [
    `name: ${name}`,
    `card: ${join(ROOT, "ratecards/floopy.yaml")}`,
    "plan: pro",
    "start: 2026-12-01",
    `cycles: ${cycles}`,
    "timezone: UTC",
    "overage: false",
    "populations:",
    "  - name: app-user",
    "    users: 200",
    "    per_user:",
    "      - { meter: request, quantity: 300, dimensions: { model: gpt-4o, provider: openai }, components: { input_tokens: 1000, output_tokens: 200 } }",
    ...(changes.length === 0 ? [] : ["changes:", ...changes.map((c) => `  - ${c}`)]),
  ]);
}

interface Refusal { meter: string; reason: string; events: number; quantity: string }

describe("simulate shows what is refused even with top-ups bought", () => {
  const file = gateway("quota", 1, []);

  it("JSON: rejected_with_topups holds the quota's refusals beside rejected (buying nothing)", async () => {
    const own = (await burnrateJson(["simulate", file])).plans[0];
    const cycle = own.cycles[0];
    // Buying nothing: 0 cents included, every one of the 744 rows refused.
    expect(cycle.rejected.map((r: Refusal) => [r.reason, r.events, r.quantity])).toEqual([["credits exhausted", 744, "60000"]]);
    // Buying: the quota lets 50,000 requests through, 620 rows of 60,000/744; the last 124 rows (10,000 requests) are refused.
    expect(cycle.rejected_with_topups.map((r: Refusal) => [r.meter, r.reason, r.events, r.quantity])).toEqual([["request", "monthly request quota of 50000 reached", 124, "10000"]]);
    // 50,000 x 0.45 = 22,500 cents bought; 20 + 225 = 245 USD.
    expect(cycle.topup_needed).toBe("22500");
    expect(own.money).toBe("245");
    expect(own.covers).toBe(false);
  });

  it("table and markdown: the headline and a Still refused column say so; CSV has the count", async () => {
    const table = await burnrate(["simulate", file, "--format", "table", "--no-color"], { terminal: { columns: 160, colors: 0 } });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/Refused +124 usage rows even with purchases, in 1 of 1 cycle: monthly request quota of 50000 reached \(request 10,000\)/);
    const markdown = (await burnrate(["simulate", file, "--format", "markdown"])).stdout;
    // No allowance in any cycle: no "Of allowance" column; Floopy's one pool blocks: no "Grace used" column (stop 58).
    expect(markdown).toContain("| Cycle | Start | Cents | Runs out | Refused | Top-ups | Still refused | Money |");
    expect(markdown).toContain("| 1 | 2026-12-01 | 22,500.0000 | 2026-12-01 00:00 | 744 rows | 22,500.0000 | 124 rows | 245.00 USD |");
    expect(markdown).toContain('"Still refused" counts the usage rows refused even with the purchases bought');
    const csv = (await burnrate(["simulate", file, "--format", "csv"])).stdout.trim().split("\n").map((l) => l.split(","));
    expect(csv[1]![csv[0]!.indexOf("rejected_events_with_topups")]).toBe("124");
    expect(csv[1]![csv[0]!.indexOf("rejected_events_without_topups")]).toBe("744");
  });

  it("--compare-plans counts the rows a plan refuses even with purchases", async () => {
    const markdown = (await burnrate(["simulate", file, "--compare-plans", "--format", "markdown"])).stdout;
    expect(markdown).toContain("| Pro (scenario) | with purchases | 22,500.0000 | 245.00 USD | no: 124 usage rows refused even with purchases |");
  });

  it("a plan that covers everything it buys shows no Still refused column and no Refused headline", async () => {
    // Enterprise's quota of 1,000,000 lets all 60,000 requests through.
    const markdown = (await burnrate(["simulate", file, "--plan", "enterprise", "--format", "markdown"])).stdout;
    expect(markdown).not.toContain("Still refused");
    expect(markdown).not.toContain("**Refused**");
  });
});

describe("a quota is judged per simulated row, an hour of requests, and the report says so", () => {
  it("Floopy Free's quota of 1,000 lets 12 whole rows of 60,000/744 through (about 967.7 requests), refusing the other 732", async () => {
    const file = gateway("free-quota", 1, []);
    const cycle = (await burnrateJson(["simulate", file, "--plan", "free"])).plans[0].cycles[0];
    // 13 rows would be 1,048.4 requests, past 1,000.
    expect(cycle.rejected_with_topups.map((r: Refusal) => [r.reason, r.events])).toEqual([["monthly request quota of 1000 reached", 732]]);
    const markdown = (await burnrate(["simulate", file, "--plan", "free", "--format", "markdown"])).stdout;
    expect(markdown).toContain("the row that would cross the quota is refused whole");
  });
});

describe("a plan change between plans of equal included credits is classified by price", () => {
  // Pro -> Enterprise on 10 January (dearer: an upgrade, at once), Enterprise -> Pro on 20 February
  // (cheaper: a downgrade, which Floopy's default next_cycle applies from 1 March).
  const file = gateway("moves", 4, ["{ at: 2027-01-10T00:00:00Z, plan: enterprise }", "{ at: 2027-02-20T00:00:00Z, plan: pro }"]);

  it("simulate: February stays Enterprise, Pro is back from March", async () => {
    const out = await burnrateJson(["simulate", file]);
    expect(out.plans[0].cycles.map((c: { plan: string }) => c.plan)).toEqual(["pro", "enterprise", "enterprise", "pro"]);
    const table = await burnrate(["simulate", file, "--format", "markdown"]);
    expect(table.stdout).toContain("then Enterprise from 2027-01-10 00:00 (no cents included for 500.00 USD), then Pro from 2027-03-01 00:00");
  });

  it("statement: the downgrade's applies_at is the next cycle's start, the upgrade's is null", async () => {
    const emitted = join(dir, "moves-emitted");
    await burnrate(["simulate", file, "--emit-usage", emitted]);
    const statement = await burnrateJson(["statement", "--account", join(emitted, "account.yaml"), "--usage", join(emitted, "usage.csv")]);
    const timeline = statement.accounts[0].cycles.flatMap((c: { timeline?: unknown[] }) => c.timeline ?? []);
    expect(timeline.map((t: { at: string; from: string; to: string; applies_at: string | null }) => [t.at, t.from, t.to, t.applies_at])).toEqual([
      ["2027-01-10T00:00:00Z", "pro", "enterprise", null],
      ["2027-02-20T00:00:00Z", "enterprise", "pro", "2027-03-01T00:00:00Z"],
    ]);
  });
});

describe("simulate --compare-plans names the scenario's plan timeline and compares its first plan plain", () => {
  // Fliplet: Free is 100 credits for 0 USD and sells no top-ups; Pro 1,000 credits for 9 USD, a top-up
  // credit 0.01 USD. 15,000 emails on the 5th of each cycle: one row of 1,500 credits.
  const file = write("clinic", [
    "name: clinic",
    `card: ${join(ROOT, "ratecards/fliplet.yaml")}`,
    "plan: free",
    "start: 2026-11-01",
    "timezone: UTC",
    "cycles: 3",
    "schedules:",
    "  - { name: news, meter: email, every: cycle on day 5 at 09:00, quantity: 15000, dimensions: { project: p, source: studio } }",
    "changes:",
    "  - { cycle: 2, plan: pro }",
    "  - { cycle: 3, plan: free }",
  ]);

  it("markdown: 'Free → Pro → Free (scenario)' beside a plain Free, and the per-cycle heading", async () => {
    const out = (await burnrate(["simulate", file, "--compare-plans", "--format", "markdown"])).stdout;
    // The scenario: Free 0, Pro 9 + 500 top-up credits x 0.01 = 14, Free 0: 14 USD with top-ups.
    expect(out).toContain("| Free → Pro → Free (scenario) | with top-ups | 500.00 | 14.00 USD | no: refused on Free (no top-ups sold) |");
    // Plain Free: 0 USD, its 3 rows refused; each cycle's 15,000 emails ask 1,500 credits against its 100.
    expect(out).toContain("| Free | as is (no top-ups sold) | - | 0.00 USD | no: 3 usage rows refused; asks up to 1,500.00 a cycle against 100.00 |");
    expect(out).toContain("## Free → Pro → Free: per cycle");
    expect(out).not.toMatch(/\| Free \(scenario\)/);
  });

  it("JSON: the scenario's row is labelled and marked, the plain Free is a row of its own", async () => {
    const out = await burnrateJson(["simulate", file, "--compare-plans", "--samples", "2"]);
    expect(out.plans.map((p: { plan: string; label: string; scenario: boolean; money: string }) => [p.plan, p.label, p.scenario, p.money])).toEqual([
      ["free", "Free → Pro → Free", true, "14"],
      // Then the others, covering first: Pro all along, 3 x (9 + 5) = 42 USD; plain Free refuses.
      ["pro", "Pro", false, "42"],
      ["free", "Free", false, "0"],
    ]);
    expect(out.samples.plans.map((p: { label: string }) => p.label)).toEqual(["Free → Pro → Free", "Pro", "Free"]);
    const table = await burnrate(["simulate", file, "--compare-plans", "--samples", "2", "--format", "markdown"]);
    expect(table.stdout).toContain("Free → Pro → Free: money p50 14.00 USD");
    const csv = (await burnrate(["simulate", file, "--compare-plans", "--format", "csv"])).stdout.trim().split("\n").map((l) => l.split(","));
    const column = (row: string[], name: string) => row[csv[0]!.indexOf(name)];
    expect(csv.slice(1).filter((r) => column(r, "cycle_start") === "2026-11-01T00:00:00Z").map((r) => [column(r, "plan"), column(r, "scenario")])).toEqual([["free", "yes"], ["pro", "no"], ["free", "no"]]);
  });

  it("a scenario without plan changes is compared once per plan", async () => {
    const plain = write("plain", readFileSync(file, "utf8").split("\n").filter((l) => !/changes:|plan: (pro|free) }/.test(l)));
    const out = await burnrateJson(["simulate", plain, "--compare-plans"]);
    expect(out.plans.map((p: { plan: string; label: string }) => [p.plan, p.label])).toEqual([["free", "Free"], ["pro", "Pro"]]);
  });
});

describe("small findings", () => {
  it("a change outside the simulated cycles names the bounds without milliseconds", async () => {
    const file = gateway("outside", 1, ["{ at: 2027-02-01T00:00:00Z, plan: enterprise }"]);
    const run = await burnrate(["simulate", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:14:`);
    expect(run.stderr).toContain("outside the simulated cycles (expected an instant from 2026-12-01T00:00:00Z to before 2027-01-01T00:00:00Z");
  });

  it("a share of 1,000% or more is grouped where people read it", () => {
    expect(percentOf(new Decimal(15000), new Decimal(1000))).toBe("1,500.00%");
    expect(percentOf(new Decimal("999.5"), new Decimal(1000))).toBe("99.95%");
    expect(percentOf(new Decimal(1), new Decimal(3))).toBe("33.33%");
  });
});
