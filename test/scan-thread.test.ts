import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binary, ROOT } from "./helpers/cli.js";
import { stamp } from "./helpers/stamp.js";
import { ON_THREAD, PIECE_BYTES, THREAD_BYTES } from "./helpers/thread.js";

// The scanner's worker is started as the command line is read, when the usage
// named is large enough to be scanned on one (src/usage/scan-thread.ts). These
// run the built binary: the worker loads from dist/, and a worker left running
// would keep the process from ending (spawnSync would wait for it). The binary
// is given the tests' thread size (ON_THREAD, test/helpers/thread.ts), so that
// logs of a megabyte or two are read on the thread.

const CARD = join(ROOT, "ratecards/fliplet.yaml");
const STATEMENT = ["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--format", "json", "--no-progress"];
/** A row of data_read, 3 reads, at one instant of November: 39 bytes. */
const READ_LINE = "2026-11-02T10:00:00Z,data_read,3,alpha\n";
/** Half as much again as the thread's size: its rows of READ_LINE (40,330) also outnumber the 36,666 that Pro's allowance and grace price. */
const PAST_THREAD_SIZE = THREAD_BYTES + PIECE_BYTES;

function folder(): string {
  return mkdtempSync(join(tmpdir(), "burnrate-scan-thread-"));
}

/** `count` rows of data_read, 3 each, at one instant of November: 0.01 credits a read. */
function rows(count: number, row: (i: number) => string): string {
  let text = "";
  for (let i = 0; i < count; i++) text += row(i);
  return text;
}

describe("the scanner's worker, started early", () => {
  it("scans a large CSV log", () => {
    const dir = folder();
    const count = Math.ceil(PAST_THREAD_SIZE / READ_LINE.length);
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project\n${rows(count, () => READ_LINE)}`);
    expect(statSync(join(dir, "usage.csv")).size).toBeGreaterThan(THREAD_BYTES);
    const run = binary([...STATEMENT, "--usage", "usage.csv"], { cwd: dir, env: ON_THREAD });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    const statement = JSON.parse(run.stdout);
    expect(statement.events.read).toBe(count);
    // 3 reads a row at 0.01 credits each, 0.03 a row, until Pro's 1,000 credits and its 10% grace on the run pool are spent:
    // 36,666 rows make 1,099.98, and the next would pass 1,100.
    expect(statement.accounts[0].cycles[0].total).toBe("1099.98");
    expect(statement.events.rejected).toBe(count - 36_666);
  }, 60_000);

  it("is ended with the run where the large log, named as neither, holds JSON Lines, which the plain reader reads", () => {
    const dir = folder();
    const note = "x".repeat(1000);
    // A .jsonl name starts no worker; the readers go by content. 1,125 lines of 1,100 bytes: 1,237,500 bytes, past the thread's size.
    writeFileSync(join(dir, "usage.log"), rows(1125, () => `${JSON.stringify({ timestamp: "2026-11-02T10:00:00Z", meter: "data_read", quantity: "3", project: "alpha", note })}\n`));
    expect(statSync(join(dir, "usage.log")).size).toBeGreaterThan(THREAD_BYTES);
    const run = binary([...STATEMENT, "--usage", "usage.log", "--map", "ignore:note"], { cwd: dir, env: ON_THREAD });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    // 1,125 rows x 3 reads x 0.01 credits = 3,375 x 0.01 = 33.75.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("33.75");
  }, 60_000);

  it("is ended with the run where the command fails before reading any usage", () => {
    const dir = folder();
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project\n${rows(Math.ceil(PAST_THREAD_SIZE / READ_LINE.length), () => READ_LINE)}`);
    expect(statSync(join(dir, "usage.csv")).size).toBeGreaterThan(THREAD_BYTES);
    const run = binary([...STATEMENT.filter((a) => a !== "pro"), "--usage", "usage.csv"].map((a) => (a === "--plan" ? "--plan=nosuch" : a)), { cwd: dir, env: ON_THREAD });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^burnrate: error: .*nosuch/);
  }, 60_000);

  describe("with event ids: one thread reads pieces of the ids' first pass (begun as the command line is read), then scans", () => {
    const START = Date.parse("2026-11-02T00:00:00Z");
    /**
     * 25,000 rows (some 1.2 MB: three pieces of the ids' first pass, the last one short), one a second, of 1 read
     * (0.01 credits) each, with ids: `repeat(i)` names the earlier row whose id row i repeats.
     */
    const idLog = (dir: string, repeat: (i: number) => number | undefined, quoted = -1) => {
      const count = 25_000;
      const lines = Array.from({ length: count }, (_, i) => {
        const id = `ev-${repeat(i) ?? i}`;
        return `${stamp(START + i * 1000)},data_read,1,alpha,${i === quoted ? `"${id}"` : id}\n`;
      });
      writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project,event_id\n${lines.join("")}`);
      // An allowance no read runs out of: every row but a repeat is priced.
      writeFileSync(join(dir, "account.yaml"), `card: ${CARD}\nplan: pro\nallowance: 1000000\nanchor: 2026-11-01\ntimezone: UTC\n`);
      expect(statSync(join(dir, "usage.csv")).size).toBeGreaterThan(THREAD_BYTES);
    };
    // Row 18,750 (second half) repeats row 10 (first half), row 23,750 repeats row 20,000 (both in the second half).
    const repeats = (i: number) => (i === 18_750 ? 10 : i === 23_750 ? 20_000 : undefined);
    let written: string | undefined;
    /** The folder of the log of `repeats`, written once for the tests that only read it. */
    const repeatsLog = () => {
      if (written === undefined) idLog((written = folder()), repeats);
      return written;
    };

    it("finds repeats across the halves and within the later one, and ends", () => {
      const dir = repeatsLog();
      const run = binary(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", "--no-progress"], { cwd: dir, env: ON_THREAD });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe("");
      const statement = JSON.parse(run.stdout);
      expect(statement.events.duplicates).toBe(2);
      // Lines: the header is line 1, row i is line i + 2.
      expect(statement.duplicate_events.listed.map((d: { event_id: string; repeat: string }) => `${d.event_id} ${d.repeat.split(":").pop()}`)).toEqual(["ev-10 18752", "ev-20000 23752"]);
      // 25,000 - 2 = 24,998 priced reads at 0.01 credits (every row but the two repeats): 249.98.
      expect(statement.accounts[0].cycles[0].total).toBe("249.98");
    }, 120_000);

    it("serves each of diff's two replays (the second on a thread of its own)", () => {
      const dir = repeatsLog();
      const run = binary(["diff", "--base", CARD, "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", "--no-progress"], { cwd: dir, env: ON_THREAD });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe("");
      // The same card each side, each replay leaving out the two repeats: 24,998 reads at 0.01 credits.
      const diff = JSON.parse(run.stdout);
      expect([diff.base_total, diff.card_total]).toEqual(["249.98", "249.98"]);
    }, 120_000);

    it("drops the pass begun on the header's event_id column where a mapping names another column the id", () => {
      const dir = folder();
      // The thread begins on event_id (every id distinct) as the command line is read; --map makes txn the id, whose row 18,750 repeats row 10.
      const count = 25_000;
      const lines = Array.from({ length: count }, (_, i) => `${stamp(START + i * 1000)},data_read,1,alpha,ev-${i},tx-${i === 18_750 ? 10 : i}\n`);
      writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project,event_id,txn\n${lines.join("")}`);
      writeFileSync(join(dir, "account.yaml"), `card: ${CARD}\nplan: pro\nallowance: 1000000\nanchor: 2026-11-01\ntimezone: UTC\n`);
      expect(statSync(join(dir, "usage.csv")).size).toBeGreaterThan(THREAD_BYTES);
      const run = binary(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--map", "event_id=txn", "--map", "ignore:event_id", "--format", "json", "--no-progress"], { cwd: dir, env: ON_THREAD });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe("");
      const statement = JSON.parse(run.stdout);
      expect(statement.events.duplicates).toBe(1);
      expect(statement.duplicate_events.listed.map((d: { event_id: string }) => d.event_id)).toEqual(["tx-10"]);
      // 25,000 - 1 = 24,999 priced reads at 0.01 credits: 249.99.
      expect(statement.accounts[0].cycles[0].total).toBe("249.99");
    }, 120_000);

    it("is ended, and the log read by the readers, where the first half has a quote", () => {
      const dir = folder();
      // Row 100 is quoted: the first pass gives up on the main thread's half and every id is remembered; the repeats are the same.
      idLog(dir, repeats, 100);
      const run = binary(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", "--no-progress"], { cwd: dir, env: ON_THREAD });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe("");
      const statement = JSON.parse(run.stdout);
      expect(statement.events.duplicates).toBe(2);
      expect(statement.accounts[0].cycles[0].total).toBe("249.98");
    }, 120_000);
  });
});
