import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer50 F7: a day exported twice, once under another name, repeated 49,513 event ids with exit 0 and nothing on
// stderr; the money was right (each repeat counted once), but nothing said the export was broken. Fliplet pro:
// data_read 0.01 a read.
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const HEADER = "timestamp,meter,quantity,project,event_id";
/** `n` reads of one each on 5 November, a second apart from 10:00, ids `prefix0`, `prefix1`, ... */
const day = (n: number, prefix: string) => [HEADER, ...Array.from({ length: n }, (_, i) => `2026-11-05T10:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z,data_read,1,p1,${prefix}${i}`)].join("\n") + "\n";
const args = (usage: string) => ["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"];

describe("a log whose rows repeat many earlier rows' event ids", () => {
  it("is said on stderr, with the files the repeats are in, and priced as before", async () => {
    const dir = mkdtempSync(join(tmpdir(), "repeats50-"));
    mkdirSync(join(dir, "days"));
    // 1,500 reads, and the day exported again a read later under another name (an exact copy is refused as one):
    // 3,001 rows read, 1,500 of them repeats.
    writeFileSync(join(dir, "days", "2026-11-05.csv"), day(1500, "r"));
    writeFileSync(join(dir, "days", "2026-11-05-again.csv"), day(1501, "r"));
    const run = await burnrate(args("days"), { cwd: dir });
    expect(run.code).toBe(0);
    // The folder's files in name order: "-again" sorts first (- before .), and of two rows at one instant the first
    // file's is the earlier, so the repeats are 2026-11-05.csv's rows.
    expect(run.stderr).toBe(
      "burnrate: note: 1,500 rows (50.0% of the 3,001 read) repeat an earlier row's event_id and are counted once, not priced again (the statement's duplicate event ids); all of them are rows of days/2026-11-05.csv repeating rows of days/2026-11-05-again.csv: a file or a day exported twice?\n",
    );
    // 1,501 reads at 0.01: 15.01.
    const statement = JSON.parse(run.stdout);
    expect(statement.accounts[0].cycles[0].lines.map((l: { quantity: string; amount: string }) => [l.quantity, l.amount])).toEqual([["1501", "15.01"]]);
  });

  it("is said where a month's retries within its files come first, and most repeats are a later day's copy (newcomer51 #4)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "repeats51-"));
    mkdirSync(join(dir, "days"));
    /** `n` reads a second apart from `start`, ids `prefix0`, `prefix1`, ...; `twice`: each row followed by its retry. */
    const rows = (start: string, n: number, prefix: string, twice = false) => {
      const at = Date.parse(start);
      const lines = Array.from({ length: n }, (_, i) => `${new Date(at + i * 1000).toISOString().replace(".000Z", "Z")},data_read,1,p1,${prefix}${i}`);
      return [HEADER, ...(twice ? lines.flatMap((l) => [l, l]) : lines)].join("\n") + "\n";
    };
    // 11,000 retries on the 4th fill the 10,000 repeats listed; then the 5th, 12,000 reads, exported twice (the copy with
    // one read more): 23,000 repeats of 46,001 rows, 12,000 of them the 5th's rows repeating its copy's.
    writeFileSync(join(dir, "days", "2026-11-04.csv"), rows("2026-11-04T00:00:00Z", 11_000, "r", true));
    writeFileSync(join(dir, "days", "2026-11-05.csv"), rows("2026-11-05T00:00:00Z", 12_000, "s"));
    writeFileSync(join(dir, "days", "2026-11-05-again.csv"), rows("2026-11-05T00:00:00Z", 12_001, "s"));
    const run = await burnrate(args("days"), { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).events).toMatchObject({ read: 46_001, duplicates: 23_000 });
    expect(run.stderr).toBe(
      "burnrate: note: 23,000 rows (50.0% of the 46,001 read) repeat an earlier row's event_id and are counted once, not priced again (the statement's duplicate event ids); 12,000 of them are rows of days/2026-11-05.csv repeating rows of days/2026-11-05-again.csv: a file or a day exported twice?\n",
    );
  });

  it("is not said for a gateway's retries: under 1,000 repeats, under one row in a hundred, or within one file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "repeats50-"));
    // 999 repeats of 1,998 rows: under 1,000. Then 1,000 repeats of 101,000 rows: under one in a hundred.
    writeFileSync(join(dir, "a.csv"), day(999, "r") + day(999, "r").slice(HEADER.length + 1));
    expect((await burnrate(args("a.csv"), { cwd: dir })).stderr).toBe("");
    writeFileSync(join(dir, "b.csv"), day(1000, "r") + day(1000, "r").slice(HEADER.length + 1) + day(99_000, "s").slice(HEADER.length + 1));
    expect((await burnrate(args("b.csv"), { cwd: dir })).stderr).toBe("");
    // 1,000 retries of 51,000 rows, each a row of the same file (red50b #2: a gateway log retrying 2% of its calls).
    writeFileSync(join(dir, "c.csv"), day(1000, "r") + day(1000, "r").slice(HEADER.length + 1) + day(49_000, "s").slice(HEADER.length + 1));
    const within = await burnrate(args("c.csv"), { cwd: dir });
    expect(within.stderr).toBe("");
    expect(JSON.parse(within.stdout).events.duplicates).toBe(1000);
  });

  it("is said where a tenth of one file's rows or more repeat its ids: no gateway retries so many (newcomer62b M1)", async () => {
    // A week copied four times into one file with its ids, to make a month: 1,500 reads, 4,500 repeats of 6,000 rows.
    const dir = mkdtempSync(join(tmpdir(), "repeats62-"));
    const once = day(1500, "r").slice(HEADER.length + 1);
    writeFileSync(join(dir, "month.csv"), HEADER + "\n" + once.repeat(4));
    const run = await burnrate(args("month.csv"), { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("burnrate: note: 4,500 rows (75.0% of the 6,000 read) repeat an earlier row's event_id and are counted once, not priced again (the statement's duplicate event ids); more than retries are: rows copied with their ids, or ids a source reuses?\n");
    // 1,500 reads at 0.01: 15, the week's, not the month's 60.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].lines.map((l: { amount: string }) => l.amount)).toEqual(["15"]);
  });
});
