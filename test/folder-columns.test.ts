import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { Zone } from "../src/time.js";
import { mappingResolver } from "../src/usage/mapping.js";
import { RowScanner } from "../src/usage/row-scanner.js";
import { KeptNotes } from "../src/usage/record-lines.js";

// A folder's mapping names a field (`columns: { quantity: n }`) that a producer began to send mid-month: the days
// before it have no such field, and one of them refused the whole folder; the way round was a mapping file a day
// (newcomers, stops 41 and 42). A folder's quantity or event id column is now judged once every file is read: refused
// where no file has it, and noted where some do not, their rows read as a file without the key is. A day's own mapping
// may also undo the folder's key (`quantity: ""`).

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
  for (const [format, files, day] of [
    ["JSON Lines", JSONL, "2026-09-01.jsonl"],
    ["CSV", CSV, "2026-09-01.csv"],
  ] as const) {
    it(`reads the day's rows as one event each, and says so (${format})`, async () => {
      const r = await statement(folder({ ...files, "usage/burnrate.mapping.yaml": FOLDER_MAPPING }));
      expect(r.stderr).toBe(`burnrate: note: the mapping's column for quantity, "n" (usage/burnrate.mapping.yaml:1:51), is in some files of the folder, but usage/${day} does not have it: each of its rows is priced as one event\n`);
      // 300 reads on the 2nd, and two rows of one read each on the 1st: 302 x 0.01.
      expect(r.totals).toEqual(["3.02"]);
    });

    it(`is refused at the folder's key where no file has it (${format})`, async () => {
      // Both days are the 1st's, without the field (the 2nd's "n", read by nothing, would be refused at its header).
      const withoutIt = Object.fromEntries(Object.entries(files).map(([name], i) => [name, (files as Record<string, string>)[`usage/${day}`]!.replaceAll("T1", `T${i + 1}`)]));
      const r = await statement(folder({ ...withoutIt, "usage/burnrate.mapping.yaml": FOLDER_MAPPING }));
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`burnrate: error: usage/burnrate.mapping.yaml:1:51: the mapping's column for quantity, "n", is in none of the 2 files it reads (the first usage/${day}) (expected a column or field some file of the folder has, found no file with "n")\n`);
    });

    it(`is read as one event a row where the day's own mapping undoes the key (${format})`, async () => {
      const r = await statement(folder({ ...files, "usage/burnrate.mapping.yaml": FOLDER_MAPPING, [`usage/${day}.mapping.yaml`]: `columns: { quantity: "" }\n` }));
      // Said by the day's own mapping: nothing to note.
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

  it("an event id column some days lack: their rows carry no id, and the days with it are deduplicated", async () => {
    const dir = folder({
      "usage/burnrate.mapping.yaml": FOLDER_MAPPING,
      // The 1st: no id column. The 2nd: e9 twice, a retry.
      "usage/2026-09-01.csv": "ts,event,n,project\n2026-09-01T10:00:00Z,data_read,100,alpha\n2026-09-01T10:00:00Z,data_read,100,alpha\n",
      "usage/2026-09-02.csv": "ts,event,n,project,id\n2026-09-02T10:00:00Z,data_read,300,alpha,e9\n2026-09-02T11:00:00Z,data_read,300,alpha,e9\n",
    });
    const r = await statement(dir);
    expect(r.stderr).toBe(`burnrate: note: the mapping's column for event_id, "id" (usage/burnrate.mapping.yaml:1:64), is in some files of the folder, but usage/2026-09-01.csv does not have it: its rows carry no event id, and none of them is taken for a repeat\n`);
    expect(JSON.parse(r.stdout).events).toMatchObject({ read: 4, duplicates: 1 });
    // 100 + 100 + 300 reads: 5.
    expect(r.totals).toEqual(["5"]);
  });

  // A near miss of the folder's column in a day's header is a misspelling, not a day without it: read as lacking, its
  // column was refused as read by nothing, whose fix (ignore_columns:) priced each row as one (red team, stop 42).
  it("is refused at once, with the guess, where a day's header has a near miss of it", async () => {
    const r = await statement(folder({ ...CSV, "usage/2026-09-01.csv": CSV["usage/2026-09-01.csv"].replace("ts,event,project,id", "ts,event,N,project,id").replaceAll(",data_read,alpha,", ",data_read,5,alpha,"), "usage/burnrate.mapping.yaml": FOLDER_MAPPING }));
    expect(r.code).toBe(2);
    // At the day's header, where the typo is (newcomer66 M3: the folder's key was offered the typo, which the other days do not have); `ts,event,` is 9 characters.
    expect(r.stderr).toBe(`burnrate: error: usage/2026-09-01.csv:1:10: the header of usage/2026-09-01.csv has "N" where the folder's mapping reads quantity from "n" (usage/burnrate.mapping.yaml:1:51): a typo in this file's header? (expected the column named "n", as the folder's mapping names it; or a mapping of this file alone beside it, 2026-09-01.csv.mapping.yaml with columns: { quantity: N }, found "N")\n`);
  });

  it("counts a quoted header's quotes in the column it names (red66b)", async () => {
    // `"ts","event",` is 13 characters: the quoted "N" starts at column 14.
    const day = CSV["usage/2026-09-01.csv"].replace("ts,event,project,id", '"ts","event","N","project","id"').replaceAll(",data_read,alpha,", ",data_read,5,alpha,");
    const r = await statement(folder({ ...CSV, "usage/2026-09-01.csv": day, "usage/burnrate.mapping.yaml": FOLDER_MAPPING }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^burnrate: error: usage\/2026-09-01\.csv:1:14: the header of usage\/2026-09-01\.csv has "N" where the folder's mapping reads quantity from "n"/);
  });

  // red66b M12, red66d L6: `ip` is one edit from `id`, not its typo: no did-you-mean (whose per-file mapping read the ips
  // as event ids), and the way on for a day without the column.
  it("does not take a short name's near miss for its typo, and offers the day's own mapping", async () => {
    const day = CSV["usage/2026-09-01.csv"].replace("ts,event,project,id", "ts,event,project,ip");
    const r = await statement(folder({ ...CSV, "usage/2026-09-01.csv": day, "usage/burnrate.mapping.yaml": FOLDER_MAPPING }));
    expect(r.code).toBe(2);
    // `columns: { timestamp: ts, meter: event, quantity: n, event_id: ` is 63 characters: "id" at column 64.
    expect(r.stderr).toBe(`burnrate: error: usage/burnrate.mapping.yaml:1:64: the mapping's column for event_id, "id", is not in the header of usage/2026-09-01.csv (expected a column the header has; for a file without it, columns: { event_id: "" } in "2026-09-01.csv.mapping.yaml" beside it undoes the folder's key for that file, found "ts", "event", "project", "ip")\n`);
  });

  it("refuses a file's own mapping that undoes a key no mapping under it names", async () => {
    const r = await statement(folder({ "usage/2026-09-01.csv": CSV["usage/2026-09-01.csv"], "usage/2026-09-01.csv.mapping.yaml": `columns: { timestamp: ts, meter: event, event_id: id, quantity: "" }\n` }));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`burnrate: error: usage/2026-09-01.csv.mapping.yaml:1:65: columns: { quantity: "" } undoes a key of a mapping under this one, and none names quantity (expected the key left out, or a column of the usage, found "")\n`);
  });

  it("is refused at once where the key is the file's own mapping's, or a flag's", async () => {
    const own = await statement(folder({ "usage/2026-09-01.csv": CSV["usage/2026-09-01.csv"], "usage/2026-09-01.csv.mapping.yaml": FOLDER_MAPPING }));
    expect(own.code).toBe(2);
    expect(own.stderr).toContain(`(expected a column the header has, found "ts", "event", "project", "id")`);
    const dir = folder({ "usage/2026-09-01.csv": CSV["usage/2026-09-01.csv"] });
    const flag = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage", "--map", "timestamp=ts", "--map", "meter=event", "--map", "quantity=n", "--map", "event_id=id"], { cwd: dir });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain(`--map: the mapping's column for quantity, "n", is not in the header of usage/2026-09-01.csv (expected a column the header has, found`);
  });
});

// A large folder is scanned on the reading thread, which has no run to tell: it tells the file's notes, posted to the
// run with its rows (KeptNotes), or the scanner gave the whole log to the plain reader (91 daily files, 10 without the
// column: 16 s where the same log with it takes 4).
describe("the row scanner, as on the reading thread", () => {
  it("reads a day without the folder's column, and notes it for the run, on its first file and on one that goes on with its shapes", () => {
    const dir = folder({ "usage/burnrate.mapping.yaml": FOLDER_MAPPING, ...CSV });
    const mappingFor = mappingResolver({ mappingFile: undefined, mapFlags: [] });
    const notes = new KeptNotes();
    const days = ["2026-09-01.csv", "2026-09-01b.csv"].map((name) => join(dir, "usage", name));
    const scanner = new RowScanner({
      file: days[0]!,
      zone: Zone.of("UTC")!,
      defaultAccount: "default",
      mapping: mappingFor(days[0]!),
      read: { names: new Set(["project"]), card: "test 1" },
      events: new Map([["data_read", ["project"]]]),
      notes,
    });
    const rows = (text: string) => scanner.scan(Buffer.from(text), true).reduce((sum, batch) => sum + batch.count, 0);
    expect(rows(CSV["usage/2026-09-01.csv"])).toBe(2);
    // A second file of the same header goes on with the first's shapes: it tells its own.
    const later = new KeptNotes();
    scanner.nextFile(days[1]!, later);
    expect(rows(CSV["usage/2026-09-01.csv"].replaceAll("T1", "T2"))).toBe(2);
    const told = (kept: KeptNotes) => kept.notes.flatMap((n) => (n.kind === "folderColumn" ? [[n.column.canonical, n.column.present, n.column.file]] : []));
    expect(told(notes)).toEqual([["quantity", false, days[0]], ["event_id", true, days[0]]]);
    expect(told(later)).toEqual([["quantity", false, days[1]], ["event_id", true, days[1]]]);
  });

  it("refuses the day, as before, where nobody is told (the plain reader then judges it)", () => {
    const dir = folder({ "usage/burnrate.mapping.yaml": FOLDER_MAPPING, ...CSV });
    const day = join(dir, "usage", "2026-09-01.csv");
    const scanner = new RowScanner({ file: day, zone: Zone.of("UTC")!, defaultAccount: "default", mapping: mappingResolver({ mappingFile: undefined, mapFlags: [] })(day), read: { names: new Set(["project"]), card: "test 1" }, events: new Map([["data_read", ["project"]]]) });
    expect(() => scanner.scan(Buffer.from(CSV["usage/2026-09-01.csv"]), true)).toThrow("a header the plain reader must judge");
  });
});
