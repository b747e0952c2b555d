import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RowSource, ShapeCells, ShapedRows } from "../src/engine/rows.js";
import { rowsOfFiles } from "../src/usage/row-files.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// Daily files that go on with the first file's shapes give the replay the first file's numbered cells, so that
// unique end-users are told apart by numbers, as in one file (src/usage/row-files.ts, `cells`); a file with
// shapes of its own ends that, as its numbers are not the cells'.

const cellsOf = (file: string): ShapeCells => ({ cell: () => 0, column: () => (file === "" ? undefined : 0) });

function source(file: string, cells: ShapeCells): RowSource {
  return { meters: ["end_user_open"], dimensions: [{ project: "p1", user: "u1" }], accounts: ["acme"], quantities: [], origin: (line) => ({ file, line, column: 1 }), cells };
}

function batch(from: RowSource): ShapedRows {
  return { source: from, count: 1, base: 0, at: Int32Array.of(0), shape: Int32Array.of(0), account: Int32Array.of(0), quantity: Int32Array.of(-1), otherQuantities: [], firstLine: 2, line: Uint16Array.of(0), ids: undefined };
}

describe("daily files' numbered cells", () => {
  it("are the first file's while every file goes on with its shapes, and none once a file has its own", async () => {
    const first = source("a.csv", cellsOf("a.csv"));
    const own = source("c.csv", cellsOf("c.csv"));
    const seen: (ShapeCells | undefined)[] = [];
    for await (const b of rowsOfFiles([
      { name: "a.csv", rows: async function* () { yield batch(first); } },
      { name: "b.csv", rows: async function* () { yield batch(first); } },
      { name: "c.csv", rows: async function* () { yield batch(own); } },
    ])) seen.push(b.source.cells);
    expect(seen).toEqual([first.cells, first.cells, undefined]);
  });

  /** Three days of end-user opens: the first two of one header, the third with its columns in another order. */
  function days(): { folder: string; single: string } {
    const dir = mkdtempSync(join(tmpdir(), "eng23-files-"));
    const folder = join(dir, "days");
    mkdirSync(folder);
    const opens = (day: number, users: string[]) => users.map((u, i) => [`2026-11-0${day}T0${i}:00:00Z`, "end_user_open", "1", u.startsWith("x") ? "p2" : "p1", u]);
    const rows = [opens(1, ["u1", "u2", "u3"]), opens(2, ["u2", "u4", "x1"]), opens(3, ["u1", "u5", "x1", "x2", "u4"])];
    const header = "timestamp,meter,quantity,project,user";
    const line = (r: string[]) => r.join(",");
    writeFileSync(join(folder, "2026-11-01.csv"), [header, ...rows[0]!.map(line)].join("\n") + "\n");
    writeFileSync(join(folder, "2026-11-02.csv"), [header, ...rows[1]!.map(line)].join("\n") + "\n");
    // Another order of the same columns: the third file's shapes are its own.
    const other = (r: string[]) => [r[4], r[0], r[2], r[3], r[1]].join(",");
    writeFileSync(join(folder, "2026-11-03.csv"), ["user,timestamp,quantity,project,meter", ...rows[2]!.map(other)].join("\n") + "\n");
    const single = join(dir, "all.csv");
    writeFileSync(single, [header, ...rows.flat().map(line)].join("\n") + "\n");
    return { folder, single };
  }

  const totals = async (usage: string) => {
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"]);
    expect(r.stderr).toBe("");
    const cycle = JSON.parse(r.stdout).accounts[0].cycles[0];
    return { total: cycle.total, byProject: cycle.by_project };
  };

  it("count each end-user of a project once in the cycle, across files of two headers, as one file does", async () => {
    const { folder, single } = days();
    // p1: u1, u2, u3, u4, u5 (five users); p2: x1, x2 (two). 7 x 0.25.
    const expected = { total: "1.75", byProject: { p1: "1.25", p2: "0.5" } };
    expect(await totals(folder)).toEqual(expected);
    expect(await totals(single)).toEqual(expected);
  });
});
