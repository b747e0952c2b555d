import { spawn } from "node:child_process";
import { join } from "node:path";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";

// src/main.ts: a reader that stops early (`burnrate ... | head`) ends the run quietly,
// with its own exit code and nothing on stderr. This needs the real process and a real pipe.
function readFirstChunkOnly(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; read: number }> {
  const child = spawn(process.execPath, [join(ROOT, "bin/burnrate"), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let read = 0;
  let stderr = "";
  child.stdout.once("data", (b: Buffer) => {
    read = b.length;
    child.stdout.destroy();
  });
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stderr, read }));
  });
}

describe("standard output closed by its reader", () => {
  const statement = ["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv"];

  it("ends a ledger copied out of its temporary file (half a megabyte, more than a pipe holds) with exit 0 and no message", async () => {
    const run = await readFirstChunkOnly([...statement, "--ledger", "--format", "json"]);
    expect(run.read).toBeGreaterThan(0);
    expect(run).toMatchObject({ code: 0, signal: null, stderr: "" });
  });

  it("keeps a reconcile's finding: exit 1, though its reader left before the report's end (newcomer, stop 48)", async () => {
    // 1,500 projects created on Fliplet Pro in November, each 0.5 credits (the card's project_created); the bill
    // charges each 0.6: 1,500 lines over tolerance, a report far larger than a pipe holds.
    const dir = mkdtempSync(join(tmpdir(), "burnrate-epipe-"));
    try {
      const projects = Array.from({ length: 1500 }, (_, i) => `p${i}`);
      writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project\n${projects.map((p) => `2026-11-02T10:00:00Z,project_created,1,${p}\n`).join("")}`);
      writeFileSync(join(dir, "bill.csv"), `period_start,activity,project,quantity,amount\n${projects.map((p) => `2026-11-01,Projects,${p},1,0.6\n`).join("")}`);
      const run = await readFirstChunkOnly(["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
      expect(run.read).toBeGreaterThan(0);
      expect(run.code).toBe(1);
      expect(run.signal).toBeNull();
      expect(run.stderr).toContain("1500 bill difference(s) need attention");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
