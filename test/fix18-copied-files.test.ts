import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Fliplet's data_read is 0.01 a read: a day of 100 reads is 1 credit, whichever files it is read from once.
const DAY = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,100,alpha\n";

function folder(files: Record<string, string | Buffer>): string {
  const dir = join(mkdtempSync(join(tmpdir(), "burnrate-copies-")), "exports");
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const statement = (usage: string) =>
  burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"]);

describe("a usage file and its byte-for-byte copy", () => {
  it("in a folder, as a re-download leaves it, is refused naming both", async () => {
    const dir = folder({ "day1.csv": DAY, "day1 (1).csv": DAY, "Copy of day1.csv": DAY });
    const r = await statement(dir);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toBe(`burnrate: error: --usage: a usage file and its copy, whose rows would be billed twice (expected each log once: remove the copy (logs of different days differ in their timestamps), found "Copy of day1.csv" and "day1 (1).csv" in ${JSON.stringify(dir)}, the same rows)\n`);
  });

  it("given by two names on the command line, is refused too", async () => {
    const dir = folder({ "a.csv": DAY, "b.csv": DAY });
    expect((await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(dir, "a.csv"), join(dir, "b.csv")])).code).toBe(2);
  });

  it("files of one size with other rows, and two header-only files, are both read", async () => {
    const other = DAY.replace("2026-11-02", "2026-11-03");
    const dir = folder({ "day1.csv": DAY, "day2.csv": other, "empty1.csv": "timestamp,meter,quantity,project\n", "empty2.csv": "timestamp,meter,quantity,project\n" });
    const r = await statement(dir);
    // The header-only files named, as a failed export's would be (stop 68), and read: not refused as copies.
    expect([r.code, r.stderr]).toEqual([0, `burnrate: note: 2 of the 4 usage files hold a header and no rows ("empty1.csv", "empty2.csv" in ${JSON.stringify(dir)}): read as no usage, as a quiet day's export is; a failed export that wrote its header leaves such a file too, and its usage is then missing from what is read\n`]);
    // Two days of 100 reads: 2 x 100 x 0.01 = 2 credits.
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("2");
  });
});

describe("files alike that are no copy (red team, stop 36)", () => {
  it("two gzipped days of a header alone are read", async () => {
    // gzip -n writes no name or time: two empty days compress to the same bytes.
    const empty = gzipSync("timestamp,meter,quantity,project\n");
    const dir = folder({ "2026-11-03.csv.gz": gzipSync(DAY), "2026-11-05.csv.gz": empty, "2026-11-06.csv.gz": empty });
    const r = await statement(dir);
    expect([r.code, r.stderr]).toEqual([0, `burnrate: note: 2 of the 3 usage files hold a header and no rows ("2026-11-05.csv.gz", "2026-11-06.csv.gz" in ${JSON.stringify(dir)}): read as no usage, as a quiet day's export is; a failed export that wrote its header leaves such a file too, and its usage is then missing from what is read\n`]);
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("1");
  });

  it("the same bytes in two folders whose mappings read them as different meters are both read", async () => {
    const root = mkdtempSync(join(tmpdir(), "burnrate-copies-"));
    for (const [name, meter] of [["reads", "data_read"], ["writes", "data_write"]] as const) {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, "2026-11.csv"), "timestamp,quantity,project\n2026-11-03T10:00:00Z,100,alpha\n");
      writeFileSync(join(root, name, "burnrate.mapping.yaml"), `meter: ${meter}\n`);
    }
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(root, "reads"), "--usage", join(root, "writes"), "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    // 100 reads at 0.01 and 100 writes at 0.05: 1 + 5 = 6 credits.
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("6");
  });

  it("a file with a mapping of its own beside it is not compared", async () => {
    const dir = folder({ "a.csv": DAY, "b.csv": DAY, "b.csv.mapping.yaml": "dimension_values:\n  project: { alpha: alpha }\n" });
    const r = await statement(dir);
    expect(r.code).toBe(0);
  });
});

describe("copies the first cut missed (red team, stop 36)", () => {
  it("the same rows given from two folders read alike (no mapping) are refused", async () => {
    const [a, b] = [folder({ "nov.csv": DAY }), folder({ "nov.csv": DAY })];
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", a, "--usage", b]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("a usage file and its copy, whose rows would be billed twice");
  });

  it("a gzipped backup of a log beside it, under another name, is refused", async () => {
    const r = await statement(folder({ "nov.csv": DAY, "nov-backup.csv.gz": gzipSync(DAY) }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"nov-backup.csv.gz" and "nov.csv"');
  });
});

describe("one mapped folder named two ways (red team, stop 36)", () => {
  it("a copy in a folder with a mapping is refused whether the files are named relative or absolute", async () => {
    const dir = folder({ "day1.csv": DAY, "day1 (1).csv": DAY, "burnrate.mapping.yaml": "dimension_values:\n  project: { Alpha: alpha }\n" });
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "exports/day1.csv", "--usage", join(dir, "day1 (1).csv")], { cwd: join(dir, "..") });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("a usage file and its copy, whose rows would be billed twice");
  });
});

describe("copies read through mappings that say the same (red team, stop 36)", () => {
  it("two files each with its own, identical, mapping are refused; with mappings that differ they are read", async () => {
    const mapping = "dimension_values:\n  project: { Alpha: alpha }\n";
    const same = folder({ "a.csv": DAY, "a.csv.mapping.yaml": mapping, "b.csv": DAY, "b.csv.mapping.yaml": mapping });
    expect((await statement(same)).code).toBe(2);
    const differ = folder({ "a.csv": DAY, "a.csv.mapping.yaml": mapping, "b.csv": DAY, "b.csv.mapping.yaml": "dimension_values:\n  project: { Beta: alpha }\n" });
    expect((await statement(differ)).code).toBe(0);
  });
});

describe("a copy saved on another system (stop 37)", () => {
  const crlf = (text: string) => text.replace(/\n/g, "\r\n");

  it("with CRLF or CR line endings, a byte-order mark, both and gzipped, no last newline or one more, is refused as a copy", async () => {
    for (const copy of [crlf(DAY), `\uFEFF${DAY}`, gzipSync(`\uFEFF${crlf(DAY)}`), DAY.trimEnd(), `${crlf(DAY)}\r\n`, DAY.replace(/\n/g, "\r")]) {
      const r = await statement(folder({ "day1.csv": DAY, [Buffer.isBuffer(copy) ? "day1-win.csv.gz" : "day1-win.csv"]: copy }));
      expect([r.code, r.stdout]).toEqual([2, ""]);
      expect(r.stderr).toContain("a usage file and its copy, whose rows would be billed twice");
    }
  });

  it("a CRLF copy over a megabyte, a carriage return on the boundary of a read, is refused", async () => {
    // The digest reads a megabyte at a time: the copy is padded so that a row's \r is that read's last byte and its \n the next's first.
    const rows = Array.from({ length: 30_000 }, (_, i) => `2026-11-02T10:${String(Math.floor(i / 400) % 60).padStart(2, "0")}:${String(Math.floor(i / 10) % 60).padStart(2, "0")}Z,data_read,1,alpha`);
    let text = "";
    for (let pad = 0; pad < 64; pad++) {
      text = `timestamp,meter,quantity,project\n2026-11-02T09:00:00Z,data_read,1,${"p".repeat(pad + 1)}\n${rows.join("\n")}\n`;
      if (crlf(text)[(1 << 20) - 1] === "\r") break;
    }
    expect(crlf(text)[(1 << 20) - 1]).toBe("\r");
    const r = await statement(folder({ "day1.csv": text, "day1 (1).csv": crlf(text) }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"day1 (1).csv" and "day1.csv"');
  });

  it("a copy whose first rows run past the first few kilobytes read of each file, and a gzipped one, is refused", async () => {
    // The head of each file is read 4 KiB first, then 64 KiB where its first rows are longer (stop 43).
    const long = `timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,100,${"a".repeat(6000)}\n`;
    for (const copy of [long, gzipSync(long)]) {
      const r = await statement(folder({ "day1.csv": long, [Buffer.isBuffer(copy) ? "nov-backup.csv.gz" : "day1 (1).csv"]: copy }));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("a usage file and its copy");
    }
  });

  it("two logs that begin with the same rows and differ later are both read", async () => {
    const later = `${DAY}2026-11-02T12:00:00Z,data_read,100,alpha\n`;
    const r = await statement(folder({ "day1.csv": DAY, "day1-full.csv": crlf(later) }));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    // 100 + 200 reads at 0.01: 3 credits.
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("3");
  });
});

describe("a copy read through its own copy of the folder's mapping (newcomer64b H1)", () => {
  it("is refused: the folder's mapping and a file's own that say the same read alike", async () => {
    // A log whose reads are in a column `reads`, mapped by its folder's mapping; its backup in another folder with the
    // same mapping beside it as its own. Read both, the day's 1 credit was billed as 2.
    const mapping = "columns: { quantity: reads }\n";
    const log = DAY.replace("quantity", "reads");
    const a = folder({ "burnrate.mapping.yaml": mapping, "nov.csv": log });
    const b = folder({ "nov-backup.csv.mapping.yaml": mapping, "nov-backup.csv": log });
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", a, b, "--format", "json"]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain("a usage file and its copy, whose rows would be billed twice");
    // Under mappings that say other things, the same bytes are read as each says: both read, 2 credits.
    const c = folder({ "nov-backup.csv.mapping.yaml": "columns: { quantity: reads }\nskip_rows: { project: [beta] }\n", "nov-backup.csv": log });
    const both = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", a, c, "--format", "json"]);
    expect(both.code).toBe(0);
    expect(JSON.parse(both.stdout).accounts[0].cycles[0].total).toBe("2");
  });
});

describe("mappings that say the same, written otherwise (red64d M1, M2)", () => {
  const mapping = "columns: { quantity: reads }\n";
  const log = DAY.replace("quantity", "reads");
  const run = (...usage: string[]) => burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", ...usage, "--format", "json"]);

  it("a log under its folder's mapping and its own copy of it, beside a backup under the folder's alone, is refused", async () => {
    const dir = folder({ "burnrate.mapping.yaml": mapping, "nov.csv.mapping.yaml": mapping, "nov.csv": log, "nov-backup.csv": log });
    const r = await run(dir);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain("a usage file and its copy, whose rows would be billed twice");
  });

  it.each([
    ["CRLF line ends", "columns: { quantity: reads }\r\n"],
    ["no last newline", "columns: { quantity: reads }"],
    ["a comment", "# copied from the folder\ncolumns: { quantity: reads }\n"],
    ["block style", "columns:\n  quantity: reads\n"],
  ])("a backup under its own mapping with %s is refused as the copy it is", async (_what, own) => {
    const a = folder({ "burnrate.mapping.yaml": mapping, "nov.csv": log });
    const b = folder({ "nov-backup.csv.mapping.yaml": own, "nov-backup.csv": log });
    expect((await run(a, b)).code).toBe(2);
  });

  it("reads a mapping's values as written: 0420 and \"0420\" say the same, 0420 and 420 do not (red64e)", async () => {
    const project = (value: string) => `columns: { quantity: reads }\nconstants: { project: ${value} }\n`;
    const plain = "timestamp,meter,reads\n2026-11-02T10:00:00Z,data_read,100\n";
    const a = folder({ "burnrate.mapping.yaml": project("0420"), "nov.csv": plain });
    expect((await run(a, folder({ "burnrate.mapping.yaml": project('"0420"'), "nov-backup.csv": plain }))).code).toBe(2);
    const other = await run(a, folder({ "burnrate.mapping.yaml": project("420"), "nov-420.csv": plain }));
    expect(other.code).toBe(0);
    // Two projects' 100 reads at 0.01: 2 credits.
    expect(JSON.parse(other.stdout).accounts[0].cycles[0].total).toBe("2");
  });
});
