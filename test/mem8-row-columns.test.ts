import { describe, expect, it } from "vitest";
import { eventIdOf, type RowSource, type ShapedRows } from "../src/engine/rows.js";
import { Decimal } from "../src/money.js";
import { reorder } from "../src/usage/reorder.js";
import { sortRows } from "../src/usage/row-sort.js";
import { idColumn } from "./helpers/engine.js";

// The order stages' columns make a slot's account and event id columns only once a row has an
// account other than 0 or an id (src/usage/row-columns.ts): a log whose first rows have neither,
// over several of the reorder queue's chunks, and whose later rows have both, comes out of the
// reorder stage and the sort on disk with every row's account and id as it went in.

interface Row {
  at: number;
  line: number;
  account: number;
  id: string | undefined;
}

const source: RowSource = {
  accounts: ["a", "b", "c"],
  meters: ["m"],
  dimensions: [{}],
  quantities: [new Decimal(1)],
  origin: (line) => ({ file: "usage.csv", line, column: 1 }),
};

/** 30,000 rows a second apart (every 97th written 40 seconds late): rows from 20,000 on have an account by their line, and every other of them an id. */
function log(): Row[] {
  return Array.from({ length: 30_000 }, (_, i) => ({
    at: (i % 97 === 50 ? i - 40 : i) * 1000,
    line: i + 2,
    account: i < 20_000 ? 0 : i % 3,
    id: i >= 20_000 && i % 2 === 0 ? `e${i}` : undefined,
  }));
}

function* batches(rows: Row[], size: number): Generator<ShapedRows> {
  for (let start = 0; start < rows.length; start += size) {
    const part = rows.slice(start, start + size);
    const base = Math.min(...part.map((r) => r.at));
    yield {
      source,
      count: part.length,
      base,
      at: Int32Array.from(part.map((r) => r.at - base)),
      shape: new Int32Array(part.length),
      account: Int32Array.from(part.map((r) => r.account)),
      quantity: new Int32Array(part.length),
      otherQuantities: [],
      firstLine: part[0]!.line,
      line: Uint16Array.from(part.map((r) => r.line - part[0]!.line)),
      ids: part.some((r) => r.id !== undefined) ? idColumn(part.map((r) => r.id)) : undefined,
    };
  }
}

async function* slowly(rows: Iterable<ShapedRows>): AsyncGenerator<ShapedRows> {
  yield* rows;
}

/** Each batch read as it comes: the stages fill a batch's columns again once the next is asked for. */
async function rowsOf(out: AsyncIterable<ShapedRows>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const b of out) {
    for (let i = 0; i < b.count; i++) rows.push({ at: b.base + b.at[i]!, line: b.firstLine + b.line[i]!, account: b.account[i]!, id: eventIdOf(b.ids, i) });
  }
  return rows;
}

const byTime = (rows: Row[]) => [...rows].sort((a, b) => a.at - b.at);

describe("order stages' account and id columns, made on first use", () => {
  it("the reorder stage gives back rows without accounts or ids, then with them, in a stable time order", async () => {
    const rows = log();
    expect(await rowsOf(reorder(slowly(batches(rows, 1000)), { lateness: 60_000, maxHeld: 1 << 20 }))).toEqual(byTime(rows));
  });

  it("so does the sort in runs on disk", async () => {
    const rows = log();
    expect(await rowsOf(sortRows(slowly(batches(rows, 1000)), 7000))).toEqual(byTime(rows));
  });

  it("an account column made partway through a chunk keeps the earlier slots' account 0", async () => {
    const rows = log().map((r, i) => ({ ...r, account: i === 9000 ? 2 : 0, id: i === 9001 ? "only" : undefined }));
    expect(await rowsOf(reorder(slowly(batches(rows, 700)), { lateness: 60_000, maxHeld: 1 << 20 }))).toEqual(byTime(rows));
  });
});
