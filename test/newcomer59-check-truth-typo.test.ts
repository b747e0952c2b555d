import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer59 M3: `exempt_when: { byok: "ture" }` passed check with 0 errors; every later command then refused the log's
// "true" as a near miss of the card's typo, blaming the usage mapping.
const FLOWLY = readFileSync(join(ROOT, "ratecards/flowly.yaml"), "utf8");
const LINE = '    exempt_when: { byok: "true" }';

async function check(value: string) {
  expect(FLOWLY).toContain(LINE);
  const dir = mkdtempSync(join(tmpdir(), "newcomer59-truth-"));
  const card = join(dir, "flowly.yaml");
  writeFileSync(card, FLOWLY.replace(LINE, `    exempt_when: { byok: "${value}" }`));
  return { card, line: FLOWLY.split("\n").indexOf(LINE) + 1, run: await burnrate(["check", card, "--format", "json"]) };
}

describe("check: a condition's truth one letter off", () => {
  for (const [typo, truth] of [["ture", "true"], ["flase", "false"], ["tru", "true"]] as const) {
    it(`${typo} for ${truth} is an error at the value`, async () => {
      const { run, line } = await check(typo);
      expect(run.code).toBe(1);
      const findings = JSON.parse(run.stdout).files[0].findings.filter((f: { severity: string }) => f.severity === "error");
      // `    exempt_when: { byok: ` is 25 characters: the value's quote at column 26.
      expect(findings).toEqual([expect.objectContaining({ rule: "unreachable-exemption", line, column: 26, message: `exemption of meter "message" applies when byok "${typo}", one slip from "${truth}"; did you mean "${truth}"? (a condition compares exact text: every event pays)` })]);
    });
  }

  it("another spelling of a truth (yes), or one in another case (True), is a value in its own right", async () => {
    for (const value of ["yes", "True"]) {
      const { run } = await check(value);
      expect(JSON.parse(run.stdout).files[0].findings.filter((f: { severity: string }) => f.severity === "error"), value).toEqual([]);
    }
  });
});
