import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LOWER_KEYS, repeatedIn, UPPER_KEYS } from "../src/usage/key-runs.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 50);

// The merge of the first pass's runs a slice of the key space at a time (read15): each slice's keys of every
// run read at once and sorted, a slice of too many keys merged through a heap, a few runs through the heap whole.
// Small slices here, so that one log crosses many slice edges and bunched keys overflow a slice.
describe("the keys' runs merged a slice of the keys at a time (read15)", () => {
  const edge = fc.constantFrom(0, 1, 2 ** 52 - 1, 2 ** 52, 2 ** 52 + 1, 2 ** 53 - 1);
  // Keys spread as hashes, bunched on a few values (a slice past its most), and the ranges' edges.
  const key = fc.oneof(fc.integer({ min: 0, max: 2 ** 53 - 1 }), fc.integer({ min: 2 ** 40, max: 2 ** 40 + 30 }), edge);
  it("finds the keys on two rows or more across the runs, and no other, in order", () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-read15-"));
    try {
      fc.assert(
        fc.property(fc.array(fc.array(key, { maxLength: 400, size: "max" }), { minLength: 1, maxLength: 8 }), fc.constantFrom(0, 4), (runs, heapRuns) => {
          const counts = new Map<number, number>();
          const paths = runs.map((keys, r) => {
            for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
            const sorted = Float64Array.from(keys).sort();
            const path = join(dir, `run-${r}`);
            writeFileSync(path, new Uint8Array(sorted.buffer));
            return path;
          });
          const twice = [...counts].filter(([, n]) => n > 1).map(([k]) => k).sort((a, b) => a - b);
          const slices = { keys: 16, most: 64, heapRuns };
          expect([...repeatedIn(paths, LOWER_KEYS, slices), ...repeatedIn(paths, UPPER_KEYS, slices)]).toEqual(twice);
          expect([...repeatedIn(paths, { from: 0, to: 2 ** 53 }, slices)]).toEqual(twice);
        }),
        { numRuns: RUNS, examples: [[[[7], [7]], 0], [[[2 ** 52 - 1, 2 ** 52], [2 ** 52, 2 ** 53 - 1], [2 ** 52 - 1]], 0]] },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
