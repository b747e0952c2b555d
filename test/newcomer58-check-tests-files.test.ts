import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer58b M2: check said ok to a tests file whose case names one usage file twice, which test refuses (exit 2):
// a CI job that runs check alone passed it. check now reads each case's files as test does.
function suite(usage: string): { dir: string; card: string; tests: string } {
  const dir = mkdtempSync(join(tmpdir(), "newcomer58-check-"));
  const card = join(dir, "fliplet.yaml");
  copyFileSync(join(ROOT, "ratecards/fliplet.yaml"), card);
  writeFileSync(join(dir, "reads.csv"), "timestamp,meter,quantity,project\n2026-11-03T10:00:00Z,data_read,100,alpha\n");
  // 100 reads x 0.01 = 1 credit.
  const tests = join(dir, "fliplet.tests.yaml");
  writeFileSync(tests, `cases:\n  - name: reads\n    account: { plan: pro, anchor: 2026-11-01 }\n    usage: ${usage}\n    expect: { total: "1" }\n`);
  return { dir, card, tests };
}

describe("check on a tests file", () => {
  it("finds a usage file named twice in a case, at its entry, as test refuses it", async () => {
    const s = suite("[reads.csv, ./reads.csv]");
    const check = await burnrate(["check", s.card, s.tests, "--format", "json"]);
    expect(check.code).toBe(1);
    const finding = JSON.parse(check.stdout).files.find((f: { file: string }) => f.file === s.tests).findings[0];
    const reads = join(s.dir, "reads.csv");
    // At the second entry, `./reads.csv` (column 24), each path as the case resolves it.
    expect([finding.severity, finding.line, finding.column, finding.message]).toEqual(["error", 4, 24, `the same usage file twice (expected each file once in the case's usage, found "${reads}" and "${reads}")`]);
    const test = await burnrate(["test", s.card]);
    expect(test.code).toBe(2);
    expect(test.stderr).toContain(`${s.tests}:4:24: the same usage file twice`);
  });

  it("finds a glob that matches nothing", async () => {
    const s = suite('"day-*.csv"');
    const check = await burnrate(["check", s.card, s.tests, "--format", "json"]);
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout).files.find((f: { file: string }) => f.file === s.tests).findings.map((f: { line: number }) => f.line)).toEqual([4]);
  });

  // The same file named once, and (red58b F7) a quoted glob that matches it, which check said did not exist.
  it.each([["[reads.csv]"], ['"rea*.csv"']])("passes %s, which test passes: 100 reads x 0.01 = 1", async (usage) => {
    const s = suite(usage);
    const check = await burnrate(["check", s.card, s.tests, "--format", "json"]);
    expect(JSON.parse(check.stdout).files.find((f: { file: string }) => f.file === s.tests).findings).toEqual([]);
    const test = await burnrate(["test", s.card]);
    expect([test.code, test.stderr]).toEqual([0, ""]);
  });
});
