import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer50 F11: a failed export job writes a header alone, and the month's statement was the plan's fee, exit 0,
// nothing on stderr. A statement that read no usage row from the usage it was given now says so.
const args = (...usage: string[]) => ["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", ...usage.flatMap((u) => ["--usage", u]), "--format", "json"];
const NOTE = "(a header alone, or only rows skipped): the statement holds the plans' fees and the grants, without usage\n";

describe("usage that holds no row", () => {
  const dir = mkdtempSync(join(tmpdir(), "norows51-"));
  mkdirSync(join(dir, "days"));
  writeFileSync(join(dir, "days", "2026-11-01.csv"), "timestamp,meter,quantity,project\n");
  writeFileSync(join(dir, "days", "2026-11-02.csv"), "timestamp,meter,quantity,project\n");
  writeFileSync(join(dir, "failed.csv"), "timestamp,meter,quantity,project,status\n2026-11-02T10:00:00Z,data_read,1,p,error\n");
  writeFileSync(join(dir, "failed.csv.mapping.yaml"), "skip_rows: { status: [error] }\n");
  writeFileSync(join(dir, "one.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,1,p\n");

  it("is said of a folder of header-only files, and of two files", async () => {
    const folder = await burnrate(args("days"), { cwd: dir });
    expect(folder.code, folder.stderr).toBe(0);
    // The folder's two files, as the run reads them.
    expect(folder.stderr).toBe(`burnrate: note: no usage row was read from any of the 2 usage inputs given ${NOTE}`);
    expect(JSON.parse(folder.stdout).events.read).toBe(0);
    const two = await burnrate(args("days/2026-11-01.csv", "days/2026-11-02.csv"), { cwd: dir });
    expect(two.stderr).toBe(`burnrate: note: no usage row was read from any of the 2 usage inputs given ${NOTE}`);
  });

  it("is said beside skip_rows' note where every row was skipped, and not where a row was read", async () => {
    const skipped = await burnrate(args("failed.csv"), { cwd: dir });
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toContain("1 row of failed.csv skipped as not usage by skip_rows:");
    expect(skipped.stderr).toContain(`burnrate: note: no usage row was read from failed.csv ${NOTE}`);
    const one = await burnrate(args("one.csv", "days"), { cwd: dir });
    expect(one.code, one.stderr).toBe(0);
    // No "no usage row" note where a row was read; the folder's header-only days are named apart (stop 68).
    expect(one.stderr).toBe(`burnrate: note: 2 of the 3 usage files hold a header and no rows ("2026-11-01.csv", "2026-11-02.csv" in "days"): read as no usage, as a quiet day's export is; a failed export that wrote its header leaves such a file too, and its usage is then missing from what is read\n`);
    expect(JSON.parse(one.stdout).events.read).toBe(1);
  });
});
