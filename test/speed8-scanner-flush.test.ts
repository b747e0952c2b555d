import { describe, expect, it } from "vitest";
import type { ScannedBatch } from "../src/usage/scanned-batch.js";
import { scanner } from "./helpers/fliplet-scanner.js";

// The scan worker sends the rows of its first, small reads as soon as they are
// scanned (RowScanner.flush), a batch short: the rows, their lines and their
// shapes must be those of one scan of the whole file.
const HEADER = "timestamp,meter,quantity,project,user";
const LINES = [
  "2026-09-01T00:00:00Z,data_read,2,p1,",
  "2026-09-01T00:00:01Z,end_user_open,1,p1,u1",
  "2026-09-01T00:00:01Z,data_read,3,p2,",
  "2026-09-01T00:00:05Z,end_user_open,1,p1,u2",
  "2026-09-01T00:01:00Z,end_user_open,1,p1,u1",
];
const FILE = Buffer.from([HEADER, ...LINES].join("\n") + "\n");


/** Each row as the replay reads it: its instant, line, shape, account and quantity number; and the shapes' cells as texts. */
function rowsOf(batches: ScannedBatch[]) {
  const rows: [number, number, number, number, number][] = [];
  const values: string[] = [];
  const shapes: string[][] = [];
  for (const b of batches) {
    values.push(...b.values);
    for (let at = 0; at < b.shapeCells.length; at += 3) shapes.push(b.shapeCells.slice(at, at + 3).map((v) => values[v]!));
    for (let i = 0; i < b.count; i++) rows.push([b.base + b.at[i]!, b.firstLine + b.line[i]!, b.shape[i]!, b.account[i]!, b.quantity[i]!]);
  }
  return { rows, shapes };
}

describe("RowScanner.flush", () => {
  it("gives the rows scanned so far as a short batch, and the rest come after as one scan gives them", () => {
    const whole = scanner();
    const one = rowsOf(whole.scan(Buffer.from(FILE), true));
    // Cut inside the third row: the first two rows are whole, the third's start waits for the next chunk.
    const cut = FILE.indexOf("data_read,3");
    const split = scanner();
    const first = split.scan(FILE.subarray(0, cut), false);
    const flushed = split.flush();
    expect(first).toEqual([]);
    expect(flushed.map((b) => b.count)).toEqual([2]);
    expect(split.flush()).toEqual([]);
    const rest = split.scan(FILE.subarray(cut), true);
    const two = rowsOf([...flushed, ...rest]);
    expect(two).toEqual(one);
    const t0 = Date.UTC(2026, 8, 1);
    expect(one.rows.map(([at, line]) => [at - t0, line])).toEqual([
      [0, 2],
      [1000, 3],
      [1000, 4],
      [5000, 5],
      [60_000, 6],
    ]);
    expect(one.shapes).toEqual([
      ["data_read", "p1", ""],
      ["end_user_open", "p1", "u1"],
      ["data_read", "p2", ""],
      ["end_user_open", "p1", "u2"],
    ]);
    expect(one.rows.map(([, , shape]) => shape)).toEqual([0, 1, 2, 3, 1]);
  });

  it("gives nothing before the header is read", () => {
    const s = scanner();
    expect(s.scan(Buffer.from("timestamp,me"), false)).toEqual([]);
    expect(s.flush()).toEqual([]);
  });
});
