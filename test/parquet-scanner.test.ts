import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { binary, burnrate, ROOT } from "./helpers/cli.js";
import { eventsOf, scannedStatement } from "./helpers/scanned-statement.js";
import { ON_THREAD, THREAD_BYTES } from "./helpers/thread.js";

// Parquet went the plain reader's way, every row an event priced in full (stop 40: 2M rows in 10 s against the
// CSV's 2 s). A row group's records are now written as CSV lines for the row scanner (src/usage/record-lines.ts),
// on the reading thread for a large file. The statement must be the CSV's (a row's place is its row number, the
// CSV's line less the header's), and what the plain reader says of a file it still says, once.

const CARD = join(ROOT, "ratecards/fliplet.yaml");
const meters = ["data_read", "end_user_open", "maps_call", "data_write"] as const;

interface Rows {
  timestamp: string[];
  meter: string[];
  quantity: (number | null)[];
  project: string[];
  user: (string | null)[];
  /** A column no meter reads (the mapping ignores it). */
  trace: string[];
}

/** `n` rows over November; with `wide`, each row's trace is 96 random-looking hex digits, which Parquet cannot compress away. */
function rows(n: number, wide = false): Rows {
  const out: Rows = { timestamp: [], meter: [], quantity: [], project: [], user: [], trace: [] };
  let seed = 1;
  for (let i = 0; i < n; i++) {
    out.timestamp.push(new Date(Date.UTC(2026, 10, 1) + Math.floor((i * 29.5 * 86_400_000) / n)).toISOString().replace(".000Z", "Z"));
    const meter = meters[i % meters.length]!;
    out.meter.push(meter);
    out.quantity.push((i % 3) + 1);
    out.project.push(`p${i % 7}`);
    out.user.push(meter === "end_user_open" ? `u${i % 101}` : null);
    let trace = "";
    for (let k = 0; k < (wide ? 12 : 1); k++) trace += (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0).toString(16).padStart(8, "0");
    out.trace.push(trace);
  }
  return out;
}

function files(given: Rows, rowGroupSize?: number): string {
  const dir = mkdtempSync(join(tmpdir(), "parquet-scanner-"));
  const n = given.timestamp.length;
  const csv = ["timestamp,meter,quantity,project,user,trace"];
  for (let i = 0; i < n; i++) csv.push(`${given.timestamp[i]},${given.meter[i]},${given.quantity[i] ?? ""},${given.project[i]},${given.user[i] ?? ""},${given.trace[i]}`);
  writeFileSync(join(dir, "usage.csv"), `${csv.join("\n")}\n`);
  writeFileSync(join(dir, "burnrate.mapping.yaml"), "ignore_columns: [trace]\n");
  const parquet = parquetWriteBuffer({
    columnData: [
      { name: "timestamp", data: given.timestamp, type: "STRING" },
      { name: "meter", data: given.meter, type: "STRING" },
      { name: "quantity", data: given.quantity, type: "INT32" },
      { name: "project", data: given.project, type: "STRING" },
      { name: "user", data: given.user, type: "STRING" },
      { name: "trace", data: given.trace, type: "STRING" },
    ],
    ...(rowGroupSize === undefined ? {} : { rowGroupSize }),
  });
  writeFileSync(join(dir, "usage.parquet"), Buffer.from(parquet));
  return dir;
}

const args = (usage: string) => ["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"];
/** The CSV's statement with each row's place as Parquet numbers it: its line less the header's. */
const asParquet = (csv: string) => csv.replace(/usage\.csv:(\d+)/g, (_, line: string) => `usage.parquet:${Number(line) - 1}`);

describe("a Parquet log on the row scanner", () => {
  it("gives the statement of the same rows in CSV, its rows read by the scanner, across row groups", async () => {
    const dir = files(rows(3000), 700);
    const fromParquet = await scannedStatement(args("usage.parquet"), dir);
    const fromCsv = await burnrate(args("usage.csv"), { cwd: dir });
    expect(fromParquet.stderr).toBe("");
    expect(fromParquet.stdout).toBe(asParquet(fromCsv.stdout));
    // 3,000 rows in turn over four meters: 750 each.
    expect(eventsOf(fromParquet.stdout, "data_read")).toBe(750);
  });

  it("on the reading thread, for a file past the thread's size, gives the CSV's statement too", () => {
    // Parquet keeps a wide row in more than 96 bytes, most of them its trace's (100,000 rows wrote 9.7 MiB): 10,923 rows
    // (1,048,576 / 96 = 10,922.7, rounded up) are past the thread's size (test/helpers/thread.ts). The statement names rows
    // (their places are compared) once the pro plan's credits are gone: 1,100 with the run pool's grace, of which the 707 end
    // users (7 projects × 101 users) take 0.25 each, 176.75, and each twelve rows a read, a maps call and a write of 1, 2 and 3,
    // (0.01 + 0.08 + 0.05) × 6 = 0.84, 0.07 a row: (1,100 − 176.75) / 0.07 = 13,189.3 rows. 14,000 rows run some 800 past them.
    const dir = files(rows(Math.max(Math.ceil(THREAD_BYTES / 96), 14_000), true));
    expect(statSync(join(dir, "usage.parquet")).size).toBeGreaterThan(THREAD_BYTES);
    const fromParquet = binary(args("usage.parquet"), { cwd: dir, env: ON_THREAD });
    const fromCsv = binary(args("usage.csv"), { cwd: dir, env: ON_THREAD });
    expect(fromParquet.stderr).toBe("");
    expect(fromParquet.code).toBe(0);
    expect(fromParquet.stdout).toBe(asParquet(fromCsv.stdout));
    expect(fromParquet.stdout).toMatch(/usage\.parquet:\d+/);
  });

  it("says once what the plain reader says of rows whose quantity is null", async () => {
    const given = rows(400);
    given.quantity[10] = null;
    given.quantity[20] = null;
    const r = await burnrate(args("usage.parquet"), { cwd: files(given) });
    expect(r.code).toBe(0);
    // One note a meter (since stop 66), each once: rows 11 and 21 are a maps_call's and a data_read's.
    expect(r.stderr).toBe('burnrate: note: 1 row of meter "maps_call" has no quantity ("quantity" empty, null or left out; the first at usage.parquet:11:1), where its other rows give one: it is read as one event, a quantity of 1; an export that lost the count is most often short there, and skip_rows: { quantity: [""] } in the usage mapping leaves such rows out where they are not usage\nburnrate: note: 1 row of meter "data_read" has no quantity ("quantity" empty, null or left out; the first at usage.parquet:21:1), where its other rows give one: it is read as one event, a quantity of 1; an export that lost the count is most often short there, and skip_rows: { quantity: [""] } in the usage mapping leaves such rows out where they are not usage\n');
  });

  it("refuses a bad row at its row, as the plain reader does", async () => {
    const given = rows(400);
    given.meter[250] = "date_read";
    const r = await burnrate(args("usage.parquet"), { cwd: files(given, 100) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^burnrate: error: usage\.parquet:251:2: unknown meter "date_read"/);
  });
});

// A file with a group (STRUCT) column is read as objects, each flattened as a JSON line's is. Until stop 50 a row group's
// objects and records were all made at once: 492 MB for 2M rows in DuckDB's groups of 122,880. Now a batch's objects
// are made from the group's columns as the batch is read; the rows, their order and their places are as before.
describe("a Parquet log with a group column", () => {
  /** The rows' project and user under `props`, a group, in row groups of `rowGroupSize`; `twice` names a second top-level column `meter`. */
  function nested(given: Rows, rowGroupSize: number, twice = false): string {
    const dir = files(given);
    const n = given.timestamp.length;
    const parquet = parquetWriteBuffer({
      schema: [
        { name: "root", num_children: twice ? 5 : 4 },
        { name: "timestamp", type: "BYTE_ARRAY", repetition_type: "REQUIRED", converted_type: "UTF8" },
        { name: "meter", type: "BYTE_ARRAY", repetition_type: "REQUIRED", converted_type: "UTF8" },
        { name: "quantity", type: "INT32", repetition_type: "OPTIONAL" },
        { name: "props", repetition_type: "OPTIONAL", num_children: 2 },
        { name: "project", type: "BYTE_ARRAY", repetition_type: "OPTIONAL", converted_type: "UTF8" },
        { name: "user", type: "BYTE_ARRAY", repetition_type: "OPTIONAL", converted_type: "UTF8" },
        ...(twice ? [{ name: "meter", type: "BYTE_ARRAY", repetition_type: "REQUIRED", converted_type: "UTF8" }] : []),
      ],
      columnData: [
        { name: "timestamp", data: given.timestamp },
        { name: "meter", data: given.meter },
        { name: "quantity", data: given.quantity },
        { name: "props", data: given.project.map((project, i) => ({ project, user: given.user[i] })) },
        ...(twice ? [{ name: "meter", data: given.meter }] : []),
      ],
      rowGroupSize,
    } as Parameters<typeof parquetWriteBuffer>[0]);
    writeFileSync(join(dir, "usage.parquet"), Buffer.from(parquet));
    writeFileSync(join(dir, "usage.parquet.mapping.yaml"), "rename:\n  props.project: project\n  props.user: user\n");
    expect(n).toBe(given.meter.length);
    return dir;
  }

  for (const rowGroupSize of [3000, 700]) {
    it(`gives the statement of the same rows in CSV, in row groups of ${rowGroupSize} read in batches`, async () => {
      const dir = nested(rows(3000), rowGroupSize);
      const fromParquet = await burnrate(args("usage.parquet"), { cwd: dir });
      const fromCsv = await burnrate(args("usage.csv"), { cwd: dir });
      expect(fromParquet.stderr).toBe("");
      expect(fromParquet.code).toBe(0);
      expect(fromParquet.stdout).toBe(asParquet(fromCsv.stdout));
      // 3,000 rows in turn over four meters: 750 each; the users of end_user_open are u(i % 101) for i = 1, 5, 9, ...: all 101.
      expect(eventsOf(fromParquet.stdout, "data_read")).toBe(750);
    });
  }

  it("refuses two top-level columns of one name, as a CSV header's, where an object would keep one", async () => {
    const dir = nested(rows(10), 10, true);
    const run = await burnrate(args("usage.parquet"), { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`burnrate: error: usage.parquet:1:5: duplicate column "meter" (expected each column named once, found also column 2)\n`);
  });
});
