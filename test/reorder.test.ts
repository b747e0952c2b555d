import fc from "fast-check";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { eventIdOf, quantityPart, type RowSource, type ShapedRows } from "../src/engine/rows.js";
import { Decimal } from "../src/money.js";
import { reorder, TooLate } from "../src/usage/reorder.js";
import { idColumn } from "./helpers/engine.js";
import { sortRows } from "../src/usage/row-sort.js";

// The order stages on rows as columns (src/usage/reorder.ts, src/usage/row-sort.ts):
// each gives back every row, with every field, in a stable sort by time.

interface Row {
  at: number;
  shape: number;
  /** A number of the source's quantities, or a text the row carries itself. */
  quantity: number | string;
  line: number;
  id: string | undefined;
  /** The row's account number; without one, accountOf(line). */
  account?: number;
}

const source: RowSource = {
  accounts: ["a", "b", "c"],
  meters: ["m", "m", "n"],
  dimensions: [{}, { p: "x" }, {}],
  quantities: [new Decimal(1), new Decimal("2.5")],
  origin: (line) => ({ file: "usage.csv", line, column: 1 }),
};

/** A row's account number, told by its line (the rows' own fields are compared whole). */
const accountOf = (line: number) => line % 5;

/** Rows in batches of the given sizes, as the scanner sends them (offsets from each batch's first row). */
function* batches(rows: Row[], sizes: number[]): Generator<ShapedRows> {
  let k = 0;
  for (let start = 0; start < rows.length; k++) {
    const part = rows.slice(start, start + sizes[k % sizes.length]!);
    // A batch's instants are offsets of its first (as the scanner's): it ends before a row too far from its others.
    for (let lo = part[0]!.at, hi = lo, i = 1; i < part.length; i++) {
      lo = Math.min(lo, part[i]!.at);
      hi = Math.max(hi, part[i]!.at);
      if (hi - lo > 2 ** 31 - 1) part.length = i;
    }
    start += part.length;
    const base = Math.min(...part.map((r) => r.at));
    const firstLine = Math.min(...part.map((r) => r.line));
    yield {
      source,
      count: part.length,
      base,
      at: Int32Array.from(part.map((r) => r.at - base)),
      shape: Int32Array.from(part.map((r) => r.shape)),
      account: Int32Array.from(part.map((r) => r.account ?? accountOf(r.line))),
      quantity: Int32Array.from(part.map((r) => (typeof r.quantity === "number" ? r.quantity : -1))),
      otherQuantities: part.flatMap((r) => (typeof r.quantity === "string" ? [new Decimal(r.quantity)] : [])),
      firstLine,
      line: Uint16Array.from(part.map((r) => r.line - firstLine)),
      ids: part.some((r) => r.id !== undefined) ? idColumn(part.map((r) => r.id)) : undefined,
    };
  }
}

async function* slowly(rows: Iterable<ShapedRows>): AsyncGenerator<ShapedRows> {
  yield* rows;
}

/** The rows out of a stage; `accounts`: each row's account as it came out, else checked to be accountOf(line). */
async function rowsOf(out: AsyncIterable<ShapedRows>, accounts = false): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const b of out) {
    expect(b.source).toBe(source);
    let other = 0;
    for (let i = 0; i < b.count; i++) {
      const q = b.quantity[i]!;
      const row: Row = { at: b.base + b.at[i]!, shape: b.shape[i]!, quantity: q >= 0 ? q : quantityPart(b.otherQuantities[other++]!).toFixed(), line: b.firstLine + b.line[i]!, id: eventIdOf(b.ids, i) };
      // The account column travels with its row, through the reorder and the sorted runs on disk.
      if (accounts) row.account = b.account[i]!;
      else expect(b.account[i]).toBe(accountOf(row.line));
      rows.push(row);
    }
    expect(other).toBe(b.otherQuantities.length);
  }
  return rows;
}

/** The rows in a stable sort by time, quantities as their Decimals write them. */
const stableByTime = (rows: Row[]) => [...rows].sort((a, b) => a.at - b.at).map((r) => ({ ...r, quantity: typeof r.quantity === "string" ? new Decimal(r.quantity).toFixed() : r.quantity }));

/** Rows on lines 2, 3, ... with instants around 2026 (few distinct ones, so that ties are common). */
const rowList = fc.array(
  fc.record({
    at: fc.integer({ min: 0, max: 40 }).map((s) => Date.UTC(2026, 0, 1) + s * 60_000),
    shape: fc.integer({ min: 0, max: 2 }),
    quantity: fc.oneof(fc.integer({ min: 0, max: 1 }), fc.constantFrom("3", "0.125", "7.50")),
    id: fc.option(fc.constantFrom("e1", "e2", "ü,x"), { nil: undefined }),
  }),
  { maxLength: 80 },
).map((rs) => rs.map((r, i) => ({ ...r, line: i + 2 })));
const sizes = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 });

/** How late each row is: how much earlier than the latest row before it. */
function latenessOf(rows: Row[]): number {
  let latest = -Infinity;
  let most = 0;
  for (const r of rows) {
    most = Math.max(most, latest - r.at);
    latest = Math.max(latest, r.at);
  }
  return most;
}

describe("the reorder stage", () => {
  it("puts rows no later than the lateness back in a stable time order, with every field, in batches of any size", async () => {
    await fc.assert(
      fc.asyncProperty(rowList, sizes, fc.integer({ min: 0, max: 10 }), async (rows, cut, extra) => {
        const lateness = latenessOf(rows) + extra * 60_000;
        const got = await rowsOf(reorder(slowly(batches(rows, cut)), { lateness, maxHeld: 1 << 20 }));
        expect(got).toEqual(stableByTime(rows));
      }),
      { numRuns: 300 },
    );
  });

  it("leaves the last batch it gave as it was until the one after it is asked for too (the replay's reader reads it again); earlier batches' columns are filled again", async () => {
    // 40,000 rows a second apart, every tenth written 5 seconds late: several batches of 8,192 come out.
    const rows: Row[] = Array.from({ length: 40_000 }, (_, i) => ({ at: (i % 10 === 0 ? i - 5 : i) * 1000, shape: i % 3, quantity: i % 2, line: i + 2, id: undefined }));
    const read = (b: ShapedRows) => Array.from({ length: b.count }, (_, i) => [b.base + b.at[i]!, b.shape[i]!, b.quantity[i]!, b.firstLine + b.line[i]!]);
    const buffers = new Set<ArrayBufferLike>();
    let reused = 0;
    let last: { batch: ShapedRows; rows: number[][] } | undefined;
    const got: number[][] = [];
    for await (const b of reorder(slowly(batches(rows, [1000])), { lateness: 6000, maxHeld: 1 << 20 })) {
      if (last !== undefined) expect(read(last.batch)).toEqual(last.rows);
      if (buffers.has(b.at.buffer)) reused++;
      buffers.add(b.at.buffer);
      last = { batch: b, rows: read(b) };
      got.push(...last.rows);
    }
    expect(reused).toBeGreaterThan(0);
    expect(got).toEqual(stableByTime(rows).map((r) => [r.at, r.shape, r.quantity, r.line]));
  });

  it("throws TooLate only for a row later than the lateness (or than the rows it may hold); what it gave before is in order", async () => {
    let threw = 0;
    await fc.assert(
      fc.asyncProperty(rowList, sizes, fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 30 }), async (rows, cut, minutes, maxHeld) => {
        const lateness = minutes * 60_000;
        const given: Row[] = [];
        try {
          for (const row of await rowsOf(reorder(slowly(batches(rows, cut)), { lateness, maxHeld }))) given.push(row);
        } catch (e) {
          if (!(e instanceof TooLate)) throw e;
          threw++;
          expect(latenessOf(rows) > lateness || rows.length > maxHeld).toBe(true);
          return;
        }
        expect(given).toEqual(stableByTime(rows));
      }),
      { numRuns: 300 },
    );
    expect(threw).toBeGreaterThan(0);
  });

  it("takes and passes on batches in time order a column at a time, as it would row by row: across chunks and batches, with ids, quantities of their own and instants weeks apart", async () => {
    // Long logs mostly in time order (a batch in order is queued at once), some rows late, some far ahead: a jump of 30 days ends an output batch early (instants are offsets of its first).
    const log = fc.record({
      rows: fc.integer({ min: 9000, max: 20000 }),
      lateEvery: fc.constantFrom(0, 997, 5003),
      jumpAt: fc.integer({ min: 0, max: 20000 }),
      idEvery: fc.constantFrom(0, 1, 3, 4000),
      textEvery: fc.constantFrom(0, 7, 3001),
      sizes: fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(log, async ({ rows: n, lateEvery, jumpAt, idEvery, textEvery, sizes: cut }) => {
        const rows: Row[] = Array.from({ length: n }, (_, i) => {
          const second = Math.floor(i / 3) - (lateEvery > 0 && i % lateEvery === 0 ? 20 : 0);
          return {
            at: Date.UTC(2026, 0, 1) + second * 1000 + (i >= jumpAt ? 30 * 86_400_000 : 0),
            shape: i % 3,
            quantity: textEvery > 0 && i % textEvery === 0 ? `${i}.5` : i % 2,
            line: i + 2,
            id: idEvery > 0 && i % idEvery === 0 ? `id-${i}` : undefined,
          };
        });
        const got = await rowsOf(reorder(slowly(batches(rows, cut)), { lateness: 30_000, maxHeld: 1 << 20 }));
        expect(got).toEqual(stableByTime(rows));
      }),
      { numRuns: 15 },
    );
  }, 120_000);

  it("passes rows on as it goes: rows in time order wait only for the lateness, not for the end", async () => {
    const rows: Row[] = Array.from({ length: 40_000 }, (_, i) => ({ at: i * 1000, shape: 0, quantity: 0, line: i + 2, id: undefined }));
    let pulled = 0;
    async function* counted(): AsyncGenerator<ShapedRows> {
      for (const b of batches(rows, [100])) {
        pulled += b.count;
        yield b;
      }
    }
    const out = reorder(counted(), { lateness: 3000, maxHeld: 1 << 20 });
    const first = (await out.next()).value as ShapedRows;
    // A full batch of 8,192 rows goes as soon as its last row is 3 s older than the latest: a few rows and one input batch later.
    expect(first.count).toBe(8192);
    expect(pulled).toBeLessThanOrEqual(8192 + 3 + 100);
    await out.return(undefined);
  });
});

const spills = () => readdirSync(tmpdir()).filter((f) => f.startsWith("burnrate-sort-")).length;

describe("rows sorted in binary runs on disk", () => {
  it("gives every row back, with every field, in a stable time order, whatever the run size", async () => {
    const before = spills();
    await fc.assert(
      fc.asyncProperty(rowList, sizes, fc.integer({ min: 1, max: 12 }), async (rows, cut, run) => {
        const got = await rowsOf(sortRows(slowly(batches(rows, cut)), run));
        expect(got).toEqual(stableByTime(rows));
      }),
      { numRuns: 200 },
    );
    expect(spills()).toBe(before);
  });

  it("keeps lines past the scanner's offsets and instants far apart", async () => {
    const rows: Row[] = [
      { at: Date.UTC(2030, 0, 1), shape: 1, quantity: "0.0000000001", line: 5_000_000_000, id: "late" },
      { at: Date.UTC(2020, 0, 1), shape: 0, quantity: 1, line: 3, id: undefined },
      { at: Date.UTC(2026, 5, 1), shape: 2, quantity: 0, line: 70_000, id: "ü" },
    ];
    const got = await rowsOf(sortRows(slowly(batches(rows.slice(1), [1])), 1));
    expect(got).toEqual(stableByTime(rows.slice(1)));
    // A run keeps a whole line number (a row of a later file, in a read of several).
    const far = await rowsOf(sortRows(slowly([{ ...[...batches(rows.slice(0, 1), [1])][0]!, firstLine: 5_000_000_000, line: new Float64Array([0]) }]), 1));
    expect(far).toEqual([rows[0]]);
  });
});

// The order stages' columns make a slot's account and event id columns only once a row has an
// account other than 0 or an id (src/usage/row-columns.ts): a log whose first rows have neither,
// over several of the reorder queue's chunks, and whose later rows have both, comes out of the
// reorder stage and the sort on disk with every row's account and id as it went in.
describe("order stages' account and id columns, made on first use", () => {
  /** 30,000 rows a second apart (every 97th written 40 seconds late): rows from 20,000 on have an account by their line, and every other of them an id. */
  const log = (): Row[] =>
    Array.from({ length: 30_000 }, (_, i) => ({
      at: (i % 97 === 50 ? i - 40 : i) * 1000,
      shape: 0,
      quantity: 0,
      line: i + 2,
      account: i < 20_000 ? 0 : i % 3,
      id: i >= 20_000 && i % 2 === 0 ? `e${i}` : undefined,
    }));

  it("the reorder stage gives back rows without accounts or ids, then with them, in a stable time order", async () => {
    const rows = log();
    expect(await rowsOf(reorder(slowly(batches(rows, [1000])), { lateness: 60_000, maxHeld: 1 << 20 }), true)).toEqual(stableByTime(rows));
  });

  it("so does the sort in runs on disk", async () => {
    const rows = log();
    expect(await rowsOf(sortRows(slowly(batches(rows, [1000])), 7000), true)).toEqual(stableByTime(rows));
  });

  it("an account column made partway through a chunk keeps the earlier slots' account 0", async () => {
    const rows = log().map((r, i) => ({ ...r, account: i === 9000 ? 2 : 0, id: i === 9001 ? "only" : undefined }));
    expect(await rowsOf(reorder(slowly(batches(rows, [700])), { lateness: 60_000, maxHeld: 1 << 20 }), true)).toEqual(stableByTime(rows));
  });
});
