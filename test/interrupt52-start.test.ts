import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";

// A Ctrl-C before the bundle set its own handler (node's start, the bundle's compile, a large account file's parse)
// ended the run of the signal without a word (newcomer51 #10); bin/burnrate now sets one first (src/early-interrupt.ts).

/** The binary run in `dir`, sent SIGINT after `ms`: how it ended and what it said on stderr. */
async function interrupted(dir: string, args: readonly string[], ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  // Standard input a pipe never written (a card read from it waits for ever) and closed once the run ends.
  const child = spawn(process.execPath, [join(ROOT, "bin/burnrate"), ...args], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  await new Promise((r) => setTimeout(r, ms));
  child.kill("SIGINT");
  const end = await ended;
  child.stdin.destroy();
  return { ...end, stderr };
}

describe("Ctrl-C while a run starts", () => {
  it("ends with one line, of SIGINT, while a large account file is read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "interrupt52-"));
    // 100,000 named accounts: some four seconds of YAML to read (more on a busy machine), within which the signal comes,
    // past node's start and the bin's (a few tenths of a second, more on a busy machine).
    const entries = Array.from({ length: 100_000 }, (_, i) => `  a${i}: { plan: pro }`).join("\n");
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n${entries}\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,account,meter,quantity,project\n2026-11-02T10:00:00Z,a1,project_created,1,p1\n");
    const { code, signal, stderr } = await interrupted(dir, ["statement", "--account", "account.yaml", "--usage", "usage.csv", "-o", "out.json"], 1200);
    // Of the signal itself, or 130 where SIGINT was ignored when the test runner started it.
    expect(signal === "SIGINT" || code === 130, `${code} ${signal}: ${stderr}`).toBe(true);
    // The line of whoever caught it: the bin's, or the bundle's once the command began.
    expect(stderr).toMatch(/^burnrate: interrupted (while starting|after [\d,]+ rows|while [a-z ]+)\n$/);
    expect(readdirSync(dir).sort()).toEqual(["account.yaml", "usage.csv"]);
  }, 60_000);

  it("ends at once where the card is read from a pipe whose writer never writes: no handler waits behind the read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "interrupt52-"));
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,project_created,1,p1\n");
    const { code, signal, stderr } = await interrupted(dir, ["statement", "--card", "-", "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv"], 700);
    expect(signal === "SIGINT" || code === 130, `${code} ${signal}: ${stderr}`).toBe(true);
    expect(stderr).toBe("");
  }, 30_000);

  it("passes on a signal that comes as node is started again: no run is left reading the pipe, to read it as an empty card", async () => {
    // `node bin/burnrate` with a card from a pipe starts node again (src/young-generation.ts). A signal between the
    // start of the second node and the first's handlers ended the first alone; the second then read the pipe's end as
    // an empty card once the test closed it ("-:1:1: empty file"), 3 times in 45 such runs. The window is some
    // milliseconds wide, from about a tenth of a second into the run on this machine: it is swept.
    const dir = mkdtempSync(join(tmpdir(), "interrupt70-"));
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,project_created,1,p1\n");
    for (let ms = 80; ms <= 200; ms += 8) {
      const { code, signal, stderr } = await interrupted(dir, ["statement", "--card", "-", "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv"], ms);
      expect(signal === "SIGINT" || code === 130, `${ms} ms: ${code} ${signal}: ${stderr}`).toBe(true);
      expect(stderr, `${ms} ms`).toBe("");
    }
  }, 60_000);
});
