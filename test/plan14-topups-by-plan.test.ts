import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { burnrate, burnrateJson, ROOT } from "./helpers/cli.js";

// Fliplet (ratecards/fliplet.yaml): Free is 100 credits a cycle for 0 USD and sells no top-ups
// (`topups: false`); Pro is 1,000 credits for 9 USD; a top-up credit costs 0.01 USD. An email from
// Studio costs 0.1 credit in the build pool, which has no grace: a newsletter of 15,000 emails on
// the 5th of each cycle is one row of 1,500 credits, refused whole where the credits fall short.
const dir = mkdtempSync(join(tmpdir(), "burnrate-plan14-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CARD = join(ROOT, "ratecards/fliplet.yaml");

function scenario(name: string, plan: string, cycles: number, change: string, emails = 15000): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [
    `name: ${name}`,
    `card: ${CARD}`,
    `plan: ${plan}`,
    "start: 2026-11-01",
    "timezone: UTC",
    `cycles: ${cycles}`,
    "schedules:",
    `  - { name: news, meter: email, every: cycle on day 5 at 09:00, quantity: ${emails}, dimensions: { project: p, source: studio } }`,
    ...(change === "" ? [] : ["changes:", `  - ${change}`]),
    "",
  ].join("\n"));
  return file;
}

interface JsonCycle { plan: string; total: string; topup_needed: string; money: string; rejected: { events: number }[] }

const refusedRows = (c: JsonCycle) => c.rejected.reduce((n, r) => n + r.events, 0);

describe("simulate buys top-ups only while the plan in force sells them", () => {
  it("a downgrade to Free buys nothing in the Free cycles: their usage is refused and costs no top-up money", async () => {
    const file = scenario("down", "pro", 3, "{ cycle: 2, plan: free }");
    const own = (await burnrateJson(["simulate", file])).plans[0];
    // Cycle 1 on Pro: 1,500 credits, 500 of them top-ups, 9 + 5 = 14 USD. Cycles 2 and 3 on Free:
    // the 1,500-credit row does not fit in 100 credits and Free sells none to cover it.
    expect(own.cycles.map((c: JsonCycle) => [c.plan, c.total, c.topup_needed, c.money, refusedRows(c)])).toEqual([
      ["pro", "1500", "500", "14", 1],
      ["free", "0", "0", "0", 1],
      ["free", "0", "0", "0", 1],
    ]);
    expect(own.money).toBe("14");
    expect(own.topup_needed).toBe("500");
    expect(own.covers).toBe(false);
  });

  it("says so in every format: table, markdown and HTML show the Free cycles' top-ups as not sold, CSV gives 0", async () => {
    const file = scenario("down-formats", "pro", 3, "{ cycle: 2, plan: free }");
    const table = await burnrate(["simulate", file, "--format", "table", "--no-color"], { terminal: { columns: 160, colors: 0 } });
    expect(table.code, table.stderr).toBe(0);
    const rows = table.stdout.split("\n").filter((l) => /^ +[123] +20/.test(l)).map((l) => l.trim().split(/ {2,}/));
    expect(rows.map((r) => [r[2], r.at(-2), r.at(-1)])).toEqual([["Pro", "500.00", "14.00"], ["Free", "not sold", "0.00"], ["Free", "not sold", "0.00"]]);
    expect(table.stdout).toMatch(/Money +14\.00 USD over 3 cycles, of which top-ups 5\.00 USD \(500\.00 credits\)/);
    expect(table.stdout).toContain("Free cannot buy top-ups: refused usage stays refused.");
    const markdown = await burnrate(["simulate", file, "--format", "markdown"]);
    expect(markdown.stdout).toContain("| 2 | 2026-12-01 | Free | 0.00 | 0.00% | 2026-12-05 09:00 | 0.00 | 1 | not sold | 0.00 |");
    const html = await burnrate(["simulate", file, "--format", "html"]);
    expect(html.stdout.match(/not sold/g)).toHaveLength(2);
    const csv = (await burnrate(["simulate", file, "--format", "csv"])).stdout.trim().split("\n").map((l) => l.split(","));
    const column = (name: string) => csv.slice(1).map((r) => r[csv[0]!.indexOf(name)]);
    expect(column("topup_needed")).toEqual(["500", "0", "0"]);
    expect(column("money")).toEqual(["14", "0", "0"]);
  });

  it("an upgrade from Free buys what the Pro cycles need", async () => {
    const own = (await burnrateJson(["simulate", scenario("up", "free", 3, "{ cycle: 2, plan: pro }")])).plans[0];
    expect(own.cycles.map((c: JsonCycle) => [c.plan, c.total, c.topup_needed, c.money, refusedRows(c)])).toEqual([
      ["free", "0", "0", "0", 1],
      ["pro", "1500", "500", "14", 1],
      ["pro", "1500", "500", "14", 1],
    ]);
    // 2 x 9 USD and 1,000 top-up credits at 0.01 USD; refused (for a customer buying none) on Pro too,
    // but only Free's refusal stays: the scenario is not covered.
    expect(own.money).toBe("28");
    expect(own.covers).toBe(false);
    expect(own.purchase).toEqual({ kind: "topup", price: "0.01" });
  });

  it("an upgrade inside a cycle buys from the upgrade on, and the emitted account buys there too", async () => {
    // Free until 3 November, then Pro: the upgrade grants 1,000 - 100 = 900 credits (difference), so
    // the 1,500-credit newsletter on the 5th needs 1,500 - 1,000 = 500 top-up credits: 9 + 5 = 14 USD.
    const file = scenario("up-mid", "free", 1, "{ at: 2026-11-03T00:00:00Z, plan: pro }");
    const out = join(dir, "up-mid-emitted");
    const own = (await burnrateJson(["simulate", file, "--emit-usage", out])).plans[0];
    expect(own.cycles.map((c: JsonCycle) => [c.plan, c.total, c.topup_needed, c.money])).toEqual([["pro", "1500", "500", "14"]]);
    expect(readFileSync(join(out, "account.yaml"), "utf8")).toContain(`  - { kind: topup, amount: "500", at: "2026-11-03T00:00:00Z" }\n`);
    const statement = await burnrateJson(["statement", "--account", join(out, "account.yaml"), "--usage", join(out, "usage.csv")]);
    expect(statement.accounts[0].cycles.map((c: { total: string }) => c.total)).toEqual(["1500"]);
  });

  it("emits no purchase in the Free cycles of a downgrade, and the statement agrees with the simulation", async () => {
    const file = scenario("down-emit", "pro", 3, "{ cycle: 2, plan: free }");
    const out = join(dir, "down-emitted");
    const sim = (await burnrateJson(["simulate", file, "--emit-usage", out])).plans[0];
    const account = readFileSync(join(out, "account.yaml"), "utf8");
    expect(account.match(/kind: topup/g)).toHaveLength(1);
    expect(account).toContain(`  - { kind: topup, amount: "500", at: "2026-11-01T00:00:00Z" }\n`);
    const statement = await burnrateJson(["statement", "--account", join(out, "account.yaml"), "--usage", join(out, "usage.csv")]);
    const cycles = statement.accounts[0].cycles;
    expect(cycles.map((c: { total: string }) => c.total)).toEqual(sim.cycles.map((c: JsonCycle) => c.total));
    expect(cycles.map((c: { grants: { kind: string; consumed: string }[] }) => c.grants.find((g) => g.kind === "topup")?.consumed ?? "0")).toEqual(["500", "0", "0"]);
  });

  it("compares the scenario's story with top-ups against the plans as they are, and says where it still refuses", async () => {
    const table = await burnrate(["simulate", scenario("up-compare", "free", 3, "{ cycle: 2, plan: pro }"), "--compare-plans", "--format", "markdown"]);
    // Pro all along: 3 x (9 + 5) = 42 USD, covering; the scenario's own story with top-ups: 28 USD, refusing in Free's cycle.
    expect(table.stdout).toContain("| 1 | Pro | with top-ups | 1,500.00 | 42.00 USD | yes |");
    expect(table.stdout).toContain("| Free → Pro (scenario) | with top-ups | 1,000.00 | 28.00 USD | no: refused on Free (no top-ups sold) |");
  });
});

describe("the Of allowance share groups its thousands where people read it", () => {
  // 150,000 emails on Pro: 15,000 credits of a 1,000 allowance, 1,500.00%.
  const file = scenario("share", "pro", 1, "", 150000);

  it("in the table, markdown and HTML, but not in JSON and CSV numbers", async () => {
    const table = await burnrate(["simulate", file, "--format", "table", "--no-color"], { terminal: { columns: 160, colors: 0 } });
    expect(table.stdout).toMatch(/ 15,000\.00 +1,500\.00% /);
    expect((await burnrate(["simulate", file, "--format", "markdown"])).stdout).toContain("| 15,000.00 | 1,500.00% |");
    expect((await burnrate(["simulate", file, "--format", "html"])).stdout).toContain("1,500.00%");
    expect((await burnrateJson(["simulate", file])).plans[0].cycles[0].percent_of_allowance).toBe("1500.00");
    expect((await burnrate(["simulate", file, "--format", "csv"])).stdout).toContain(",15000,1500.00,");
  });
});

describe("statement: a purchase on a plan that sells none", () => {
  const usage = join(dir, "usage.csv");
  // 2,500 Studio emails in December: 250 credits, beyond Free's 100.
  writeFileSync(usage, "timestamp,meter,quantity,project,source\n2026-12-05T09:00:00Z,email,2500,p,studio\n");

  function account(name: string, lines: string[]): string {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, [`card: ${CARD}`, ...lines, ""].join("\n"));
    return file;
  }

  it("is refused at the purchase, naming the plan in force from the anchor (exit 2)", async () => {
    const file = account("free-topup", ["plan: free", "anchor: 2026-11-01", "timezone: UTC", "grants:", "  - { kind: topup, amount: 200, at: 2026-11-20T09:00:00Z }"]);
    const run = await burnrate(["statement", "--account", file, "--usage", usage]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`burnrate: error: ${file}:6:5: topup bought while the account is on plan free (from the anchor), which sells none (expected a purchase while the plan in force sells topup (free has topups: false in the card), found 2026-11-20T09:00:00Z)\n`);
  });

  it("is refused at the purchase after a downgrade, naming the change that set the plan", async () => {
    const file = account("down-topup", ["plan: pro", "anchor: 2026-11-01", "timezone: UTC", "grants:", "  - { kind: topup, amount: 200, at: 2026-12-20T09:00:00Z }", "changes:", "  - { at: 2026-12-01T00:00:00Z, plan: free }"]);
    const run = await burnrate(["statement", "--account", file, "--usage", usage]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`burnrate: error: ${file}:6:5: topup bought while the account is on plan free (since the change at ${file}:8:5), which sells none`);
  });

  it("keeps top-ups bought on Pro usable after the downgrade", async () => {
    // 200 bought on Pro in November; December on Free: 100 included + 150 of the top-up cover the 250 credits.
    const file = account("down-keep", ["plan: pro", "anchor: 2026-11-01", "timezone: UTC", "grants:", "  - { kind: topup, amount: 200, at: 2026-11-20T09:00:00Z }", "changes:", "  - { at: 2026-12-01T00:00:00Z, plan: free }"]);
    const statement = await burnrateJson(["statement", "--account", file, "--usage", usage]);
    const december = statement.accounts[0].cycles[1];
    expect(december.timeline.map((t: { to: string }) => t.to)).toEqual(["free"]);
    expect(december.allowance).toBe("100");
    expect(december.total).toBe("250");
    expect(december.rejected).toEqual([]);
    expect(december.grants.map((g: { kind: string; consumed: string; closing: string }) => [g.kind, g.consumed, g.closing])).toEqual([["included", "100", "0"], ["topup", "150", "50"]]);
  });

  it("under --plan over the file's own plan (a what-if) keeps the file's purchases as given; a plan the file does not contradict holds them to it", async () => {
    // Bought on Pro in November; asked "what if on Free": Free's 100 included credits and the 200 bought cover December's 250.
    const onPro = account("what-if", ["plan: pro", "anchor: 2026-11-01", "timezone: UTC", "grants:", "  - { kind: topup, amount: 200, at: 2026-11-20T09:00:00Z }"]);
    const whatIf = await burnrateJson(["statement", "--account", onPro, "--usage", usage, "--plan", "free"]);
    expect(whatIf.accounts[0].cycles[1].grants.map((g: { kind: string; consumed: string }) => [g.kind, g.consumed])).toEqual([["included", "100"], ["topup", "150"]]);
    const onFree = account("free-flag-free", ["plan: free", "anchor: 2026-11-01", "timezone: UTC", "grants:", "  - { kind: topup, amount: 200, at: 2026-11-20T09:00:00Z }"]);
    expect((await burnrate(["statement", "--account", onFree, "--usage", usage, "--plan", "free"])).code).toBe(2);
    const noPlan = account("no-plan", ["anchor: 2026-11-01", "timezone: UTC", "grants:", "  - { kind: topup, amount: 200, at: 2026-11-20T09:00:00Z }"]);
    const run = await burnrate(["statement", "--account", noPlan, "--usage", usage, "--plan", "free"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${noPlan}:5:5: topup bought while the account is on plan free (from the anchor), which sells none`);
  });

  it("a downgrade that waits for the next cycle leaves the plan that sells them in force until then", async () => {
    // Fliplet downgrades at the next cycle start: a top-up on 20 November after a downgrade on 10 November is bought on Pro.
    const file = account("down-pending", ["plan: pro", "anchor: 2026-11-01", "timezone: UTC", "grants:", "  - { kind: topup, amount: 200, at: 2026-11-20T09:00:00Z }", "changes:", "  - { at: 2026-11-10T00:00:00Z, plan: free }"]);
    const run = await burnrate(["statement", "--account", file, "--usage", usage, "--format", "json"]);
    expect(run.code, run.stderr).toBe(0);
  });
});
