import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer72a L2: `timezone: PST` and `CST` were taken without a word (the database's links to Los Angeles and Chicago),
// and `BST`, which a British writer means as summer time, was told it is a fixed UTC+06:00 and offered New York or
// Kolkata: the database's BST is Bangladesh's.
const USAGE = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,3,p1\n";

function run(zone: string, ...extra: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "tz72-"));
  writeFileSync(join(dir, "usage.csv"), USAGE);
  return burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--timezone", zone, "--usage", "usage.csv", "--format", "json", ...extra], { cwd: dir });
}

describe("three-letter time zones (newcomer72a L2)", () => {
  const said: Record<string, string> = {
    PST: 'time zone "PST" is an abbreviation, which the time-zone database reads as America/Los_Angeles (with its summer time): name the place\'s zone (PST is also written for Philippine time, Asia/Manila), America/Los_Angeles if that is the one meant',
    CST: 'time zone "CST" is an abbreviation, which the time-zone database reads as America/Chicago (with its summer time): name the place\'s zone (CST is also written for China\'s, Asia/Shanghai, and Cuba\'s, America/Havana), America/Chicago if that is the one meant',
    JST: 'time zone "JST" is a fixed UTC+09:00 all year, with no daylight saving: for Japan use Asia/Tokyo (the same offset, named by its place)',
    MIT: 'time zone "MIT" is an abbreviation, which the time-zone database reads as Pacific/Apia: name the place\'s zone, Pacific/Apia if that is the one meant',
    BST: 'time zone "BST" is a fixed UTC+06:00 all year, with no daylight saving: for British Summer Time use Europe/London, which has it from March to October (BST here is Bangladesh\'s, Asia/Dhaka)',
    IST: 'time zone "IST" is a fixed UTC+05:30 all year, with no daylight saving: for India use Asia/Kolkata (the same offset, named by its place); for Irish time Europe/Dublin, for Israel\'s Asia/Jerusalem',
  };
  for (const [zone, warning] of Object.entries(said)) {
    it(`${zone}: says which place it is read as, and is priced as given (3 reads at 0.01)`, async () => {
      const r = await run(zone);
      expect([r.code, r.stderr]).toEqual([0, `burnrate: warning: --timezone: ${warning}\n`]);
      expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("0.03");
    });
  }

  it("fails --strict, as every warning does", async () => {
    expect((await run("CST", "--strict")).code).toBe(1);
  });

  it("names of places say nothing, nor Europe's CET and EET, which name the clock they are read as (red72a L5)", async () => {
    for (const zone of ["America/Chicago", "Asia/Manila", "Europe/London", "Asia/Dhaka", "CET", "EET"]) {
      const r = await run(zone);
      expect([r.code, r.stderr], zone).toEqual([0, ""]);
    }
  });
});
