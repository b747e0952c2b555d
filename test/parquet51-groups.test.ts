import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { LARGE_GROUP_ROWS, largeGroups, largeGroupsNote } from "../src/usage/parquet-groups.js";

// newcomer50 F1: a Parquet file in row groups of a million rows (pyarrow's default) peaked at 700 MB, a group's columns
// decoded whole, and the run said nothing of it. It now says so, once a file, with the largest group and how the file
// is written to be read in less.

describe("Parquet row groups past the memory budget", () => {
  it("finds the groups past 262,144 rows, and the largest, from its first row", () => {
    expect(LARGE_GROUP_ROWS).toBe(512 * 512);
    expect(largeGroups("a.parquet", [122_880, 122_880, 262_144])).toBeUndefined();
    expect(largeGroups("a.parquet", [])).toBeUndefined();
    // The largest starts after 100 + 300,000 rows: at row 300,101.
    expect(largeGroups("a.parquet", [100, 300_000, 1_000_000, 262_145])).toEqual({ at: { file: "a.parquet", line: 300_101, column: 1 }, rows: 1_000_000, groups: 3 });
    const note = largeGroupsNote(largeGroups("a.parquet", [1_048_576])!);
    expect(note).toMatch(/^burnrate: note: a\.parquet has a row group of more than 262,144 rows \(the largest 1,048,576 rows, from a\.parquet:1:1\): /);
    expect(note).toContain("122,880 rows or fewer");
    expect(note.endsWith("\n")).toBe(true);
  });

  it("tells a run of a file with one group of 262,145 rows, once, and prices every row", async () => {
    // Three columns, written by hyparquet-writer in one row group (writing it here took more than a second).
    const dir = mkdtempSync(join(tmpdir(), "parquet51-"));
    copyFileSync(join(ROOT, "test/parquet51/one-group-262145.parquet"), join(dir, "usage.parquet"));
    const n = LARGE_GROUP_ROWS + 1;
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.parquet", "--format", "json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      "burnrate: note: usage.parquet has a row group of more than 262,144 rows (the largest 262,145 rows, from usage.parquet:1:1): each group is read whole, and memory grows with its rows (some 700 MB at a million); written in groups of 122,880 rows or fewer (DuckDB's ROW_GROUP_SIZE default; row_group_size in pyarrow and Polars), the file is read in the memory budget\n",
    );
    // Every row is read, whatever the plan's credits refuse.
    expect(JSON.parse(r.stdout).events.read).toBe(n);
  });
});
