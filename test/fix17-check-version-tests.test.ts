import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A card's next version kept in a file of its own, with a tests file that prices both versions (card: [...]): check
// warned the earlier version had no expectations, though that file tested it (newcomer, stop 35).
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const NEXT = FLIPLET.replace('version: "2026-11"', 'version: "2027-01"').replace('effective: "2026-11-01"', 'effective: "2027-01-01"');
const CASE = `cases:\n  - name: 100 reads cost 1\n    account: { plan: pro, anchor: 2026-11-01 }\n    usage: usage.csv\n    expect: { total: "1" }\n`;

function folder(testsCard: string): string {
  const dir = mkdtempSync(join(tmpdir(), "fix17-"));
  writeFileSync(join(dir, "fliplet.yaml"), FLIPLET);
  writeFileSync(join(dir, "fliplet-2027-01.yaml"), NEXT);
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,100,alpha\n");
  writeFileSync(join(dir, "fliplet-2027-01.tests.yaml"), `card: ${testsCard}\n${CASE}`);
  return dir;
}
const noTests = (out: { files: { file: string; findings: { rule: string }[] }[] }) => out.files.filter((f) => f.findings.some((x) => x.rule === "no-tests")).map((f) => f.file.split("/").at(-1));

describe("check: a card tested by another file's card: list", () => {
  it("is not warned of having no tests", async () => {
    const dir = folder("[fliplet.yaml, fliplet-2027-01.yaml]");
    const run = await burnrate(["check", "fliplet.yaml", "fliplet-2027-01.yaml", "--format", "json"], { cwd: dir });
    expect(noTests(JSON.parse(run.stdout))).toEqual([]);
  });

  it("is, where no tests file names it", async () => {
    const dir = folder("[fliplet-2027-01.yaml]");
    const run = await burnrate(["check", "fliplet.yaml", "fliplet-2027-01.yaml", "--format", "json"], { cwd: dir });
    expect(noTests(JSON.parse(run.stdout))).toEqual(["fliplet.yaml"]);
  });

  it("test runs that file for the card, and says it has tests", async () => {
    const dir = folder("[fliplet.yaml, fliplet-2027-01.yaml]");
    const run = await burnrate(["test", "fliplet.yaml", "fliplet-2027-01.yaml"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("SKIP");
    expect(run.stdout).toContain("1 passed, 0 failed");
  });
});

