import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { burnrate, ROOT } from "./helpers/cli.js";

// CSV exports (issue 7): a text cell a spreadsheet would run as a formula (starting with
// =, +, -, @, tab or CR) is written with a leading quote; a validated amount is written
// plainly, even when negative; --bom starts the file with a byte-order mark for Excel.
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const dir = mkdtempSync(join(tmpdir(), "burnrate-csv-escape-"));
const EVIL = '=HYPERLINK("http://evil.example","click")';
const q = (s: string) => `"${s.replaceAll('"', '""')}"`;

const usage = join(dir, "usage.csv");
writeFileSync(usage, [
  "timestamp,meter,quantity,account,project",
  `2026-11-02T10:00:00Z,data_read,3,=acct,${q(EVIL)}`,
  "2026-11-02T10:00:00Z,data_read,1,+acct,-1+1",
  "2026-11-02T10:00:00Z,data_read,1,plain,@SUM(A1)",
  `2026-11-02T10:00:00Z,data_read,1,plain,${q("\tx")}`,
  `2026-11-02T10:00:00Z,data_read,1,plain,${q("\rx")}`,
  "2026-11-02T10:00:00Z,data_read,1,plain,safe",
].join("\n") + "\n");
const STATEMENT = ["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "csv"];

function table(text: string): Record<string, string>[] {
  return parse(text, { columns: true, bom: true }) as Record<string, string>[];
}

describe("CSV exports escape formulas", () => {
  it("statement --format csv quotes every formula-like text cell and writes amounts plainly", async () => {
    const run = await burnrate(STATEMENT);
    expect(run.code, run.stderr).toBe(0);
    const rows = table(run.stdout);
    const projects = rows.map((r) => r.project);
    expect(projects).toContain(`'${EVIL}`);
    expect(projects).toContain("'-1+1");
    expect(projects).toContain("'@SUM(A1)");
    expect(projects).toContain("'\tx");
    expect(projects).toContain("'\rx");
    expect(projects).toContain("safe");
    expect(rows.map((r) => r.account)).toEqual(expect.arrayContaining(["'=acct", "'+acct", "plain"]));
    // No cell of the file starts a formula.
    for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+@\t\r]/);
    // Amounts are plain decimals: a line's credits, a money row's (stop 38) money.
    for (const r of rows) expect(r.kind === "money" ? r.money : r.amount).toMatch(/^-?\d+(\.\d+)?$/);
    expect(run.stdout.startsWith("\ufeff")).toBe(false);
  });

  it("statement --ledger CSV escapes the account and keeps negative amounts plain", async () => {
    const run = await burnrate([...STATEMENT, "--ledger"]);
    expect(run.code, run.stderr).toBe(0);
    const rows = table(run.stdout);
    expect(rows.map((r) => r.account)).toEqual(expect.arrayContaining(["'=acct", "'+acct"]));
    for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+@\t\r]/);
    const charges = rows.filter((r) => r.type === "charge");
    expect(charges.length).toBeGreaterThan(0);
    // A charge is a negative amount, written as the number it is, not escaped as text.
    for (const r of charges) expect(r.amount).toMatch(/^-\d+(\.\d+)?$/);
    expect(charges.some((r) => r.dimensions === `project=${EVIL}`)).toBe(true);
  });

  it("reconcile --format csv escapes dimension values from the bill and the usage", async () => {
    const account = join(dir, "account.yaml");
    writeFileSync(account, `card: ${CARD}\nplan: pro\nanchor: 2026-10-01\ntimezone: America/New_York\n`);
    const bill = join(dir, "bill.csv");
    writeFileSync(bill, `period_start,activity,project,quantity,amount\n2026-11-01,Projects,${q(EVIL)},1,0.5\n2026-11-01,Projects,@evil,1,0.5\n`);
    const log = join(dir, "reconcile-usage.csv");
    writeFileSync(log, `timestamp,meter,quantity,project\n2026-11-02T14:00:00Z,project_created,1,+p\n`);
    const run = await burnrate(["reconcile", "--account", account, "--usage", log, "--bill", bill, "--format", "csv"]);
    expect(run.code, run.stderr).toBe(1); // the differences are findings
    const rows = table(run.stdout);
    const projects = rows.map((r) => r.project);
    expect(projects).toEqual(expect.arrayContaining([`'${EVIL}`, "'@evil", "'+p"]));
    for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+@\t\r]/);
    for (const r of rows) expect(r.delta).toMatch(/^-?\d+(\.\d+)?$/);
  });

  it("--bom starts the file with a byte-order mark, on stdout and with -o", async () => {
    const run = await burnrate([...STATEMENT, "--bom"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.startsWith("\ufeffaccount,")).toBe(true);
    const out = join(dir, "out.csv");
    const written = await burnrate([...STATEMENT, "--bom", "-o", out]);
    expect(written.code, written.stderr).toBe(0);
    expect(readFileSync(out).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});
