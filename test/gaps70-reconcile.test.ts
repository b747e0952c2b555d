import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer70 M2: a day the daily files skip (a failed export) was a note on stderr alone; reconcile's report then
// blamed the bill for the day's usage. The report says the gap too, in its summary and status, and the JSON lists it.
// Fliplet's data reads, 0.01 credits a read: 100 reads a day on November 1 to 6, the 4th's file missing.
function folder(skip: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "gaps70-"));
  mkdirSync(join(dir, "days"));
  for (const day of ["01", "02", "03", "04", "05", "06"].filter((d) => !skip.includes(d))) {
    writeFileSync(join(dir, "days", `usage-2026-11-${day}.csv`), `timestamp,meter,quantity,project\n2026-11-${day}T10:00:00Z,data_read,100,alpha\n`);
  }
  // The bill counts all six days: 600 reads, 6 credits.
  writeFileSync(join(dir, "bill.csv"), "period_start,activity,project,quantity,amount\n2026-11-01,data_read,alpha,600,6\n");
  return dir;
}
const reconcile = (dir: string, format: string) => burnrate(["reconcile", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "days", "--bill", "bill.csv", "--format", format], { cwd: dir });

describe("reconcile of daily files that skip a day", () => {
  it("says the day in the summary and the status, beside the line it may explain", async () => {
    const dir = folder(["04"]);
    const table = await reconcile(dir, "table");
    // The bill's 600 reads against usage's 500: a difference, exit 1, as before.
    expect(table.code).toBe(1);
    const text = table.stdout.replace(/\s+/g, " ");
    expect(text).toContain('Usage gaps the daily files in "days" skip 1 day between 2026-11-01 and 2026-11-06 (2026-11-04): no usage is read for it; a difference on those days may be usage missing from the log, not the bill\'s');
    expect(text).toMatch(/Status needs attention \(1 difference\(s\)\); the usage skips days \(Usage gaps\)/);
    const json = JSON.parse((await reconcile(dir, "json")).stdout);
    expect(json.usage_gaps).toEqual(['the daily files in "days" skip 1 day between 2026-11-01 and 2026-11-06 (2026-11-04): no usage is read for it']);
    // And the sheet to sign has a row for it (newcomer71b M4).
    const sheet = (await reconcile(dir, "csv")).stdout.split("\n").filter((l) => l.includes(",usage_gap,"));
    expect(sheet).toHaveLength(1);
    expect(sheet[0]).toContain('the daily files in ""days"" skip 1 day between 2026-11-01 and 2026-11-06 (2026-11-04)');
  });

  it("says nothing of gaps where the files skip none, and the JSON has no usage_gaps", async () => {
    const dir = folder([]);
    const table = await reconcile(dir, "table");
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).not.toContain("Usage gaps");
    expect(JSON.parse((await reconcile(dir, "json")).stdout)).not.toHaveProperty("usage_gaps");
  });

  it("says nothing of a day skipped outside the bill's cycles (red70d M1)", async () => {
    // Daily files from October 28 to November 3, October 30's missing; the account's cycles from October, the bill's
    // November alone: 300 reads, 3 credits, as the usage has.
    const dir = mkdtempSync(join(tmpdir(), "gaps70-"));
    mkdirSync(join(dir, "days"));
    for (const day of ["10-28", "10-29", "10-31", "11-01", "11-02", "11-03"]) writeFileSync(join(dir, "days", `usage-2026-${day}.csv`), `timestamp,meter,quantity,project\n2026-${day}T10:00:00Z,data_read,100,alpha\n`);
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,project,quantity,amount\n2026-11-01,data_read,alpha,300,3\n");
    const r = await burnrate(["reconcile", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-10-01", "--usage", "days", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    // The note on stderr names the day, as for every command; the report of November does not.
    expect(r.stderr).toContain("(2026-10-30): no usage is read for it");
    expect(JSON.parse(r.stdout)).not.toHaveProperty("usage_gaps");
  });

  it("says a day skipped just past the cycle, where a file named by its UTC date holds the cycle's last evening (red70e M1)", async () => {
    // New York's November ends at 05:00 UTC on December 1: the file of December 1 (UTC) holds November 30's evening.
    // Files of November 27 to December 2, December 1's missing; the bill's November counts its 100 reads too.
    const dir = mkdtempSync(join(tmpdir(), "gaps70-"));
    mkdirSync(join(dir, "days"));
    for (const day of ["11-27", "11-28", "11-29", "11-30", "12-02"]) writeFileSync(join(dir, "days", `usage-2026-${day}.csv`), `timestamp,meter,quantity,project\n2026-${day}T15:00:00Z,data_read,100,alpha\n`);
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,project,quantity,amount\n2026-11-01,data_read,alpha,500,5\n");
    const r = await burnrate(["reconcile", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--timezone", "America/New_York", "--usage", "days", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).usage_gaps).toEqual(['the daily files in "days" skip 1 day between 2026-11-27 and 2026-12-02 (2026-12-01): no usage is read for it']);
    // West of UTC the day before the cycle is no gap of it (red70f L1): October 31's UTC file ends at 20:00 on October
    // 31 in New York, before November's cycle; with it missing instead, the report says nothing.
    const before = mkdtempSync(join(tmpdir(), "gaps70-"));
    mkdirSync(join(before, "days"));
    for (const day of ["10-28", "10-29", "10-30", "11-01", "11-02"]) writeFileSync(join(before, "days", `usage-2026-${day}.csv`), `timestamp,meter,quantity,project\n2026-${day}T15:00:00Z,data_read,100,alpha\n`);
    writeFileSync(join(before, "bill.csv"), "period_start,activity,project,quantity,amount\n2026-11-01,data_read,alpha,200,2\n");
    const west = await burnrate(["reconcile", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-10-01", "--timezone", "America/New_York", "--usage", "days", "--bill", "bill.csv", "--format", "json"], { cwd: before });
    expect(west.code, west.stderr).toBe(0);
    expect(west.stderr).toContain("(2026-10-31): no usage is read for it");
    expect(JSON.parse(west.stdout)).not.toHaveProperty("usage_gaps");
  });
});
