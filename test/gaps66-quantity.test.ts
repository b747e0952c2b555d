import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer66 H1: a row whose quantity cell is empty (a JSON field left out) is one event, as docs/usage.md says; of a
// meter whose other rows give minutes or seconds, it is most often a count the export lost, and 10 seconds of video
// were billed as 1 with nothing said. Each such meter's rows are now told on stderr.
describe("rows of no quantity among rows of the same meter that give one (newcomer66 H1)", () => {
  const dir = mkdtempSync(join(tmpdir(), "gaps66-"));
  const card = ["--card", join(ROOT, "ratecards/flikly.yaml"), "--plan", "pro", "--anchor", "2026-11-01"];
  const header = "created_at,operation,billable_qty,workflow";
  // caption: 2, 3 and an empty quantity (one minute), 0.2 credits a minute: 6 minutes, 1.2 credits.
  // split: every row without a quantity, each an event, as a meter counted in events is: no note.
  const rows = ["2026-11-02T10:00:00Z,caption,2,short", "2026-11-02T11:00:00Z,split,,short", "2026-11-03T10:00:00Z,caption,,short", "2026-11-04T10:00:00Z,caption,3,short", "2026-11-04T11:00:00Z,split,,short"];
  // split's rows leave the cell empty too: a skip_rows: of the empty cell would leave them out with caption's (red66 M6).
  const note = (file: string, line: number) =>
    `burnrate: note: 1 row of meter "caption" has no quantity ("billable_qty" empty, null or left out; the first at ${file}:${line}:1), where its other rows give one: it is read as one event, a quantity of 1; an export that lost the count is most often short there, and skip_rows: { billable_qty: [""] } would also leave out the rows of "split", which give none: the export's count is the fix\n`;
  const mapping = join(dir, "m.yaml");
  writeFileSync(mapping, "columns: { timestamp: created_at, meter: operation, quantity: billable_qty }\n");
  const caption = (out: string) => {
    const lines = JSON.parse(out).accounts[0].cycles[0].lines as { meter: string; quantity: string; amount: string }[];
    return lines.filter((l) => l.meter === "caption").map((l) => [l.quantity, l.amount]);
  };

  for (const [why, name, text] of [
    ["a CSV file, read by the row scanner", "plain.csv", `${header}\n${rows.join("\n")}\n`],
    // A quoted comma in a column that is read leaves the file to csv-parse.
    ["a CSV file left to csv-parse", "quoted.csv", `${header}\n${rows.join("\n")}\n2026-11-05T10:00:00Z,split,,"short,clip"\n`],
  ] as const) {
    it(`tells them in ${why}, priced as one minute each`, async () => {
      const usage = join(dir, name);
      writeFileSync(usage, text);
      const r = await burnrate(["statement", ...card, "--usage", usage, "--mapping", mapping, "--format", "json"]);
      expect([r.code, r.stderr]).toEqual([0, note(usage, 4)]);
      expect(caption(r.stdout)).toEqual([["6", "1.2"]]);
    });
  }

  it("tells them in JSON Lines, where the field is left out", async () => {
    const usage = join(dir, "left-out.jsonl");
    const object = (line: string) => {
      const [at, op, q, workflow] = line.split(",");
      return JSON.stringify({ created_at: at, operation: op, ...(q === "" ? {} : { billable_qty: Number(q) }), workflow });
    };
    writeFileSync(usage, `${rows.map(object).join("\n")}\n`);
    const r = await burnrate(["statement", ...card, "--usage", usage, "--mapping", mapping, "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, note(usage, 3)]);
    expect(caption(r.stdout)).toEqual([["6", "1.2"]]);
  });

  it("counts them across the files of a folder, the first in the first file that has one", async () => {
    const folder = join(dir, "days");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(folder);
    writeFileSync(join(folder, "burnrate.mapping.yaml"), "columns: { timestamp: created_at, meter: operation, quantity: billable_qty }\n");
    writeFileSync(join(folder, "2026-11-02.csv"), `${header}\n2026-11-02T10:00:00Z,caption,2,short\n`);
    writeFileSync(join(folder, "2026-11-03.csv"), `${header}\n2026-11-03T09:00:00Z,caption,4,short\n2026-11-03T10:00:00Z,caption,,short\n`);
    writeFileSync(join(folder, "2026-11-04.csv"), `${header}\n2026-11-04T09:00:00Z,caption,1,short\n2026-11-04T10:00:00Z,caption,,short\n`);
    // A day of the column, empty on every row, is told too (red66b H1: it was taken for a day without the column).
    writeFileSync(join(folder, "2026-11-05.csv"), `${header}\n2026-11-05T10:00:00Z,caption,,short\n`);
    const r = await burnrate(["statement", ...card, "--usage", folder, "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `burnrate: note: 3 rows of meter "caption" in 3 files have no quantity ("billable_qty" empty, null or left out; the first at ${join(folder, "2026-11-03.csv")}:3:1), where its other rows give one: each is read as one event, a quantity of 1; an export that lost the count is most often short there, and skip_rows: { billable_qty: [""] } in the usage mapping leaves such rows out where they are not usage\n`,
    );
    // 2 + 4 + 1 + 1 + 1 + 1 minutes at 0.2.
    expect(caption(r.stdout)).toEqual([["10", "2"]]);
  });

  // Each folder's rows of no quantity are in b.csv, the first at its line given, under the column named.
  for (const { why, name, files, column, line, rows, minutes } of [
    {
      why: "names the column of the file that holds the rows, where a file's own mapping reads another (red66 M5)",
      name: "columns",
      files: {
        "burnrate.mapping.yaml": "columns: { timestamp: created_at, meter: operation }\n",
        "a.csv": "created_at,operation,quantity,workflow\n2026-11-02T10:00:00Z,caption,2,short\n",
        "b.csv": "created_at,operation,secs,workflow\n2026-11-03T10:00:00Z,caption,,short\n2026-11-03T11:00:00Z,caption,3,short\n",
        "b.csv.mapping.yaml": "columns: { quantity: secs }\n",
      },
      // 2 + 1 + 3 minutes at 0.2.
      column: "secs", line: 2, rows: 1, minutes: ["6", "1.2"],
    },
    {
      why: "tells a file whose own mapping undoes the quantity where a column of the name still gives one (red66c)",
      name: "undone",
      files: {
        "burnrate.mapping.yaml": "columns: { timestamp: created_at, meter: operation, quantity: secs }\n",
        "a.csv": "created_at,operation,secs,workflow\n2026-11-02T10:00:00Z,caption,2,short\n",
        // The day's own mapping undoes the folder's secs, and its canonical quantity column is read: 4, and two empty.
        "b.csv": "created_at,operation,quantity,workflow\n2026-11-03T10:00:00Z,caption,4,short\n2026-11-03T11:00:00Z,caption,,short\n2026-11-03T12:00:00Z,caption,,short\n",
        "b.csv.mapping.yaml": 'columns: { quantity: "" }\n',
      },
      // 2 + 4 + 1 + 1 minutes at 0.2.
      column: "quantity", line: 3, rows: 2, minutes: ["8", "1.6"],
    },
  ]) {
    it(why, async () => {
      const { mkdirSync } = await import("node:fs");
      const folder = join(dir, name);
      mkdirSync(folder);
      for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
      const r = await burnrate(["statement", ...card, "--usage", folder, "--format", "json"]);
      const them = rows === 1 ? "1 row of meter \"caption\" has" : `${rows} rows of meter "caption" have`;
      const each = rows === 1 ? "it is" : "each is";
      expect([r.code, r.stderr]).toEqual([0, `burnrate: note: ${them} no quantity ("${column}" empty, null or left out; the first at ${join(folder, "b.csv")}:${line}:1), where its other rows give one: ${each} read as one event, a quantity of 1; an export that lost the count is most often short there, and skip_rows: { ${column}: [""] } in the usage mapping leaves such rows out where they are not usage\n`]);
      expect(caption(r.stdout)).toEqual([minutes]);
    });
  }

  it("says nothing where every row of a meter has no quantity", async () => {
    const usage = join(dir, "events.csv");
    writeFileSync(usage, `${header}\n2026-11-02T11:00:00Z,split,,short\n2026-11-03T11:00:00Z,split,,short\n`);
    const r = await burnrate(["statement", ...card, "--usage", usage, "--mapping", mapping, "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });

  it("a JSON line's field spelt nearly as the first line's is offered that field, not ignore_columns:", async () => {
    const usage = join(dir, "typo.jsonl");
    writeFileSync(usage, '{"created_at":"2026-11-02T10:00:00Z","operation":"caption","billable_qty":2,"workflow":"short"}\n{"created_at":"2026-11-03T10:00:00Z","operation":"caption","billable_qtty":10,"workflow":"short"}\n');
    const r = await burnrate(["statement", ...card, "--usage", usage, "--mapping", mapping]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toBe(
      `burnrate: error: ${usage}:2:1: field "billable_qtty" is not in the first line; did you mean "billable_qty", which this line does not have? (expected the field named "billable_qty", as the first line names it: under ignore_columns:, the line would be read without its "billable_qty", found "billable_qtty")\n`,
    );
  });
});
