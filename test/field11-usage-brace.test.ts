import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Field report 11: `--usage 'day{1}.csv'` (a brace of one choice, no pattern) with no file of that
// name said ENOENT at the file; it is a pattern that matches nothing, said at --usage.
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const USAGE = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,10,alpha\n";

function run(value: string, files: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-field11-brace-"));
  for (const name of files) writeFileSync(join(dir, name), USAGE);
  return burnrate(["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", value, "--format", "csv"], { cwd: dir });
}

describe("--usage with a brace of one choice", () => {
  it.each(["day{1}.csv", "day{}.csv"])("%s naming no file is refused at --usage", async (value) => {
    const r = await run(value, ["day1.csv"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `burnrate: error: --usage: no file matches: a brace of one choice is read as part of the name, and no file has it (expected a file of that name, or choices in the braces ({1,2} or {1..3}), or the name without them, found "${value}")\n`,
    );
  });

  it("a file of that name, braces and all, is read", async () => {
    const r = await run("day{1}.csv", ["day{1}.csv"]);
    expect(r.code).toBe(0);
    // 10 data reads at 0.01 (the card's data_read price).
    expect(r.stdout).toContain(",data_read,usage,end_users,run,alpha,10,0.01,0.1");
  });
});
