import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { UnchangedFiles } from "../src/usage/unchanged-files.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// The red team of stop 51 (red51) on the ids' pass, standard input and the temporary files.
const BIN = join(ROOT, "bin/burnrate");
const args = (...usage: string[]) => ["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", ...usage.flatMap((u) => ["--usage", u]), "--format", "json"];
const LOG = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,5,p\n2026-11-03T10:00:00Z,data_read,7,p\n";

describe("standard input beside the file it copies (red51 #1)", () => {
  it("is refused as a copy, either way round, as a file's copy is", async () => {
    const dir = mkdtempSync(join(tmpdir(), "red51-"));
    writeFileSync(join(dir, "noid.csv"), LOG);
    const after = await burnrate(args("noid.csv", "-"), { cwd: dir, input: LOG });
    expect(after.code).toBe(2);
    expect(after.stdout).toBe("");
    expect(after.stderr).toBe('burnrate: error: --usage: a usage file and its copy, whose rows would be billed twice (expected each log once: remove the copy (logs of different days differ in their timestamps), found "noid.csv" and standard input, the same rows)\n');
    const before = await burnrate(args("-", "noid.csv"), { cwd: dir, input: LOG.replaceAll("\n", "\r\n") });
    expect(before.stderr).toContain('found standard input and "noid.csv", the same rows');
    // Other rows on standard input are read beside the file: 12 reads and 4 more.
    const other = await burnrate(args("noid.csv", "-"), { cwd: dir, input: "timestamp,meter,quantity,project\n2026-11-04T10:00:00Z,data_read,4,p\n" });
    expect(other.code, other.stderr).toBe(0);
    expect(JSON.parse(other.stdout).events.read).toBe(3);
  });
});

describe("a usage file written while it is read (red51 #2)", () => {
  const dir = mkdtempSync(join(tmpdir(), "red51-grow-"));
  it("is found changed where rows were appended, where it was written again, and where it is gone", () => {
    const file = join(dir, "day.csv");
    writeFileSync(file, LOG);
    const same = new UnchangedFiles([file, "-", dir]);
    same.check();
    const more = "2026-11-04T10:00:00Z,data_read,1,p\n";
    appendFileSync(file, more);
    expect(() => same.check()).toThrow(`found ${LOG.length} bytes at the start and ${LOG.length + more.length} at the end`);
    const rewritten = new UnchangedFiles([file]);
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace("data_read,1,", "data_read,2,"));
    utimesSync(file, new Date(Date.now() + 5000), new Date(Date.now() + 5000));
    expect(() => rewritten.check()).toThrow(`found ${LOG.length + more.length} bytes, written again`);
    const gone = new UnchangedFiles([file]);
    rmSync(file);
    expect(() => gone.check()).toThrow("found it gone");
  });
});

describe("text that is not Unicode (red51 #3)", () => {
  it("is refused in JSON Lines as a lone surrogate, at its escape; a surrogate pair is read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "red51-text-"));
    const line = (id: string, project = "p") => `{"timestamp":"2026-11-02T10:00:00Z","meter":"data_read","quantity":1,"project":"${project}","event_id":"${id}"}`;
    writeFileSync(join(dir, "lone.jsonl"), `${line("a")}\n${line("\\ud800")}\n${line("\\udfff")}\n`);
    const lone = await burnrate(args("lone.jsonl"), { cwd: dir });
    expect(lone.code).toBe(2);
    expect(lone.stderr).toBe('burnrate: error: lone.jsonl:2:1: field "event_id" holds a lone surrogate, which is no Unicode text (expected UTF-8 text, as a CSV\'s (a surrogate pair, or none), found "\\ud800")\n');
    // In a field no meter reads (ignored), it is passed over.
    writeFileSync(join(dir, "ignored.jsonl"), `${line("a").replace("}", ',"note":"\\ud800"}')}\n`);
    writeFileSync(join(dir, "ignored.jsonl.mapping.yaml"), "ignore_columns: [note]\n");
    const ignored = await burnrate(args("ignored.jsonl"), { cwd: dir });
    expect(ignored.code, ignored.stderr).toBe(0);
    writeFileSync(join(dir, "pair.jsonl"), `${line("\\ud83d\\ude00", "\\ud83d\\ude01")}\n${line("x")}\n`);
    const pair = await burnrate(args("pair.jsonl"), { cwd: dir });
    expect(pair.code, pair.stderr).toBe(0);
    expect(JSON.parse(pair.stdout).events).toMatchObject({ read: 2, duplicates: 0 });
    expect(pair.stdout).toContain('"project": "\u{1F601}"');
  });

  it("is refused in a Parquet text column, annotated or not, at its row and column", async () => {
    const dir = mkdtempSync(join(tmpdir(), "red51-pq-"));
    const ids = [Uint8Array.of(0x78, 0x61), Uint8Array.of(0x78, 0xff), Uint8Array.of(0x78, 0xfe)];
    const base = [
      { name: "timestamp", data: ["2026-11-02T10:00:00Z", "2026-11-02T10:00:01Z", "2026-11-02T10:00:02Z"], type: "STRING" as const },
      { name: "meter", data: ["data_read", "data_read", "data_read"], type: "STRING" as const },
      { name: "project", data: ["p", "p", "p"], type: "STRING" as const },
    ];
    writeFileSync(join(dir, "bytes.parquet"), Buffer.from(parquetWriteBuffer({ columnData: [...base, { name: "event_id", data: ids, type: "BYTE_ARRAY" }] })));
    const bytes = await burnrate(args("bytes.parquet"), { cwd: dir });
    expect(bytes.code).toBe(2);
    expect(bytes.stderr).toBe("burnrate: error: bytes.parquet:2:4: text that is not UTF-8 (expected UTF-8 text, as a CSV's, found the bytes 78 ff)\n");
    // Under ignore_columns: (a request's hash), the column is not read, and the file is (red51b #2): three reads.
    writeFileSync(join(dir, "bytes.parquet.mapping.yaml"), "ignore_columns: [event_id]\n");
    const ignored = await burnrate(args("bytes.parquet"), { cwd: dir });
    expect(ignored.code, ignored.stderr).toBe(0);
    expect(JSON.parse(ignored.stdout).events).toMatchObject({ read: 3, priced: 3 });
  });
});

describe("a temporary directory that cannot hold standard input's copy (red51 #4, #8)", () => {
  it("is the user's to fix, said at TMPDIR, not a bug", () => {
    // A file size limit of 8 blocks (4 KiB) on a copy of 2,000 rows.
    const rows = Array.from({ length: 2000 }, (_, i) => `2026-11-02T10:00:00Z,data_read,1,p${i}`).join("\n");
    const run = spawnSync("bash", ["-c", `ulimit -f 8; exec "${process.execPath}" "${BIN}" "$@"`, "bash", ...args("-")], { input: `timestamp,meter,quantity,project\n${rows}\n`, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^burnrate: error: TMPDIR: cannot write a temporary file: EFBIG \(expected a writable temporary directory with free space, found EFBIG in ".*"\)\n$/);
  });
});

describe("a date whose midnight the clocks skip (red51 #5)", () => {
  // America/Santiago moves its clocks from 00:00 to 01:00 on 2026-09-06 (-04:00 to -03:00): that day begins at 01:00,
  // 04:00 UTC; October 6 begins at its midnight, 03:00 UTC.
  it("anchors the cycles at the day's first instant, and the next cycle at its day's midnight", async () => {
    const dir = mkdtempSync(join(tmpdir(), "red51-dst-"));
    // 00:30 local on October 6 (03:30 UTC) is the second cycle's; 23:30 local on October 5 (02:30 UTC), the first's.
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-09-06,data_read,1,p\n2026-10-06T02:30:00Z,data_read,2,p\n2026-10-06T03:30:00Z,data_read,4,p\n");
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-09-06", "--timezone", "America/Santiago", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const cycles = JSON.parse(r.stdout).accounts[0].cycles as { start: string; end: string; lines: { meter: string; quantity: string }[] }[];
    expect(cycles.map((c) => [c.start, c.end])).toEqual([["2026-09-06T04:00:00Z", "2026-10-06T03:00:00Z"], ["2026-10-06T03:00:00Z", "2026-11-06T03:00:00Z"]]);
    const reads = (c: (typeof cycles)[number]) => c.lines.find((l) => l.meter === "data_read")?.quantity;
    // The date alone is the day's first instant, in the first cycle with 23:30 of October 5.
    expect(cycles.map(reads)).toEqual(["3", "4"]);
    // An anchor written with its time, 01:00 on that day, keeps the time in every cycle, as before (red51b #1).
    const timed = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-09-06T01:00:00-03:00", "--timezone", "America/Santiago", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    expect(timed.code, timed.stderr).toBe(0);
    // Every row is then the first cycle's, 00:30 of October 6 (03:30 UTC) too: it ends at 01:00, 04:00 UTC.
    const spans = (JSON.parse(timed.stdout).accounts[0].cycles as { start: string; end: string }[]).map((c) => [c.start, c.end]);
    expect(spans).toEqual([["2026-09-06T04:00:00Z", "2026-10-06T04:00:00Z"]]);
  });
});
