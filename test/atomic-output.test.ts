import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binary, burnrate, ROOT } from "./helpers/cli.js";
import { childrenOf, ended as endedAll } from "./helpers/processes.js";

// -o is written to a temporary file beside the target (.NAME.PID.tmp), flushed and
// renamed over it (issue 7). A run that fails leaves the old file as it was and no
// temporary file. A run killed with SIGKILL cannot clean up: the old file is still
// intact, and the only thing it may leave is its own .NAME.PID.tmp (documented in
// docs/errors.md); nothing else, and never a half-written target.
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const BIN = join(ROOT, "bin/burnrate");
const OLD = "yesterday's good report\n";

function bigLog(file: string, rows: number): void {
  const lines = ["timestamp,meter,quantity,project"];
  for (let i = 0; i < rows; i++) {
    const day = 1 + Math.floor((i * 29) / rows);
    const s = i % 86400;
    const hh = String(Math.floor(s / 3600)).padStart(2, "0");
    const mm = String(Math.floor(s / 60) % 60).padStart(2, "0");
    const ss = String(s % 60).padStart(2, "0");
    lines.push(`2026-11-${String(day).padStart(2, "0")}T${hh}:${mm}:${ss}Z,data_read,1,p${i % 50}`);
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
}

const leftovers = (dir: string) => readdirSync(dir).filter((f) => f !== "usage.csv" && f !== "report.json");

describe("-o is atomic", () => {
  it("a run that fails on bad input leaves the old file intact and no temp file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-atomic-"));
    const out = join(dir, "report.json");
    writeFileSync(out, OLD);
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,1,p\n2026-11-02T11:00:00Z,data_read,1e3,p\n");
    const run = await burnrate(["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(dir, "usage.csv"), "--format", "json", "-o", out]);
    expect(run.code).toBe(2);
    expect(readFileSync(out, "utf8")).toBe(OLD);
    expect(leftovers(dir)).toEqual([]);
  });

  it("a target in a missing folder is a user error (exit 2) naming the folder, and leaves no temp file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-atomic-"));
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,1,p\n");
    const out = join(dir, "no-such-folder", "report.json");
    const run = await burnrate(["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(dir, "usage.csv"), "--format", "json", "-o", out]);
    expect(run.code).toBe(2);
    const folder = join(dir, "no-such-folder");
    // A value over 60 characters is shown as its first 57 and "...".
    const found = folder.length > 60 ? `${folder.slice(0, 57)}...` : folder;
    expect(run.stderr).toBe(`burnrate: error: -o: its folder does not exist (expected an existing folder (create it first), found "${found}")\n`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir)).toEqual(["usage.csv"]);
  });

  it("a run killed with SIGKILL mid-way leaves the old file intact, and at most its own .NAME.PID.tmp", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-atomic-"));
    const usage = join(dir, "usage.csv");
    // Large enough that every kill below lands while the replay is still running.
    bigLog(usage, 600_000);
    const out = join(dir, "report.json");
    const args = [BIN, "statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json", "-o", out];
    const whole = binary(args.slice(1));
    expect(whole.code, whole.stderr).toBe(0);
    const complete = readFileSync(out, "utf8");
    writeFileSync(out, OLD);
    // Kill at several points of the run; each must leave yesterday's report whole.
    for (const delay of [150, 600, 1200]) {
      const child = spawn(process.execPath, args, {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: "1" },
        stdio: "ignore",
      });
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
      await new Promise((r) => setTimeout(r, delay));
      // Run as `node bin/burnrate`, a log this large is read by a second node the first starts (young-generation.ts),
      // which ends once its first process is gone, removing its own temporary file: what is left is judged after it.
      const second = childrenOf(child.pid!);
      child.kill("SIGKILL");
      const { signal } = await ended;
      await endedAll([...second, ...leftovers(dir).map((f) => Number(f.split(".").at(-2))).filter((pid) => pid !== child.pid)]);
      const text = readFileSync(out, "utf8");
      if (signal === "SIGKILL") {
        // Yesterday's report, or (killed after the rename, while exiting) the whole new one: never a part.
        expect([OLD, complete], `killed after ${delay} ms`).toContain(text);
        if (text === complete) writeFileSync(out, OLD);
        const left = leftovers(dir);
        for (const f of left) expect(f).toBe(`.report.json.${child.pid}.tmp`);
      } else {
        // The run finished before the kill: then the new report is whole.
        expect(text).toBe(complete);
        writeFileSync(out, OLD);
      }
      // Clean what a killed run may leave, as a user would, before the next round.
      for (const f of leftovers(dir)) rmSync(join(dir, f));
    }
  }, 60_000);

  it("a finished run replaces the file with the whole new report and leaves no temp file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-atomic-"));
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,1,p\n");
    const out = join(dir, "report.json");
    writeFileSync(out, OLD);
    const run = await burnrate(["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(dir, "usage.csv"), "--format", "json", "-o", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).schema).toBe("burnrate.statement/v1");
    expect(leftovers(dir)).toEqual([]);
  });
});
