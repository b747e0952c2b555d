import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Progress, progressShown, type ProgressSettings } from "../src/progress/progress.js";
import { ROOT } from "./helpers/cli.js";
import { stamp } from "./helpers/stamp.js";

/** A stream that keeps what is written to it. */
class Kept extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const CLEAR = "\r\x1b[K";

const START = Date.UTC(2026, 8, 1);
const HEADER = "timestamp,meter,quantity,project\n";

/** `count` usage rows a second apart, the first `from` seconds after 2026-09-01. */
function rows(from: number, count: number): string {
  let text = "";
  for (let i = from; i < from + count; i++) text += `${stamp(START + i * 1000)},data_read,${1 + (i % 7)},p${i % 100}\n`;
  return text;
}

/** The rows of `rows`, millions of them, written to `fd` as bytes: a date a day, the rest of a row from 700 kinds. */
function writeLongRows(fd: number, from: number, count: number): void {
  const ends = Array.from({ length: 700 }, (_, i) => Buffer.from(`Z,data_read,${1 + (i % 7)},p${i % 100}\n`));
  const block = Buffer.alloc(1 << 22);
  const digits = (at: number, n: number) => {
    block[at] = 48 + Math.floor(n / 10);
    block[at + 1] = 48 + (n % 10);
  };
  let date = Buffer.alloc(0);
  let at = 0;
  for (let i = from; i < from + count; i++) {
    const second = i % 86_400;
    if (second === 0 || i === from) date = Buffer.from(new Date(START + (i - second) * 1000).toISOString().slice(0, 11));
    at += date.copy(block, at);
    digits(at, Math.floor(second / 3600));
    block[at + 2] = 58;
    digits(at + 3, Math.floor(second / 60) % 60);
    block[at + 5] = 58;
    digits(at + 6, second % 60);
    at += 8 + ends[i % 700]!.copy(block, at + 8);
    if (at > block.length - 64) {
      writeSync(fd, block, 0, at);
      at = 0;
    }
  }
  writeSync(fd, block, 0, at);
}

/** A progress on a fake terminal with a clock and a byte count the test moves. */
function fake(settings: Partial<ProgressSettings> = {}) {
  const stream = new Kept();
  const clock = { ms: 0, bytes: 0 };
  const progress = new Progress({ stream, shown: true, columns: 80, totalBytes: undefined, expectedRows: undefined, replays: undefined, bytesRead: () => clock.bytes, now: () => clock.ms, ...settings });
  /** At `ms` (and `bytes` read, when given), `count` more rows reach the engine: the line as it then stands. */
  const rowsAt = (ms: number, count: number, bytes = clock.bytes) => {
    Object.assign(clock, { ms, bytes });
    progress.rows(count);
    return progress.line(ms);
  };
  return { stream, clock, progress, rowsAt };
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

  it("says the usage is read, finishing, where every byte is read before the replay's last rows (newcomer51 #9)", () => {
    const { clock, progress } = fake({ totalBytes: 1000 });
    progress.begin();
    clock.ms = 4000;
    clock.bytes = 1000;
    progress.rows(100);
    expect(progress.line(clock.ms)).toBe("burnrate: 100 rows, 25 rows/s, the usage read, finishing");
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
    const { progress, clock, rowsAt } = fake({ totalBytes: 1000, expectedRows: 300 });
    progress.begin();
    progress.restart(2, "sorting");
    clock.bytes = 1000;
    clock.ms = 2000;
    progress.sorted(400);
    // The runs read back are 3000 bytes, three times the log: by bytes the share would be past the whole and hidden.
    rowsAt(3000, 100, 4000);
    // 200 of the 400 rows sorted, in the 2 s since the replay's first rows: half done, 2 s left.
    expect(rowsAt(5000, 100)).toBe("burnrate: 200 rows, 100 rows/s, 50%, about 2 s left");
    // Another reader starting over (the scanner gave up) is counted afresh: 30 of the 300 rows expected.
    progress.restart(1);
    expect(rowsAt(6000, 30)).toBe("burnrate: 30 rows, 30 rows/s, 10%, about 9 s left");
    progress.end();
  });

  it("with rows expected (plain CSV), the sort shows bytes read and the replay's rate counts from its first row", () => {
    const { progress, clock, rowsAt } = fake({ totalBytes: 1000, expectedRows: 100 });
    progress.begin();
    clock.bytes = 1500;
    clock.ms = 1000;
    progress.restart(2, "sorting");
    clock.bytes = 2000;
    clock.ms = 3000;
    // 500 of the 1000 bytes sorted in 2 s: 2 s left of the sort (rows expected say nothing yet: none is replayed).
    expect(progress.line(clock.ms)).toBe("burnrate: sorting the usage into time order, 50%, about 2 s left");
    rowsAt(5000, 10);
    // 20 of 100 rows in the 2 s since the replay's first rows at 5 s (not the 6 s since the sort began): 10 rows/s, 8 s left.
    expect(rowsAt(7000, 10)).toBe("burnrate: 20 rows, 10 rows/s, 20%, about 8 s left");
    progress.end();
  });

  it("says it reads the event ids first, then counts the replay's share from where that pass ended", () => {
    const { progress, clock, rowsAt } = fake({ totalBytes: 1000 });
    progress.begin();
    progress.restart(1, "reading ids");
    clock.ms = 1000;
    clock.bytes = 600;
    // 600 of 1000 bytes in 1 s: 0.67 s left, shown as a whole second.
    expect(progress.line(clock.ms)).toBe("burnrate: reading the usage's event ids (a first pass), 60%, about 1 s left");
    expect(progress.interruptedLine()).toBe("burnrate: interrupted while reading the usage's event ids (a first pass)");
    clock.bytes = 1000;
    progress.restart(1);
    // 250 of 1000 bytes in the 2 s since the first pass: 6 s left.
    expect(rowsAt(3000, 40, 1250)).toBe("burnrate: 40 rows, 20 rows/s, 25%, about 6 s left");
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
  /** Rows after the fed ones, on disk: with them the usage has a size, and the line a share done. */
  let rest: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "burnrate-progress-"));
    rest = join(folder, "rest.csv");
    writeFileSync(rest, `${HEADER}${rows(100_000, 30_000)}`);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const args = (out: string, usage: readonly string[]) => ["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-09-01", ...usage.flatMap((file) => ["--usage", file]), "--ledger", "--format", "json", "-o", out];

  /** A FIFO in the folder, for `feed`. Not named .csv: the estimate of a CSV's rows would read its first megabyte. */
  let fifos = 0;
  function fifo(): string {
    const path = join(folder, `fed-${++fifos}`);
    expect(spawnSync("mkfifo", [path]).status).toBe(0);
    return path;
  }

  /**
   * The usage's first rows through a FIFO that the test holds open: the replay waits on it for more, so it lasts as long
   * as the test wants, on any machine. Resolves once burnrate opens it for reading, which it does once the replay has begun.
   */
  async function feed(path: string, child: ChildProcess): Promise<FileHandle> {
    // A burnrate that ends without opening it would leave the open waiting for ever (on a thread of the pool): a reader of our own ends it.
    const unblock = () => closeSync(openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
    child.once("close", unblock);
    const input = await open(path, "w");
    child.off("close", unblock);
    // More than the 1,024 events the merge of the files hands on at once; less than a pipe's 64 KiB, so written whole
    // whether or not burnrate reads it yet.
    await input.write(`${HEADER}${rows(0, 1500)}`);
    return input;
  }

  /** Wait until `ready()` or the deadline; the run may not have ended by itself meanwhile. */
  async function until(ready: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  it("ends with one line on Ctrl-C, exits 130 (of SIGINT), and leaves no output or temporary file", async () => {
    const run = mkdtempSync(join(folder, "run-"));
    const temp = mkdtempSync(join(folder, "tmp-"));
    const out = join(run, "statement.json");
    const fed = fifo();
    const child = spawn(join(ROOT, "bin/burnrate"), args(out, [fed, rest]), { env: { ...process.env, TMPDIR: temp }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
    const input = await feed(fed, child);
    // The ledger's temporary file beside the output is made before the replay starts.
    expect(readdirSync(run)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
    const { code, signal } = await ended;
    await input.close();
    // Of the signal itself, or 130 where SIGINT was ignored when the test runner started it.
    expect(signal === "SIGINT" || code === 130).toBe(true);
    expect(stderr).toMatch(/^burnrate: interrupted after [\d,]+ rows\n$/);
    expect(readdirSync(run)).toEqual([]);
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);

  it("says so when Ctrl-C comes while rows out of time order are being sorted", async () => {
    // A day and more of the log's second half first, so that the reorder stage passes rows on: the first half after
    // them is weeks late, past that stage, and the replay starts again on the rows sorted in runs on disk. The sort
    // goes on for millions of rows after its first run is written: a Ctrl-C as soon as that run is seen comes while it still sorts.
    const run = mkdtempSync(join(folder, "sort-"));
    const temp = mkdtempSync(join(folder, "sort-tmp-"));
    const halves = join(run, "halves.csv");
    const fd = openSync(halves, "w");
    writeSync(fd, HEADER);
    writeLongRows(fd, 1_800_000, 100_000);
    writeLongRows(fd, 0, 1_800_000);
    writeLongRows(fd, 1_900_000, 1_700_000);
    closeSync(fd);
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
    const fed = fifo();
    const quoted = [join(ROOT, "bin/burnrate"), ...args(out, [fed, rest])].map((a) => `'${a}'`).join(" ");
    // The shell writes its pid and becomes burnrate, so that the test interrupts burnrate itself.
    const child = spawn("script", ["-qfec", `echo $$ > '${pidFile}'; exec ${quoted}`, "/dev/null"], { env: { ...process.env, CI: "", TERM: "xterm" }, stdio: ["ignore", "pipe", "pipe"] });
    let terminal = "";
    child.stdout.on("data", (d) => (terminal += d));
    const ended = new Promise<void>((resolve) => child.on("close", () => resolve()));
    const input = await feed(fed, child);
    // The line is first drawn a second into the replay, which waits on the FIFO meanwhile.
    await until(() => /rows\/s/.test(terminal), 30_000);
    expect(terminal).toMatch(/\r\x1b\[Kburnrate: [\d,]+ rows, [\d,]+ rows\/s, \d+%, about [\w ]+ left/);
    process.kill(Number(readFileSync(pidFile, "utf8")), "SIGINT");
    await ended;
    await input.close();
    expect(terminal).toMatch(/\r\x1b\[Kburnrate: interrupted after [\d,]+ rows\r?\n$/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(run)).toEqual([]);
  }, 60_000);

  it("writes no progress to a pipe, and a complete run leaves only its output", async () => {
    const run = join(folder, "piped");
    mkdirSync(run);
    const out = join(run, "statement.json");
    const fed = fifo();
    const child = spawn(join(ROOT, "bin/burnrate"), args(out, [fed, rest]).filter((a) => a !== "--ledger"), { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const ended = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    const input = await feed(fed, child);
    // Longer than the second before a line would first be drawn.
    await new Promise((r) => setTimeout(r, 1200));
    await input.write(rows(1500, 1000));
    await input.close();
    expect(await ended, stderr).toBe(0);
    expect(stderr).toBe("");
    expect(readdirSync(run)).toEqual(["statement.json"]);
  }, 60_000);
});
