import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binary, ROOT } from "./helpers/cli.js";

// A large file's head is scanned on the main thread while the worker boots, and the worker
// scans the rest (src/usage/scanned-events.ts, headHere): the worker's rows must go on with
// the head's shapes, quantities and line numbers. These run the built binary: the worker
// loads from dist/.

const CARD = join(ROOT, "ratecards/fliplet.yaml");
const STATEMENT = ["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--format", "json", "--no-progress", "--map", "ignore:note"];
/** The bytes the main thread scans (HEAD_BYTES): every row tested here past it is the worker's. */
const HEAD = 2 << 20;
const SIZE = 9 << 20;

function usageFile(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-start14-"));
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project,note\n${lines.join("")}`);
  return dir;
}

/** A data_read row at 10:00 on 2 November, padded with an ignored note to `width` bytes. */
function row(quantity: string, project: string, width: number): string {
  const start = `2026-11-02T10:00:00Z,data_read,${quantity},${project},`;
  return `${start}${"x".repeat(width - start.length - 1)}\n`;
}

describe("a large file's head scanned here, the rest on the worker", () => {
  it("prices the worker's rows by the head's shapes and quantities, and new ones after it", () => {
    // The head: alpha, 1 read a row. After it: alpha and beta in turn, 1 and 2 reads.
    const width = 200;
    const count = Math.floor(SIZE / width);
    const inHead = Math.floor(HEAD / width);
    const lines: string[] = [];
    let reads = 0;
    let beta = 0;
    for (let i = 0; i < count; i++) {
      const isBeta = i >= inHead + 100 && i % 2 === 1;
      lines.push(row(isBeta ? "2" : "1", isBeta ? "beta" : "alpha", width));
      reads += isBeta ? 2 : 1;
      if (isBeta) beta++;
    }
    const run = binary([...STATEMENT, "--usage", "usage.csv"], { cwd: usageFile(lines) });
    expect(run.code, run.stderr).toBe(0);
    const statement = JSON.parse(run.stdout);
    expect(statement.events.read).toBe(count);
    expect(statement.events.rejected).toBe(0);
    // 0.01 credits a read, within Pro's 1,000.
    expect(reads).toBeLessThan(100_000);
    expect(statement.accounts[0].cycles[0].total).toBe(String(reads / 100));
    const text = JSON.stringify(statement);
    expect(beta).toBeGreaterThan(0);
    expect(text).toContain("beta");
  }, 60_000);

  it("names the line of the first row refused past the head", () => {
    // 3 reads a row at 0.01 credits: 36,666 rows make 1,099.98 of Pro's 1,000 and 10% grace, and the next is refused.
    const width = 100;
    const count = Math.floor(SIZE / width);
    const lines = Array.from({ length: count }, () => row("3", "alpha", width));
    const firstRefused = 36_667;
    // Its line (the header is line 1) starts past the head.
    expect(`timestamp,meter,quantity,project,note\n`.length + (firstRefused - 1) * width).toBeGreaterThan(HEAD);
    const run = binary([...STATEMENT, "--usage", "usage.csv"], { cwd: usageFile(lines) });
    expect(run.code, run.stderr).toBe(0);
    const statement = JSON.parse(run.stdout);
    expect(statement.events.rejected).toBe(count - 36_666);
    const rejected = statement.accounts[0].cycles[0].rejected;
    expect(rejected).toHaveLength(1);
    expect(rejected[0].first_line).toMatch(new RegExp(`usage\\.csv:${firstRefused + 1}$`));
  }, 60_000);
});
