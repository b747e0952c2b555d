import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetRead } from "hyparquet";
import { asyncBufferFromFile } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { NO_MAPPING } from "../src/usage/mapping.js";
import { leafText } from "../src/usage/object-leaves.js";
import { UNTOLD } from "../src/usage/objects.js";
import { columnValues, parquetRecords } from "../src/usage/parquet-read.js";
import { NeedsFullParser } from "../src/usage/plain-csv.js";
import { KeptNotes, parquetAsCsv } from "../src/usage/record-lines.js";

// A flat Parquet file is read column by column (parquet-read.ts: hyparquet's chunks of each column), where it was
// read as hyparquet's rows. Its cells must be the rows' cells, whatever the file holds: row groups of any size,
// pages of any size, nulls anywhere, strings (empty, non-ASCII, repeated so that they are dictionary-encoded), whole numbers of 32
// and 64 bits, doubles and booleans.
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const dir = mkdtempSync(join(tmpdir(), "parquet-columns-"));

const column = fc.oneof(
  fc.record({ type: fc.constant("STRING" as const), values: fc.array(fc.option(fc.constantFrom("", "a", "p1", "é", "😀 x", "2026-11-02T10:00:00Z", "é,x", 'q"', "a\nb"), { nil: null }), { minLength: 60, maxLength: 60 }) }),
  fc.record({ type: fc.constant("INT32" as const), values: fc.array(fc.option(fc.integer({ min: -5, max: 1000 }), { nil: null }), { minLength: 60, maxLength: 60 }) }),
  fc.record({ type: fc.constant("INT64" as const), values: fc.array(fc.option(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), { nil: null }), { minLength: 60, maxLength: 60 }) }),
  fc.record({ type: fc.constant("DOUBLE" as const), values: fc.array(fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }), { minLength: 60, maxLength: 60 }) }),
  fc.record({ type: fc.constant("BOOLEAN" as const), values: fc.array(fc.option(fc.boolean(), { nil: null }), { minLength: 60, maxLength: 60 }) }),
);

/** The scanner's CSV lines of a file (parquetAsCsv), or "given up" where it leaves the file to the plain reader. */
async function csvOf(path: string): Promise<string> {
  const out: Buffer[] = [];
  try {
    for await (const bytes of parquetAsCsv(path, { file: path, mapping: NO_MAPPING, read: { names: new Set() } as never }, new KeptNotes())) out.push(bytes);
  } catch (e) {
    if (e instanceof NeedsFullParser) return "given up";
    throw e;
  }
  return Buffer.concat(out).toString("utf8");
}

/** The cells of hyparquet's own rows of the file: what the reader of rows gave before the columns. */
async function rowCells(path: string): Promise<string[][]> {
  let rows: unknown[][] = [];
  await parquetRead({ file: await asyncBufferFromFile(path), utf8: false, onComplete: (r: unknown[][]) => (rows = r) });
  return rows.map((row) => row.map(leafText));
}

describe("a flat Parquet file read column by column", () => {
  it("gives the cells of hyparquet's rows, a row's line its row number, the header first", async () => {
    let files = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(column, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 0, max: 60 }), fc.constantFrom(16, 64, 1 << 20), async (columns, rowGroupSize, rows, pageSize) => {
        const path = join(dir, `t${files++}.parquet`);
        const columnData = columns.map((c, i) => ({ name: `c${i}`, data: c.values.slice(0, rows), type: c.type, nullable: true }));
        writeFileSync(path, Buffer.from(parquetWriteBuffer({ columnData, rowGroupSize, pageSize })));
        const records: { record: string[]; line: number }[] = [];
        for await (const batch of parquetRecords(path, { file: path, mapping: NO_MAPPING, notes: UNTOLD })) records.push(...batch.map((r) => ({ record: [...r.record], line: r.line })));
        const expected = (await rowCells(path)).map((record, i) => ({ record, line: i + 1 }));
        expect(records).toEqual([{ record: columns.map((_, i) => `c${i}`), line: 1 }, ...expected]);
        // The scanner's CSV lines of the same rows: each record's cells joined, where a CSV line holds them as they are; else the file is given up.
        const lines = records.map((r) => r.record.join(","));
        const holds = records.every((r) => !r.record.some((cell) => /[",\r\n]/.test(cell))) && !lines.slice(1).includes("");
        expect(await csvOf(path)).toBe(holds ? lines.map((line) => `${line}\n`).join("") : "given up");
      }),
      { numRuns: RUNS },
    );
  });

  it("takes a column's values from chunks as hyparquet's rows do: several, one begun before the group, one short, one of another column of the name", () => {
    const chunk = (rowStart: number, columnData: unknown[]) => ({ columnName: "c", columnData, rowStart, rowEnd: rowStart + columnData.length });
    // Pages of one column chunk, the group's rows 10 to 15.
    expect(Array.from(columnValues([chunk(8, ["a", "b", "c"]), chunk(11, ["d", "e"]), chunk(13, ["f"])], 10, 6))).toEqual(["c", "d", "e", "f", undefined, undefined]);
    // A second column of the same name begins again: the first's run is kept.
    expect(Array.from(columnValues([chunk(10, ["x", "y"]), chunk(10, ["p", "q"])], 10, 2))).toEqual(["x", "y"]);
    // One chunk of the group's rows is the values as they are.
    const whole = ["u", "v"];
    expect(columnValues([chunk(10, whole)], 10, 2)).toBe(whole);
  });

  it("as the scanner's CSV lines, gives a file whose cells a CSV line cannot hold to the plain reader, wherever in a cell the comma or quote is", async () => {
    const file = (values: string[]) => {
      const path = join(dir, `cells-${values.length}-${Buffer.from(values.join("|")).toString("hex").slice(0, 16)}.parquet`);
      writeFileSync(path, Buffer.from(parquetWriteBuffer({ columnData: [{ name: "project", data: values, type: "STRING" }] })));
      return path;
    };
    expect(await csvOf(file(["p1", "é 😀"]))).toBe("project\np1\né 😀\n");
    for (const cell of ["a,é", "é,a", 'é"a', "é\na", "é\ra"]) expect(await csvOf(file(["p1", cell])), JSON.stringify(cell)).toBe("given up");
  });
});
