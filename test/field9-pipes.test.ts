import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { beforeAll, describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Usage given through a FIFO (Parquet needs a file it can seek) and globs spelled with absolute
// paths: inputs the bad-input corpus cannot make (its standard input is a socket, its paths relative).

const BIN = join(ROOT, "bin/burnrate");
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const PLAN = ["--card", CARD, "--plan", "pro", "--anchor", "2026-11-01"];
// 3 data_read at 0.01 and 2 data_write at 0.05 credits each (ratecards/fliplet.yaml): 0.13 credits.
const ROWS = [
  { timestamp: "2026-11-02T10:00:00Z", meter: "data_read", quantity: "3", project: "alpha" },
  { timestamp: "2026-11-02T11:00:00Z", meter: "data_write", quantity: "2", project: "beta" },
];
const CSV = `timestamp,meter,quantity,project\n${ROWS.map((r) => Object.values(r).join(",")).join("\n")}\n`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "burnrate-field9-"));
  const names = Object.keys(ROWS[0]!) as (keyof (typeof ROWS)[0])[];
  writeFileSync(join(dir, "usage.parquet"), Buffer.from(parquetWriteBuffer({ columnData: names.map((name) => ({ name, data: ROWS.map((r) => r[name]), type: "STRING" as const })) })));
});

function throughFifo(bytes: Buffer): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const fifo = join(dir, `usage-${Math.random().toString(36).slice(2)}.fifo`);
  expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
  const child = spawn(process.execPath, [BIN, "statement", ...PLAN, "--usage", fifo, "--format", "json"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  createWriteStream(fifo).on("error", () => {}).end(bytes);
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr: stderr.replaceAll(fifo, "FIFO") })));
}

describe("Parquet through a pipe", () => {
  it("is refused at the FIFO, saying Parquet needs a file and naming --usage -, not in the Parquet reader's words", async () => {
    const r = await throughFifo(readFileSync(join(dir, "usage.parquet")));
    expect([r.code, r.stdout, r.stderr]).toEqual([
      2,
      "",
      "burnrate: error: FIFO:1:1: Parquet from a pipe, which cannot be read from its end (expected a Parquet file on disk, or the pipe as standard input (--usage -), which is copied first, found a FIFO (named pipe))\n",
    ]);
  });

  it("is read as --usage -, which is copied to a file first", () => {
    const r = spawnSync(process.execPath, [BIN, "statement", ...PLAN, "--usage", "-", "--format", "json"], { cwd: dir, input: readFileSync(join(dir, "usage.parquet")), encoding: "utf8" });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("0.13");
  });

  it("a CSV in time order still streams through the same FIFO", async () => {
    const r = await throughFifo(Buffer.from(CSV));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("0.13");
  });
});

describe("globs", () => {
  it("an absolute pattern names its files by absolute paths, as the user wrote them", async () => {
    const logs = join(dir, "logs");
    mkdirSync(logs, { recursive: true });
    // A repeated event id is reported at its file and line: the file's name as the glob gave it.
    writeFileSync(join(logs, "day-1.csv"), "timestamp,meter,quantity,project,event_id\n2026-11-02T10:00:00Z,data_read,3,alpha,e1\n");
    writeFileSync(join(logs, "day-2.csv"), "timestamp,meter,quantity,project,event_id\n2026-11-02T11:00:00Z,data_read,3,alpha,e1\n");
    const r = await burnrate(["statement", ...PLAN, "--usage", join(logs, "day-[12].csv"), "--format", "json"], { cwd: ROOT });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain(JSON.stringify(`${join(logs, "day-2.csv")}:2`));
    expect(r.stdout).not.toContain("../");
  });

  it("a bracketed file name given as it is reads that file, though as a class it would match another", async () => {
    const logs = join(dir, "named");
    mkdirSync(logs, { recursive: true });
    writeFileSync(join(logs, "day-[1].csv"), CSV);
    copyFileSync(join(ROOT, "fixtures/fliplet/usage.csv"), join(logs, "day-1.csv"));
    const r = await burnrate(["statement", ...PLAN, "--usage", join(logs, "day-[1].csv"), "--format", "json"], { cwd: ROOT });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("0.13");
  });
});
