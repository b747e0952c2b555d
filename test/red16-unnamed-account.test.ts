import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// With no account file (--plan and --anchor as flags), the account "default" is named by nothing: it is listed when
// a row is its, or when no account has a row, not beside accounts every row names (red team, stop 34: two Pro
// customers a and b came with a third, "default", with no usage and Pro's 9 USD, 27 USD where 18 are owed).
async function statement(csv: string, extra: readonly string[] = [], stderr = "") {
  const dir = mkdtempSync(join(tmpdir(), "red16-"));
  writeFileSync(join(dir, "usage.csv"), csv);
  const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--usage", join(dir, "usage.csv"), "--plan", "pro", "--anchor", "2026-11-01", "--format", "json", ...extra]);
  expect(run.stderr).toBe(stderr.replace("USAGE", join(dir, "usage.csv")));
  return JSON.parse(run.stdout).accounts as { account: string; cycles: { total: string; money: { total: string } }[] }[];
}

describe("no account file: the unnamed account", () => {
  it("is not listed beside the accounts every row names: a and b, 9 USD each", async () => {
    const accounts = await statement("timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,alpha,a\n2026-11-03T10:00:00Z,data_read,200,alpha,b\n");
    // data_read 0.01 a read: 100 reads 1 credit, 200 reads 2.
    expect(accounts.map((a) => [a.account, a.cycles[0]!.total, a.cycles[0]!.money.total])).toEqual([
      ["a", "1", "9"],
      ["b", "2", "9"],
    ]);
  });

  it("is listed when a row names it: the log's own account", async () => {
    const accounts = await statement("timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,alpha,a\n2026-11-03T10:00:00Z,data_read,300,alpha,default\n");
    expect(accounts.map((a) => [a.account, a.cycles[0]!.total])).toEqual([
      ["a", "1"],
      ["default", "3"],
    ]);
  });

  // red56b F4: a row of no account beside rows naming customers is no more default's than a's.
  it("a row of no account beside a named one is refused at its cell", async () => {
    const dir = mkdtempSync(join(tmpdir(), "red16-"));
    const usage = join(dir, "usage.csv");
    writeFileSync(usage, "timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,alpha,a\n2026-11-03T10:00:00Z,data_read,300,alpha,\n");
    const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--usage", usage, "--plan", "pro", "--anchor", "2026-11-01", "--format", "json"]);
    expect([run.code, run.stdout]).toEqual([2, ""]);
    // No account file: "default" is the name of none (red58 F12), not "the account file's own".
    expect(run.stderr).toContain(`${usage}:3:5: a row of no account (its account cell empty, or the field absent): it would be billed to account "default", which no account file names, while the usage names other accounts ("a")`);
  });

  it("is listed when no account has a row: a log of no rows, through a later month, is the plan's cycles", async () => {
    // A header alone is said (newcomer50 F11).
    const accounts = await statement("timestamp,meter,quantity,project\n", ["--through", "2026-12-15"], "burnrate: note: no usage row was read from USAGE (a header alone, or only rows skipped): the statement holds the plans' fees and the grants, without usage\n");
    expect(accounts.map((a) => [a.account, a.cycles.length, a.cycles[1]!.money.total])).toEqual([["default", 2, "9"]]);
  });
});
