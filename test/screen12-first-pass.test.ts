import { rmSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TimeOrder } from "../src/usage/id-lines.js";
import { LOWER_KEYS, repeatedIn, UPPER_KEYS } from "../src/usage/key-runs.js";
import { reorder } from "../src/usage/reorder.js";
import type { RowSource, ShapedRows } from "../src/engine/rows.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

/**
 * The rule TimeOrder keeps, written out plainly: each row's timestamp cell
 * (cells split at commas) is 20 bytes with a T at 10 and a Z at 19, and no
 * earlier as bytes than the one before it.
 */
function inOrder(rows: string[], column: number): boolean {
  let last: Buffer | undefined;
  for (const row of rows) {
    const cell = row.split(",")[column];
    if (cell === undefined) return false;
    const bytes = Buffer.from(cell, "latin1");
    if (bytes.length !== 20 || cell[10] !== "T" || cell[19] !== "Z") return false;
    if (last !== undefined && Buffer.compare(bytes, last) < 0) return false;
    last = bytes;
  }
  return true;
}

describe("the first pass's time order, a word at a time (screen12)", () => {
  // Stamps of few characters, so that rows share most of their bytes, differ in any word, and now and then hold a comma or are too short or long.
  const char = fc.constantFrom("0", "1", "9", ":", "-", ",", "\u00e9");
  const stamp = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.array(char, { minLength: 10, maxLength: 10 }), fc.array(char, { minLength: 8, maxLength: 8 })).map(([a, b]) => `${a.join("")}T${b.join("")}Z`) },
    { weight: 1, arbitrary: fc.array(char, { minLength: 18, maxLength: 22 }).map((c) => `${c.slice(0, 10).join("")}T${c.slice(10).join("")}Z`) },
  );
  const rows = fc.array(fc.tuple(stamp, fc.constantFrom("a", "", "b,c")), { minLength: 1, maxLength: 12 });

  it("finds rows in order exactly where their stamps' bytes are, the stamp first or third, and gives the first and last stamps", () => {
    fc.assert(
      fc.property(rows, fc.boolean(), fc.integer({ min: 0, max: 7 }), (cells, third, offset) => {
        const column = third ? 2 : 0;
        const lines = cells.map(([s, rest]) => (third ? `x,,${s},${rest}` : `${s},${rest}`));
        // The rows one after another in one buffer, from an offset, as a reader's buffer holds them.
        const text = lines.join("\n");
        const buf = Buffer.alloc(offset + text.length + 16, "#");
        buf.write(text, offset, "latin1");
        const order = new TimeOrder();
        let start = offset;
        for (const line of lines) {
          if (order.ordered) order.row(buf, start, start + line.length, column);
          start += line.length + 1;
        }
        const found = order.found();
        const expected = inOrder(lines, column);
        expect(found.ordered).toBe(expected);
        if (expected) {
          const stamps = lines.map((l) => Buffer.from(l.split(",")[column]!, "latin1"));
          expect(Buffer.from(found.first!).equals(stamps[0]!)).toBe(true);
          expect(Buffer.from(found.last!).equals(stamps.at(-1)!)).toBe(true);
        }
      }),
      { numRuns: RUNS * 10 },
    );
  });
});

describe("the keys' merge over runs of several blocks (screen12)", () => {
  it("finds the keys of a range on two rows or more, across runs and within one, each block read in turn", () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-screen12-"));
    try {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (count, seed) => {
          // Runs of up to 30,000 keys (a merge block is 8,192), drawn from few values so that keys repeat across runs, within one, or not at all.
          let state = seed;
          const next = () => (state = (Math.imul(state, 48271) + 11) >>> 0);
          const counts = new Map<number, number>();
          const paths: string[] = [];
          for (let r = 0; r < count; r++) {
            const keys = new Float64Array(next() % 30_000);
            for (let i = 0; i < keys.length; i++) keys[i] = (next() % 200_000) * 2 ** 35 + (i % 3);
            keys.sort();
            for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
            const path = join(dir, `run-${r}`);
            writeFileSync(path, new Uint8Array(keys.buffer));
            paths.push(path);
          }
          const twice = [...counts].filter(([, n]) => n > 1).map(([k]) => k).sort((a, b) => a - b);
          expect([...repeatedIn(paths, LOWER_KEYS), ...repeatedIn(paths, UPPER_KEYS)]).toEqual(twice);
        }),
        { numRuns: Math.max(5, RUNS / 10) },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the reorder stage with no lateness (screen12)", () => {
  const source: RowSource = { accounts: ["a"], meters: ["m"], dimensions: [{}], quantities: [], origin: (line) => ({ file: "usage.csv", line, column: 1 }) };
  /** `count` rows a second apart from `from`, one batch, as the scanner sends them. */
  const batch = (from: number, count: number): ShapedRows => ({
    source,
    count,
    base: from * 1000,
    at: Int32Array.from({ length: count }, (_, i) => i * 1000),
    shape: new Int32Array(count),
    account: new Int32Array(count),
    quantity: new Int32Array(count),
    otherQuantities: [],
    firstLine: from + 2,
    line: Uint16Array.from({ length: count }, (_, i) => i),
    ids: undefined,
  });

  it("hands out the first 32,768 rows as they come, a short batch at a time, then full batches of 8,192, every row once in order", async () => {
    const sizes = [100, 700, 3000];
    let pulled = 0;
    async function* scanned(): AsyncGenerator<ShapedRows> {
      for (let k = 0, from = 0; from < 60_000; k++) {
        const count = Math.min(sizes[k % sizes.length]!, 60_000 - from);
        pulled += count;
        yield batch(from, count);
        from += count;
      }
    }
    let given = 0;
    let full = 0;
    for await (const out of reorder(scanned(), { lateness: 0, maxHeld: 1 << 20 })) {
      for (let i = 0; i < out.count; i++) expect(out.base + out.at[i]!).toBe((given + i) * 1000);
      given += out.count;
      // Each row but those of the latest instant goes on with the batch it came in: the first rows wait for no batch of 8,192.
      if (given - out.count < 32_768) expect(pulled - given).toBeLessThanOrEqual(1);
      else if (given < 60_000) {
        expect(out.count).toBe(8192);
        full++;
      }
    }
    expect(given).toBe(60_000);
    expect(full).toBeGreaterThan(0);
  });
});
