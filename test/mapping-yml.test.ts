import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A mapping named `.yml` was taken for a mapping (never usage) and read by nothing: its `timestamp_zone: UTC` lost in
// silence, a gateway's UTC times read in the account's zone (newcomer, stop 41). `.yml` is read as `.yaml` is, in a
// folder (`burnrate.mapping.yml`), beside one (`DIR.mapping.yml`) or beside a file (`FILE.mapping.yml`); both is refused.

/** 02:30 on 1 November, written without an offset: which cycle it is in is the mapping's zone's to say. */
const LOG = "timestamp,meter,quantity,project\n2026-11-01T02:30:00,data_read,100,alpha\n";

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mapping-yml-"));
  mkdirSync(join(dir, "usage"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-10-01\ntimezone: America/New_York\n`);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Each cycle's start and total. */
async function totals(dir: string, usage: string) {
  const r = await burnrate(["statement", "--account", "account.yaml", "--usage", usage, "--format", "json"], { cwd: dir });
  return { ...r, cycles: r.code === 0 ? (JSON.parse(r.stdout).accounts[0].cycles as { start: string; total: string }[]).map((c) => [c.start, c.total]) : [] };
}

// 02:30 on 1 November: UTC puts it in October (New York's November starts at 04:00 UTC); New York's wall clock in November.
const OCTOBER = [["2026-10-01T04:00:00Z", "1"]];
const NOVEMBER = [["2026-10-01T04:00:00Z", "0"], ["2026-11-01T04:00:00Z", "1"]];

describe("a mapping file named .yml", () => {
  for (const [name, mapping] of [["a folder's", "usage/burnrate.mapping.yml"], ["one beside the folder", "usage.mapping.yml"], ["one beside the file", "usage/log.csv.mapping.yml"]] as const) {
    it(`is read as ${name}`, async () => {
      const without = await totals(folder({ "usage/log.csv": LOG }), "usage");
      expect(without.cycles).toEqual(NOVEMBER);
      const r = await totals(folder({ "usage/log.csv": LOG, [mapping]: "timestamp_zone: UTC\n" }), "usage");
      expect(r.stderr).toBe("");
      expect(r.cycles).toEqual(OCTOBER);
    });
  }

  it("is refused beside a .yaml one of the same name, at the .yml", async () => {
    const dir = folder({ "usage/log.csv": LOG, "usage/burnrate.mapping.yaml": "timestamp_zone: UTC\n", "usage/burnrate.mapping.yml": "timestamp_zone: UTC\n" });
    const r = await totals(dir, "usage");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`burnrate: error: ${join(dir, "usage/burnrate.mapping.yml")}:1:1: two mapping files for one usage file or folder (expected one of "burnrate.mapping.yaml" and "burnrate.mapping.yml": merge them, or remove one, found both)\n`.replace(join(dir, "usage/"), "usage/"));
  });
});

// A gzipped export's mapping written before it was compressed, `LOG.csv.mapping.yaml` beside `LOG.csv.gz`, was read by
// nothing, and the log was refused for columns the mapping renames (newcomer31, stop 45).
describe("a gzipped log's mapping named for the file before it was compressed", () => {
  const gzipped = (dir: string) => writeFileSync(join(dir, "usage/log.csv.gz"), gzipSync(LOG.replace("timestamp,", "created_at,")));

  it("is read, as LOG.csv.gz.mapping.yaml is", async () => {
    const dir = folder({ "usage/log.csv.mapping.yaml": "columns: { timestamp: created_at }\ntimestamp_zone: UTC\n" });
    gzipped(dir);
    const r = await totals(dir, "usage/log.csv.gz");
    expect(r.stderr).toBe("");
    expect(r.cycles).toEqual(OCTOBER);
  });

  it("is not read where the file it was named for is there too: it is that file's", async () => {
    // log.csv is a UTC export, read at its mapping's zone; log.csv.gz beside it is another, in the account's zone.
    const dir = folder({ "usage/log.csv": LOG, "usage/log.csv.mapping.yaml": "timestamp_zone: UTC\n" });
    writeFileSync(join(dir, "usage/log.csv.gz"), gzipSync(LOG));
    const r = await totals(dir, "usage/log.csv.gz");
    // Read in the account's zone, as the note on such times says: not at the mapping's UTC.
    expect(r.stderr).toContain("has a time without an offset, read in America/New_York, the account's time zone");
    expect(r.cycles).toEqual(NOVEMBER);
  });

  it("is refused beside one named for the gzipped file, at the second", async () => {
    const dir = folder({ "usage/log.csv.mapping.yaml": "columns: { timestamp: created_at }\n", "usage/log.csv.gz.mapping.yaml": "columns: { timestamp: created_at }\n" });
    gzipped(dir);
    const r = await totals(dir, "usage/log.csv.gz");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`burnrate: error: usage/log.csv.mapping.yaml:1:1: two mapping files for one usage file or folder (expected one of "log.csv.gz.mapping.yaml" and "log.csv.mapping.yaml": merge them, or remove one, found both)\n`);
  });

  it("is refused with the others there, naming all of them", async () => {
    const dir = folder({ "usage/log.csv.mapping.yaml": "", "usage/log.csv.mapping.yml": "", "usage/log.csv.gz.mapping.yaml": "" });
    gzipped(dir);
    const r = await totals(dir, "usage/log.csv.gz");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`burnrate: error: usage/log.csv.mapping.yaml:1:1: 3 mapping files for one usage file or folder (expected one of "log.csv.gz.mapping.yaml", "log.csv.mapping.yaml" and "log.csv.mapping.yml": merge them, or remove all but one, found all 3)\n`);
  });
});
