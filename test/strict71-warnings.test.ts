import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { folderMaker } from "./helpers/gateway-logs.js";

// newcomer70 M1: a customer id written `ACME-Corp` in the usage, beside `acme-corp` in the account file, was billed as a
// customer of its own with exit 0. The warning said so, on standard error only: a monthly job that keeps `-o
// statement.json` kept wrong money and nothing saying why. The report now carries the run's warnings, and `--strict`
// makes them a finding (exit 1) once the report is written, as check's --strict does.
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const ACCOUNTS = `card: ${CARD}\nplan: free\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  acme-corp: { plan: pro }\n  globex: { plan: pro }\n`;
const USAGE = [
  "timestamp,account,meter,quantity,project",
  "2026-11-02T10:00:00Z,acme-corp,data_read,3,p1",
  "2026-11-02T11:00:00Z,ACME-Corp,data_read,2,p1",
  "2026-11-03T11:00:00Z,globex,data_read,2,p1",
].join("\n");

const made = folderMaker("strict71-");
const folder = (usage = USAGE): string => made({ "account.yaml": ACCOUNTS, "usage.csv": `${usage}\n` });

const warningLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("burnrate: warning: ")).map((l) => l.slice("burnrate: warning: ".length));

describe("a statement's warnings, in its report and under --strict", () => {
  it("are in the JSON it writes, as said on standard error, and the run still exits 0 without --strict", async () => {
    const dir = folder();
    const out = join(dir, "st.json");
    const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json", "-o", out]);
    expect(r.code).toBe(0);
    const said = warningLines(r.stderr);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('usage account "ACME-Corp" is not named in the account file');
    expect(said[0]).toContain('did you mean "acme-corp"?');
    const json = JSON.parse(readFileSync(out, "utf8"));
    expect(json.warnings).toEqual(said);
    // The report is still as the inputs price it: ACME-Corp is a customer of its own on the top-level plan, its two
    // reads at fliplet's 0.01 a read.
    const acme = json.accounts.find((a: { account: string }) => a.account === "ACME-Corp");
    expect(acme.plan).toBe("free");
    expect(acme.cycles[0].total).toBe("0.02");
    // Keys before accounts: the warnings are read before the first account's cycles.
    expect(Object.keys(json).indexOf("warnings")).toBeLessThan(Object.keys(json).indexOf("accounts"));
  });

  it("fail the run under --strict, with the report written and kept", async () => {
    const dir = folder();
    const out = join(dir, "st.json");
    const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json", "-o", out, "--strict"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("burnrate: statement gave 1 warning(s) (--strict)\n");
    expect(existsSync(out)).toBe(true);
    expect(JSON.parse(readFileSync(out, "utf8")).warnings).toHaveLength(1);
  });

  it("leave a clean run's JSON without the key, and --strict passes it", async () => {
    const dir = folder(USAGE.split("\n").filter((l) => !l.includes("ACME-Corp")).join("\n"));
    const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json", "--strict"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).not.toHaveProperty("warnings");
  });

  it("open the markdown and the HTML page, each warning once", async () => {
    const dir = folder();
    const args = ["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")];
    const md = await burnrate([...args, "--format", "markdown"]);
    expect(md.code).toBe(0);
    const first = md.stdout.split("\n")[0]!;
    expect(first.startsWith("> Warning: usage account \"ACME-Corp\" is not named in the account file")).toBe(true);
    expect(md.stdout.split("Warning: ").length - 1).toBe(1);
    const html = await burnrate([...args, "--format", "html"]);
    expect(html.code).toBe(0);
    expect(html.stdout.split("Warning: usage account &quot;ACME-Corp&quot;").length - 1).toBe(1);
  });

  it("a warning of the run's flags counts too: --format json into a file named .md", async () => {
    const dir = folder(USAGE.split("\n").filter((l) => !l.includes("ACME-Corp")).join("\n"));
    const out = join(dir, "st.md");
    const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json", "-o", out, "--strict"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(readFileSync(out, "utf8")).warnings).toEqual([`-o ${JSON.stringify(out)}: writing json (--format json) into a file whose name says markdown`]);
  });
});

// newcomer70 M2: a day's file missing from a month of daily files was a note on standard error alone; the statement
// of the month, kept, billed the month without it and said nothing.
describe("the days a statement's daily files skip, in its report", () => {
  function daily(days: readonly string[]): string {
    const dir = folder();
    const files = join(dir, "daily");
    mkdirSync(files);
    for (const d of days) writeFileSync(join(files, `usage-2026-11-${d}.csv`), `timestamp,account,meter,quantity,project\n2026-11-${d}T10:00:00Z,globex,data_read,1,p1\n`);
    return dir;
  }

  it("are in the JSON as usage_gaps, and open the markdown; a note, so --strict passes them", async () => {
    const dir = daily(["01", "02", "03", "05", "06", "07"]);
    const args = ["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "daily")];
    const json = await burnrate([...args, "--format", "json", "--strict"]);
    expect(json.code).toBe(0);
    const gap = `the daily files in ${JSON.stringify(join(dir, "daily"))} skip 1 day between 2026-11-01 and 2026-11-07 (2026-11-04): no usage is read for it`;
    expect(JSON.parse(json.stdout).usage_gaps).toEqual([gap]);
    expect(json.stderr).toContain(`burnrate: note: ${gap};`);
    const md = await burnrate([...args, "--format", "markdown"]);
    expect(md.stdout.split("\n")[0]).toBe(`> Usage gap: ${gap}; a day's usage missing from the log is missing from this statement`);
  });

  it("leave the report of files of every day as it was", async () => {
    const dir = daily(["01", "02", "03", "04", "05", "06", "07"]);
    const json = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "daily"), "--format", "json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).not.toHaveProperty("usage_gaps");
  });
});

describe("--strict on reconcile and diff", () => {
  const reconcile = ["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", "fixtures/reconcile/usage.csv", "--bill", "fixtures/reconcile/bill-clean.csv"];
  const diff = ["diff", "--base", "ratecards/fliplet.yaml", "--card", "ratecards/fliplet.yaml", "--usage", "fixtures/fliplet/usage.csv", "--account", "fixtures/fliplet/account.yaml"];

  for (const [name, args] of [["reconcile", reconcile], ["diff", diff]] as const) {
    it(`${name}: a clean run passes; a warning fails it only with --strict, the report written`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "strict71-"));
      expect((await burnrate([...args, "--format", "json", "--strict"])).code).toBe(0);
      const out = join(dir, "report.md");
      const loose = await burnrate([...args, "--format", "json", "-o", out]);
      expect(loose.code).toBe(0);
      expect(warningLines(loose.stderr)).toHaveLength(1);
      const strict = await burnrate([...args, "--format", "json", "-o", out, "--strict"]);
      expect(strict.code).toBe(1);
      expect(strict.stderr).toContain(`burnrate: ${name} gave 1 warning(s) (--strict)`);
      expect(JSON.parse(readFileSync(out, "utf8")).schema).toBe(`burnrate.${name}/v1`);
    });
  }

  // newcomer71b L1, red71a L2: reconcile --strict failed on a warning none of its saved reports held.
  it("reconcile's report lists the warnings too: its JSON, and its markdown under the heading", async () => {
    const dir = folder();
    const bill = join(dir, "bill.csv");
    writeFileSync(bill, "period_start,account,activity,project,quantity,amount\n2026-11-01,acme-corp,data_read,p1,3,0.03\n");
    const args = ["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", bill];
    const json = await burnrate([...args, "--format", "json"]);
    const said = warningLines(json.stderr);
    expect(said.some((w) => w.startsWith('usage account "ACME-Corp" is not named in the account file'))).toBe(true);
    expect(JSON.parse(json.stdout).warnings).toEqual(said);
    const md = await burnrate([...args, "--format", "markdown"]);
    const lines = md.stdout.split("\n");
    expect(lines[0]!.startsWith("# Reconciliation")).toBe(true);
    expect(lines.filter((l) => l.startsWith("> Warning: ")).map((l) => l.slice("> Warning: ".length))).toEqual(said);
  });
});
