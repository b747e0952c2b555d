import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A day or three of the next month left among a month's daily files runs the statement a cycle further, billing every
// account its fee (newcomer63 M3: a December day, 3.2% of the rows, doubled 1,500 customers' money with no note).
// Accounts a and b on Floopy's Pro (20 USD a cycle); `november` rows over November, then `december` rows on the days given.
function run(given: { november: number; december: number; days: number; accounts?: string }) {
  const dir = mkdtempSync(join(tmpdir(), "spill63-"));
  const account = join(dir, "account.yaml");
  writeFileSync(account, `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: a\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n${given.accounts ?? "  b: { plan: pro }\n"}`);
  const rows = ["timestamp,account,meter,model,provider,input_tokens,output_tokens"];
  for (let i = 0; i < given.november; i++) rows.push(`2026-11-${String(1 + (i % 29)).padStart(2, "0")}T10:${String(i % 60).padStart(2, "0")}:00Z,${i % 2 === 0 ? "a" : "b"},request,gpt-4o,openai,1000,100`);
  for (let i = 0; i < given.december; i++) rows.push(`2026-12-${String(1 + (i % given.days)).padStart(2, "0")}T0${i % 10}:00:00Z,${i % 2 === 0 ? "a" : "b"},request,gpt-4o,openai,1000,100`);
  const usage = join(dir, "usage.csv");
  writeFileSync(usage, `${rows.join("\n")}\n`);
  return burnrate(["statement", "--account", account, "--usage", usage, "--format", "json"]);
}

const money = (stdout: string) => (JSON.parse(stdout) as { accounts: { cycles: { money: { total: string } }[] }[] }).accounts.map((a) => a.cycles.map((c) => c.money.total));

describe("a last cycle that a day of the next month makes (newcomer63 M3)", () => {
  it("is noted at 10 rows of 210 (4.76%), all on December 1: both accounts billed December's 20 USD", async () => {
    const out = await run({ november: 200, december: 10, days: 1 });
    expect(out.code).toBe(0);
    expect(out.stderr).toBe("burnrate: note: 10 rows of the usage fall in the cycle from 2026-12-01 (4.76% of the usage, all within its first day), the statement's last: each of its 2 accounts is billed that cycle's plan fee and recurring grants; if they are the next month's, left among this one's files, leave them out of the usage, or show the cycles before it alone with --cycle 2026-11-01\n");
    // Pro's 20 USD a cycle, twice; the tokens' cents are bought as needed, none here.
    expect(money(out.stdout)).toEqual([["20", "20"], ["20", "20"]]);
  });

  it("is noted at 2 rows of 200 (1%) in December's first seconds, where the hundredth alone said nothing", async () => {
    const out = await run({ november: 198, december: 2, days: 1 });
    expect(out.stderr).toContain("2 rows of the usage fall in the cycle from 2026-12-01 (1.00% of the usage, all within its first day)");
  });

  it("is noted through December 3, the first tenth of the cycle, and not past it", async () => {
    expect((await run({ november: 200, december: 9, days: 3 })).stderr).toContain("(4.31% of the usage, all within its first 3 days)");
    expect((await run({ november: 200, december: 10, days: 5 })).stderr).toBe("");
  });

  it("is not noted where the cycle holds a third of the cycle's before it or more (40 of 100): a month and its next month's start, read as such", async () => {
    expect((await run({ november: 100, december: 40, days: 1 })).stderr).toBe("");
  });

  it("does not count an account whose subscription ended before the cycle among those billed its fee (red62e F2)", async () => {
    const out = await run({ november: 200, december: 10, days: 1, accounts: "  b: { plan: pro }\n  c: { plan: pro, subscription_end: \"2026-11-20\" }\n" });
    expect(out.stderr).toContain("the statement's last: each of its 2 accounts on a plan is billed that cycle's plan fee");
  });
});

describe("an empty file among the usage files (newcomer63 M2)", () => {
  it("is named on stderr, 0 bytes or a gzip of nothing, and the run goes on; a file of a header alone is named apart (stop 68)", async () => {
    const { gzipSync } = await import("node:zlib");
    const dir = mkdtempSync(join(tmpdir(), "empty63-"));
    const header = "timestamp,meter,quantity,project\n";
    writeFileSync(join(dir, "d1.csv"), `${header}2026-11-01T10:00:00Z,maps_call,5,p1\n`);
    writeFileSync(join(dir, "d2.csv"), "");
    writeFileSync(join(dir, "d3.csv.gz"), gzipSync(Buffer.alloc(0)));
    writeFileSync(join(dir, "d4.csv"), header);
    const out = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", dir, "--format", "json"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(
      `burnrate: note: 2 of the 4 usage files are empty, without even a header ("d2.csv", "d3.csv.gz" in ${JSON.stringify(dir)}): read as no usage, as a quiet day's export is; a failed export leaves such a file too, and its usage is then missing from what is read\n`
      + `burnrate: note: 1 of the 4 usage files holds a header and no rows ("d4.csv" in ${JSON.stringify(dir)}): read as no usage, as a quiet day's export is; a failed export that wrote its header leaves such a file too, and its usage is then missing from what is read\n`,
    );
    // 5 maps calls at 0.08.
    expect(JSON.parse(out.stdout).accounts[0].cycles[0].total).toBe("0.4");
  });
});

describe("a batch that runs on each month's first days (red63d L1)", () => {
  it("is not told to leave its last month out: its last cycle holds what the others do", async () => {
    const dir = mkdtempSync(join(tmpdir(), "spill63-batch-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: a\nplan: pro\nanchor: 2026-01-01\ntimezone: UTC\n`);
    const rows = ["timestamp,meter,model,provider,input_tokens,output_tokens"];
    for (let month = 1; month <= 12; month++) for (const day of ["01", "02"]) for (let i = 0; i < 5; i++) rows.push(`2026-${String(month).padStart(2, "0")}-${day}T0${i}:00:00Z,request,gpt-4o,openai,1000,100`);
    writeFileSync(join(dir, "usage.csv"), `${rows.join("\n")}\n`);
    const out = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe("");
  });
});
