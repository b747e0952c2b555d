import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A JSON export's quantity written null is priced as one event, as an empty CSV cell is, and now said on stderr
// (newcomer, stop 34: `"count": null` was billed as 1 without a word). A field left out is an event of its own.
// Fliplet data_read: 0.01 a read.
function folder(lines: readonly object[]) {
  const dir = mkdtempSync(join(tmpdir(), "fix17-"));
  writeFileSync(join(dir, "usage.jsonl"), lines.map((o) => JSON.stringify(o)).join("\n") + "\n");
  writeFileSync(join(dir, "usage.jsonl.mapping.yaml"), "columns: { timestamp: ts, meter: event, quantity: count }\n");
  return join(dir, "usage.jsonl");
}
const read = (n: number, count: unknown) => ({ ts: `2026-11-02T10:00:0${n}Z`, event: "data_read", ...(count === undefined ? {} : { count }), project: "alpha" });
const statement = (usage: string) => burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"]);

describe("JSON Lines: a quantity written null", () => {
  it("is priced as one read and told, with the rows' count and the first line", async () => {
    const usage = folder([read(1, 10), read(2, null), read(3, ""), read(4, undefined), read(5, 2.5)]);
    const run = await statement(usage);
    expect(run.code).toBe(0);
    // 10 + 1 (null) + 1 ("") + 1 (left out) + 2.5 = 15.5 reads at 0.01 = 0.155
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("0.155");
    // Told by meter, where data_read's other rows give a count (newcomer66 H1): the null, the "" and the row that leaves it
    // out, 3 rows (until stop 66 the file's own note told the first two alone).
    expect(run.stderr).toBe(`burnrate: note: 3 rows of meter "data_read" have no quantity ("count" empty, null or left out; the first at ${usage}:2:1), where its other rows give one: each is read as one event, a quantity of 1; an export that lost the count is most often short there, and skip_rows: { count: [""] } in the usage mapping leaves such rows out where they are not usage\n`);
  });

  // An object that leaves the field out is one event; where other rows of its meter give a count it is told by meter
  // (newcomer66 H1: 10 seconds of video left out of one object were billed as 1 in silence). Said nothing until stop 66.
  it("tells objects that leave the field out where other rows of the meter give it", async () => {
    const usage = folder([read(1, 3), read(2, undefined)]);
    const run = await statement(usage);
    expect([run.code, run.stderr]).toEqual([0, `burnrate: note: 1 row of meter "data_read" has no quantity ("count" empty, null or left out; the first at ${usage}:2:1), where its other rows give one: it is read as one event, a quantity of 1; an export that lost the count is most often short there, and skip_rows: { count: [""] } in the usage mapping leaves such rows out where they are not usage\n`]);
    // 3 + 1 reads at 0.01.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("0.04");
  });

  it("says nothing of objects that leave the field out where no row of the meter gives it", async () => {
    const run = await statement(folder([read(1, 3), { ts: "2026-11-02T10:00:02Z", event: "project_created", project: "beta" }]));
    expect([run.code, run.stderr]).toEqual([0, ""]);
  });
});

// red66: rows skip_rows: leaves out were still told as "priced as one event" by the null note.
describe("JSON Lines: rows of null quantity that skip_rows: leaves out", () => {
  it("are told skipped, not priced", async () => {
    const usage = folder([read(1, 10), read(2, null), read(3, ""), read(4, 2)]);
    const { writeFileSync: write } = await import("node:fs");
    write(`${usage}.mapping.yaml`, 'columns: { timestamp: ts, meter: event, quantity: count }\nskip_rows: { count: [""] }\n');
    const run = await statement(usage);
    expect(run.code).toBe(0);
    // The third field of the header (ts, event, count, project) is the column a JSON line's cell is told at.
    expect(run.stderr).toBe(`burnrate: note: 2 rows of ${usage} skipped as not usage by skip_rows: (count ""; the first at ${usage}:2:3): neither charged nor counted toward a quota\n`);
    // 10 + 2 reads at 0.01.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("0.12");
  });
});
