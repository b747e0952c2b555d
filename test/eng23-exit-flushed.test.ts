import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";

// The bin ends the process once its output is out (src/main.ts), not after node's teardown of the heap: what it
// wrote to a pipe whose reader is slow must all arrive, and the exit hooks (temporary folders) must still run.

const BIN = join(ROOT, "bin/burnrate");

/** 4,000 projects' data reads, one row each: a statement of over a MB, many times a pipe's buffer. */
function bigUsage(dir: string): string {
  const rows = Array.from({ length: 4000 }, (_, i) => `2026-11-02T10:00:00Z,data_read,${(i % 9) + 1},p${String(i).padStart(4, "0")}`);
  const file = join(dir, "usage.csv");
  writeFileSync(file, `timestamp,meter,quantity,project\n${rows.join("\n")}\n`);
  return file;
}

/** The bin's stdout through a shell pipe whose reader starts `wait` seconds late: the bin's writes fill the pipe and wait. */
function slowlyRead(args: string[], cwd: string, wait: number): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  // The bin's own status, not the reader's.
  const script = '"$@" | (sleep "$WAIT"; cat); exit "${PIPESTATUS[0]}"';
  const child = spawn("bash", ["-c", script, "bash", process.execPath, BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", WAIT: String(wait) } });
  const chunks: Buffer[] = [];
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout: Buffer.concat(chunks), stderr })));
}

describe("the bin's exit", () => {
  it("comes once all of a large statement written to a slow pipe is out", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eng23-exit-"));
    const usage = bigUsage(dir);
    const args = ["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"];
    const piped = await slowlyRead(args, dir, 0.7);
    expect([piped.code, piped.stderr]).toEqual([0, ""]);
    const statement = JSON.parse(piped.stdout.toString("utf8"));
    const lines = statement.accounts[0].cycles[0].lines;
    expect(lines).toHaveLength(4000);
    // Quantities 1 to 9 in turn at 0.01 a read: 444 rounds of 45 and 1 + 2 + 3 + 4 for the last four, 19,990 reads, 199.9 credits.
    expect(statement.accounts[0].cycles[0].total).toBe("199.9");
    expect(piped.stdout.length).toBeGreaterThan(1 << 20);
    // The same bytes as written to a file.
    const file = join(dir, "statement.json");
    const written = await slowlyRead([...args, "-o", file], dir, 0);
    expect(written.code).toBe(0);
    expect(readFileSync(file).equals(piped.stdout)).toBe(true);
  });

  it("still gives a user error's code and message through a slow pipe", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eng23-exit-"));
    const r = await slowlyRead(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--usage", join(dir, "missing.csv")], dir, 0.3);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^burnrate: error: .*missing\.csv:1:1: cannot read file/);
  });
});
