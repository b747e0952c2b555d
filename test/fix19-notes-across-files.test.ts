import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A month of daily exports, each with failed calls a mapping skips, wrote a note a file: thirty notes in which any other
// warning was lost. One note a reason now, with each file's count for the first few (stop 36's note).
function days(count: number, failures: (day: number) => number): string {
  const dir = join(mkdtempSync(join(tmpdir(), "fix19-notes-")), "days");
  mkdirSync(dir);
  for (let day = 1; day <= count; day++) {
    const date = `2026-11-${String(day).padStart(2, "0")}`;
    const failed = Array.from({ length: failures(day) }, (_, i) => `${date}T${String(11 + i).padStart(2, "0")}:00:00Z,data_read,100,alpha,failure\n`);
    writeFileSync(join(dir, `${date}.csv`), `timestamp,meter,quantity,project,status\n${date}T10:00:00Z,data_read,100,alpha,success\n${failed.join("")}`);
  }
  writeFileSync(join(dir, "burnrate.mapping.yaml"), "skip_rows: { status: [failure] }\nignore_columns: [status]\n");
  return dir;
}

const statement = (usage: string) =>
  burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "days", "--format", "json"], { cwd: join(usage, "..") });

describe("skip_rows across many files", () => {
  it("is one note with the rows of all files, the first three files' counts and how many more", async () => {
    // Day N has N % 3 + 1 failures: days 1..30 give 10 x (2 + 3 + 1) = 60 skipped rows.
    const r = await statement(days(30, (day) => (day % 3) + 1));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'burnrate: note: 60 rows of 30 files skipped as not usage by skip_rows: (status "failure"; the first at days/2026-11-01.csv:3:5; days/2026-11-01.csv 2, days/2026-11-02.csv 3, days/2026-11-03.csv 1 and 27 more files): neither charged nor counted toward a quota\n',
    );
    // 30 successful reads of 100 at 0.01: 30 credits; the failures charge nothing.
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("30");
  });

  it("of one file keeps the note a file has always had", async () => {
    const r = await statement(days(1, () => 2));
    expect(r.stderr).toBe('burnrate: note: 2 rows of days/2026-11-01.csv skipped as not usage by skip_rows: (status "failure"; the first at days/2026-11-01.csv:3:5): neither charged nor counted toward a quota\n');
  });
});
