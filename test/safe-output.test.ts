import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Safe output (issue 15, SPEC 7 "Safety"): values from usage, cards, accounts, bills and
// file names reach terminals, Markdown, spreadsheets and CI logs escaped. The bad-input
// corpus (escape-* cases) covers statement, ledger and diff; these cover the commands
// whose findings exit 1 (reconcile, check, test, diff --fail-over), the terminal charts
// and simulate --emit-usage.

const CARD = join(ROOT, "ratecards/fliplet.yaml");
const FLIPLET = readFileSync(CARD, "utf8");
/** Any control character sent raw, a line break aside: what no output for a person may hold. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const ESC = "\x1b";

const dir = mkdtempSync(join(tmpdir(), "burnrate-safe-output-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const q = (s: string) => `"${s.replaceAll('"', '""')}"`;

describe("reconcile: hostile bill labels and dimension values", () => {
  // The card calls data_read "Data<ESC>[2J reads" on its bill; the bill's project is a formula after a CR.
  const card = file("labels.yaml", FLIPLET.replace("labels: [Data reads]", `labels: ["Data\\e[2J reads"]`));
  const account = file("reconcile-account.yaml", `card: ${card}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`);
  const project = "a\r=cmd|' /c calc'!A1";
  const usage = file("reconcile-usage.csv", `timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,3,${q(project)}\n`);
  // Billed 4 reads where the usage has 3: a quantity mismatch, a finding.
  const bill = file("reconcile-bill.csv", `period_start,activity,project,quantity,amount\n2026-11-01,${q(`Data${ESC}[2J reads`)},${q(project)},4,0.04\n`);
  const args = ["reconcile", "--account", account, "--usage", usage, "--bill", bill];

  it("CSV: the project is quoted and guarded after its CR; the finding's message has no raw control character", async () => {
    const run = await burnrate([...args, "--format", "csv"]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain("bill difference");
    expect(run.stderr).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain(`"a\r'=cmd|' /c calc'!A1"`);
    const rows = parse(run.stdout, { columns: true }) as Record<string, string>[];
    // The line, then the invoice's total, which has no project.
    expect(rows.map((r) => r.project)).toEqual(["a\r'=cmd|' /c calc'!A1", ""]);
    // A reader that ends a row at the bare CR sees no field start a formula either.
    for (const line of run.stdout.split(/\r\n|\r|\n/)) expect(line).not.toMatch(/(^|,)"?[=+@]/);
  });

  it("table and Markdown show the label's escape sequence escaped", async () => {
    const table = await burnrate([...args, "--format", "table"]);
    expect(table.code, table.stderr).toBe(1);
    expect(table.stdout).not.toMatch(RAW_CONTROL);
    // The table fits 100 columns, so the value may wrap at its space: each part shows the CR escaped.
    expect(table.stdout).toContain("a\\r=cmd|'");
    expect(table.stdout).toContain("/c calc'!A1");
    const markdown = await burnrate([...args, "--format", "markdown"]);
    expect(markdown.code, markdown.stderr).toBe(1);
    expect(markdown.stdout).not.toMatch(RAW_CONTROL);
    expect(markdown.stdout).toContain("a\\\\r=cmd\\|' /c calc'!A1");
  });
});

describe("diff --fail-over: the finding names the card's unit", () => {
  it("shows a unit holding an escape sequence escaped on stderr and in the Markdown comment", async () => {
    const unit = `credits${ESC}]0;pwned\x07`;
    const base = file("diff-base.yaml", FLIPLET.replace("unit: credits", `unit: "credits\\e]0;pwned\\a"`));
    const card = file("diff-card.yaml", FLIPLET.replace("unit: credits", `unit: "credits\\e]0;pwned\\a"`).replace('price: "0.01"             # "0.01 per read"', 'price: "0.02"'));
    const usage = file("diff-usage.csv", "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,3,<b>|x\n");
    const args = ["diff", "--base", base, "--card", card, "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--fail-over", "10"];
    const run = await burnrate([...args, "--format", "markdown"]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain("credits\\u001b]0;pwned\\u0007 rise by more than --fail-over 10%");
    expect(run.stderr).not.toContain(unit);
    expect(run.stderr).not.toMatch(RAW_CONTROL);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    // The summary line under the heading is escaped as Markdown too.
    expect(run.stdout).toContain("Credits\\\\u001b\\]0;pwned\\\\u0007 rise by");
  });
});

describe("check: findings quote file names and keys", () => {
  const sub = join(dir, "check");
  mkdirSync(sub);
  const name = `ca,rd%:1${ESC}[2J.yaml`;
  const card = join(sub, name);
  writeFileSync(card, FLIPLET.replace("unit: credits\n", 'unit: credits\n"x%y|<b>\\e": 1\n'));

  it("github: the file property escapes % , and :, the message escapes %; other control characters are shown escaped", async () => {
    const run = await burnrate(["check", card, "--format", "github"]);
    expect(run.code, run.stderr).toBe(1);
    const line = run.stdout.split("\n").find((l) => l.startsWith("::error "))!;
    expect(line).toContain(`file=${sub.replaceAll(":", "%3A").replaceAll(",", "%2C")}/ca%2Crd%25%3A1\\u001b[2J.yaml,line=11,col=1,`);
    expect(line).toContain(`::unknown key "x%25y|<b>\\u001b"`);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
  });

  it("table and Markdown: no raw control character; the Markdown table keeps its columns", async () => {
    const table = await burnrate(["check", card, "--format", "table"]);
    expect(table.code, table.stderr).toBe(1);
    expect(table.stdout).not.toMatch(RAW_CONTROL);
    expect(table.stdout).toContain("ca,rd%:1\\u001b[2J.yaml");
    const markdown = await burnrate(["check", card, "--format", "markdown"]);
    expect(markdown.code, markdown.stderr).toBe(1);
    expect(markdown.stdout).not.toMatch(RAW_CONTROL);
    expect(markdown.stdout).not.toContain("<b>");
    const row = markdown.stdout.split("\n").find((l) => l.startsWith("| error |"))!;
    // Five columns: six unescaped pipes, whatever the key and the file name hold.
    expect(row.replace(/\\\\/g, "").match(/(?<!\\)\|/g)).toHaveLength(6);
    expect(row).toContain("x%y\\|&lt;b&gt;\\\\u001b");
  });
});

describe("test: a failing case's name and values", () => {
  const sub = join(dir, "cardtest");
  mkdirSync(sub);
  const card = join(sub, "card.yaml");
  writeFileSync(card, FLIPLET);
  writeFileSync(join(sub, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,3,alpha\n");
  writeFileSync(join(sub, "card.tests.yaml"), [
    "cases:",
    '  - name: "reads\\e[31m | <script>x</script>"',
    "    account: { plan: pro, anchor: 2026-11-01 }",
    "    usage: usage.csv",
    '    expect: { total: "1" }',
    "",
  ].join("\n"));

  it("text, Markdown and GitHub reports show the name escaped", async () => {
    const text = await burnrate(["test", card, "--format", "table"]);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toContain("FAIL reads\\u001b[31m | <script>x</script>");
    expect(text.stdout).not.toMatch(RAW_CONTROL);
    expect(text.stderr).not.toMatch(RAW_CONTROL);
    const markdown = await burnrate(["test", card, "--format", "markdown"]);
    expect(markdown.stdout).toContain("| FAIL | reads\\\\u001b[31m \\| &lt;script&gt;x&lt;/script&gt; |");
    expect(markdown.stdout).not.toContain("<script");
    const github = await burnrate(["test", card, "--format", "github"]);
    expect(github.stdout).toContain("title=burnrate test%3A reads\\u001b[31m | <script>x</script>::");
    expect(github.stdout).not.toMatch(RAW_CONTROL);
  });
});

/** util-linux `script` gives the binary a terminal, so the charts are drawn. */
const hasScript = process.platform === "linux" && spawnSync("script", ["--version"]).status === 0;

describe.skipIf(!hasScript)("charts on a terminal", () => {
  it("escape account names and project labels", () => {
    const usage = file("chart-usage.csv", [
      "timestamp,meter,quantity,account,project",
      `2026-11-02T10:00:00Z,data_read,300,${q(`ac${ESC}[5mme`)},${q(`pro${ESC}[31mject\u202e`)}`,
      "2026-11-03T10:00:00Z,data_read,200,other,beta",
      "",
    ].join("\n"));
    const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    const args = ["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage];
    const run = spawnSync("script", ["-qec", `stty cols 80 rows 50; node bin/burnrate ${args.map(quote).join(" ")}`, "/dev/null"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "", LANG: "en_US.UTF-8" },
    });
    expect(run.status, run.stdout).toBe(0);
    const out = run.stdout.replace(/\r\n/g, "\n");
    expect(out).toContain("account ac\\u001b[5mme");
    expect(out).toContain("Top projects");
    expect(out).toContain("pro\\u001b[31mject\\u202e");
    // No colour was asked for: any escape left would be the data's.
    expect(out).not.toMatch(RAW_CONTROL);
  });

  it("simulate's progress line names the plan by its label, escaped", () => {
    const card = file("progress-card.yaml", FLIPLET.replace("label: Pro\n", 'label: "Pro\\e]0;pwned\\a"\n'));
    const scenario = file("progress.yaml", [
      `card: ${card}`, "plan: pro", "start: 2026-11-01", "cycles: 2",
      "schedules:", "  - { name: sync, meter: automation_run, every: hour, dimensions: { project: portal } }", "",
    ].join("\n"));
    const command = `stty cols 80 rows 50; node bin/burnrate simulate '${scenario}' --format json > /dev/null`;
    const run = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "", CI: "" } });
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toContain("simulating Pro\\u001b]0;pwned\\u0007");
    // The line's own erase sequence (CR, ESC [K) is all the escape it sends.
    expect(run.stdout.replaceAll("\r\x1b[K", "").replace(/\r\n/g, "\n")).not.toMatch(RAW_CONTROL);
  });
});

describe("simulate --emit-usage", () => {
  it("writes a usage CSV whose cells never start a formula, and prices as the simulation did", async () => {
    // Scenario values may hold + @ - inside, never first (the card's value pattern): no cell needs a guard.
    const scenario = file("scenario.yaml", [
      `card: ${CARD}`, "plan: pro", "start: 2026-11-01", "cycles: 1",
      "schedules:", '  - { name: sync, meter: automation_run, every: day, dimensions: { project: "a+b@c-d" } }', "",
    ].join("\n"));
    const out = join(dir, "emitted");
    const run = await burnrate(["simulate", scenario, "--emit-usage", out, "--format", "json"]);
    expect(run.code, run.stderr).toBe(0);
    const text = readFileSync(join(out, "usage.csv"), "utf8");
    const cells = (parse(text) as string[][]).flat();
    expect(cells).toContain("a+b@c-d");
    for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    // 30 runs in November at 0.15 each.
    const statement = await burnrate(["statement", "--account", join(out, "account.yaml"), "--usage", join(out, "usage.csv"), "--format", "json"]);
    expect(statement.code, statement.stderr).toBe(0);
    expect(JSON.parse(statement.stdout).accounts[0].cycles[0].total).toBe("4.5");
  });
});
