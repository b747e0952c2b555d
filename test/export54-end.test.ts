import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer54 M5: a gateway's October, exported by UTC days, ends at 2026-11-01T00:00:00Z, while a Los Angeles account's
// October ends at local midnight, 07:00 UTC (PDT, UTC-7): the statement was 7 hours short, without a word.
function statement(zone: string, rows: readonly string[], ...args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-export54-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-10-01\ntimezone: ${zone}\n`);
  writeFileSync(join(dir, "usage.csv"), ["timestamp,meter,quantity,project", ...rows.map((at) => `${at},data_read,1,p1`), ""].join("\n"));
  return burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", ...args], { cwd: dir });
}

describe("usage that ends at a UTC midnight before the last cycle does", () => {
  it("is noted with the hours it may lack, west of UTC", async () => {
    const r = await statement("America/Los_Angeles", ["2026-10-05T10:00:00Z", "2026-10-31T23:48:00Z"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("burnrate: note: the usage ends at 2026-10-31T23:48:00Z, before 2026-11-01T00:00:00Z, a UTC midnight 7 hours before the statement's last cycle ends (2026-11-01T07:00:00Z, 2026-11-01 in America/Los_Angeles): an export cut at UTC midnight leaves those hours out, and the next day's export holds them; give it too, and --cycle shows this cycle alone\n");
  });

  it("gives the minutes of a zone off the hour", async () => {
    // St. John's October ends at 02:30 UTC (NDT, UTC-2:30).
    const r = await statement("America/St_Johns", ["2026-10-05T10:00:00Z", "2026-10-31T23:00:00Z"]);
    expect(r.stderr).toContain("before 2026-11-01T00:00:00Z, a UTC midnight 2 hours 30 minutes before the statement's last cycle ends (2026-11-01T02:30:00Z,");
  });

  it("is shown for the last cycle asked for with --cycle", async () => {
    const r = await statement("America/Los_Angeles", ["2026-10-05T10:00:00Z", "2026-10-31T23:48:00Z"], "--cycle", "2026-10");
    expect(r.stderr).toContain("a UTC midnight 7 hours before the statement's last cycle ends");
  });

  it("is not noted where the usage goes past that midnight, a day before the end, east or on UTC, or with --through", async () => {
    const past = await statement("America/Los_Angeles", ["2026-10-05T10:00:00Z", "2026-11-01T01:00:00Z"]);
    const early = await statement("America/Los_Angeles", ["2026-10-05T10:00:00Z", "2026-10-30T06:00:00Z"]);
    // Berlin's October ends at 23:00 UTC (CET, UTC+1): the UTC midnight is after it.
    const east = await statement("Europe/Berlin", ["2026-10-05T10:00:00Z", "2026-10-31T21:00:00Z"]);
    const utc = await statement("UTC", ["2026-10-05T10:00:00Z", "2026-10-31T23:48:00Z"]);
    const through = await statement("America/Los_Angeles", ["2026-10-05T10:00:00Z", "2026-10-31T23:48:00Z"], "--through", "2026-10-31");
    for (const r of [past, early, east, utc, through]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain("UTC midnight");
    }
  });
});
