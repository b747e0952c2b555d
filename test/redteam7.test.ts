import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { binary, burnrate, ROOT } from "./helpers/cli.js";
import { stamp } from "./helpers/stamp.js";
import { ON_THREAD, PIECE_BYTES } from "./helpers/thread.js";

// Red team of the ids' first pass in pieces (half the thread's size) on two threads, begun on the
// reading thread as the command line is read (src/usage/early-screen.ts,
// id-screen.ts, scan-thread.ts), and of the target groups' tree
// (src/engine/target-groups.ts). The binary is given the tests' thread size
// (ON_THREAD, test/helpers/thread.ts) and the logs pass it, so the worker
// paths are taken; each expectation is counted here from the rows written
// (distinct ids, quantities), never taken from burnrate's output.

const CARD = join(ROOT, "ratecards/fliplet.yaml");
const START = Date.parse("2026-11-02T00:00:00Z");
/**
 * The pieces at the default thread size (8 MB), of the one test here that reads its log so, the first. The early thread
 * reads pieces from the moment the command line is read, and by the time this thread gets to the pass it has read all
 * of a log of 1.5 MB (and all but a piece of logs of 3 and 6 MB, measured at the tests' size): only in a log of 10 MB or
 * so do both threads read pieces, whatever their size.
 */
const DEFAULT_PIECE = 4 << 20;

const made: string[] = [];
/** A folder for one test's logs (about 1.5 MB each, 12 MB for the first test), removed after the file's tests. */
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-redteam7-"));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** An account on Pro with an allowance no read runs out of: every row but a repeat is priced at 0.01 a read. */
function account(dir: string): string {
  writeFileSync(join(dir, "account.yaml"), `card: ${CARD}\nplan: pro\nallowance: 1000000\nanchor: 2026-11-01\ntimezone: UTC\n`);
  return "account.yaml";
}

interface Row {
  at: number;
  quantity: number;
  id: string;
}

/** `count` rows one a second of data_read, quantity 1 to 3, id `ev-i` unless `id(i, ids)` names another (an earlier row's, to repeat it). */
function rows(count: number, id: (i: number, ids: string[]) => string | undefined = () => undefined, from = START): Row[] {
  const ids: string[] = [];
  const out: Row[] = [];
  for (let i = 0; i < count; i++) {
    const own = id(i, ids) ?? `ev-${i}`;
    ids.push(own);
    out.push({ at: from + i * 1000, quantity: 1 + (i % 3), id: own });
  }
  return out;
}

/** The statement's figures counted by hand: rows read, repeats (an id seen before, empty ids never), and the total in credits (0.01 a read of each first row). */
function expected(all: readonly Row[], window?: number): { read: number; duplicates: number; total: string } {
  const first = new Map<string, number>();
  let duplicates = 0;
  let cents = 0;
  for (const row of all) {
    const seen = row.id === "" ? undefined : first.get(row.id);
    if (seen !== undefined && (window === undefined || row.at - seen <= window)) {
      duplicates++;
      continue;
    }
    if (row.id !== "") first.set(row.id, row.at);
    cents += row.quantity;
  }
  const whole = Math.floor(cents / 100);
  const part = String(cents % 100).padStart(2, "0").replace(/0+$/, "");
  return { read: all.length, duplicates, total: part === "" ? String(whole) : `${whole}.${part}` };
}

/** The statement of the log in `dir` (its account file there), through the binary at the tests' thread size (or `env`'s): its rows read and repeated, and its first cycle's total. */
function replayed(dir: string, args: readonly string[], input?: string, env: Record<string, string> = ON_THREAD): { read: number; duplicates: number; total: string } {
  const run = binary([...STATEMENT, "--account", account(dir), ...args], { cwd: dir, input, env });
  // These logs repeat a quarter of their ids, on purpose: the note of so many repeats in one file (repeats-note.ts,
  // tested in repeats50-note.test.ts) is said, and nothing else.
  expect(run.stderr.replace(/^burnrate: note: [\d,]+ rows \([\d.]+% of the [\d,]+ read\) repeat an earlier row's event_id and are counted once, [^\n]*; more than retries are: [^\n]*\n/, "")).toBe("");
  expect(run.code).toBe(0);
  return figures(run.stdout);
}

function figures(stdout: string): { read: number; duplicates: number; total: string } {
  const statement = JSON.parse(stdout);
  return { read: statement.events.read, duplicates: statement.events.duplicates, total: statement.accounts[0].cycles[0].total };
}

/** The log's text: header, then each row through `line` (columns timestamp, meter, quantity, project, event_id by default). */
function csv(all: readonly Row[], options: { header?: string; line?: (row: Row, i: number) => string; eol?: string; bom?: boolean } = {}): string {
  const eol = options.eol ?? "\n";
  const line = options.line ?? ((r: Row) => `${stamp(r.at)},data_read,${r.quantity},alpha,${r.id}`);
  const parts = [`${options.bom ? "\ufeff" : ""}${options.header ?? "timestamp,meter,quantity,project,event_id"}${eol}`];
  all.forEach((r, i) => parts.push(line(r, i) + eol));
  return parts.join("");
}

/** The indexes of the rows whose line holds a byte at `header + k * piece` (where the pass cuts near), and the rows either side. */
function atPieceEnds(header: number, lines: readonly string[], piece = PIECE_BYTES): Set<number> {
  const marks = new Set<number>();
  let offset = header;
  let next = header + piece;
  for (let i = 0; i < lines.length; i++) {
    const end = offset + Buffer.byteLength(lines[i]!);
    if (end > next) {
      for (const j of [i - 1, i, i + 1]) marks.add(j);
      next += piece;
    }
    offset = end;
  }
  return marks;
}

const STATEMENT = ["statement", "--no-progress", "--format", "json"];

/** `count` rows: a row in seven repeats the row before (one piece), a row in five from `back` on repeats the row `back` before (past a piece's size: other pieces, either thread's). */
function repeatingRows(count: number, back: number): Row[] {
  return rows(count, (i, ids) => {
    if (i % 7 === 1) return ids[i - 1];
    if (i >= back && i % 5 === 0) return ids[i - back];
    return undefined;
  });
}

describe("the ids' first pass in pieces on two threads, against counts made here", () => {
  /**
   * repeatingRows(31,250, 12,500): some 1.5 MB, three pieces (two of PIECE_BYTES and a shorter one), the row 12,500
   * before some 590 KB before, past a piece's size.
   */
  let log: { rows: Row[]; text: string } | undefined;
  /** Made once for the file (the rows, and the log's text as csv() writes them); each call gives rows of its own to change. */
  const pristine = () => (log ??= ((all) => ({ rows: all, text: csv(all) }))(repeatingRows(31_250, 12_500)));
  const repeating = () => pristine().rows.map((r) => ({ ...r }));

  it("finds repeats within a piece, across pieces and threads, and on the lines where the pieces are cut", () => {
    // At the default thread size, as before BURNRATE_THREAD_MB: both threads read pieces of the pass only in a log of
    // 10 MB or so (DEFAULT_PIECE). 250,000 rows: 12 MB, three pieces (the last 3.7 MB), the row 100,000 before some
    // 4.8 MB before.
    const dir = folder();
    const all = repeatingRows(250_000, 100_000);
    const lines = all.map((r) => `${stamp(r.at)},data_read,${r.quantity},alpha,${r.id}\n`);
    // The lines around each 4 MB mark (where a piece ends mid-line, moved to the line's end) share one id.
    const header = "timestamp,meter,quantity,project,event_id\n";
    for (const i of atPieceEnds(Buffer.byteLength(header), lines, DEFAULT_PIECE)) all[i]!.id = "ev-boundary";
    writeFileSync(join(dir, "usage.csv"), csv(all));
    const want = expected(all);
    expect(want.duplicates).toBeGreaterThan(60_000);
    expect(replayed(dir, ["--usage", "usage.csv"], undefined, {})).toEqual(want);
  }, 60_000);

  it("falls back alike where a quote and a carriage return appear only in a late piece (csv-parse reads the log)", () => {
    const dir = folder();
    const all = repeating();
    // A quoted id and a CRLF line near the end (in the last piece): the first pass gives up there, after the pieces before it are read.
    writeFileSync(
      join(dir, "usage.csv"),
      csv(all, { line: (r, i) => `${stamp(r.at)},data_read,${r.quantity},alpha,${i === 30_000 ? `"${r.id}"` : r.id}${i === 30_625 ? "\r" : ""}` }),
    );
    expect(replayed(dir, ["--usage", "usage.csv"])).toEqual(expected(all));
  }, 60_000);

  it("reads a CRLF log with a byte-order mark and its event_id first, beside a log without ids", () => {
    const dir = folder();
    // Some 1.27 MB in all (the CRLF log 0.78 MB), past the thread's size: the two are scanned on the thread, one after the other.
    const withIds = rows(16_250, (i, ids) => (i >= 7_500 && i % 4 === 0 ? ids[i - 7_500] : undefined));
    const without = rows(12_500, () => "", START + 25_000 * 1000);
    writeFileSync(join(dir, "a.csv"), csv(withIds, { header: "event_id,timestamp,meter,quantity,project", line: (r) => `${r.id},${stamp(r.at)},data_read,${r.quantity},alpha`, eol: "\r\n", bom: true }));
    writeFileSync(join(dir, "b.csv"), csv(without, { header: "timestamp,meter,quantity,project", line: (r) => `${stamp(r.at)},data_read,${r.quantity},alpha` }));
    expect(replayed(dir, ["--usage", "a.csv", "--usage", "b.csv"])).toEqual(expected([...withIds, ...without]));
  }, 60_000);

  it("drops the pass begun on the header's event_id column where --map reads the ids from another", () => {
    const dir = folder();
    // event_id unique on every row (ignored); req repeats every third row's id two rows on.
    const all = rows(27_500, (i) => (i % 3 === 2 ? `r-${i - 2}` : `r-${i}`));
    writeFileSync(
      join(dir, "usage.csv"),
      csv(all, { header: "timestamp,meter,quantity,project,event_id,req", line: (r, i) => `${stamp(r.at)},data_read,${r.quantity},alpha,u-${i},${r.id}` }),
    );
    expect(replayed(dir, ["--usage", "usage.csv", "--map", "event_id=req", "--map", "ignore:event_id"])).toEqual(expected(all));
  }, 60_000);

  it("sees the rows out of time order where a piece's first row is an hour before the last one's, and keeps the earlier row of a repeated id", () => {
    const dir = folder();
    const all = repeating();
    const header = "timestamp,meter,quantity,project,event_id\n";
    const lines = all.map((r) => `${stamp(r.at)},data_read,${r.quantity},alpha,${r.id}\n`);
    // The row after each line that holds a piece's mark starts a piece: an hour earlier, with the id of the row ten minutes before it.
    const marks = [...atPieceEnds(Buffer.byteLength(header), lines)].filter((_, i) => i % 3 === 1);
    expect(marks.length).toBe(2);
    for (const k of marks) {
      const row = all[k + 1]!;
      row.at -= 3_600_000;
      row.id = all[k + 1 - 600]!.id;
    }
    writeFileSync(join(dir, "usage.csv"), csv(all));
    // Taken in time order (the moved rows first of their id), ties kept in file order: no two rows of an instant share an id.
    const byTime = [...all].sort((a, b) => a.at - b.at);
    expect(replayed(dir, ["--usage", "usage.csv"])).toEqual(expected(byTime));
  }, 60_000);

  it("reads a large log with ids from standard input (copied, then cut in pieces) as from a file", () => {
    const dir = folder();
    const all = repeating();
    expect(replayed(dir, ["--usage", "-"], pristine().text)).toEqual(expected(all));
  }, 60_000);

  it("keeps an id for --dedupe-window only: a repeat a second later is one, hours later is not", () => {
    const dir = folder();
    const all = repeating();
    writeFileSync(join(dir, "usage.csv"), pristine().text);
    const want = expected(all, 3_600_000);
    // Only the repeats of the row before (those of the row 12,500 before are 12,500 s, some 3.5 hours, later): rows 1, 8, ...,
    // 31,249, (31,249 - 1) / 7 + 1 = 4,465 of them.
    expect(want.duplicates).toBe(4_465);
    expect(replayed(dir, ["--usage", "usage.csv", "--dedupe-window", "1h"])).toEqual(want);
  }, 60_000);
});

describe("the early thread when the run ends before reading, or cannot write its runs", () => {
  /** The log's text (27,500 rows, some 1.3 MB: past the thread's size), made once for the three tests (each writes it in a folder of its own). */
  let idLog: string | undefined;
  const bigIdLog = (dir: string) => writeFileSync(join(dir, "usage.csv"), (idLog ??= csv(rows(27_500, (i, ids) => (i % 2 === 1 ? ids[i - 1] : undefined)))));

  it("leaves no temporary folder behind on an unknown plan", () => {
    const dir = folder();
    const tmp = folder();
    bigIdLog(dir);
    const run = binary([...STATEMENT, "--account", account(dir), "--usage", "usage.csv", "--plan", "nosuch"], { cwd: dir, env: { ...ON_THREAD, TMPDIR: tmp } });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe('burnrate: error: --plan: unknown plan "nosuch" (expected one of free, pro, found "nosuch")\n');
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);

  it("says once that TMPDIR cannot hold the runs (a file, not a folder)", () => {
    const dir = folder();
    bigIdLog(dir);
    const notAFolder = join(dir, "not-a-folder");
    writeFileSync(notAFolder, "");
    const run = binary([...STATEMENT, "--account", account(dir), "--usage", "usage.csv"], { cwd: dir, env: { ...ON_THREAD, TMPDIR: notAFolder } });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `burnrate: error: TMPDIR: cannot write a temporary file: ENOTDIR (expected a writable temporary directory with free space, found ENOTDIR in "${notAFolder}")\n`,
    );
  }, 60_000);

  it("ends of SIGINT with at most one line and no temporary folder, whenever the signal comes", async () => {
    const dir = folder();
    const tmp = folder();
    bigIdLog(dir);
    account(dir);
    const child = spawn(process.execPath, [join(ROOT, "bin/burnrate"), ...STATEMENT, "--account", "account.yaml", "--usage", "usage.csv"], {
      cwd: dir,
      env: { ...process.env, ...ON_THREAD, TMPDIR: tmp, NO_COLOR: "1" },
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const timer = setTimeout(() => child.kill("SIGINT"), 700);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("close", (c, s) => resolve([c, s])));
    clearTimeout(timer);
    // A run that finished before the signal is not this test's case.
    if (code === 0) return;
    expect(signal).toBe("SIGINT");
    // The notes the run wrote before the signal (the log's repeats, said as the replay ends), then one line at most.
    expect(stderr).toMatch(/^(burnrate: note: [^\n]*\n)*(burnrate: interrupted [^\n]*\n)?$/);
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);
});

describe("target groups: targets reading 0 to 3 dimensions", () => {
  const TG = `provider: tg
version: "1"
effective: "2026-11-01"
unit: credits
precision: { display: 4, rounding: half-even, round_at: none }
cycle: { period: monthly }
categories:
  c1: { label: C1 }
  c2: { label: C2 }
  c3: { label: C3 }
pools:
  pa: { label: PA, when_exhausted: block }
  pc: { label: PC, when_exhausted: allow }
grant_kinds:
  included: { priority: 1, expires: cycle_end }
plans:
  p: { label: P, included: 1000, price: 1 }
daily_limits: { dimension: srv }
meters:
  zero: { aggregation: flow, category: c1, pool: pa, price: "0.01" }
  one:
    aggregation: flow
    dimensions: [a]
    category: { by: a, table: { x: c1, "*": c3 } }
    pool: { by: a, table: { x: pa, "*": pc } }
    price: "0.02"
  two:
    aggregation: flow
    dimensions: [a, b]
    category: c2
    pool: pa
    price: { by: [a, b], table: { x: { u: "0.1", "*": "0.2" }, "*": { "*": "0.05" } } }
`;

  it("prices by each group's values, a missing column and an empty cell alike outside the server's daily limit", async () => {
    const dir = folder();
    writeFileSync(join(dir, "tg.yaml"), TG);
    writeFileSync(join(dir, "account.yaml"), "card: tg.yaml\nplan: p\nanchor: 2026-11-01\ntimezone: UTC\ndaily_limits: { s1: 0.05 }\n");
    const t = (s: number) => stamp(START + s * 1000);
    // zero on s1: 0.01 each, the daily limit 0.05 lets five of eight through; on s2 (no limit) and an empty srv, all.
    const lines = [
      ...Array.from({ length: 8 }, (_, i) => `${t(i)},zero,1,,,s1`),
      ...Array.from({ length: 3 }, (_, i) => `${t(10 + i)},zero,1,,,s2`),
      ...Array.from({ length: 2 }, (_, i) => `${t(20 + i)},zero,1,,,`),
      // one: a=x on pa at 0.02 (x2 quantity 3: 0.06), a=y falls to pc.
      `${t(30)},one,3,x,,s2`,
      `${t(31)},one,2,y,,s2`,
      // two: (x,u) 0.1, (x,v) 0.2 by x's fallback, (y,u) 0.05 by the outer fallback.
      `${t(40)},two,1,x,u,s2`,
      `${t(41)},two,1,x,v,s2`,
      `${t(42)},two,2,y,u,s2`,
      `${t(43)},two,1,x,u,s2`,
    ];
    writeFileSync(join(dir, "a.csv"), `timestamp,meter,quantity,a,b,srv\n${lines.join("\n")}\n`);
    // A second file without the srv column: no server, no limit (three more zero rows).
    writeFileSync(join(dir, "b.csv"), `timestamp,meter,quantity\n${[t(50), t(51), t(52)].map((s) => `${s},zero,1`).join("\n")}\n`);
    const run = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "a.csv"), "--usage", join(dir, "b.csv"), "--format", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const statement = JSON.parse(run.stdout);
    expect(statement.events.rejected).toBe(3);
    const cycle = statement.accounts[0].cycles[0];
    // zero: (5 + 3 + 2 + 3) x 0.01 = 0.13; one: 0.06 + 0.04 = 0.1; two: 0.1 + 0.2 + 0.1 + 0.1 = 0.5.
    expect(cycle.total).toBe("0.73");
  });
});
