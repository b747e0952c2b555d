import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer58b L2: an explicit --format beat the -o file's extension in silence: a CI artifact z.json held markdown.
const ACCOUNT = join(ROOT, "fixtures/fliplet/account.yaml");
const USAGE = join(ROOT, "fixtures/fliplet/usage.csv");

describe("--format against the -o file's name", () => {
  it("writes what --format asks, and warns where the name says another format", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "newcomer58-format-")), "z.json");
    const run = await burnrate(["statement", "--account", ACCOUNT, "--usage", USAGE, "--format", "markdown", "-o", out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`burnrate: warning: -o "${out}": writing markdown (--format markdown) into a file whose name says json\n`);
    expect(readFileSync(out, "utf8").startsWith("{")).toBe(false);
  });

  it("says nothing where they agree, or the name is any text (.txt)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newcomer58-format-"));
    for (const [format, name] of [["json", "z.json"], ["markdown", "z.txt"], ["csv", "z.csv"]]) {
      const run = await burnrate(["statement", "--account", ACCOUNT, "--usage", USAGE, "--format", format!, "-o", join(dir, name!)]);
      expect([run.code, run.stderr]).toEqual([0, ""]);
    }
  });

  it("check and test warn alike: the github annotations into a .json", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "newcomer58-format-")), "x.json");
    const run = await burnrate(["check", join(ROOT, "ratecards/fliplet.yaml"), "--format", "github", "-o", out]);
    expect(run.stderr).toContain(`burnrate: warning: -o "${out}": writing github (--format github) into a file whose name says json`);
  });

  // red58b F8: check's and test's warning came before their refusal of -o onto an input.
  it("leaves a refusal of -o onto an input alone, in check too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newcomer58-format-"));
    const card = join(dir, "card.json");
    writeFileSync(card, readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8"));
    const run = await burnrate(["check", card, "--format", "markdown", "-o", card]);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n").filter((l) => l !== "").every((l) => l.startsWith("burnrate: error: "))).toBe(true);
  });
});
