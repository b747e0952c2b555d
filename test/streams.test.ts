import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";

// src/main.ts: a reader that stops early (`burnrate ... | head`) ends the run quietly,
// with exit 0 and nothing on stderr. This needs the real process and a real pipe.
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
});
