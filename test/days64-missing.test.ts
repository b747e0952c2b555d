import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer64b L2: a folder of daily exports without events-2026-11-14.jsonl was read as if the day had no usage, in
// silence; its day's export had most often failed.
function days(names: readonly string[]): string {
  const dir = join(mkdtempSync(join(tmpdir(), "days64-")), "nov");
  mkdirSync(dir);
  for (const name of names) {
    const day = /2026-11-(\d{2})/.exec(name)![1];
    // Each series its own project: two series' files of one day are not copies.
    writeFileSync(join(dir, name), `timestamp,meter,quantity,project\n2026-11-${day}T10:00:00Z,data_read,100,${name.split("-")[0]}\n`);
  }
  return dir;
}
const statement = (usage: string) => burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"]);

describe("a folder of daily files that skips days", () => {
  /** A day's file of one row, or of its header alone where the date is past 2100 (a "forever" date). */
  const folderOf = (dates: readonly string[]) => {
    const dir = join(mkdtempSync(join(tmpdir(), "days64-")), "days");
    mkdirSync(dir);
    for (const date of dates) writeFileSync(join(dir, `events-${date}.csv`), `timestamp,meter,quantity,project\n${date > "2100" ? "" : `${date}T10:00:00Z,data_read,100,p\n`}`);
    return dir;
  };

  it("counts the days past the ten gaps it names, a long gap's every day (red65 M3)", async () => {
    // Three days on, one off, from November 1 to December 15: the 4th, 8th, ... of November, the 1st, 4th, 8th and 12th of
    // December, 11 single days; then nothing until January 20, December 16 to January 19, 16 + 19 = 35 days. 46 in all;
    // the first ten named are ten days, 36 more.
    const nov = [1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15, 17, 18, 19, 21, 22, 23, 25, 26, 27, 29, 30].map((d) => `2026-11-${String(d).padStart(2, "0")}`);
    const dec = [2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15].map((d) => `2026-12-${String(d).padStart(2, "0")}`);
    const dir = folderOf([...nov, ...dec, "2027-01-20"]);
    const r = await statement(dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("skip 46 days between 2026-11-01 and 2027-01-20 (2026-11-04, 2026-11-08, 2026-11-12, 2026-11-16, 2026-11-20, 2026-11-24, 2026-11-28, 2026-12-01, 2026-12-04, 2026-12-08 and 36 more days)");
  });

  it("names a far date's gap by its ends, counted, without a day-by-day walk (red65 H4: 55 s and 508 MB)", async () => {
    // November 6, 2026 to December 30, 9999, both included: the days between the 5th and the 31st, less one.
    const dir = folderOf(["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "9999-12-31"]);
    const r = await statement(dir);
    expect(r.code).toBe(0);
    const days = (Date.UTC(9999, 11, 31) - Date.UTC(2026, 10, 5)) / 86_400_000 - 1;
    expect(r.stderr).toContain(`skip ${days.toLocaleString("en-US")} days between 2026-11-01 and 9999-12-31 (2026-11-06 to 9999-12-30)`);
  });

  it("counts a working-day series' long gap in working days: Monday December 7 to Friday December 25 is 15", async () => {
    const before = ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"];
    const after = ["2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31"];
    const r = await statement(folderOf([...before, ...after]));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("skip 15 days between 2026-11-30 and 2026-12-31 (2026-12-07 to 2026-12-25)");
  });

  it("names a gap past a week by its first and last day, and one past a month too (red64d: 39 days were not told)", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "days64-")), "days");
    mkdirSync(dir);
    // November 1 to 5, then December 15 to 20: November 6 to 30 (25 days) and December 1 to 14 (14) are missing, 39.
    const dates = ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", ...["15", "16", "17", "18", "19", "20"].map((d) => `2026-12-${d}`)];
    for (const date of dates) writeFileSync(join(dir, `events-${date}.csv`), `timestamp,meter,quantity,project\n${date}T10:00:00Z,data_read,100,p\n`);
    const r = await statement(dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`burnrate: note: the daily files in ${JSON.stringify(dir)} skip 39 days between 2026-11-01 and 2026-12-20 (2026-11-06 to 2026-12-14): no usage is read for them; a day of no usage is most often a file of a header alone, and a day with no file a failed export, whose usage is then missing from what is read\n`);
  });

  it("names the days it skips, and reads the others", async () => {
    const dir = days(["events-2026-11-01.csv", "events-2026-11-02.csv", "events-2026-11-03.csv", "events-2026-11-05.csv", "events-2026-11-06.csv", "events-2026-11-09.csv"]);
    const r = await statement(dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`burnrate: note: the daily files in ${JSON.stringify(dir)} skip 3 days between 2026-11-01 and 2026-11-09 (2026-11-04, 2026-11-07, 2026-11-08): no usage is read for them; a day of no usage is most often a file of a header alone, and a day with no file a failed export, whose usage is then missing from what is read\n`);
    // Six days of 100 reads at 0.01: 6 credits.
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("6");
  });

  it("tells each series of a folder apart, and skips a series of working days' weekends (red64d)", async () => {
    // Working days from Monday 2026-11-02 to Friday 2026-11-13, Wednesday the 11th missing; beside it a second export
    // of every day from the 1st to the 5th, the 3rd missing.
    const work = ["02", "03", "04", "05", "06", "09", "10", "12", "13"].map((d) => `work-2026-11-${d}.csv`);
    const all = ["01", "02", "04", "05"].map((d) => `all-2026-11-${d}.csv`);
    const dir = days([...work, ...all]);
    const r = await statement(dir);
    expect(r.code).toBe(0);
    // Each named by its files' pattern (red64e L4).
    expect(r.stderr).toContain(`the daily files "work-DATE*" in ${JSON.stringify(dir)} skip 1 day between 2026-11-02 and 2026-11-13 (2026-11-11)`);
    expect(r.stderr).toContain(`the daily files "all-DATE*" in ${JSON.stringify(dir)} skip 1 day between 2026-11-01 and 2026-11-05 (2026-11-03)`);
    expect(r.stderr.split("\n").filter((l) => l !== "")).toHaveLength(2);
  });

  it("says nothing of days in a row, of weekly files, or of too few files to tell", async () => {
    for (const names of [
      ["d-2026-11-01.csv", "d-2026-11-02.csv", "d-2026-11-03.csv", "d-2026-11-04.csv"],
      ["w-2026-11-01.csv", "w-2026-11-08.csv", "w-2026-11-15.csv", "w-2026-11-22.csv", "w-2026-11-29.csv"],
      ["d-2026-11-01.csv", "d-2026-11-05.csv", "d-2026-11-06.csv"],
    ]) {
      const r = await statement(days(names));
      expect([r.code, r.stderr], names.join(" ")).toEqual([0, ""]);
    }
  });
});
