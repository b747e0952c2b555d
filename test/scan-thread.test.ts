import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binary, ROOT } from "./helpers/cli.js";

// The scanner's worker is started as the command line is read, when the usage
// named is large enough to be scanned on one (src/usage/scan-thread.ts). These
// run the built binary: the worker loads from dist/, and a worker left running
// would keep the process from ending (spawnSync would wait for it).

const CARD = join(ROOT, "ratecards/fliplet.yaml");
const STATEMENT = ["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--format", "json", "--no-progress"];
const PAST_WORKER_SIZE = 9 << 20;

function folder(): string {
  return mkdtempSync(join(tmpdir(), "burnrate-scan-thread-"));
}

/** `count` rows of data_read, 3 each, at one instant of November: 0.01 credits a read. */
function rows(count: number, row: (i: number) => string): string {
  let text = "";
  for (let i = 0; i < count; i++) text += row(i);
  return text;
}

describe("the scanner's worker, started early", () => {
  it("scans a large CSV log", () => {
    const dir = folder();
    const line = "2026-11-02T10:00:00Z,data_read,3,alpha\n";
    const count = Math.ceil(PAST_WORKER_SIZE / line.length);
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project\n${rows(count, () => line)}`);
    expect(statSync(join(dir, "usage.csv")).size).toBeGreaterThan(8 << 20);
    const run = binary([...STATEMENT, "--usage", "usage.csv"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    const statement = JSON.parse(run.stdout);
    expect(statement.events.read).toBe(count);
    // 3 reads a row at 0.01 credits each, 0.03 a row, until Pro's 1,000 credits and its 10% grace on the run pool are spent:
    // 36,666 rows make 1,099.98, and the next would pass 1,100.
    expect(statement.accounts[0].cycles[0].total).toBe("1099.98");
    expect(statement.events.rejected).toBe(count - 36_666);
  }, 60_000);

  it("is ended with the run where the large log, named as neither, holds JSON Lines, which the plain reader reads", () => {
    const dir = folder();
    const note = "x".repeat(1000);
    // A .jsonl name starts no worker; the readers go by content.
    writeFileSync(join(dir, "usage.log"), rows(9000, () => `${JSON.stringify({ timestamp: "2026-11-02T10:00:00Z", meter: "data_read", quantity: "3", project: "alpha", note })}\n`));
    expect(statSync(join(dir, "usage.log")).size).toBeGreaterThan(8 << 20);
    const run = binary([...STATEMENT, "--usage", "usage.log", "--map", "ignore:note"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    // 9,000 rows x 3 reads x 0.01 credits.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("270");
  }, 60_000);

  it("is ended with the run where the command fails before reading any usage", () => {
    const dir = folder();
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project\n${rows(250_000, () => "2026-11-02T10:00:00Z,data_read,3,alpha\n")}`);
    expect(statSync(join(dir, "usage.csv")).size).toBeGreaterThan(8 << 20);
    const run = binary([...STATEMENT.filter((a) => a !== "pro"), "--usage", "usage.csv"].map((a) => (a === "--plan" ? "--plan=nosuch" : a)), { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^burnrate: error: .*nosuch/);
  }, 60_000);
});
