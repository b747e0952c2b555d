import { describe, expect, it } from "vitest";
import type { RowSource, ShapedRows } from "../src/engine/rows.js";
import { Decimal } from "../src/money.js";
import { rowsOfFiles } from "../src/usage/row-files.js";

// Several files' rows as one source (src/usage/row-files.ts) keep no copy of the shapes while every
// file goes on with the first one's (one worker, one header); the first file's arrays are its own again
// once a file brings shapes of its own.

function source(file: string, shapes: [string, string][]): RowSource & { meters: string[]; dimensions: Record<string, string>[] } {
  return {
    meters: shapes.map(([meter]) => meter),
    dimensions: shapes.map(([, project]) => ({ project })),
    accounts: ["acme"],
    quantities: [new Decimal(1)],
    origin: (line) => ({ file, line, column: 1 }),
  };
}

function batch(from: RowSource, shapes: number[]): ShapedRows {
  return {
    source: from,
    count: shapes.length,
    base: 1_000,
    at: new Int32Array(shapes.length),
    shape: Int32Array.from(shapes),
    account: new Int32Array(shapes.length),
    quantity: new Int32Array(shapes.length),
    otherQuantities: [],
    firstLine: 2,
    line: Uint16Array.from(shapes, (_, k) => k),
    ids: undefined,
  };
}

async function* given(...batches: ShapedRows[]): AsyncGenerator<ShapedRows> {
  yield* batches;
}

describe("several files' shapes (reader11)", () => {
  it("are the first file's own arrays while the files go on with its shapes", async () => {
    const shared = source("a.csv", [["call", "p1"]]);
    const files = [
      { name: "a.csv", rows: () => given(batch(shared, [0])) },
      {
        name: "b.csv",
        rows: async function* () {
          shared.meters.push("call");
          shared.dimensions.push({ project: "p2" });
          yield batch(shared, [1, 0]);
        },
      },
    ];
    const seen: [string, string][] = [];
    for await (const b of rowsOfFiles(files)) {
      for (let i = 0; i < b.count; i++) seen.push([b.source.meters[b.shape[i]!]!, b.source.dimensions[b.shape[i]!]!.project!]);
      expect(b.source.meters).toBe(shared.meters);
      expect(b.source.dimensions).toBe(shared.dimensions);
    }
    expect(seen).toEqual([["call", "p1"], ["call", "p2"], ["call", "p1"]]);
  });

  it("leave the first file's arrays as they were once a file has shapes of its own", async () => {
    const a = source("a.csv", [["call", "p1"], ["call", "p2"]]);
    const b = source("b.csv", [["call", "p9"], ["call", "p1"]]);
    const seen: string[] = [];
    for await (const r of rowsOfFiles([
      { name: "a.csv", rows: () => given(batch(a, [0, 1])) },
      { name: "b.csv", rows: () => given(batch(b, [0, 1])) },
    ])) {
      for (let i = 0; i < r.count; i++) seen.push(`${r.shape[i]} ${r.source.dimensions[r.shape[i]!]!.project}`);
    }
    // p9 is the log's third shape; p1 of b.csv is the log's first.
    expect(seen).toEqual(["0 p1", "1 p2", "2 p9", "0 p1"]);
    expect(a.meters).toEqual(["call", "call"]);
    expect(a.dimensions).toEqual([{ project: "p1" }, { project: "p2" }]);
  });
});
