import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Parquet values whose JavaScript value is not the cell a CSV of the same data holds (red team, stop 35, F3, F14,
// F15). Fliplet pro: data_read 0.01 a read, end users by project.
const CARD = join(ROOT, "ratecards/fliplet.yaml");

type Lines = { dimensions: { project: string }; quantity: string; amount: string }[];
type Cycles = { start: string; lines: Lines }[];

/** A Parquet file of data_read rows: a timestamp column of the given schema element and values, and a quantity column. */
function parquet(timestamp: { element: object; data: unknown[] }, quantity: { element: object; data: unknown[] }, project: object = { converted_type: "UTF8" }): string {
  const dir = mkdtempSync(join(tmpdir(), "pq17-"));
  const file = join(dir, "usage.parquet");
  const rows = timestamp.data.length;
  writeFileSync(
    file,
    Buffer.from(
      parquetWriteBuffer({
        schema: [
          { name: "root", num_children: 4 },
          { name: "timestamp", repetition_type: "REQUIRED", ...timestamp.element },
          { name: "meter", type: "BYTE_ARRAY", repetition_type: "REQUIRED", converted_type: "UTF8" },
          { name: "project", type: "BYTE_ARRAY", repetition_type: "REQUIRED", ...project },
          { name: "quantity", repetition_type: "REQUIRED", ...quantity.element },
        ],
        columnData: [
          { name: "timestamp", data: timestamp.data },
          { name: "meter", data: new Array(rows).fill("data_read") },
          { name: "project", data: timestamp.data.map((_, i) => new TextEncoder().encode(`p${i + 1}é`)) },
          { name: "quantity", data: quantity.data },
        ],
      } as Parameters<typeof parquetWriteBuffer>[0]),
    ),
  );
  return dir;
}

/** The note of a Parquet file's one wall-clock time that New York and UTC put in two cycles, at its row. */
const wallClockNote = (file: string, row: number) =>
  `burnrate: note: 1 row of ${file} (the first at ${file}:${row}) has a time without an offset, read in America/New_York, the account's time zone, where UTC would put it in another cycle; if the export writes UTC, timestamp_zone: UTC in the usage mapping reads it so (timestamp_zone: "America/New_York" says the account's zone is meant, and ends this note)\n`;

const STRING_TIMES = (n: number) => ({ element: { type: "BYTE_ARRAY", converted_type: "UTF8" }, data: new Array(n).fill("2026-11-02T10:00:00Z") });

async function statement(dir: string, account: string[] = ["--plan", "pro", "--anchor", "2026-11-01"], stderr = ""): Promise<Cycles> {
  const run = await burnrate(["statement", "--card", CARD, "--usage", join(dir, "usage.parquet"), ...account, "--format", "json"]);
  expect(run.stderr).toBe(stderr);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout).accounts[0].cycles as Cycles;
}

/** Each line's project (without the é every project name ends in), quantity and amount. */
function lines(cycles: Cycles): string[][] {
  return cycles.flatMap((c) => c.lines.map((l) => [l.dimensions.project.replace(/é$/, ""), l.quantity, l.amount]));
}

describe("Parquet DECIMAL quantities are read exactly, from the unscaled integer and the scale", () => {
  it("INT64 DECIMAL(19,15): 1234.123456789012345 keeps its 19 digits", async () => {
    const dir = parquet(STRING_TIMES(2), {
      element: { type: "INT64", converted_type: "DECIMAL", scale: 15, precision: 19, logical_type: { type: "DECIMAL", scale: 15, precision: 19 } },
      data: [1234123456789012345n, 500000000000000n],
    });
    // 1234.123456789012345 x 0.01 = 12.34123456789012345; 0.5 x 0.01 = 0.005.
    expect(lines(await statement(dir))).toEqual([
      ["p1", "1234.123456789012345", "12.34123456789012345"],
      ["p2", "0.5", "0.005"],
    ]);
  });

  for (const bytes of [{ type: "FIXED_LEN_BYTE_ARRAY", type_length: 16 }, { type: "BYTE_ARRAY" }]) {
    it(`${bytes.type} DECIMAL(38,18), as Spark and BigQuery export: 20 digits, and 1e-18`, async () => {
      const dir = parquet(STRING_TIMES(2), { element: { ...bytes, converted_type: "DECIMAL", scale: 18, precision: 38 }, data: [12345678901234567891n, 1n] });
      // 12.345678901234567891 x 0.01 = 0.12345678901234567891; 1e-18 x 0.01 = 1e-20.
      expect(lines(await statement(dir))).toEqual([
        ["p1", "12.345678901234567891", "0.12345678901234567891"],
        ["p2", "0.000000000000000001", "0.00000000000000000001"],
      ]);
    });
  }

  it("INT32 DECIMAL(9,2) with only its logical type: 12.50 reads 12.5, not the unscaled 1250", async () => {
    const dir = parquet(STRING_TIMES(1), { element: { type: "INT32", logical_type: { type: "DECIMAL", scale: 2, precision: 9 } }, data: [1250] });
    // 12.5 x 0.01 = 0.125.
    expect(lines(await statement(dir))).toEqual([["p1", "12.5", "0.125"]]);
  });
});

describe("Parquet bytes without an annotation", () => {
  it("are UTF-8 text, as before the DECIMAL bytes were read as bytes", async () => {
    const dir = parquet(STRING_TIMES(1), { element: { type: "INT64" }, data: [2n] }, {});
    const cycles = await statement(dir);
    // 2 x 0.01 = 0.02, for project "p1é" read whole.
    expect(cycles[0]!.lines.map((l) => [l.dimensions.project, l.quantity, l.amount])).toEqual([["p1é", "2", "0.02"]]);
  });
});

describe("Parquet FLOAT quantities read as the shortest decimal that reads back as the same float32", () => {
  it("2.3, 0.1 and 12.3456 as written, not widened to a double's 2.299999952316284", async () => {
    const dir = parquet(STRING_TIMES(4), { element: { type: "FLOAT" }, data: [2.3, 0.1, 12.3456, 1234.5678] });
    // 2.3 x 0.01 = 0.023; 0.1 x 0.01 = 0.001; 12.3456 x 0.01 = 0.123456. float32(1234.5678) is 1234.5677490234375, its
    // neighbours 2^-13 away: 1234.5677 and 1234.5678 both read back as it, 1234.5677 is the nearer (0.000049 against
    // 0.000051), as Java and numpy print it; x 0.01 = 12.345677.
    expect(lines(await statement(dir))).toEqual([
      ["p1", "2.3", "0.023"],
      ["p2", "0.1", "0.001"],
      ["p3", "12.3456", "0.123456"],
      ["p4", "1234.5677", "12.345677"],
    ]);
  });

  it("a whole number is the integer it holds: 123456792 (a float32 exactly), not its shortest form 123456790", async () => {
    const dir = parquet(STRING_TIMES(1), { element: { type: "FLOAT" }, data: [123456792] });
    // An allowance that covers it: 123456792 x 0.01 = 1234567.92.
    writeFileSync(join(dir, "account.yaml"), "plan: pro\nallowance: 2000000\nanchor: 2026-11-01\n");
    expect(lines(await statement(dir, ["--account", join(dir, "account.yaml")]))).toEqual([["p1", "123456792", "1234567.92"]]);
  });
});

describe("Parquet FLOAT16 quantities read as the shortest decimal that reads back as the same half float", () => {
  it("0.1 (0x2e66, 0.0999755859375 exactly) reads 0.1, and 2.5 reads 2.5", async () => {
    // The writer stores the nearest half floats: 0x2e66, 1.599609375 x 2^-4 = 0.0999755859375, and 0x4100, 2.5.
    const dir = parquet(STRING_TIMES(2), { element: { type: "FIXED_LEN_BYTE_ARRAY", type_length: 2, logical_type: { type: "FLOAT16" } }, data: [0.1, 2.5] });
    // 0.1 x 0.01 = 0.001; 2.5 x 0.01 = 0.025.
    expect(lines(await statement(dir))).toEqual([
      ["p1", "0.1", "0.001"],
      ["p2", "2.5", "0.025"],
    ]);
  });

  it("65504, the largest half float, reads 65504, not 65500", async () => {
    const dir = parquet(STRING_TIMES(1), { element: { type: "FIXED_LEN_BYTE_ARRAY", type_length: 2, logical_type: { type: "FLOAT16" } }, data: [65504] });
    // 65504 x 0.01 = 655.04.
    expect(lines(await statement(dir))).toEqual([["p1", "65504", "655.04"]]);
  });
});

describe("Parquet wall-clock timestamps and dates are read in the account's time zone, as CSV without an offset is", () => {
  const ACCOUNT = (dir: string) => {
    const file = join(dir, "acme.yaml");
    writeFileSync(file, "plan: pro\nanchor: 2026-10-01\ntimezone: America/New_York\n");
    return ["--account", file];
  };
  const INT64 = { element: { type: "INT64" }, data: [100n, 1n] };
  // 2026-10-31 23:30 and 2026-11-01 00:30 on the wall clock; New York's November cycle starts 2026-11-01 04:00Z.
  const WALL_MS = [Date.UTC(2026, 9, 31, 23, 30), Date.UTC(2026, 10, 1, 0, 30)];

  for (const unit of ["MILLIS", "MICROS", "NANOS"] as const) {
    it(`TIMESTAMP(${unit}, isAdjustedToUTC: false): 00:30 on 1 November is November's, 23:30 on 31 October October's`, async () => {
      const scale = { MILLIS: 1n, MICROS: 1000n, NANOS: 1000000n }[unit];
      const dir = parquet({ element: { type: "INT64", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit } }, data: WALL_MS.map((ms) => BigInt(ms) * scale) }, INT64);
      // As a CSV time without an offset is: the second row, which UTC would put in October, is told (stop 41).
      const cycles = await statement(dir, ACCOUNT(dir), wallClockNote(join(dir, "usage.parquet"), 2));
      // October: 100 x 0.01 = 1; November: 1 x 0.01 = 0.01.
      expect(cycles.map((c) => [c.start, lines([c])])).toEqual([
        ["2026-10-01T04:00:00Z", [["p1", "100", "1"]]],
        ["2026-11-01T04:00:00Z", [["p2", "1", "0.01"]]],
      ]);
    });
  }

  it("TIMESTAMP(isAdjustedToUTC: true) stays an instant: 00:30Z on 1 November is 20:30 on 31 October in New York", async () => {
    const dir = parquet({ element: { type: "INT64", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" } }, data: WALL_MS.map(BigInt) }, INT64);
    const cycles = await statement(dir, ACCOUNT(dir));
    // Both in October: 100 x 0.01 + 1 x 0.01 = 1.01.
    expect(cycles.map((c) => [c.start, lines([c])])).toEqual([["2026-10-01T04:00:00Z", [["p1", "100", "1"], ["p2", "1", "0.01"]]]]);
  });

  // Stop 50: a flat file's times are read as numbers, not hyparquet's Dates, which held about 120 bytes a row. Every
  // annotation a writer gives an instant is read as the same instant: the logical type in each unit, and the legacy
  // converted types alone (older Spark and Hive), a microsecond's and a nanosecond's fraction cut to the millisecond.
  const INSTANTS: [string, object, bigint][] = [
    ["TIMESTAMP(MICROS, isAdjustedToUTC: true)", { logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" } }, 1000n],
    ["TIMESTAMP(NANOS, isAdjustedToUTC: true)", { logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "NANOS" } }, 1000000n],
    ["the converted type TIMESTAMP_MILLIS alone", { converted_type: "TIMESTAMP_MILLIS" }, 1n],
    ["the converted type TIMESTAMP_MICROS alone", { converted_type: "TIMESTAMP_MICROS" }, 1000n],
  ];
  for (const [name, annotation, scale] of INSTANTS) {
    it(`${name} is an instant: 03:59:59.999999Z on 1 November is October's in New York, 04:00Z November's`, async () => {
      // New York's November cycle starts at 04:00Z. The first row's fraction past the millisecond is cut, not rounded up.
      const ms = [Date.UTC(2026, 10, 1, 3, 59, 59, 999), Date.UTC(2026, 10, 1, 4)];
      const below = scale === 1n ? 0n : scale - 1n;
      const dir = parquet({ element: { type: "INT64", ...annotation }, data: [BigInt(ms[0]!) * scale + below, BigInt(ms[1]!) * scale] }, INT64);
      const cycles = await statement(dir, ACCOUNT(dir));
      // October: 100 x 0.01 = 1; November: 1 x 0.01 = 0.01.
      expect(cycles.map((c) => [c.start, lines([c])])).toEqual([
        ["2026-10-01T04:00:00Z", [["p1", "100", "1"]]],
        ["2026-11-01T04:00:00Z", [["p2", "1", "0.01"]]],
      ]);
    });
  }

  it("a wall-clock timestamp is read in the mapping's timestamp_zone: when it sets one", async () => {
    const dir = parquet({ element: { type: "INT64", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MILLIS" } }, data: WALL_MS.map(BigInt) }, INT64);
    writeFileSync(join(dir, "usage.parquet.mapping.yaml"), "timestamp_zone: UTC\n");
    const cycles = await statement(dir, ACCOUNT(dir));
    // Read as UTC, both are before 04:00Z on 1 November: October, 1.01.
    expect(cycles.map((c) => [c.start, lines([c])])).toEqual([["2026-10-01T04:00:00Z", [["p1", "100", "1"], ["p2", "1", "0.01"]]]]);
  });

  it("DATE 2026-11-01 is the account's 1 November, November's cycle (as the CSV date is), legacy or logical annotation", async () => {
    const days = Date.UTC(2026, 10, 1) / 86_400_000;
    for (const element of [{ type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } }, { type: "INT32", logical_type: { type: "DATE" } }]) {
      const dir = parquet({ element, data: [days, days] }, INT64);
      const cycles = await statement(dir, ACCOUNT(dir));
      // 100 x 0.01 = 1 and 1 x 0.01 = 0.01, both in November; October's cycle has no line.
      expect(cycles.map((c) => [c.start, lines([c])])).toEqual([
        ["2026-10-01T04:00:00Z", []],
        ["2026-11-01T04:00:00Z", [["p1", "100", "1"], ["p2", "1", "0.01"]]],
      ]);
    }
  });
});

describe("Parquet values inside a group (nested fields) are read the same way", () => {
  it("a struct's DECIMAL and wall-clock TIMESTAMP fields", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pq17-"));
    writeFileSync(join(dir, "acme.yaml"), "plan: pro\nanchor: 2026-10-01\ntimezone: America/New_York\n");
    writeFileSync(
      join(dir, "usage.parquet"),
      Buffer.from(
        parquetWriteBuffer({
          schema: [
            { name: "root", num_children: 3 },
            { name: "meter", type: "BYTE_ARRAY", repetition_type: "REQUIRED", converted_type: "UTF8" },
            { name: "project", type: "BYTE_ARRAY", repetition_type: "REQUIRED", converted_type: "UTF8" },
            { name: "data", repetition_type: "REQUIRED", num_children: 2 },
            { name: "at", type: "INT64", repetition_type: "REQUIRED", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MILLIS" } },
            { name: "reads", type: "INT64", repetition_type: "REQUIRED", converted_type: "DECIMAL", scale: 15, precision: 19 },
          ],
          columnData: [
            { name: "meter", data: ["data_read"] },
            { name: "project", data: ["alpha"] },
            { name: "data", data: [{ at: BigInt(Date.UTC(2026, 10, 1, 0, 30)), reads: 1234123456789012345n }] },
          ],
        } as Parameters<typeof parquetWriteBuffer>[0]),
      ),
    );
    writeFileSync(join(dir, "usage.parquet.mapping.yaml"), "columns:\n  timestamp: data.at\n  quantity: data.reads\n");
    const run = await burnrate(["statement", "--card", CARD, "--usage", join(dir, "usage.parquet"), "--account", join(dir, "acme.yaml"), "--format", "json"]);
    expect(run.stderr).toBe(wallClockNote(join(dir, "usage.parquet"), 1));
    const cycles = JSON.parse(run.stdout).accounts[0].cycles as Cycles;
    // 00:30 local on 1 November is November's; 1234.123456789012345 x 0.01 = 12.34123456789012345.
    expect(cycles.map((c) => [c.start, lines([c])])).toEqual([
      ["2026-10-01T04:00:00Z", []],
      ["2026-11-01T04:00:00Z", [["alpha", "1234.123456789012345", "12.34123456789012345"]]],
    ]);
  });
});

// A Parquet quantity written null is priced as one event, as an empty CSV cell and a JSON null are, and said on
// stderr as a JSON null is (red team, stop 35: the note was given for JSON Lines alone). Fliplet data_read: 0.01.
describe("Parquet: a quantity written null", () => {
  it("is priced as one read and told, with the rows' count and the first row", async () => {
    const dir = parquet(STRING_TIMES(3), { element: { type: "DOUBLE", repetition_type: "OPTIONAL" }, data: [10, null, null] });
    const file = join(dir, "usage.parquet");
    const run = await burnrate(["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", file, "--format", "json"]);
    expect(run.code).toBe(0);
    // 10 + 1 + 1 reads at 0.01.
    expect(lines(JSON.parse(run.stdout).accounts[0].cycles)).toEqual([
      ["p1", "10", "0.1"],
      ["p2", "1", "0.01"],
      ["p3", "1", "0.01"],
    ]);
    // Told by meter since stop 66, where data_read's first row gives a quantity (newcomer66 H1).
    expect(run.stderr).toBe(`burnrate: note: 2 rows of meter "data_read" have no quantity ("quantity" empty, null or left out; the first at ${file}:2:1), where its other rows give one: each is read as one event, a quantity of 1; an export that lost the count is most often short there, and skip_rows: { quantity: [""] } in the usage mapping leaves such rows out where they are not usage\n`);
  });
});

