import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// `-o -` is the shell's usual name for standard output: the report is printed, and no file named "-" is made.
const ACCOUNT = join(ROOT, "fixtures/fliplet/account.yaml");
const USAGE = join(ROOT, "fixtures/fliplet/usage.csv");
const dir = mkdtempSync(join(tmpdir(), "burnrate-dash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("-o -", () => {
  it("writes the statement to stdout, as without -o", async () => {
    const plain = await burnrate(["statement", "--account", ACCOUNT, "--usage", USAGE, "--format", "json"], { cwd: dir });
    const dash = await burnrate(["statement", "--account", ACCOUNT, "--usage", USAGE, "--format", "json", "-o", "-"], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(dash).toEqual(plain);
    expect(JSON.parse(dash.stdout).schema).toBe("burnrate.statement/v1");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("still refuses a second, different -o", async () => {
    const r = await burnrate(["statement", "--account", ACCOUNT, "--usage", USAGE, "-o", "-", "-o", "x.json"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("given twice, with two values");
    expect(readdirSync(dir)).toEqual([]);
  });
});
