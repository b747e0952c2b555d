import fc from "fast-check";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binary, burnrate } from "./helpers/cli.js";
import { TEST_CARD } from "./helpers/engine.js";
import { ON_THREAD, THREAD_BYTES } from "./helpers/thread.js";

// Issue 16, the order of rows: a log whose rows come late (within --max-lateness),
// split into files in any way, shuffled within each day, or out of order past the
// lateness, gives the statement of the same rows in time order. "The same rows in
// time order" is a stable sort by time (ties in the order the rows came, files in
// the order given), written to a file of its own: where the statement names a row
// (a rejection's first line, a repeated event id), the name is mapped back to the
// row's file and line in the log given.

const RUNS = Number(process.env.ORDER_RUNS ?? 25);
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);
const dir = mkdtempSync(join(tmpdir(), "burnrate-order-"));
const cardFile = join(dir, "card.yaml");
writeFileSync(cardFile, TEST_CARD);
const HEADER = "timestamp,meter,quantity,account,project,user,event_id";

interface Row {
  at: number;
  text: string;
}

const rawRow = fc.record({
  day: fc.integer({ min: 0, max: 70 }),
  // Few distinct instants a day, so that many rows share one.
  minute: fc.constantFrom(0, 1, 30, 600),
  meter: fc.constantFrom("call", "read", "view", "visitor", "site", "site_closed", "disk", "disk_freed"),
  quantity: fc.integer({ min: 0, max: 40 }),
  project: fc.constantFrom("p", "q"),
  user: fc.constantFrom("u1", "u2"),
  account: fc.constantFrom("acct", "other"),
  // Some ids repeat: which row of a repeat is first depends on the order.
  id: fc.integer({ min: 0, max: 30 }),
  // The row twice, alike but for its line: which of the two comes first shows in the statement.
  twice: fc.boolean(),
});
type RawRow = typeof rawRow extends fc.Arbitrary<infer T> ? T : never;

/**
 * Rows that make sense in time order whatever the order within an instant: an item
 * closed only if opened at an earlier instant, a level lowered only as far as it
 * went at earlier instants; and at least one row.
 */
function inTimeOrder(raw: RawRow[]): Row[] {
  const open = new Map<string, number>();
  const level = new Map<string, { at: number; before: number; now: number }>();
  const rows: Row[] = [];
  for (const r of [...raw].sort((a, b) => a.day - b.day || a.minute - b.minute)) {
    const at = START + r.day * DAY + r.minute * 60_000;
    const key = `${r.account}/${r.project}`;
    let quantity = String(r.quantity);
    const disk = level.get(key) ?? { at, before: 0, now: 0 };
    if (disk.at !== at) level.set(key, { at, before: disk.now, now: disk.now });
    const held = level.get(key) ?? { at, before: 0, now: 0 };
    if (r.meter === "site" && !open.has(key)) open.set(key, at);
    if (r.meter === "site_closed") {
      if (!(open.get(key)! < at)) continue;
      open.delete(key);
    }
    if (r.meter === "disk") level.set(key, { ...held, now: held.now + r.quantity });
    if (r.meter === "disk_freed") {
      const take = Math.min(held.before, Math.max(1, r.quantity));
      if (held.before === 0) continue;
      level.set(key, { at, before: held.before - take, now: held.now - take });
      quantity = String(take);
    }
    // Ids repeat only on flow and unique meters: a repeated "site" would leave its "site_closed" without an item.
    const id = ["call", "read", "view", "visitor"].includes(r.meter) ? `e${r.id}` : `s${rows.length}`;
    const row = { at, text: `${new Date(at).toISOString()},${r.meter},${quantity},${r.account},${r.project},${r.user},${id}` };
    rows.push(row);
    if (r.twice && id.startsWith("e")) rows.push(row);
  }
  if (rows.length === 0) rows.push({ at: START, text: `${new Date(START).toISOString()},view,1,acct,p,u1,e0` });
  return rows;
}

const log = fc.array(rawRow, { minLength: 1, maxLength: 60 }).map(inTimeOrder);
let round = 0;

/**
 * The statement of `files` (rows in the order given) with `flags`, and the statement
 * of the same rows stable-sorted by time in one file, with its row names mapped back.
 */
async function bothWays(files: Row[][], flags: string[] = [], lineEnd = "\n"): Promise<{ given: string; sorted: string }> {
  round++;
  const names = files.map((rows, f) => {
    const file = join(dir, `given-${round}-${f}.csv`);
    writeFileSync(file, `${HEADER}${lineEnd}${rows.map((r) => `${r.text}${lineEnd}`).join("")}`);
    return file;
  });
  const origins = files.flatMap((rows, f) => rows.map((row, i) => ({ row, origin: `${names[f]}:${i + 2}` })));
  const sorted = [...origins].sort((a, b) => a.row.at - b.row.at);
  const sortedFile = join(dir, `sorted-${round}.csv`);
  writeFileSync(sortedFile, `${HEADER}\n${sorted.map((o) => `${o.row.text}\n`).join("")}`);
  const base = ["statement", "--card", cardFile, "--plan", "paid", "--anchor", "2026-01-01", "--through", "2026-03-20", "--format", "json"];
  const given = await burnrate([...base, ...names.flatMap((f) => ["--usage", f]), ...flags]);
  const reference = await burnrate([...base, "--usage", sortedFile]);
  expect(given.code, given.stderr).toBe(0);
  expect(reference.code, reference.stderr).toBe(0);
  const back = reference.stdout.replaceAll(new RegExp(`"${sortedFile.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+)"`, "g"), (_, line: string) => `"${sorted[Number(line) - 2]!.origin}"`);
  expect(back).not.toContain(sortedFile);
  return { given: given.stdout, sorted: back };
}

/**
 * Whether no two of the files hold the same rows: two such files are a copy, refused since stop 36
 * (test/fix18-copied-files.test.ts); a random split of a log whose rows repeat can make them.
 */
function noCopies(files: readonly Row[][]): boolean {
  const texts = files.filter((f) => f.length > 0).map((f) => f.map((row) => row.text).join("\n"));
  return new Set(texts).size === texts.length;
}

/** `rows` with each row moved later in the file by up to `lateness` of log time. */
function late(rows: Row[], moves: number[], lateness: number): Row[] {
  const keyed = rows.map((row, i) => ({ row, key: row.at + (moves[i % moves.length]! % (lateness + 1)), i }));
  return keyed.sort((a, b) => a.key - b.key || a.i - b.i).map((k) => k.row);
}

describe("the order of usage rows (issue 16)", () => {
  it("rows late by up to --max-lateness give the statement of the rows in time order", async () => {
    await fc.assert(
      fc.asyncProperty(log, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), fc.constantFrom(["2h", 2 * 3_600_000], ["1d", DAY], ["3d", 3 * DAY]), async (rows, moves, [flag, lateness]) => {
        const { given, sorted } = await bothWays([late(rows, moves, lateness as number)], ["--max-lateness", flag as string]);
        expect(given).toBe(sorted);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it("rows shuffled within each day give the statement of the rows in time order, with the default lateness", async () => {
    await fc.assert(
      fc.asyncProperty(log, fc.integer(), async (rows, seed) => {
        const shuffled = [...rows].map((row, i) => ({ row, key: Math.floor((row.at - START) / DAY) * 2 ** 32 + (((seed ^ (i * 2654435761)) >>> 0) % 2 ** 32) }));
        const { given, sorted } = await bothWays([shuffled.sort((a, b) => a.key - b.key).map((s) => s.row)]);
        expect(given).toBe(sorted);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it("a log split into files in any way gives the statement of its rows in time order, files in the order given", async () => {
    await fc.assert(
      fc.asyncProperty(log, fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 30 }), fc.boolean(), async (rows, picks, byTime) => {
        // Split into consecutive stretches (daily files), or each row to any file (files that overlap).
        const files: Row[][] = [[], [], [], []];
        rows.forEach((row, i) => files[byTime ? Math.min(3, Math.floor((row.at - START) / (20 * DAY))) : picks[i % picks.length]!]!.push(row));
        fc.pre(noCopies(files));
        const { given, sorted } = await bothWays(files.filter((f) => f.length > 0));
        expect(given).toBe(sorted);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it("files each out of order, read as events (CRLF line ends), are sorted with ties in the files' order, not by a merge's pick", async () => {
    // A merge by time picks between files by their next rows, which is the files' order only while each is in time order.
    await fc.assert(
      fc.asyncProperty(log, fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 30 }), fc.integer(), async (rows, picks, seed) => {
        const files: Row[][] = [[], [], []];
        rows.forEach((row, i) => files[picks[i % picks.length]!]!.push(row));
        const shuffled = files.filter((f) => f.length > 0).map((f) => f.map((row, i) => ({ row, key: ((seed ^ (i * 2654435761)) >>> 0) % 1000 })).sort((a, b) => a.key - b.key).map((k) => k.row));
        fc.pre(noCopies(shuffled));
        const { given, sorted } = await bothWays(shuffled, [], "\r\n");
        expect(given).toBe(sorted);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it("a repeated id in two files, each out of order, is first in the file given first (a gateway's daily files)", async () => {
    const a = join(dir, "ties-a.csv"), b = join(dir, "ties-b.csv");
    // In a, the repeated row comes after a later row; in b it is the only row. By time, b's row came first to a merge.
    writeFileSync(a, `${HEADER}\r\n2026-01-05T14:11:14Z,call,1,acct,p,u1,e1\r\n2026-01-05T14:02:06Z,call,1,acct,p,u1,e2\r\n`);
    writeFileSync(b, `${HEADER}\r\n2026-01-05T14:02:06Z,call,1,acct,p,u1,e2\r\n`);
    const base = ["statement", "--card", cardFile, "--plan", "paid", "--anchor", "2026-01-01", "--through", "2026-01-20", "--format", "json", "--usage", a, "--usage", b];
    for (const flags of [[], ["--max-lateness", "0"]]) {
      const run = await burnrate([...base, ...flags]);
      expect(run.code, run.stderr).toBe(0);
      const listed = JSON.parse(run.stdout).duplicate_events.listed;
      expect(listed).toEqual([expect.objectContaining({ event_id: "e2", first: `${a}:3`, repeat: `${b}:2` })]);
    }
  });

  it("rows in any order, past the lateness, are sorted on disk and give the same statement", async () => {
    await fc.assert(
      fc.asyncProperty(log, fc.integer(), fc.constantFrom("0", "1s", "1h"), async (rows, seed, flag) => {
        const shuffled = rows.map((row, i) => ({ row, key: ((seed ^ (i * 2654435761)) >>> 0) % 1000 })).sort((a, b) => a.key - b.key).map((s) => s.row);
        const { given, sorted } = await bothWays([shuffled], ["--max-lateness", flag]);
        expect(given).toBe(sorted);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});

describe("daily files on one worker thread (issue 16)", () => {
  it("a large log split by day gives the statement of the whole log, also with a file of other columns among them", async () => {
    // @ts-expect-error: the bench's generator is a plain ES module without types.
    const { generate } = (await import("../bench/generate.mjs")) as { generate(rows: number, file: string): Promise<void> };
    const whole = join(dir, "bench-whole.csv");
    // The bench's rows take 44 bytes or more (`2026-09-01T01:26:53Z,maps_call,1,p0527,,,,,` and its line end): 23,832 rows
    // (1,048,576 / 44 = 23,831.3, rounded up) are past the reading thread's size (test/helpers/thread.ts).
    await generate(Math.ceil(THREAD_BYTES / 44), whole);
    expect(statSync(whole).size).toBeGreaterThan(THREAD_BYTES);
    const [header, ...rows] = readFileSync(whole, "utf8").trimEnd().split("\n");
    // Days in order, one file each (past the thread's size in all: one worker reads them one after another); a middle day
    // with its columns in another order, so its shapes are its own and found again by their values.
    const days = new Map<string, number[]>();
    rows.forEach((row, i) => {
      const day = row.slice(0, 10);
      if (!days.has(day)) days.set(day, []);
      days.get(day)!.push(i);
    });
    const where: string[] = [];
    const files = [...days].map(([day, indexes], d) => {
      const file = join(dir, `bench-${day}.csv`);
      const swap = d === 40;
      const cells = (line: string) => (swap ? ((c) => [c[1], c[0], ...c.slice(2)].join(","))(line.split(",")) : line);
      writeFileSync(file, `${cells(header!)}\n${indexes.map((i) => `${cells(rows[i]!)}\n`).join("")}`);
      indexes.forEach((i, k) => (where[i] = `${file}:${k + 2}`));
      return file;
    });
    const account = join(dir, "bench-account.yaml");
    // An allowance the second cycle's usage passes on its last day, and the third's does not (some 23,500 credits each at this
    // size; 48,500 at 200,000 rows): rows are refused, and the statement names the first of them (first_line).
    writeFileSync(account, `card: ${join(process.cwd(), "ratecards/fliplet.yaml")}\nplan: pro\nallowance: 23500\nanchor: 2026-09-01\ntimezone: UTC\n`);
    const base = ["statement", "--account", account, "--format", "json"];
    const one = binary([...base, "--usage", whole], { env: ON_THREAD });
    const split = binary([...base, ...files.flatMap((f) => ["--usage", f])], { env: ON_THREAD });
    expect(one.code, one.stderr).toBe(0);
    expect(split.code, split.stderr).toBe(0);
    expect(one.stdout).toContain("first_line");
    const back = one.stdout.replaceAll(new RegExp(`"${whole.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+)"`, "g"), (_, line: string) => `"${where[Number(line) - 2]}"`);
    expect(split.stdout).toBe(back);
  }, 120_000);
});

describe("--max-lateness on reconcile and diff", () => {
  // The reconcile fixture's rows, reversed: every row earlier than the one before it, days apart.
  const [head, ...rows] = readFileSync("fixtures/reconcile/usage.csv", "utf8").trimEnd().split("\n");
  const reversed = join(dir, "reconcile-reversed.csv");
  writeFileSync(reversed, `${head}\n${[...rows].reverse().map((r) => `${r}\n`).join("")}`);
  const names = (text: string) => text.replaceAll(/"[^"]*(usage|reversed)[^"]*\.csv(:\d+)?"/g, '"ROW"');

  it("reconcile explains the bill the same whatever the lateness: streamed in order (60d) or sorted on disk (0)", async () => {
    const base = ["reconcile", "--account", "fixtures/reconcile/account.yaml", "--bill", "fixtures/reconcile/bill-clean.csv", "--format", "json"];
    const inOrder = await burnrate([...base, "--usage", "fixtures/reconcile/usage.csv"]);
    expect(inOrder.code, inOrder.stderr).toBe(0);
    for (const lateness of ["60d", "0"]) {
      const run = await burnrate([...base, "--usage", reversed, "--max-lateness", lateness]);
      expect(run.code, run.stderr).toBe(0);
      expect(names(run.stdout)).toBe(names(inOrder.stdout));
    }
  });

  it("diff gives the same change whatever the lateness", async () => {
    const base = ["diff", "--base", "ratecards/fliplet.yaml", "--card", "ratecards/fliplet.yaml", "--account", "fixtures/reconcile/account.yaml", "--format", "json"];
    const inOrder = await burnrate([...base, "--usage", "fixtures/reconcile/usage.csv"]);
    expect(inOrder.code, inOrder.stderr).toBe(0);
    for (const lateness of ["60d", "1s"]) {
      const run = await burnrate([...base, "--usage", reversed, "--max-lateness", lateness]);
      expect(run.code, run.stderr).toBe(0);
      expect(names(run.stdout)).toBe(names(inOrder.stdout));
    }
  });
});
