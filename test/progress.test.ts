import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Progress, progressShown, type ProgressSettings } from "../src/progress/progress.js";
import { ROOT } from "./helpers/cli.js";

/** A stream that keeps what is written to it. */
class Kept extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const CLEAR = "\r\x1b[K";

/** A progress on a fake terminal with a clock and a byte count the test moves. */
function fake(settings: Partial<ProgressSettings> = {}) {
  const stream = new Kept();
  const clock = { ms: 0, bytes: 0 };
  const progress = new Progress({ stream, shown: true, columns: 80, totalBytes: undefined, expectedRows: undefined, replays: undefined, bytesRead: () => clock.bytes, now: () => clock.ms, ...settings });
  return { stream, clock, progress };
}

describe("the progress line", () => {
  it("shows rows, rows/s, the share of the expected rows and the time left", () => {
    const { stream, clock, progress } = fake({ expectedRows: 2000 });
    progress.begin();
    clock.ms = 2000;
    progress.rows(500);
    progress.tick();
    // 500 rows in 2 s; a quarter done in 2 s leaves three quarters: 6 s.
    expect(stream.text).toBe(`${CLEAR}burnrate: 500 rows, 250 rows/s, 25%, about 6 s left`);
    progress.end();
    expect(stream.text.endsWith(`left${CLEAR}`)).toBe(true);
  });

  it("draws nothing in the first second, and at most every 250 ms", () => {
    const { stream, clock, progress } = fake();
    progress.begin();
    clock.ms = 999;
    progress.rows(10);
    progress.tick();
    expect(stream.text).toBe("");
    clock.ms = 1000;
    progress.rows(10);
    progress.tick();
    clock.ms = 1249;
    progress.rows(10);
    progress.tick();
    expect(stream.text.split(CLEAR)).toEqual(["", "burnrate: 20 rows, 20 rows/s"]);
    clock.ms = 1250;
    progress.tick();
    expect(stream.text.split(CLEAR)).toHaveLength(3);
    progress.end();
  });

  it("falls back on bytes read of the total size, counted from the replay's start", () => {
    const { stream, clock, progress } = fake({ totalBytes: 1000 });
    clock.bytes = 300;
    progress.begin();
    clock.ms = 4000;
    clock.bytes = 550;
    progress.rows(100);
    progress.tick();
    // 250 of 1000 bytes in 4 s: 12 s left.
    expect(stream.text).toBe(`${CLEAR}burnrate: 100 rows, 25 rows/s, 25%, about 12 s left`);
    progress.end();
  });

  it("shows the sort's share of the log read, then counts the replay from its first row, and gives no estimate past the whole", () => {
    const { progress, clock } = fake({ totalBytes: 1000 });
    progress.begin();
    clock.bytes = 1500;
    clock.ms = 1000;
    expect(progress.line(clock.ms)).toBe("burnrate: 0 rows");
    progress.restart(2, "sorting");
    clock.bytes = 1700;
    clock.ms = 2000;
    // Sorting: no row has reached the engine; 200 of the log's 1000 bytes in 1 s, 4 s left of the sort.
    expect(progress.line(clock.ms)).toBe("burnrate: sorting the usage into time order, 20%, about 4 s left");
    expect(progress.interruptedLine()).toBe("burnrate: interrupted while sorting the usage into time order");
    progress.rows(0);
    expect(progress.interruptedLine()).toBe("burnrate: interrupted while sorting the usage into time order");
    clock.bytes = 2500;
    clock.ms = 3000;
    progress.rows(10);
    expect(progress.interruptedLine()).toBe("burnrate: interrupted after 10 rows");
    clock.bytes = 2750;
    clock.ms = 5000;
    progress.tick();
    // The replay began at 3 s with 2500 bytes read: 250 of the runs' 1000 bytes in 2 s, 6 s left; 10 rows in 2 s.
    expect(progress.line(clock.ms)).toBe("burnrate: 10 rows, 5 rows/s, 25%, about 6 s left");
    progress.end();
  });

  it("counts the sorted replay's share of the rows the sort read, not of the bytes of its runs on disk", () => {
    const { progress, clock } = fake({ totalBytes: 1000, expectedRows: 300 });
    progress.begin();
    progress.restart(2, "sorting");
    clock.bytes = 1000;
    clock.ms = 2000;
    progress.sorted(400);
    clock.ms = 3000;
    // The runs read back are 3000 bytes, three times the log: by bytes the share would be past the whole and hidden.
    clock.bytes = 4000;
    progress.rows(100);
    clock.ms = 5000;
    progress.rows(100);
    // 200 of the 400 rows sorted, in the 2 s since the replay's first rows: half done, 2 s left.
    expect(progress.line(clock.ms)).toBe("burnrate: 200 rows, 100 rows/s, 50%, about 2 s left");
    // Another reader starting over (the scanner gave up) is counted afresh: 30 of the 300 rows expected.
    progress.restart(1);
    clock.ms = 6000;
    progress.rows(30);
    expect(progress.line(clock.ms)).toBe("burnrate: 30 rows, 30 rows/s, 10%, about 9 s left");
    progress.end();
  });

  it("with rows expected (plain CSV), the sort shows bytes read and the replay's rate counts from its first row", () => {
    const { progress, clock } = fake({ totalBytes: 1000, expectedRows: 100 });
    progress.begin();
    clock.bytes = 1500;
    clock.ms = 1000;
    progress.restart(2, "sorting");
    clock.bytes = 2000;
    clock.ms = 3000;
    // 500 of the 1000 bytes sorted in 2 s: 2 s left of the sort (rows expected say nothing yet: none is replayed).
    expect(progress.line(clock.ms)).toBe("burnrate: sorting the usage into time order, 50%, about 2 s left");
    clock.ms = 5000;
    progress.rows(10);
    clock.ms = 7000;
    progress.rows(10);
    // 20 of 100 rows in the 2 s since the replay's first rows at 5 s (not the 6 s since the sort began): 10 rows/s, 8 s left.
    expect(progress.line(clock.ms)).toBe("burnrate: 20 rows, 10 rows/s, 20%, about 8 s left");
    progress.end();
  });

  it("says it reads the event ids first, then counts the replay's share from where that pass ended", () => {
    const { progress, clock } = fake({ totalBytes: 1000 });
    progress.begin();
    progress.restart(1, "reading ids");
    clock.ms = 1000;
    clock.bytes = 600;
    // 600 of 1000 bytes in 1 s: 0.67 s left, shown as a whole second.
    expect(progress.line(clock.ms)).toBe("burnrate: reading the usage's event ids (a first pass), 60%, about 1 s left");
    expect(progress.interruptedLine()).toBe("burnrate: interrupted while reading the usage's event ids (a first pass)");
    clock.bytes = 1000;
    progress.restart(1);
    clock.ms = 3000;
    clock.bytes = 1250;
    progress.rows(40);
    // 250 of 1000 bytes in the 2 s since the first pass: 6 s left.
    expect(progress.line(clock.ms)).toBe("burnrate: 40 rows, 20 rows/s, 25%, about 6 s left");
    progress.end();
  });

  it("names the replay when there are several, in minutes and hours when long", () => {
    const { progress, clock } = fake({ expectedRows: 1000, replays: 2 });
    progress.begin();
    progress.begin();
    clock.ms = 90_000;
    progress.rows(500);
    progress.tick();
    expect(progress.line(clock.ms)).toBe("burnrate: replay 2 of 2: 500 rows, 6 rows/s, 50%, about 1 min 30 s left");
    clock.ms = 3_700_000;
    expect(progress.line(clock.ms)).toBe("burnrate: replay 2 of 2: 500 rows, 0 rows/s, 50%, about 1 h 01 min left");
    expect(progress.interruptedLine()).toBe("burnrate: interrupted after 500 rows of replay 2");
    progress.end();
  });

  it("never wraps: the line is cut to the terminal's width", () => {
    const { stream, clock, progress } = fake({ columns: 21, expectedRows: 10_000_000 });
    progress.begin();
    clock.ms = 5000;
    progress.rows(1_234_567);
    progress.tick();
    expect(stream.text).toBe(`${CLEAR}burnrate: 1,234,567 `);
    progress.end();
  });

  it("writes nothing when not shown", () => {
    const { stream, clock, progress } = fake({ shown: false, expectedRows: 10 });
    progress.begin();
    clock.ms = 5000;
    progress.rows(5);
    progress.tick();
    progress.tick();
    progress.end();
    expect(stream.text).toBe("");
  });

  it("is shown only on a terminal's standard error, outside CI, without --no-progress", () => {
    const terminal = { columns: 80, colors: 2 };
    expect(progressShown({ stderrTerminal: terminal, env: {} }, {})).toBe(true);
    expect(progressShown({ stderrTerminal: undefined, env: {} }, {})).toBe(false);
    expect(progressShown({ stderrTerminal: terminal, env: {} }, { progress: false })).toBe(false);
    expect(progressShown({ stderrTerminal: terminal, env: { CI: "true" } }, {})).toBe(false);
    expect(progressShown({ stderrTerminal: terminal, env: { CI: "false" } }, {})).toBe(true);
  });
});

describe("a long replay interrupted", () => {
  let folder: string;
  let usage: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "burnrate-progress-"));
    usage = join(folder, "usage.csv");
    // 3,600,000 rows a second apart: with --ledger, seconds of replay on any machine. 400,000 ran out in 0.4 s after the first
    // progress line, before the test could interrupt it; 1,200,000 ran in under the 1 s before the line is first drawn on the
    // idle machine once the replay got faster, and the line was never drawn.
    const start = Date.UTC(2026, 8, 1);
    const fd = openSync(usage, "w");
    writeSync(fd, "timestamp,meter,quantity,project\n");
    for (let block = 0; block < 36; block++) {
      const lines: string[] = [];
      for (let i = block * 100_000; i < (block + 1) * 100_000; i++) lines.push(`${new Date(start + i * 1000).toISOString().slice(0, 19)}Z,data_read,${1 + (i % 7)},p${i % 100}\n`);
      writeSync(fd, lines.join(""));
    }
    closeSync(fd);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const args = (out: string) => ["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-09-01", "--usage", usage, "--ledger", "--format", "json", "-o", out];

  /** Wait until `ready()` or the deadline; the run may not have ended by itself meanwhile. */
  async function until(ready: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  it("ends with one line on Ctrl-C, exits 130 (of SIGINT), and leaves no output or temporary file", async () => {
    const run = mkdtempSync(join(folder, "run-"));
    const temp = mkdtempSync(join(folder, "tmp-"));
    const out = join(run, "statement.json");
    const child = spawn(join(ROOT, "bin/burnrate"), args(out), { env: { ...process.env, TMPDIR: temp }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
    // The ledger's temporary file beside the output is made before the replay starts.
    await until(() => readdirSync(run).length > 0, 20_000);
    expect(readdirSync(run)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
    const { code, signal } = await ended;
    // Of the signal itself, or 130 where SIGINT was ignored when the test runner started it.
    expect(signal === "SIGINT" || code === 130).toBe(true);
    expect(stderr).toMatch(/^burnrate: interrupted after [\d,]+ rows\n$/);
    expect(readdirSync(run)).toEqual([]);
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);

  it("says so when Ctrl-C comes while rows out of time order are being sorted", async () => {
    // The log's second half first: its first half is weeks late, past the reorder stage, and the replay
    // starts again on the rows sorted in runs on disk.
    const run = mkdtempSync(join(folder, "sort-"));
    const temp = mkdtempSync(join(folder, "sort-tmp-"));
    const [header, ...rows] = readFileSync(usage, "utf8").trimEnd().split("\n");
    const halves = join(run, "halves.csv");
    writeFileSync(halves, [header, ...rows.slice(rows.length / 2), ...rows.slice(0, rows.length / 2)].join("\n") + "\n");
    const out = join(run, "statement.json");
    const child = spawn(join(ROOT, "bin/burnrate"), ["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-09-01", "--usage", halves, "--format", "json", "-o", out], { env: { ...process.env, TMPDIR: temp }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const ended = new Promise<void>((resolve) => child.on("close", () => resolve()));
    // The sort's first run written to disk: it is sorting, and the replay has not started.
    await until(() => readdirSync(temp).some((name) => readdirSync(join(temp, name)).length > 0), 30_000);
    child.kill("SIGINT");
    await ended;
    expect(stderr).toBe("burnrate: interrupted while sorting the usage into time order\n");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);

  const script = spawnSync("script", ["--version"]).status === 0;
  it.runIf(script)("draws the line on a terminal (through script's pseudo-terminal) and clears it before the Ctrl-C line", async () => {
    const run = mkdtempSync(join(folder, "pty-"));
    const out = join(run, "statement.json");
    const pidFile = join(folder, "pty.pid");
    const quoted = [join(ROOT, "bin/burnrate"), ...args(out)].map((a) => `'${a}'`).join(" ");
    // The shell writes its pid and becomes burnrate, so that the test interrupts burnrate itself.
    const child = spawn("script", ["-qfec", `echo $$ > '${pidFile}'; exec ${quoted}`, "/dev/null"], { env: { ...process.env, CI: "", TERM: "xterm" }, stdio: ["ignore", "pipe", "pipe"] });
    let terminal = "";
    child.stdout.on("data", (d) => (terminal += d));
    const ended = new Promise<void>((resolve) => child.on("close", () => resolve()));
    await until(() => /rows\/s/.test(terminal), 30_000);
    expect(terminal).toMatch(/\r\x1b\[Kburnrate: [\d,]+ rows, [\d,]+ rows\/s, \d+%, about [\w ]+ left/);
    process.kill(Number(readFileSync(pidFile, "utf8")), "SIGINT");
    await ended;
    expect(terminal).toMatch(/\r\x1b\[Kburnrate: interrupted after [\d,]+ rows\r?\n$/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(run)).toEqual([]);
  }, 60_000);

  it("writes no progress to a pipe, and a complete run leaves only its output", () => {
    const run = join(folder, "piped");
    mkdirSync(run);
    const out = join(run, "statement.json");
    const done = spawnSync(join(ROOT, "bin/burnrate"), args(out).filter((a) => a !== "--ledger"), { encoding: "utf8" });
    expect(done.status, done.stderr).toBe(0);
    expect(done.stderr).toBe("");
    expect(readdirSync(run)).toEqual(["statement.json"]);
  }, 60_000);
});
