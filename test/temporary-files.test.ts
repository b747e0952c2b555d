import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";
import { stamp } from "./helpers/stamp.js";

// Sorted runs of an unsorted log, the copy of standard input and a report being
// written live in temporary files; none may outlive the run, however it ends.
const BIN = join(ROOT, "bin/burnrate");
const ACCOUNT = join(ROOT, "fixtures/fliplet/account.yaml");

/**
 * A log of `rows` reads in reverse time order, so the replay must sort it (in runs, past 50,000 rows) where
 * `--max-lateness` bounds how late a row may come (without it, rows that fit the reorder buffer are held in memory).
 */
function unsortedLog(dir: string, rows: number): string {
  const lines = ["timestamp,meter,quantity,project"];
  const start = Date.parse("2026-09-14T00:00:00Z");
  for (let i = rows - 1; i >= 0; i--) lines.push(`${stamp(start + i * 1000)},data_read,1,alpha`);
  const file = join(dir, "usage.csv");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

function run(args: string[], env: Record<string, string>, input?: string, onSpawn?: (child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.on("data", () => {});
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
    onSpawn?.(child);
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

describe("temporary files", () => {
  it("cannot be made in a TMPDIR that does not exist: a user error, not a bug", async () => {
    const result = await run(["statement", "--account", ACCOUNT, "--usage", "-", "--format", "json"], { TMPDIR: join(tmpdir(), "burnrate-no-such-dir", "x") }, "timestamp,meter\n");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^burnrate: error: TMPDIR: cannot write a temporary file: ENOENT \(expected a writable temporary directory with free space, found ENOENT in ".*burnrate-no-such-dir\/x"\)\n$/);
  });

  it("are gone after a run that sorted a large log read from standard input", async () => {
    const temp = mkdtempSync(join(tmpdir(), "burnrate-tmpdir-"));
    const log = readFileSync(unsortedLog(mkdtempSync(join(tmpdir(), "burnrate-log-")), 60_000), "utf8");
    const result = await run(["statement", "--account", ACCOUNT, "--usage", "-", "--format", "json", "--max-lateness", "1h"], { TMPDIR: temp }, log);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(readdirSync(temp)).toEqual([]);
  });

  it("are gone after Ctrl-C in the middle of sorting, and the run still ends by SIGINT", async () => {
    const temp = mkdtempSync(join(tmpdir(), "burnrate-tmpdir-"));
    const log = unsortedLog(mkdtempSync(join(tmpdir(), "burnrate-log-")), 400_000);
    const result = await run(["statement", "--account", ACCOUNT, "--usage", log, "--format", "json", "--max-lateness", "1h"], { TMPDIR: temp }, undefined, (child) => {
      // Interrupt as soon as the first sorted run is on disk.
      const poll = setInterval(() => {
        if (readdirSync(temp).some((d) => d.startsWith("burnrate-sort-") && readdirSync(join(temp, d)).length > 0)) {
          clearInterval(poll);
          child.kill("SIGINT");
        }
      }, 20);
      child.on("close", () => clearInterval(poll));
    });
    expect(result.signal).toBe("SIGINT");
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);
});
