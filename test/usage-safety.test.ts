import { linkSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import { loadCard } from "../src/inputs.js";
import { statementJson } from "../src/render/statement/json.js";
import { replayFiles, type Reader } from "../src/replay/replay-files.js";
import { binary, burnrate, ROOT } from "./helpers/cli.js";
import { ON_THREAD, THREAD_BYTES } from "./helpers/thread.js";

// Usage read safely (issue 15): a file named twice by a link, a log of 10,000
// columns, and the new header and line-ending rules alike on every reader.

const CARD = join(ROOT, "ratecards/fliplet.yaml");
const STATEMENT = ["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--format", "json"];
const PLAIN = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,3,alpha\n2026-11-02T11:00:00Z,data_write,2,beta\n";

function folder(): string {
  return mkdtempSync(join(tmpdir(), "burnrate-usage-safety-"));
}

describe("the same usage file twice", () => {
  it("is refused through a symbolic link or a hard link, naming both values", async () => {
    const dir = folder();
    writeFileSync(join(dir, "usage.csv"), PLAIN);
    symlinkSync("usage.csv", join(dir, "soft.csv"));
    linkSync(join(dir, "usage.csv"), join(dir, "hard.csv"));
    for (const other of ["soft.csv", "hard.csv"]) {
      const run = await burnrate([...STATEMENT, "--usage", "usage.csv", "--usage", other], { cwd: dir });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe(`burnrate: error: --usage: the same usage file twice (expected each file once in --usage, found "usage.csv" and "${other}", one file on disk)\n`);
    }
  });

  // Reversed on purpose at stop 36: two files with the same bytes and rows are a copy (logs of different days differ in
  // their timestamps), billed twice without a word (red team); refused naming both, as a gzip copy is.
  it("refuses two different files with the same bytes and rows, which would bill the rows twice", async () => {
    const dir = folder();
    writeFileSync(join(dir, "a.csv"), PLAIN);
    writeFileSync(join(dir, "b.csv"), PLAIN);
    const run = await burnrate([...STATEMENT, "--usage", "a.csv", "--usage", "b.csv"], { cwd: dir });
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr).toContain('a usage file and its copy, whose rows would be billed twice');
  });
});

describe("a usage log of 10,000 columns", () => {
  // Rows of 10,000 columns past the size from which a file is scanned on a worker thread (test/helpers/thread.ts; the thread
  // loads from dist/: these run the built binary).
  it("reads rows at one instant with every column a dimension of the meter, past the thread's size", () => {
    const dir = folder();
    const columns = Array.from({ length: 9996 }, (_, i) => `c${i}`);
    // A card whose data_read line is keyed by every column: each row's 10,000 dimensions are read and compared.
    const card = readFileSync(CARD, "utf8").replace("  data_read:\n    aggregation: flow\n    dimensions: [project]", `  data_read:\n    aggregation: flow\n    dimensions: [project, ${columns.join(", ")}]`);
    expect(card).toContain("c9995]");
    writeFileSync(join(dir, "card.yaml"), card);
    const rows = [["timestamp", "meter", "quantity", "project", ...columns].join(",")];
    // A row's 9,996 cells take 3 bytes each ("v0,"): 36 rows, a multiple of 3, are past the thread's size (3 × ⌈1,048,576 / (3 × 3 × 9,996)⌉ = 3 × ⌈11.66⌉ = 36).
    const count = 3 * Math.ceil(THREAD_BYTES / (3 * 3 * columns.length));
    for (let r = 0; r < count; r++) rows.push(["2026-11-02T10:00:00Z", "data_read", "1", "alpha", ...columns.map((_, i) => `v${(i + r) % 3}`)].join(","));
    writeFileSync(join(dir, "usage.csv"), `${rows.join("\n")}\n`);
    expect(statSync(join(dir, "usage.csv")).size).toBeGreaterThan(THREAD_BYTES);
    const run = binary(["statement", "--card", "card.yaml", "--plan", "pro", "--anchor", "2026-11-01", "--format", "json", "--usage", "usage.csv"], { cwd: dir, env: ON_THREAD });
    expect(run.code, run.stderr).toBe(0);
    const cycle = JSON.parse(run.stdout).accounts[0].cycles[0];
    // Rows fall into three lines by r mod 3 (36 / 3 = 12 rows each), 0.01 a read: 36 × 0.01 = 0.36.
    expect(cycle.lines.map((l: { quantity: string }) => l.quantity).sort()).toEqual(["12", "12", "12"]);
    expect(cycle.total).toBe("0.36");
    expect(cycle.lines[0].dimensions.c9995).toMatch(/^v[012]$/);
  }, 120_000);

  it("reads rows whose 9,996 extra columns the mapping ignores, past the thread's size", () => {
    const dir = folder();
    const columns = Array.from({ length: 9996 }, (_, i) => `extra${i}`);
    const rows = [["timestamp", "meter", "quantity", "project", ...columns].join(",")];
    // A row's 9,996 extra cells take 2 bytes each ("x,"): 56 rows, a multiple of 4, are past the thread's size (4 × ⌈1,048,576 / (4 × 2 × 9,996)⌉ = 4 × ⌈13.11⌉ = 56).
    const count = 4 * Math.ceil(THREAD_BYTES / (4 * 2 * columns.length));
    for (let r = 0; r < count; r++) rows.push([`2026-11-02T10:${String(Math.floor(r / 60) % 60).padStart(2, "0")}:${String(r % 60).padStart(2, "0")}Z`, "data_read", "2", `p${r % 4}`, ...columns.map(() => "x")].join(","));
    writeFileSync(join(dir, "usage.csv"), `${rows.join("\n")}\n`);
    expect(statSync(join(dir, "usage.csv")).size).toBeGreaterThan(THREAD_BYTES);
    writeFileSync(join(dir, "usage.csv.mapping.yaml"), `ignore_columns: [${columns.join(", ")}]\n`);
    const run = binary([...STATEMENT, "--usage", "usage.csv"], { cwd: dir, env: ON_THREAD });
    expect(run.code, run.stderr).toBe(0);
    const cycle = JSON.parse(run.stdout).accounts[0].cycles[0];
    // 56 reads of 2 at 0.01 (56 × 2 × 0.01 = 1.12), in four projects of 56 / 4 = 14 rows; no ignored column becomes a dimension.
    expect(cycle.total).toBe("1.12");
    expect(cycle.lines.map((l: { dimensions: Record<string, string> }) => Object.keys(l.dimensions))).toEqual([["project"], ["project"], ["project"], ["project"]]);
  }, 120_000);
});

describe("the header rules and line endings on every reader", () => {
  const card = loadCard(CARD);
  const settings = resolveAccount(card, undefined, { plan: "pro", anchor: "2026-11-01" });
  const outcome = async (file: string, reader: Reader) =>
    replayFiles(card, settings, { files: [file], mappingFile: undefined, mapFlags: [] }, undefined, reader).then(
      (s) => JSON.stringify(statementJson(s)),
      (e: Error) => `error: ${e.message}`,
    );
  const dir = folder();
  const logs: [string, string, RegExp | "plain"][] = [
    ["near-miss.csv", PLAIN.replace("quantity", "Quantity"), /1:3: header column "Quantity" looks like the canonical column "quantity"/],
    ["unread.csv", PLAIN.replace("project\n", "project,notes\n").replace(/alpha\n/, "alpha,a\n").replace(/beta\n/, "beta,b\n"), /1:5: column "notes" is read by no meter/],
    ["lf-then-crlf.csv", PLAIN.replace(/alpha\n/, "alpha\r\n").replace(/beta\n/, "beta\r\n"), "plain"],
    ["crlf-then-lf.csv", PLAIN.replace("project\n", "project\r\n"), "plain"],
    ["lone-cr.csv", PLAIN.replaceAll("\n", "\r"), "plain"],
    ["year-0026.csv", PLAIN.replace("2026-11-02T11", "0026-11-02T11"), /3:1: usage before the first cycle .*found 0026-11-02T11:00:00Z/],
    ["far.csv", PLAIN.replace("2026-11-02T11", "9999-11-02T11"), /3:1: usage more than 120 cycles after the anchor/],
  ];
  for (const [name, text] of logs) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, "plain.csv"), PLAIN);

  it.each(logs)("%s: csv-parse, the plain reader and the row scanner agree", async (name, _text, want) => {
    const file = join(dir, name);
    const slow = await outcome(file, "csv-parse");
    if (want === "plain") expect(slow).toBe(await outcome(join(dir, "plain.csv"), "csv-parse"));
    else expect(slow).toMatch(want);
    expect(slow).not.toContain("\\r");
    expect(await outcome(file, "plain")).toBe(slow);
    expect(await outcome(file, "scanner")).toBe(slow);
  });
});
