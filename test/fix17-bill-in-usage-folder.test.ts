import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A month's bill filed in its usage folder, with its mapping beside it, as an analyst keeps a month's evidence: the
// folder's bill.csv was read as usage (refused as a log without timestamps) and its mapping as a usage mapping
// (five unknown keys) (newcomer, stop 34).
const FIX = join(ROOT, "fixtures/reconcile");

function folder(bill: string, mapping?: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "fix17-")), "november");
  mkdirSync(dir);
  copyFileSync(join(FIX, "usage.csv"), join(dir, "usage.csv"));
  copyFileSync(bill, join(dir, "bill.csv"));
  if (mapping) copyFileSync(mapping, join(dir, "bill.csv.mapping.yaml"));
  return dir;
}

describe("reconcile: the bill kept in the usage folder", () => {
  it("is the bill, not usage: the same report as with the usage file alone", async () => {
    const dir = folder(join(FIX, "bill-clean.csv"));
    const alone = await burnrate(["reconcile", "--account", join(FIX, "account.yaml"), "--usage", join(FIX, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
    const together = await burnrate(["reconcile", "--account", join(FIX, "account.yaml"), "--usage", dir, "--bill", join(dir, "bill.csv"), "--format", "json"]);
    expect([together.code, together.stderr]).toEqual([0, ""]);
    // The repeats' rows are named in the file read: the folder's copy.
    expect(together.stdout.replaceAll(join(dir, "usage.csv"), join(FIX, "usage.csv"))).toBe(alone.stdout);
    expect(JSON.parse(together.stdout).status).toBe("agrees");
  });

  it("with its FOCUS mapping beside it, read as the bill's mapping only", async () => {
    const dir = folder(join(FIX, "focus/bill.csv"), join(FIX, "focus/mapping.yaml"));
    expect(readFileSync(join(dir, "bill.csv.mapping.yaml"), "utf8")).toMatch(/layout: focus/);
    const run = await burnrate(["reconcile", "--account", join(FIX, "account.yaml"), "--usage", dir, "--bill", join(dir, "bill.csv"), "--format", "json"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(JSON.parse(run.stdout).bill.layout).toBe("focus");
  });

  it("refuses usage that is only the bill", async () => {
    const dir = folder(join(FIX, "bill-clean.csv"));
    const run = await burnrate(["reconcile", "--account", join(FIX, "account.yaml"), "--usage", join(dir, "bill.csv"), "--bill", join(dir, "bill.csv")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--usage: no usage but the bill (expected usage files besides the --bill file");
  });

  it("named through a link into the folder, the same file: not read as usage", async () => {
    const dir = folder(join(FIX, "bill-clean.csv"));
    const link = join(dir, "..", "bill-link.csv");
    symlinkSync(join(dir, "bill.csv"), link);
    const run = await burnrate(["reconcile", "--account", join(FIX, "account.yaml"), "--usage", dir, "--bill", link, "--format", "json"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
  });
});
