import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binary, burnrate, ROOT } from "./helpers/cli.js";

const ACCOUNT = "fixtures/fliplet/account.yaml";
const USAGE = "fixtures/fliplet/usage.csv";
const base = ["statement", "--account", ACCOUNT, "--usage", USAGE];
const tmp = () => mkdtempSync(join(tmpdir(), "burnrate-"));

async function ok(args: string[], env?: Record<string, string>) {
  const run = await burnrate(args, { env });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return run.stdout;
}

/** Where a duplicate or a rejection was read (file:line) is the one thing that depends on how the rows were laid out. */
const untraced = (text: string) => text.replace(/"(first|repeat|first_line)": "[^"]*"/g, '"$1": ""');

describe("statement on the Fliplet fixtures", () => {
  it("matches the golden output in every format, from the built binary", async () => {
    const printed = (args: string[]) => {
      const run = binary(args);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      return run.stdout;
    };
    for (const [format, file] of [["table", "fliplet-statement.txt"], ["json", "fliplet-statement.json"], ["csv", "fliplet-statement.csv"], ["markdown", "fliplet-statement.md"]] as const) {
      await expect(printed([...base, "--format", format])).toMatchFileSnapshot(`golden/${file}`);
    }
    await expect(printed([...base, "--ledger", "--format", "csv"])).toMatchFileSnapshot("golden/fliplet-ledger.csv");
  });

  it("is byte-identical run to run, with the log split in two files, and with its rows shuffled", async () => {
    const json = await ok([...base, "--format", "json"]);
    expect(await ok([...base, "--format", "json"])).toBe(json);
    const [header, ...rows] = readFileSync(join(ROOT, USAGE), "utf8").trimEnd().split("\n");
    const dir = tmp();
    // Odd and even rows: each file is sorted, the two together are not.
    writeFileSync(join(dir, "a.csv"), [header, ...rows.filter((_, i) => i % 2 === 0)].join("\n") + "\n");
    writeFileSync(join(dir, "b.csv"), [header, ...rows.filter((_, i) => i % 2 === 1)].join("\n") + "\n");
    expect(untraced(await ok(["statement", "--account", ACCOUNT, "--usage", join(dir, "a.csv"), "--usage", join(dir, "b.csv"), "--format", "json"]))).toBe(untraced(json));
    let seed = 7;
    const shuffled = rows.map((r) => ({ r, k: (seed = (seed * 16807) % 2147483647) })).sort((x, y) => x.k - y.k).map(({ r }) => r);
    writeFileSync(join(dir, "shuffled.csv"), [header, ...shuffled].join("\n") + "\n");
    expect(untraced(await ok(["statement", "--account", ACCOUNT, "--usage", join(dir, "shuffled.csv"), "--format", "json"]))).toBe(untraced(json));
  });

  it("states the fixture's story: grace used, refusals, a refund, a free republish, thresholds, top-ups", async () => {
    const out = JSON.parse(await ok([...base, "--format", "json"]));
    const [c1, c2, c3] = out.accounts[0].cycles;
    expect(out.accounts[0]).toMatchObject({ account: "acme", plan: "pro" });
    expect(c2.start).toBe("2026-10-13T23:00:00Z");
    expect(c3.start).toBe("2026-11-14T00:00:00Z");
    expect(c1.duplicates).toEqual([{ meter: "ai_output_tokens", events: 2, quantity: c1.duplicates[0].quantity }]);
    // Cycle 2: the 10% grace buffer of the 1,000 allowance, and no more, went to run-pool activity.
    expect(Number(c2.uncovered)).toBeGreaterThan(99);
    expect(Number(c2.uncovered)).toBeLessThanOrEqual(100);
    expect(c2.rejected.map((r: { reason: string }) => r.reason)).toContain("credits exhausted");
    expect(c2.rejected.map((r: { reason: string }) => r.reason)).toContain("grace buffer exhausted");
    expect(c2.thresholds.map((t: { percent: number }) => t.percent)).toEqual([70, 80, 90, 100]);
    expect(c2.lines.find((l: { kind: string }) => l.kind === "refund")).toMatchObject({ meter: "storage_deleted", quantity: "-1", unit_price: "4", amount: "-4" });
    // iOS was unpublished and republished in cycle 2: only the cycle-start charge of 5.
    expect(c2.lines.filter((l: { meter: string; dimensions: { channel?: string } }) => l.meter === "published" && l.dimensions.channel === "ios").map((l: { amount: string }) => l.amount)).toEqual(["5"]);
    expect(c2.grants).toEqual([
      { kind: "included", opening: "1000", granted: "0", consumed: "1000", expired: "0", closing: "0" },
      { kind: "topup", opening: "0", granted: "200", consumed: c2.grants[1].consumed, expired: "0", closing: c2.grants[1].closing },
    ]);
    expect(c3.grants[1]).toMatchObject({ kind: "topup", opening: c2.grants[1].closing, granted: "150" });
    for (const c of [c1, c2, c3]) {
      const sum = c.lines.reduce((t: number, l: { amount: string }) => t + Math.round(Number(l.amount) * 1e6), 0);
      expect(sum).toBe(Math.round(Number(c.total) * 1e6));
    }
  });

  it("CSV: a meter priced by components has a component column telling its token lines apart (only when one is)", async () => {
    const run = await burnrate(["statement", "--account", "fixtures/layouts/account.yaml", "--usage", "fixtures/layouts/canonical.csv", "--format", "csv"]);
    expect(run.code, run.stderr).toBe(0);
    const [header, ...rows] = run.stdout.trimEnd().split(/\r?\n/).map((l) => l.split(","));
    expect(header!.slice(4, 6)).toEqual(["meter", "component"]);
    const at = (name: string) => header!.indexOf(name);
    const line = (model: string, component: string) => rows.filter((r) => r[at("model")] === model && r[at("component")] === component).map((r) => [r[at("quantity")], r[at("unit_price")], r[at("amount")]]);
    // Floopy's card: claude-sonnet-4 on anthropic, 2,000 input tokens at 0.0003 and 400 output at 0.0015; gpt-4o on openai, 1,000 at 0.00025 and 200 at 0.001.
    expect(line("claude-sonnet-4", "input_tokens")).toEqual([["2000", "0.0003", "0.6"]]);
    expect(line("claude-sonnet-4", "output_tokens")).toEqual([["400", "0.0015", "0.6"]]);
    expect(line("gpt-4o", "input_tokens")).toEqual([["1000", "0.00025", "0.25"]]);
    expect(line("gpt-4o", "output_tokens")).toEqual([["200", "0.001", "0.2"]]);
    // The request itself, priced 0, has no component.
    expect(line("gpt-4o", "")).toEqual([["1", "0", "0"]]);
    // A card without components keeps the columns it had.
    const fliplet = await burnrate(["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv", "--format", "csv"]);
    expect(fliplet.stdout.split("\n")[0]).not.toContain("component");
  });

  it("shows the card's two decimals: 999.5 is 999.50", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "u.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_write,10,p\n");
    const out = await ok(["statement", "--account", "fixtures/fliplet/typical/account.yaml", "--usage", join(dir, "u.csv"), "--format", "table"]);
    expect(out).toMatch(/included\s+1,000\.00\s+0\.00\s+0\.50\s+0\.00\s+999\.50/);
  });

  it("reads well at 100 columns", async () => {
    for (const extra of [[], ["--ledger"]]) {
      const widest = Math.max(...(await ok([...base, ...extra, "--format", "table"])).split("\n").map((l) => l.length));
      expect(widest).toBeLessThanOrEqual(100);
    }
  });

  it("colours only when asked or on a terminal, never with NO_COLOR or --no-color", async () => {
    const esc = /\u001b\[/;
    expect(await ok([...base, "--format", "table"])).not.toMatch(esc);
    expect(await ok([...base, "--format", "table"], { NO_COLOR: "", FORCE_COLOR: "1" })).toMatch(esc);
    expect(await ok([...base, "--format", "table"], { NO_COLOR: "1", FORCE_COLOR: "1" })).not.toMatch(esc);
    expect(await ok([...base, "--format", "table", "--no-color"], { NO_COLOR: "", FORCE_COLOR: "1" })).not.toMatch(esc);
  });

  // newcomer58b L1: FORCE_COLOR=0 is "no colour" to Node and chalk; on a terminal it still coloured.
  it("does not colour a terminal under FORCE_COLOR=0 or false, and does without it", async () => {
    const esc = /\u001b\[/;
    const onTerminal = (env: Record<string, string>) => burnrate([...base, "--format", "table"], { terminal: { columns: 100, colors: 256 }, env: { NO_COLOR: "", ...env } });
    expect((await onTerminal({ FORCE_COLOR: "0" })).stdout).not.toMatch(esc);
    expect((await onTerminal({ FORCE_COLOR: "false" })).stdout).not.toMatch(esc);
    expect((await onTerminal({})).stdout).toMatch(esc);
  });

  // red58b F11: a level chalk does not take (-1, 1.5) made every command exit 2 with an internal error.
  it("reads FORCE_COLOR as chalk does: -1 none, 1.5 the first level, any word the first", async () => {
    const esc = /\u001b\[/;
    const run = (value: string) => burnrate([...base, "--format", "table"], { env: { NO_COLOR: "", FORCE_COLOR: value } });
    const none = await run("-1");
    expect([none.code, none.stderr]).toEqual([0, ""]);
    expect(none.stdout).not.toMatch(esc);
    for (const value of ["1.5", "yes"]) {
      const some = await run(value);
      expect([some.code, some.stderr]).toEqual([0, ""]);
      expect(some.stdout).toMatch(esc);
    }
  });

  it("writes -o atomically and picks the format from its extension", async () => {
    const dir = tmp();
    const out = join(dir, "statement.json");
    expect(await ok([...base, "-o", out])).toBe("");
    expect(JSON.parse(readFileSync(out, "utf8")).schema).toBe("burnrate.statement/v1");
    writeFileSync(out, "yesterday's good report");
    const failed = await burnrate(["statement", "--account", ACCOUNT, "--usage", "fixtures/fliplet/missing.csv", "-o", out]);
    expect(failed.code).toBe(2);
    expect(readFileSync(out, "utf8")).toBe("yesterday's good report");
    const fresh = join(dir, "never.json");
    await burnrate(["statement", "--account", ACCOUNT, "--usage", "fixtures/fliplet/missing.csv", "-o", fresh]);
    expect(existsSync(fresh)).toBe(false);
  });

  it("reads usage from standard input with -", async () => {
    const run = await burnrate(["statement", "--account", ACCOUNT, "--usage", "-", "--format", "json"], { input: readFileSync(join(ROOT, USAGE), "utf8") });
    expect(run.code).toBe(0);
    expect(untraced(run.stdout)).toBe(untraced(await ok([...base, "--format", "json"])));
  });

  it("reads unsorted usage from standard input, which it cannot read twice", async () => {
    const [header, ...rows] = readFileSync(join(ROOT, USAGE), "utf8").trimEnd().split("\n");
    const run = await burnrate(["statement", "--account", ACCOUNT, "--usage", "-", "--format", "json"], { input: [header, ...rows.reverse()].join("\n") + "\n" });
    expect(run.stderr).toBe("");
    expect(untraced(run.stdout)).toBe(untraced(await ok([...base, "--format", "json"])));
  });

  it("shows both dates of an annual plan: credits reset monthly, the subscription renews yearly", async () => {
    const monthly = JSON.parse(await ok([...base, "--format", "json"])).accounts[0].cycles;
    expect(monthly.map((c: { renews: string; resets: string }) => c.renews === c.resets)).toEqual([true, true, true]);
    const annual = JSON.parse(await ok(["statement", "--account", "fixtures/fliplet/account-annual.yaml", "--usage", USAGE, "--format", "json"])).accounts[0].cycles;
    expect(annual.map((c: { resets: string }) => c.resets)).toEqual(monthly.map((c: { resets: string }) => c.resets));
    expect(annual.map((c: { renews: string }) => c.renews)).toEqual(["2027-09-13T23:00:00Z", "2027-09-13T23:00:00Z", "2027-09-13T23:00:00Z"]);
    expect(await ok(["statement", "--account", "fixtures/fliplet/account-annual.yaml", "--usage", USAGE, "--format", "table"])).toMatch(/^Cycle 1: 2026-09-14 to 2026-10-13 \(resets 2026-10-14 00:00, renews 2027-09-14\)$/m);
  });

  it("points a pricing error at the cell that has no price", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "u.csv"), "timestamp,meter,quantity,project,model,source\n2026-11-02T10:00:00Z,ai_input_tokens,100,p,gigantic,studio\n");
    const run = await burnrate(["statement", "--account", "fixtures/fliplet/typical/account.yaml", "--usage", join(dir, "u.csv")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`burnrate: error: ${join(dir, "u.csv")}:2:5: no price for model "gigantic" on meter "ai_input_tokens" (expected one of standard, advanced, or a "*" entry in the card's price for any other, or a skip_rows: entry in the usage mapping, under the export's column of model, with this value, to leave its rows out meanwhile, neither charged nor counted, found "gigantic")\n`);
  });

  it("sorts a log whose early row comes after an engine verdict that only stands in time order, in one file or across files", async () => {
    const dir = tmp();
    const header = "timestamp,meter,quantity,project";
    const deleted = "2026-09-14T10:00:00Z,project_deleted,1,p1";
    const read = "2026-09-14T11:00:00Z,data_read,1,p1";
    const created = "2026-09-14T09:00:00Z,project_created,1,p1";
    writeFileSync(join(dir, "all.csv"), [header, deleted, read, created].join("\n") + "\n");
    writeFileSync(join(dir, "sorted.csv"), [header, created, deleted, read].join("\n") + "\n");
    writeFileSync(join(dir, "a.csv"), [header, deleted, read].join("\n") + "\n");
    writeFileSync(join(dir, "b.csv"), [header, created].join("\n") + "\n");
    const args = ["statement", "--card", "ratecards/fliplet.yaml", "--plan", "pro", "--anchor", "2026-09-14", "--format", "json"];
    const expected = await ok([...args, "--usage", join(dir, "sorted.csv")]);
    expect(await ok([...args, "--usage", join(dir, "all.csv")])).toBe(expected);
    expect(await ok([...args, "--usage", join(dir, "a.csv"), "--usage", join(dir, "b.csv")])).toBe(expected);
  });

  it("flags override the account file", async () => {
    const out = JSON.parse(await ok([...base, "--plan", "free", "--format", "json"]));
    expect(out.accounts[0].plan).toBe("free");
    expect(out.accounts[0].cycles[0].allowance).toBe("100");
  });
});
