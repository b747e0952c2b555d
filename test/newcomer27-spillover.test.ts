import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A month-end export with a retry logged a second past midnight runs the statement a cycle further, billing every
// account that cycle's fee and grants (newcomer, stop 44: one row of 761,000 doubled the money of 300 accounts).
// Two accounts on Floopy's pro, each with a recurring top-up; `november` rows spread over November.
function inputs(november: number, december: number, extra = "", decemberDays = 1): { account: string; usage: string } {
  const dir = mkdtempSync(join(tmpdir(), "newcomer27-spillover-"));
  const account = join(dir, "account.yaml");
  writeFileSync(account, `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: a\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n${extra}accounts:\n  b: { plan: pro }\n`);
  const rows = ["timestamp,account,meter,model,provider,input_tokens,output_tokens"];
  for (let i = 0; i < november; i++) rows.push(`2026-11-${String(1 + (i % 29)).padStart(2, "0")}T10:${String(i % 60).padStart(2, "0")}:00Z,${i % 2 === 0 ? "a" : "b"},request,gpt-4o,openai,1000,100`);
  for (let i = 0; i < december; i++) rows.push(`2026-12-${String(1 + (i % decemberDays)).padStart(2, "0")}T00:00:${String(1 + i).padStart(2, "0")}Z,a,request,gpt-4o,openai,1000,100`);
  const usage = join(dir, "usage.csv");
  writeFileSync(usage, `${rows.join("\n")}\n`);
  return { account, usage };
}

const run = (i: { account: string; usage: string }, ...more: string[]) => burnrate(["statement", "--account", i.account, "--usage", i.usage, "--format", "json", ...more]);

describe("a last cycle a few rows past the month's end make (newcomer, stop 44)", () => {
  it("is noted: 1 row of 201 (0.50%) bills both accounts December's fee", async () => {
    const out = await run(inputs(200, 1));
    expect(out.code).toBe(0);
    expect(out.stderr).toBe("burnrate: note: 1 row of the usage falls in the cycle from 2026-12-01 (0.50% of the usage), the statement's last: each of its 2 accounts is billed that cycle's plan fee and recurring grants; if those rows belong to the cycle before, leave them out of the usage, or show the cycles before it alone with --cycle 2026-11-01\n");
    const cycles = (JSON.parse(out.stdout) as { accounts: { cycles: unknown[] }[] }).accounts.map((a) => a.cycles.length);
    expect(cycles).toEqual([2, 2]);
  });

  it("is not noted where the cycle holds a hundredth of the rows or more (20 of 200) over more than its first tenth (to December 10), nor with --cycle, nor with through:", async () => {
    expect((await run(inputs(180, 20, "", 10))).stderr).toBe("");
    expect((await run(inputs(200, 1), "--cycle", "2026-11")).stderr).toBe("");
    expect((await run(inputs(200, 1, "through: 2026-12-31\n"))).stderr).toBe("");
  });
});

describe("the spillover note reads the replay's counts, not the accounts' cycles", () => {
  it("never reads a cycle: a statement of 100,000 accounts makes each account's as it writes it (the bench's accounts shape ended in a stack)", async () => {
    const { spilloverNote } = await import("../src/commands/spillover-note.js");
    const { Zone } = await import("../src/time.js");
    const unread = { get cycles(): never { throw new Error("cycles read") } };
    const statement = { accounts: [unread, unread, unread], events: { read: 1000, priced: 1000, duplicates: 0, rejected: 0 }, lastUsage: { index: 2, rows: 3, starts: { first: Date.UTC(2026, 8, 1), before: Date.UTC(2026, 9, 1), last: Date.UTC(2026, 10, 1) } } };
    const settings = { zone: Zone.of("UTC")!, through: undefined, changes: [], accounts: new Map(), terms: {} };
    // 3 rows of 1,000 (0.30%) in the third cycle: the --cycle shown runs from the first cycle to the one before the last.
    expect(spilloverNote(statement as never, settings as never, { cycle: undefined })).toBe("burnrate: note: 3 rows of the usage fall in the cycle from 2026-11-01 (0.30% of the usage), the statement's last: each of its 3 accounts is billed that cycle's plan fee and recurring grants; if those rows belong to the cycle before, leave them out of the usage, or show the cycles before it alone with --cycle 2026-09-01..2026-10-01\n");
  });

  it("counts a creator shown its rewards only among no account billed a fee (newcomer62 L1)", async () => {
    const { spilloverNote } = await import("../src/commands/spillover-note.js");
    const { Zone } = await import("../src/time.js");
    const statement = { accounts: [{ account: "a" }, { account: "b" }, { account: "zed", rewardsOnly: true }], events: { read: 1000, priced: 1000, duplicates: 0, rejected: 0 }, lastUsage: { index: 1, rows: 1, starts: { first: Date.UTC(2026, 10, 1), before: Date.UTC(2026, 10, 1), last: Date.UTC(2026, 11, 1) } } };
    const settings = { zone: Zone.of("UTC")!, through: undefined, changes: [], accounts: new Map(), terms: {} };
    expect(spilloverNote(statement as never, settings as never, { cycle: undefined })).toContain("the statement's last: each of its 2 accounts on a plan is billed that cycle's plan fee");
    const creatorsOnly = { ...statement, accounts: [{ account: "zed", rewardsOnly: true }] };
    expect(spilloverNote(creatorsOnly as never, settings as never, { cycle: undefined })).toBeUndefined();
  });
});
