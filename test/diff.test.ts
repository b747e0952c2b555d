import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Decimal } from "../src/money.js";
import { burnrate, burnrateJson, ROOT } from "./helpers/cli.js";

const CARD = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "burnrate-diff-"));
const ACCOUNT = ["--account", "fixtures/fliplet/account.yaml"];
const LOG = ["--usage", "fixtures/fliplet/usage.csv"];
const SMS_PRICE = 'price: "0.5"              # "0.5 per message"';

function variant(name: string, edits: [string, string][]): string {
  let text = CARD;
  for (const [from, to] of edits) {
    expect(text.includes(from), `no ${from}`).toBe(true);
    text = text.replace(from, to);
  }
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

function position(file: string, needle: string, after = ""): { line: number; column: number } {
  const text = readFileSync(file, "utf8");
  const index = text.indexOf(needle, text.indexOf(after) + after.length);
  return { line: text.slice(0, index).split("\n").length, column: index - text.lastIndexOf("\n", index - 1) };
}

const smsUp = variant("sms-up", [[SMS_PRICE, 'price: "0.6"'], ['version: "2026-11"', 'version: "2026-12"']]);

describe("burnrate diff: a raised price", () => {
  it("shows exactly the expected delta on the bundled log: 0.1 more for every SMS the base card charged", async () => {
    const base = await burnrateJson(["statement", ...ACCOUNT, ...LOG]);
    const diff = await burnrateJson(["diff", "--base", "ratecards/fliplet.yaml", "--card", smsUp, ...ACCOUNT, ...LOG]);
    const smsPerCycle = base.accounts[0].cycles.map((c: any) => c.lines.filter((l: any) => l.meter === "sms").reduce((s: Decimal, l: any) => s.plus(l.quantity), new Decimal(0)));
    const expectedDelta = smsPerCycle.reduce((a: Decimal, b: Decimal) => a.plus(b), new Decimal(0)).mul("0.1");
    expect(expectedDelta.gt(0)).toBe(true);
    expect(diff.base_total).toBe(base.accounts[0].cycles.reduce((s: Decimal, c: any) => s.plus(c.total), new Decimal(0)).toFixed());
    expect(diff.total_delta).toBe(expectedDelta.toFixed());
    expect(new Decimal(diff.card_total).minus(diff.base_total).toFixed()).toBe(diff.total_delta);
    expect(diff.total_delta_percent).toBe(expectedDelta.mul(100).div(diff.base_total).toDecimalPlaces(2).toFixed());
    // Only sms lines change, each by 0.1 per message of its cycle.
    const changed = diff.changes.filter((c: any) => c.delta !== "0");
    expect(changed.map((c: any) => c.meter)).toEqual(changed.map(() => "sms"));
    expect(changed.map((c: any) => c.delta)).toEqual(smsPerCycle.filter((q: Decimal) => q.gt(0)).map((q: Decimal) => q.mul("0.1").toFixed()));
    expect(diff.meters.find((m: any) => m.meter === "sms").delta_percent).toBe("20");
    expect(diff.card_changes).toEqual([
      { change: "changed", what: "setting", path: "version", old: "2026-11", new: "2026-12", file: smsUp, ...position(smsUp, '"2026-12"') },
      { change: "changed", what: "setting", path: "meters.sms.price", old: "0.5", new: "0.6", file: smsUp, ...position(smsUp, '"0.6"') },
    ]);
  });

  it("names a month of daily files by their count, first and last in the table, and every one in the JSON", async () => {
    const [header, ...rows] = readFileSync(join(ROOT, "fixtures/ci/fliplet/sms-100.csv"), "utf8").trimEnd().split("\n");
    const files = [0, 1, 2, 3, 4].map((f) => {
      const file = join(dir, `sms-day-${f}.csv`);
      writeFileSync(file, [header, ...rows.slice(f * 20, f * 20 + 20)].join("\n") + "\n");
      return file;
    });
    const args = ["diff", "--base", "ratecards/fliplet.yaml", "--card", smsUp, ...files.flatMap((f) => ["--usage", f]), "--plan", "pro", "--anchor", "2026-11-01"];
    const table = await burnrate([...args, "--format", "table"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(`  Usage          5 files: ${files[0]}, ${files[1]}, …, ${files[4]}\n`);
    // The same rows as the one file: 100 messages at 0.5 and 0.6.
    expect(table.stdout).toContain("  Total credits  50.00 → 60.00, +10.00 (+20.00%)\n");
    const json = await burnrateJson([...args, "--format", "json"]);
    expect(json.usage).toEqual(files);
  });

  it("prints a table for people", async () => {
    const run = await burnrate(["diff", "--base", "ratecards/fliplet.yaml", "--card", smsUp, "--usage", "fixtures/ci/fliplet/sms-100.csv", "--plan", "pro", "--anchor", "2026-11-01", "--format", "table"]);
    const price = position(smsUp, '"0.6"');
    const version = position(smsUp, '"2026-12"');
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Cost diff: fliplet 2026-11 → fliplet 2026-12
  Base card      ratecards/fliplet.yaml
  New card       ${smsUp}
  Usage          fixtures/ci/fliplet/sms-100.csv
  Total credits  50.00 → 60.00, +10.00 (+20.00%)
  Money (USD)    9.00 → 9.00, 0
  Credits rise by +10.00 (+20.00%), from 50.00 to 60.00, for 1 account over 1 cycle. Largest by meter: sms +10.00 (+20.00%).

Changed lines
  Account  Cycle       Meter    Old    New            Change
  default  2026-11-01  sms    50.00  60.00  +10.00 (+20.00%)

By meter
  Meter    Old    New            Change
  sms    50.00  60.00  +10.00 (+20.00%)
  Total  50.00  60.00  +10.00 (+20.00%)

By account
  Account    Old    New            Change
  default  50.00  60.00  +10.00 (+20.00%)
  Total    50.00  60.00  +10.00 (+20.00%)

By cycle
  Account  Cycle         Old    New            Change  Rejected events
  default  2026-11-01  50.00  60.00  +10.00 (+20.00%)                0

Card changes
  Change   Path                  Old      New  Where
  changed  version           2026-11  2026-12  ${smsUp}:${version.line}:${version.column}
  changed  meters.sms.price      0.5      0.6  ${smsUp}:${price.line}:${price.column}
`);
  });

  it("writes a pull-request comment: summary, changed lines, the rest folded", async () => {
    const run = await burnrate(["diff", "--base", "ratecards/fliplet.yaml", "--card", smsUp, "--usage", "fixtures/ci/fliplet/sms-100.csv", "--plan", "pro", "--anchor", "2026-11-01", "--format", "markdown", "--fail-over", "25"]);
    const price = position(smsUp, '"0.6"');
    const version = position(smsUp, '"2026-12"');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`<!-- burnrate-diff -->
### burnrate: fliplet 2026-11 → fliplet 2026-12

Credits rise by +10.00 (+20.00%), from 50.00 to 60.00, for 1 account over 1 cycle. Largest by meter: sms +10.00 (+20.00%). Within the --fail-over limit of 25%.

| Account | Cycle | Meter | Old | New | Change |
| --- | --- | --- | ---: | ---: | ---: |
| default | 2026-11-01 | sms | 50.00 | 60.00 | +10.00 (+20.00%) |

<details><summary>2 changes in the card</summary>

| Change | Path | Old | New | Where |
| --- | --- | ---: | ---: | --- |
| changed | version | 2026-11 | 2026-12 | ${smsUp}:${version.line}:${version.column} |
| changed | meters.sms.price | 0.5 | 0.6 | ${smsUp}:${price.line}:${price.column} |

</details>

<details><summary>Per meter, account and cycle</summary>

**By meter**

| Meter | Old | New | Change |
| --- | ---: | ---: | ---: |
| sms | 50.00 | 60.00 | +10.00 (+20.00%) |
| Total | 50.00 | 60.00 | +10.00 (+20.00%) |

**By account**

| Account | Old | New | Change |
| --- | ---: | ---: | ---: |
| default | 50.00 | 60.00 | +10.00 (+20.00%) |
| Total | 50.00 | 60.00 | +10.00 (+20.00%) |

**By cycle**

| Account | Cycle | Old | New | Change | Rejected events |
| --- | --- | ---: | ---: | ---: | ---: |
| default | 2026-11-01 | 50.00 | 60.00 | +10.00 (+20.00%) | 0 |

</details>
`);
  });

  it("writes CSV rows per cycle, account and meter", async () => {
    const run = await burnrate(["diff", "--base", "ratecards/fliplet.yaml", "--card", smsUp, "--usage", "fixtures/ci/fliplet/sms-100.csv", "--plan", "pro", "--anchor", "2026-11-01", "--format", "csv"]);
    // Then the one priced line over the whole usage: the SMS price is flat, so every SMS is one line.
    // Then the cycle's money (stop 36), in a money column: Pro's price of 9 USD under both cards, nothing bought, no overage.
    // Each row's unit: credits, or USD on a money row (stop 36).
    expect(run.stdout).toBe("cycle,cycle_end,account,meter,old,new,delta,delta_percent,old_refused,new_refused,cause,line,gate,money,unit\n2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,default,sms,50,60,10,20,0,0,,,,,credits\n,,,sms,50,60,10,20,,,,sms,,,credits\n"
      + "2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,default,,9,9,0,0,,,,,,plan,USD\n2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,default,,9,9,0,0,,,,,,total,USD\n");
  });
});

describe("burnrate diff --fail-over", () => {
  const args = ["diff", "--base", "ratecards/fliplet.yaml", "--card", smsUp, "--usage", "fixtures/ci/fliplet/sms-100.csv", "--plan", "pro", "--anchor", "2026-11-01", "--format", "json"];

  it("exits 1 when the total rises by more than PCT, after printing the report", async () => {
    const run = await burnrate([...args, "--fail-over", "19.99"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("burnrate: total credits rise by more than --fail-over 19.99%\n");
    expect(JSON.parse(run.stdout).fail_over).toEqual({ percent: "19.99", exceeded: true, credits_exceeded: true, money_exceeded: false, paid_credits_exceeded: false, prices_exceeded: false, refused_exceeded: false, expired_exceeded: false });
  });

  it("passes a rise of exactly PCT", async () => {
    const run = await burnrate([...args, "--fail-over", "20"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).fail_over).toEqual({ percent: "20", exceeded: false, credits_exceeded: false, money_exceeded: false, paid_credits_exceeded: false, prices_exceeded: false, refused_exceeded: false, expired_exceeded: false });
  });

  it("rejects a percentage that is not a number", async () => {
    const run = await burnrate([...args, "--fail-over", "ten"]);
    expect(run).toEqual({ code: 2, stdout: "", stderr: 'burnrate: error: --fail-over: bad --fail-over (expected a percentage of 0 or more, such as 10 or 2.5, found "ten")\n' });
  });
});

describe("burnrate diff: what changed in the card", () => {
  it("names meters added and removed, and plan changes, with their locations", async () => {
    const removed = variant("no-maps", [["  maps_call:\n", "  maps_call_removed_placeholder:\n"]]);
    const out = await burnrateJson(["diff", "--base", "ratecards/fliplet.yaml", "--card", removed, "--usage", "fixtures/ci/fliplet/sms-100.csv", "--plan", "pro", "--anchor", "2026-11-01"]);
    expect(out.total_delta).toBe("0");
    expect(out.card_changes.map((c: any) => [c.change, c.what, c.path, c.file === removed ? "new" : "base"])).toEqual([
      ["removed", "meter", "meters.maps_call", "base"],
      ["added", "meter", "meters.maps_call_removed_placeholder", "new"],
    ]);
    const rich = variant("pro-richer", [["included: 1000", "included: 1200"]]);
    const plan = await burnrateJson(["diff", "--base", "ratecards/fliplet.yaml", "--card", rich, "--usage", "fixtures/ci/fliplet/sms-100.csv", "--plan", "pro", "--anchor", "2026-11-01"]);
    expect(plan.card_changes).toEqual([{ change: "changed", what: "setting", path: "plans.pro.included", old: "1000", new: "1200", file: rich, ...position(rich, "1200") }]);
  });

  it("says so when nothing changes", async () => {
    const run = await burnrate(["diff", "--base", "ratecards/fliplet.yaml", "--card", "ratecards/fliplet.yaml", "--usage", "fixtures/ci/fliplet/sms-100.csv", "--plan", "pro", "--anchor", "2026-11-01", "--format", "markdown"]);
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n").slice(0, 6)).toEqual([
      "<!-- burnrate-diff -->",
      "### burnrate: fliplet 2026-11 → fliplet 2026-11",
      "",
      "No change in credits: 50.00 under both cards, for 1 account over 1 cycle.",
      "",
      "No change in the card itself.",
    ]);
  });

  it("reports a plan the new card lacks as bad input, naming that card", async () => {
    // The variant renames pro team, its price and credits the same: a rename, said since stop 66 (newcomer66b F5).
    const noPro = variant("no-pro", [["  pro:\n    label: Pro", "  team:\n    label: Team"]]);
    const run = await burnrate(["diff", "--base", "ratecards/fliplet.yaml", "--card", noPro, ...ACCOUNT, ...LOG, "--format", "json"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`burnrate: error: fixtures/fliplet/account.yaml:${position(join(ROOT, "fixtures/fliplet/account.yaml"), "pro", "plan: ").line}:7: unknown plan "pro" in the new card ${noPro}; the base card's plan "pro" is not in the new card, whose "team" has its price and included credits: a rename? (expected one of free, team, found "pro")\n`);
  });
});
