import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A timestamp with a space before its offset (Ruby's Time#to_s, git's --date=iso) is refused, and now says why
// (newcomer, stop 34: "bad timestamp" alone, where " UTC" after a space is read).
describe("a space before a timestamp's offset", () => {
  it("is refused at its cell, saying the offset follows the time without one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nc16-"));
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,1,alpha\n2026-11-02 19:31:00 -05:00,data_read,1,alpha\n");
    const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--usage", join(dir, "usage.csv"), "--plan", "pro", "--anchor", "2026-11-01"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/usage\.csv:3:1: bad timestamp \(expected an ISO-8601 instant such as 2026-10-14T09:30:00Z; the offset follows the time without a space \(2026-11-02 19:31:00-05:00\), found "2026-11-02 19:31:00 -05:00"\)/);
  });
});
