import { describe, expect, it } from "vitest";
import type { RowSource, ShapedRows } from "../src/engine/rows.js";
import { Decimal } from "../src/money.js";
import { rowsOfFiles } from "../src/usage/row-files.js";

// Several files' rows as one source (src/usage/row-files.ts): each row keeps its
// shape's values, its account, its quantity and its file and line, whether a file
// goes on with the numbers of the file before (one worker, one header) or has its own.

/** A file's source: shapes by meter and a project, accounts and quantities by name. */
function source(file: string, shapes: [string, string][], accounts: string[], quantities: string[]): RowSource & { meters: string[]; dimensions: Record<string, string>[]; accounts: string[]; quantities: Decimal[] } {
  return {
    meters: shapes.map(([meter]) => meter),
    dimensions: shapes.map(([, project]) => ({ project })),
    accounts: [...accounts],
    quantities: quantities.map((q) => new Decimal(q)),
    origin: (line) => ({ file, line, column: 1 }),
  };
}

/** One batch of rows: [shape, account, quantity] numbers of `from`, on lines `firstLine + k`. */
function batch(from: RowSource, firstLine: number, rows: [number, number, number][]): ShapedRows {
  const n = rows.length;
  return {
    source: from,
    count: n,
    base: 1_000,
    at: Int32Array.from(rows, (_, k) => k),
    shape: Int32Array.from(rows, (r) => r[0]),
    account: Int32Array.from(rows, (r) => r[1]),
    quantity: Int32Array.from(rows, (r) => r[2]),
    otherQuantities: [],
    firstLine,
    line: Uint16Array.from(rows, (_, k) => k),
    ids: undefined,
  };
}

/** Each row as its values and its place: what a replay reads of it. */
async function valuesOf(batches: AsyncIterable<ShapedRows>): Promise<string[]> {
  const out: string[] = [];
  for await (const b of batches) {
    for (let i = 0; i < b.count; i++) {
      const { file, line } = b.source.origin(b.firstLine + b.line[i]!);
      const shape = b.shape[i]!;
      out.push(`${b.source.meters[shape]} ${b.source.dimensions[shape]!.project} ${b.source.accounts[b.account[i]!]} ${b.source.quantities[b.quantity[i]!]} ${file}:${line}`);
    }
  }
  return out;
}

async function* given(...batches: ShapedRows[]): AsyncGenerator<ShapedRows> {
  yield* batches;
}

describe("several files as one source", () => {
  it("a file that goes on with the numbers of the file before keeps its batch's columns, its lines its own file's", async () => {
    // One worker, one header: the second file's source is the first's, grown by its new shape.
    const shared = source("a.csv", [["call", "p1"], ["call", "p2"]], ["acme"], ["1", "2"]);
    const first = batch(shared, 2, [[0, 0, 0], [1, 0, 1]]);
    const files = [
      { name: "a.csv", rows: () => given(first) },
      {
        name: "b.csv",
        rows: async function* () {
          shared.meters.push("call");
          shared.dimensions.push({ project: "p3" });
          yield batch(shared, 2, [[2, 0, 1], [0, 0, 0]]);
        },
      },
    ];
    const passed: ShapedRows[] = [];
    const rows = rowsOfFiles(files);
    const values = await valuesOf(
      (async function* () {
        for await (const b of rows) {
          passed.push(b);
          yield b;
        }
      })(),
    );
    expect(values).toEqual(["call p1 acme 1 a.csv:2", "call p2 acme 2 a.csv:3", "call p3 acme 2 b.csv:2", "call p1 acme 1 b.csv:3"]);
    // Not copied: the first file's batch gives its own columns.
    expect(passed[0]!.shape).toBe(first.shape);
    expect(passed[0]!.line).toBe(first.line);
  });

  it("a file of its own numbers is numbered as the log: shapes by their values, accounts by name, quantities appended", async () => {
    const a = source("a.csv", [["call", "p1"], ["call", "p2"]], ["acme"], ["1", "2"]);
    // Its own order of the same shapes, a new one, another account first, quantities of its own.
    const b = source("b.csv", [["call", "p2"], ["call", "p9"], ["call", "p1"]], ["zeta", "acme"], ["5"]);
    const values = await valuesOf(
      rowsOfFiles([
        { name: "a.csv", rows: () => given(batch(a, 2, [[0, 0, 0], [1, 0, 1]])) },
        { name: "b.csv", rows: () => given(batch(b, 2, [[0, 1, 0], [1, 0, 0], [2, 1, 0]])) },
      ]),
    );
    expect(values).toEqual(["call p1 acme 1 a.csv:2", "call p2 acme 2 a.csv:3", "call p2 acme 5 b.csv:2", "call p9 zeta 5 b.csv:3", "call p1 acme 5 b.csv:4"]);
  });

  it("a shape of a later file is an earlier one only where its meter, dimension names, their order and values are all the earlier one's", async () => {
    const two = (file: string, dimensions: Record<string, string>[]) => ({ ...source(file, dimensions.map(() => ["call", ""]), ["acme"], ["1"]), dimensions });
    const a = two("a.csv", [{ project: "p1", user: "u1" }, { project: "p1" }, { project: "p1", user: "u2" }]);
    // The first three differ from every shape of a.csv in one respect each; the last three are a.csv's first, third and second.
    const b = two("b.csv", [{ user: "u1", project: "p1" }, { project: "p1", user: "" }, { project: "p1", user: "u1" }, { project: "p1", user: "u1" }, { project: "p1", user: "u2" }, { project: "p1" }]);
    b.meters[2] = "open";
    // Shapes are found by a hash of their values, then compared: with every hash one, each is compared with all.
    for (const hash of [undefined, () => 0]) {
      const numbers: number[] = [];
      const files = [
        { name: "a.csv", rows: () => given(batch(a, 2, [[0, 0, 0], [1, 0, 0], [2, 0, 0]])) },
        { name: "b.csv", rows: () => given(batch(b, 2, [[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 0], [4, 0, 0], [5, 0, 0]])) },
      ];
      for await (const rows of rowsOfFiles(files, hash)) for (let i = 0; i < rows.count; i++) numbers.push(rows.shape[i]!);
      expect(numbers).toEqual([0, 1, 2, 3, 4, 5, 0, 2, 1]);
    }
  });
});
