import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// In-process runs share the process's working directory. Two started together (as a test
// that timed out and the next one are) must each read their own relative paths, and leave
// the directory as the test process had it.
function folderWith(reads: number): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-turns-"));
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,${reads},alpha\n`);
  return dir;
}

const args = ["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv", "--format", "json"];

describe("in-process runs take turns with the working directory", () => {
  it("two runs started together each read the usage.csv of their own folder", async () => {
    const start = process.cwd();
    // Fliplet: a data read costs 0.01 credits ("1 credit per 100 data reads").
    const [a, b] = await Promise.all([burnrate(args, { cwd: folderWith(300) }), burnrate(args, { cwd: folderWith(700) })]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(a.stdout).accounts[0].cycles[0].total).toBe("3");
    expect(JSON.parse(b.stdout).accounts[0].cycles[0].total).toBe("7");
    expect(process.cwd()).toBe(start);
  });

  it("a run that fails goes back to the test's directory, and the next run still starts", async () => {
    const start = process.cwd();
    const failed = burnrate([...args.slice(0, -3), "missing.csv"], { cwd: folderWith(1) });
    const next = burnrate(args, { cwd: folderWith(100) });
    expect((await failed).code).toBe(2);
    expect((await next).code).toBe(0);
    expect(process.cwd()).toBe(start);
  });
});
