import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { replayFiles } from "../src/replay/replay-files.js";
import { latenessFlag, latenessText } from "../src/usage/lateness.js";
import { SkippedRows } from "../src/usage/skipped-rows.js";
import { burnrate } from "./helpers/cli.js";
import { stamp } from "./helpers/stamp.js";

// Rows later than the default lateness (newcomer, stop 44: a gateway's month with rows two to four days late, sorted
// on disk in silence, 18.8 s where --max-lateness 5d took 7.6): how late they come is read first, and the log is read
// again with its rows held that long, where the reorder buffer can hold them; a note says so, and what reads it once.

const ACCOUNT = "fixtures/fliplet/account.yaml";
const STEP_S = 10;
const ROWS = 120_000;
const START = Date.parse("2026-09-20T00:00:00Z");
/** Row 20,000 written after the row 2d 3h 15m later than it; row 50,000 after the row 1d 1h later. */
const MOVES = new Map([
  [20_000, 18_450],
  [50_000, 9_000],
]);

const dir = mkdtempSync(join(tmpdir(), "burnrate-late-rows-"));
const row = (i: number) => `${stamp(START + i * STEP_S * 1000)},data_read,1,alpha`;
const header = "timestamp,meter,quantity,project";

/** The log in time order, and the same rows with the moved ones later in the file; where each row of the second is. */
function logs(): { sorted: string; late: string; lineOf: Map<number, number> } {
  const order: number[] = [];
  const after = new Map([...MOVES].map(([i, later]) => [i + later, i]));
  for (let i = 0; i < ROWS; i++) {
    if (!MOVES.has(i)) order.push(i);
    const moved = after.get(i);
    if (moved !== undefined) order.push(moved);
  }
  const lineOf = new Map(order.map((i, k) => [i, k + 2]));
  const sorted = join(dir, "sorted.csv");
  const late = join(dir, "late.csv");
  writeFileSync(sorted, `${header}\n${Array.from({ length: ROWS }, (_, i) => `${row(i)}\n`).join("")}`);
  writeFileSync(late, `${header}\n${order.map((i) => `${row(i)}\n`).join("")}`);
  return { sorted, late, lineOf };
}

const { sorted, late, lineOf } = logs();
/** The first moved row in the file is row 20,000, after the 38,450 rows before it there. */
const FIRST = `${late}:${lineOf.get(20_000)}:1`;
const indexAt = new Map([...lineOf].map(([i, line]) => [line, i]));
/** A statement of the late log with the rows it names named as in the sorted log. */
const asSorted = (text: string) => text.replaceAll(new RegExp(`${late.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+)`, "g"), (_, line: string) => `${sorted}:${indexAt.get(Number(line))! + 2}`);
const statementOf = (usage: string, flags: string[] = []) => burnrate(["statement", "--account", ACCOUNT, "--usage", usage, "--format", "json", ...flags]);

describe("rows later than the default lateness (issue 16)", () => {
  it("places each row as the log sorted by time does, reading the log again with its rows held as late as they come", async () => {
    expect(lineOf.get(20_000)).toBe(38_452);
    const reference = await statementOf(sorted);
    expect(reference.code, reference.stderr).toBe(0);
    const temp = mkdtempSync(join(tmpdir(), "burnrate-late-tmp-"));
    const given = await burnrate(["statement", "--account", ACCOUNT, "--usage", late, "--format", "json"], { env: { TMPDIR: temp } });
    expect(given.code, given.stderr).toBe(0);
    expect(asSorted(given.stdout)).toBe(reference.stdout);
    // 2d 3h 15m: 18,450 rows of 10 s; the flag that reads it once is the next whole day.
    expect(given.stderr).toBe(
      `burnrate: note: rows of the usage came up to 2d 3h 15m late (the latest at ${FIRST}), later than the lateness allowed (--max-lateness 1d, the default; the row that stopped the stream at ${FIRST}, 2d 3h 15m earlier than a row before it); the log was read again, its rows held up to 2d 3h 15m to put them back in time order; --max-lateness 3d reads this log once\n`,
    );
    // Nothing was sorted on disk.
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);

  it("is read once, without a note, with the --max-lateness the note names", async () => {
    const reference = await statementOf(sorted);
    const given = await statementOf(late, ["--max-lateness", "3d"]);
    expect(given.code, given.stderr).toBe(0);
    expect(given.stderr).toBe("");
    expect(asSorted(given.stdout)).toBe(reference.stdout);
  }, 60_000);

  it("is sorted on disk past a --max-lateness given, and the note says so", async () => {
    const reference = await statementOf(sorted);
    const given = await statementOf(late, ["--max-lateness", "1d"]);
    expect(given.code, given.stderr).toBe(0);
    expect(asSorted(given.stdout)).toBe(reference.stdout);
    expect(given.stderr).toBe(
      `burnrate: note: a row came later than the lateness allowed (--max-lateness 1d; the row that stopped the stream at ${FIRST}, 2d 3h 15m earlier than a row before it), so the log was sorted by time on disk and replayed (every row read twice and written once more); without --max-lateness, how late the rows come is read first and they are held that long where the buffer can hold them\n`,
    );
  }, 60_000);

  it("is sorted on disk where its rows that late are more than the buffer holds", async () => {
    const account = loadAccount(ACCOUNT);
    const card = loadCardFor(undefined, account);
    const settings = resolveAccount(card, account, {});
    const replay = async (file: string, maxHeld: number) => {
      const skipped = new SkippedRows();
      const statement = await replayFiles(card, settings, { files: [file], mappingFile: undefined, mapFlags: [], maxHeld, skipped });
      return { statement, notes: skipped.notes(card) };
    };
    const reference = await replay(sorted, 10_000);
    const given = await replay(late, 10_000);
    const origins = (text: string) => text.replaceAll(/"file":"([^"]*)","line":(\d+)/g, (_, file: string, line: string) => `"${file}:${line}"`);
    expect(asSorted(origins(JSON.stringify(given.statement.accounts)))).toBe(origins(JSON.stringify(reference.statement.accounts)));
    // A day of rows is 8,640, which the buffer holds; 2d 3h 15m within an hour is 53 hours of 360 rows, 19,080: the
    // reading stops once the rows within the lateness so far are more than 10,000 (how many, by the batch it stops at).
    expect(given.notes).toHaveLength(1);
    const note = given.notes[0]!;
    const prefix = `burnrate: note: rows of the usage came at least 2d 3h 15m late, later than the lateness allowed (--max-lateness 1d, the default; the row that stopped the stream at ${FIRST}, 2d 3h 15m earlier than a row before it); holding rows that late would hold more than `;
    expect(note.slice(0, prefix.length)).toBe(prefix);
    const held = /^([\d,]+) rows, more than the 10,000 the buffer holds for it, so the log was sorted by time on disk and replayed \(every row read twice, part of it three times, and written once more\); of the first ([\d,]+) rows read, 1 came later than the lateness allowed\n$/.exec(note.slice(prefix.length));
    expect(held).not.toBeNull();
    expect(Number(held![1]!.replaceAll(",", ""))).toBeGreaterThan(10_000);
    expect(Number(held![1]!.replaceAll(",", ""))).toBeLessThanOrEqual(19_080);
    // The reading stops in the batch of row 20,000, at line 38,452, the one row then read more than 1d late; row
    // 50,000, 1d 1h late, comes at line 59,002.
    expect(Number(held![2]!.replaceAll(",", ""))).toBeGreaterThanOrEqual(38_451);
    expect(Number(held![2]!.replaceAll(",", ""))).toBeLessThan(59_001);
  }, 60_000);

  it("in diff, replayed through two cards (the second holding the rows as the first measured them), gives the sorted log's diff, noted once", async () => {
    const diff = (usage: string) => burnrate(["diff", "--base", "ratecards/fliplet.yaml", "--card", "ratecards/fliplet.yaml", "--account", ACCOUNT, "--usage", usage, "--format", "json"]);
    const reference = await diff(sorted);
    const given = await diff(late);
    expect(given.code, given.stderr).toBe(reference.code);
    expect(asSorted(given.stdout).replace(`"${late}"`, `"${sorted}"`)).toBe(reference.stdout);
    expect(given.stderr.split("\n").filter((l) => l.includes("came up to 2d 3h 15m late"))).toHaveLength(1);
  }, 60_000);

  it("says how few rows were that late where a few at the end sort the log on disk (newcomer50 F8)", async () => {
    // The log in time order, then three rows 2 days before its last (row 119,999 less 17,280 rows of 10 s): 2 days
    // within an hour is 49 hours of 360 rows, 17,640, past a buffer of 10,000.
    const fewLate = join(dir, "few-late.csv");
    const back = ROWS - 1 - 17_280;
    writeFileSync(fewLate, `${header}\n${Array.from({ length: ROWS }, (_, i) => `${row(i)}\n`).join("")}${[back, back, back].map((i) => `${row(i)}\n`).join("")}`);
    const account = loadAccount(ACCOUNT);
    const card = loadCardFor(undefined, account);
    const settings = resolveAccount(card, account, {});
    const skipped = new SkippedRows();
    await replayFiles(card, settings, { files: [fewLate], mappingFile: undefined, mapFlags: [], maxHeld: 10_000, skipped });
    const notes = skipped.notes(card);
    expect(notes).toHaveLength(1);
    // The reading stops where the rows within 2 days are past the buffer: at the end, every row read, three of them late.
    expect(notes[0]).toMatch(/^burnrate: note: rows of the usage came at least 2d late, later than the lateness allowed \(--max-lateness 1d, the default; the row that stopped the stream at [^)]*few-late\.csv:120002:1, 2d earlier than a row before it\); holding rows that late would hold more than [\d,]+ rows, more than the 10,000 the buffer holds for it, so the log was sorted by time on disk and replayed \(every row read twice, part of it three times, and written once more\); of the first 120,003 rows read, 3 came later than the lateness allowed\n$/);
  }, 60_000);

  it("says where whole files came out of time order (newcomer51 #8)", async () => {
    // The log's rows 60,000 to 119,999 in one file given first, rows 0 to 59,999 in another after it: the second begins
    // at START, 119,999 rows of 10 s (13d 21h 19m 50s) before the first file's last row.
    const newer = join(dir, "newer.csv");
    const older = join(dir, "older.csv");
    writeFileSync(newer, `${header}\n${Array.from({ length: 60_000 }, (_, i) => `${row(60_000 + i)}\n`).join("")}`);
    writeFileSync(older, `${header}\n${Array.from({ length: 60_000 }, (_, i) => `${row(i)}\n`).join("")}`);
    const account = loadAccount(ACCOUNT);
    const card = loadCardFor(undefined, account);
    const settings = resolveAccount(card, account, {});
    const skipped = new SkippedRows();
    await replayFiles(card, settings, { files: [newer, older], mappingFile: undefined, mapFlags: [], maxHeld: 10_000, skipped });
    const notes = skipped.notes(card);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.endsWith(`; whole files came out of time order: ${older} begins 13d 21h 19m 50s before the latest row of ${newer}, read before it (given in time order, or named so that their names sort by date: day-02, not day-2, the files stream)\n`)).toBe(true);
  }, 60_000);

  it("is not noted for a log of fewer rows, which a second reading costs little", async () => {
    const small = join(dir, "small.csv");
    writeFileSync(small, `${header}\n${row(30_000)}\n${row(0)}\n`);
    const run = await statementOf(small);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
  });
});

describe("a lateness as the note writes it", () => {
  it("for a person, up to the next second, and as the flag that covers it", () => {
    expect(latenessText(250)).toBe("0.25s");
    expect(latenessText(45 * 60_000 + 10_000)).toBe("45m 10s");
    expect(latenessText(2 * 86_400_000 + 3 * 3_600_000 + 1)).toBe("2d 3h 1s");
    expect(latenessFlag(0)).toBe("0");
    expect(latenessFlag(500)).toBe("1s");
    expect(latenessFlag(90_000)).toBe("2m");
    expect(latenessFlag(3_600_000)).toBe("1h");
    expect(latenessFlag(25 * 3_600_000)).toBe("2d");
  });
});
