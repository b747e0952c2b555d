import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

const TERMINAL = { columns: 80, colors: 1 };

/** One ordinary run of every command, each of which must take --no-progress. */
const COMMANDS: Record<string, string[]> = {
  statement: ["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv", "--format", "json"],
  reconcile: ["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", "fixtures/reconcile/usage.csv", "--bill", "fixtures/reconcile/bill-clean.csv", "--format", "json"],
  diff: ["diff", "--base", "ratecards/fliplet.yaml", "--card", "ratecards/fliplet.yaml", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv", "--format", "json"],
  simulate: ["simulate", "fixtures/scenarios/fliplet/sms-100.yaml", "--format", "json"],
  check: ["check", "ratecards/fliplet.yaml", "--format", "json"],
  test: ["test", "ratecards/fliplet.yaml", "--format", "json"],
  schema: ["schema", "ratecard"],
  completion: ["completion", "bash"],
};

describe("--no-progress", () => {
  it("is an option of every command", async () => {
    const help = (await burnrate(["--help"])).stdout;
    const listed = help.slice(help.indexOf("Commands:")).split("\n").flatMap((line) => /^  ([a-z]+)/.exec(line)?.[1] ?? []);
    expect(listed.filter((name) => name !== "help").sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  for (const [name, args] of Object.entries(COMMANDS)) {
    it(`${name} takes it and gives the same output`, async () => {
      const plain = await burnrate(args);
      const quiet = await burnrate([...args, "--no-progress"]);
      expect(plain.code, plain.stderr).toBe(0);
      expect(quiet).toEqual(plain);
    });
  }

  it("hides simulate's line on a terminal, as CI does", async () => {
    const args = ["simulate", "fixtures/scenarios/fliplet/sms-100.yaml", "--format", "json"];
    const shown = await burnrate(args, { terminal: TERMINAL, env: { CI: "" } });
    // One cycle, short of credits: replayed without top-ups first.
    expect(shown.stderr).toContain("simulating Pro · without top-ups: cycle 1/1");
    expect(shown.stderr.endsWith("\r\x1b[K")).toBe(true);
    const hidden = await burnrate([...args, "--no-progress"], { terminal: TERMINAL, env: { CI: "" } });
    expect(hidden.stderr).toBe("");
    expect(hidden.stdout).toBe(shown.stdout);
    expect((await burnrate(args, { terminal: TERMINAL, env: { CI: "true" } })).stderr).toBe("");
  });
});

describe("simulate interrupted", () => {
  let folder: string;
  let scenario: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "burnrate-simulate-interrupt-"));
    scenario = join(folder, "scenario.yaml");
    // 20,000 users a row each a cycle for 12 cycles: seconds of simulation on any machine.
    writeFileSync(scenario, [
      `card: ${join(ROOT, "ratecards/fliplet.yaml")}`, "plan: pro", "start: 2026-11-01", "cycles: 12",
      "populations:", "  - name: member", "    users: 20000", "    dimensions: { project: portal }",
      "    per_user:", "      - { meter: end_user_open, quantity: 8 }", "",
    ].join("\n"));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("ends with one line on Ctrl-C, exits 130 (of SIGINT), and leaves no output, folder or temporary file", async () => {
    const run = mkdtempSync(join(folder, "run-"));
    const temp = mkdtempSync(join(folder, "tmp-"));
    const emitted = join(run, "emitted");
    const args = ["simulate", scenario, "--emit-usage", emitted, "-o", join(run, "simulation.json")];
    const child = spawn(join(ROOT, "bin/burnrate"), args, { env: { ...process.env, TMPDIR: temp }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
    // The --emit-usage folder is made just before the simulation starts.
    const deadline = Date.now() + 20_000;
    while (!existsSync(emitted) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(emitted)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
    const { code, signal } = await ended;
    // Of the signal itself, or 130 where SIGINT was ignored when the test runner started it.
    expect(signal === "SIGINT" || code === 130).toBe(true);
    expect(stderr).toMatch(/^burnrate: interrupted after \d+ of 12 cycles, simulating Pro · without top-ups\n$/);
    expect(readdirSync(run)).toEqual([]);
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);
});
