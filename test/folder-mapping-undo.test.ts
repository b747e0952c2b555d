import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A folder's mapping names a field (`columns: { quantity: n }`) that a producer began to send mid-month: the days
// before it have no such field, and one of them refused the whole folder, with nothing said of a way to read it
// (newcomer, stop 41). The day's own mapping may now undo the folder's key (`quantity: ""`), and the refusal names it.

/** data_read costs 0.01 a read (ratecards/fliplet.yaml). */
const JSONL = {
  "usage/2026-09-02.jsonl": `{"ts":"2026-09-02T10:00:00Z","event":"data_read","n":300,"project":"alpha","id":"e1"}\n`,
  "usage/2026-09-01.jsonl": `{"ts":"2026-09-01T10:00:00Z","event":"data_read","project":"alpha","id":"e2"}\n{"ts":"2026-09-01T11:00:00Z","event":"data_read","project":"alpha","id":"e3"}\n`,
};
const CSV = {
  "usage/2026-09-02.csv": "ts,event,n,project,id\n2026-09-02T10:00:00Z,data_read,300,alpha,e1\n",
  "usage/2026-09-01.csv": "ts,event,project,id\n2026-09-01T10:00:00Z,data_read,alpha,e2\n2026-09-01T11:00:00Z,data_read,alpha,e3\n",
};
const FOLDER_MAPPING = "columns: { timestamp: ts, meter: event, quantity: n, event_id: id }\n";

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mapping-undo-"));
  mkdirSync(join(dir, "usage"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-09-01\ntimezone: UTC\n`);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function statement(dir: string) {
  const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage", "--format", "json"], { cwd: dir });
  return { ...r, totals: r.code === 0 ? (JSON.parse(r.stdout).accounts[0].cycles as { total: string }[]).map((c) => c.total) : [] };
}

describe("a folder's mapped column that one daily file lacks", () => {
  for (const [format, files, day, said] of [
    ["JSON Lines", JSONL, "2026-09-01.jsonl", `is on no line of usage/2026-09-01.jsonl (expected a field some line of the file has;`],
    ["CSV", CSV, "2026-09-01.csv", `is not in the header of usage/2026-09-01.csv (expected a column the header has;`],
  ] as const) {
    it(`is refused at the folder's key, naming the day's own mapping as the way to read it (${format})`, async () => {
      const r = await statement(folder({ ...files, "usage/burnrate.mapping.yaml": FOLDER_MAPPING }));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`usage/burnrate.mapping.yaml:1:51: the mapping's column for quantity, "n", ${said} for a file without it, columns: { quantity: "" } in "${day}.mapping.yaml" beside it undoes the folder's key for that file`);
    });

    it(`is read as one event a row where the day's own mapping undoes the key (${format})`, async () => {
      const r = await statement(folder({ ...files, "usage/burnrate.mapping.yaml": FOLDER_MAPPING, [`usage/${day}.mapping.yaml`]: `columns: { quantity: "" }\n` }));
      expect(r.stderr).toBe("");
      // 300 reads on the 2nd, and two rows of one read each on the 1st: 302 x 0.01.
      expect(r.totals).toEqual(["3.02"]);
    });
  }

  it("undoes only its own key: the folder's other keys still hold for the day", async () => {
    const dir = folder({
      ...CSV,
      "usage/burnrate.mapping.yaml": FOLDER_MAPPING,
      // The first day's second row repeats the second day's id: still read as an id, it is a duplicate.
      "usage/2026-09-01.csv": "ts,event,project,id\n2026-09-01T10:00:00Z,data_read,alpha,e2\n2026-09-01T11:00:00Z,data_read,alpha,e2\n",
      "usage/2026-09-01.csv.mapping.yaml": `columns:\n  quantity: ""\n`,
    });
    const r = await statement(dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).events).toMatchObject({ read: 3, duplicates: 1 });
    expect(r.totals).toEqual(["3.01"]);
  });

  it("is not offered where the key is the file's own mapping's, or a flag's", async () => {
    const own = await statement(folder({ "usage/2026-09-01.csv": CSV["usage/2026-09-01.csv"], "usage/2026-09-01.csv.mapping.yaml": FOLDER_MAPPING }));
    expect(own.code).toBe(2);
    expect(own.stderr).toContain(`(expected a column the header has, found "ts", "event", "project", "id")`);
    const dir = folder({ "usage/2026-09-01.csv": CSV["usage/2026-09-01.csv"] });
    const flag = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage", "--map", "timestamp=ts", "--map", "meter=event", "--map", "quantity=n", "--map", "event_id=id"], { cwd: dir });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain(`--map: the mapping's column for quantity, "n", is not in the header of usage/2026-09-01.csv (expected a column the header has, found`);
  });
});
