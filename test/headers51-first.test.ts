import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { checkHeaders } from "../src/usage/header-check.js";
import { loadCardFor } from "../src/inputs.js";
import { NO_MAPPING } from "../src/usage/mapping.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer51 #7: a typo in the header of a month's 13th daily file was refused after twelve days were read, 20 to 70 s
// into the run. Every CSV file's header is now checked as the readers check it before any row is read.
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const HEADER = "timestamp,meter,quantity,project";
const day = (d: number, header = HEADER) => `${header}\n${Array.from({ length: 50 }, (_, i) => `2026-11-${String(d).padStart(2, "0")}T10:00:${String(i).padStart(2, "0")}Z,data_read,1,p`).join("\n")}\n`;

describe("usage headers, checked first", () => {
  it("refuses a later file's header typo at that file, reading no row of the files before it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "headers51-"));
    mkdirSync(join(dir, "days"));
    writeFileSync(join(dir, "days", "2026-11-01.csv"), day(1));
    // The 2nd day's first row is bad (a date that does not exist): the readers would refuse it first.
    writeFileSync(join(dir, "days", "2026-11-02.csv"), `${HEADER}\n2026-11-31T10:00:00Z,data_read,1,p\n`);
    writeFileSync(join(dir, "days", "2026-11-03.csv.gz"), gzipSync(day(3, "timestamp,meter,quantity,projcet")));
    const r = await burnrate(["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", "days", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^burnrate: error: days\/2026-11-03\.csv\.gz:1:4: column "projcet" is read by no meter of fliplet 2026-11; did you mean "project"\? /);
    expect(r.stderr).toContain('"projcet"');
    expect(r.stderr.split("\n").filter((l) => l !== "")).toHaveLength(1);
  });

  it("leaves a quoted header, JSON Lines and a file it cannot read to the readers", () => {
    const dir = mkdtempSync(join(tmpdir(), "headers51-"));
    const card = loadCardFor(CARD, undefined);
    const files = ["quoted.csv", "lines.jsonl", "bom.csv"].map((f) => join(dir, f));
    writeFileSync(files[0]!, `"timestamp","meter","quantity","projcet"\n`);
    writeFileSync(files[1]!, `{"timestamp":"2026-11-02T10:00:00Z","meter":"data_read","projcet":"p"}\n`);
    writeFileSync(files[2]!, `\uFEFF${HEADER}\r\n`);
    expect(() => checkHeaders([...files, join(dir, "missing.csv"), "-"], { card, mappingFor: () => NO_MAPPING })).not.toThrow();
    writeFileSync(files[2]!, `\uFEFFtimestamp,meter,quantity,project,projcet\r\n`);
    expect(() => checkHeaders(files, { card, mappingFor: () => NO_MAPPING })).toThrow(/projcet/);
  });
});
