import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

const STATEMENT = ["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv"];

/** Standard output as a terminal of 80 columns, as a person would have (src/main.ts reads the real one's size). */
async function onTerminal(args: readonly string[], env: Record<string, string>): Promise<string> {
  const run = await burnrate(args, { terminal: { columns: 80, colors: 256 }, env: { LC_ALL: "", LC_CTYPE: "", ...env } });
  if (run.code !== 0) throw new Error(`burnrate on a terminal exited ${run.code}:\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

describe("charts under the statement on a terminal", () => {
  it("draws a burn-down and bar lists per cycle in UTF-8", async () => {
    const out = await onTerminal(STATEMENT, { LANG: "en_US.UTF-8" });
    expect(out.match(/^Burn-down · cycle \d: /gm)).toHaveLength(3);
    expect(out.match(/^ {2}Top categories$/gm)).toHaveLength(3);
    expect(out.match(/^ {2}Top projects$/gm)).toHaveLength(3);
    expect(out).toContain("▲ 70% 10-15 15:24");
    // The statement table comes first, unchanged.
    expect(out.indexOf("Cycle 3:")).toBeLessThan(out.indexOf("Burn-down · cycle 1"));
    const charts = out.slice(out.indexOf("Burn-down · cycle 1")).split("\n");
    expect(charts.filter((l) => [...l].length > 80)).toEqual([]);
  });

  it("draws in plain ASCII when the locale is not UTF-8", async () => {
    const out = await onTerminal(STATEMENT, { LANG: "C" });
    const charts = out.slice(out.indexOf("Burn-down - cycle 1"));
    expect(charts.length).toBeGreaterThan(500);
    expect(charts).toMatch(/^[\x00-\x7f]*$/);
    expect(charts).toContain("^ 70% 10-15 15:24");
  });

  it("leaves the chart out with --no-chart", async () => {
    const out = await onTerminal([...STATEMENT, "--no-chart"], { LANG: "en_US.UTF-8" });
    expect(out).toContain("Cycle 3:");
    expect(out).not.toContain("Burn-down");
  });
});

describe("no chart where a program reads the output", () => {
  it("not in a pipe, even as a table", async () => {
    const run = await burnrate([...STATEMENT, "--format", "table"]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("Burn-down");
  });

  it("not in a file, even as a table", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-chart-"));
    const run = await burnrate([...STATEMENT, "-o", join(dir, "statement.txt")]);
    expect(run.code).toBe(0);
    const text = readFileSync(join(dir, "statement.txt"), "utf8");
    expect(text).toContain("Cycle 3:");
    expect(text).not.toContain("Burn-down");
  });

  it("not in JSON, CSV or Markdown", async () => {
    for (const format of ["json", "csv", "markdown"]) {
      const run = await burnrate([...STATEMENT, "--format", format]);
      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain("Burn-down");
    }
  });
});

// newcomer57 M2: a reseller's 1,200 customers drew 1,200 burn-downs under the table on a terminal, twice its time, and the
// totals of them all scrolled away. Past MOST_CHARTED_ACCOUNTS (20) accounts a line takes the charts' place.
describe("charts on a terminal for a statement of many accounts", () => {
  const dir = mkdtempSync(join(tmpdir(), "chart-many-"));
  const files = (accounts: number, named: boolean) => {
    const names = Array.from({ length: accounts }, (_, i) => `c${String(i).padStart(2, "0")}`);
    const account = join(dir, `account-${accounts}-${named}.yaml`);
    writeFileSync(account, [`card: ${join(process.cwd(), "ratecards/fliplet.yaml")}`, "account: c00", "plan: pro", "anchor: 2026-11-01", "timezone: UTC", "unnamed_accounts: top_level", ...(named ? ["accounts:", ...names.slice(1).map((n) => `  ${n}: { plan: pro }`)] : []), ""].join("\n"));
    const usage = join(dir, `usage-${accounts}.csv`);
    writeFileSync(usage, ["timestamp,account,meter,quantity,project", ...names.map((n, i) => `2026-11-02T10:${String(i).padStart(2, "0")}:00Z,${n},data_read,1,alpha`)].join("\n") + "\n");
    return ["statement", "--account", account, "--usage", usage];
  };

  it("draws each account's at 20 accounts", async () => {
    const out = await onTerminal(files(20, true), { LANG: "en_US.UTF-8" });
    expect(out.match(/^Burn-down · account c\d\d · cycle 1: /gm)).toHaveLength(20);
    expect(out).not.toContain("No burn-down charts");
  });

  it("draws a line in their place at 21, whether the account file names them or the usage alone does", async () => {
    for (const named of [true, false]) {
      const out = await onTerminal(files(21, named), { LANG: "en_US.UTF-8" });
      expect(out).not.toContain("Burn-down");
      expect(out).toContain("all 21 accounts");
      expect(out.trimEnd().split("\n").at(-1)).toBe("No burn-down charts on a terminal for a statement of more than 20 accounts (this one has 21): -o statement.html draws each account's, or a statement of one account (an account file of it alone) charts it here.");
    }
  });
});
