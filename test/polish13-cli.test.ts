import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

const STATEMENT = ["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv", "--no-progress"];

describe("a flag that takes one value, given twice", () => {
  it("with two values is refused at the flag, naming both", async () => {
    const r = await burnrate([...STATEMENT, "--format", "json", "--format", "csv"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe('burnrate: error: --format: given twice, with two values (expected one value: the flag is not repeatable, found "json" and "csv")\n');
  });

  it("names -o by both its names, and a flag written --flag=value", async () => {
    const out = mkdtempSync(join(tmpdir(), "polish13-cli-"));
    const r = await burnrate([...STATEMENT, "-o", join(out, "a.json"), `--output=${join(out, "b.json")}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`burnrate: error: -o/--output: given twice, with two values (expected one value: the flag is not repeatable, found "${join(out, "a.json")}" and "${join(out, "b.json")}")\n`);
    const s = await burnrate(["simulate", "fixtures/scenarios/fliplet/sms-100.yaml", "--samples", "3", "--samples=4"]);
    expect(s.stderr).toBe('burnrate: error: --samples: given twice, with two values (expected one value: the flag is not repeatable, found "3" and "4")\n');
  });

  it("with the same value twice is read as once", async () => {
    const once = await burnrate([...STATEMENT, "--format", "csv"]);
    const twice = await burnrate([...STATEMENT, "--format", "csv", "--plan", "pro", "--format", "csv", "--plan", "pro"]);
    expect(twice.code, twice.stderr).toBe(0);
    expect(twice.stdout).toBe(once.stdout);
  });

  it("a flag documented as repeatable still takes every value", async () => {
    const log = readFileSync(join(ROOT, "fixtures/fliplet/usage.csv"), "utf8").trimEnd().split("\n");
    const dir = mkdtempSync(join(tmpdir(), "polish13-cli-"));
    // The log cut in two after its header and first 40 rows: both halves, given as two --usage, are the whole log.
    writeFileSync(join(dir, "a.csv"), `${log.slice(0, 41).join("\n")}\n`);
    writeFileSync(join(dir, "b.csv"), `${[log[0], ...log.slice(41)].join("\n")}\n`);
    const whole = await burnrate([...STATEMENT, "--format", "csv"]);
    const halves = await burnrate(["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", join(dir, "a.csv"), "--usage", join(dir, "b.csv"), "--format", "csv"]);
    expect(halves.code, halves.stderr).toBe(0);
    // A rejection's first_line names its row's own file and line (docs/outputs.md): the one thing the split changes.
    const places = (csv: string) => csv.replace(/[^,\n]*\.csv:\d+/g, "FILE:LINE");
    expect(whole.stdout).toMatch(/,rejected,.*fixtures\/fliplet\/usage\.csv:\d+/);
    expect(places(halves.stdout)).toBe(places(whole.stdout));
  });
});

describe("--through without an anchor", () => {
  // Without an anchor the first cycle starts at the first usage row's month: 2026-02-01T00:00:00Z in UTC.
  // 100 x 365.25 days after it is 36,525 days: 2126-02-01 (100 years with 24 leap days) plus one day.
  const run = (through: string) =>
    burnrate(["statement", "--card", "ratecards/fliplet.yaml", "--plan", "pro", "--usage", "-", "--through", through, "--format", "csv"], {
      input: "timestamp,meter,quantity,project,source\n2026-02-02T00:00:00Z,sms,1,p1,project\n",
    });

  it("is held to the same hundred years, counted from the first cycle the usage gives", async () => {
    const r = await run("9999-01-01");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('burnrate: error: --through: through too far after the first cycle (expected an instant before 2126-02-02T00:00:00Z (100 years of cycles after 2026-02-01T00:00:00Z, the start of the earliest usage\'s month, where the cycles start without an anchor), found "9999-01-01")\n');
    expect((await run("2126-02-02T00:00:00Z")).code).toBe(2);
  });

  it("the millisecond before the bound is read", async () => {
    const r = await run("2126-02-01T23:59:59.999Z");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }, 60_000);

  it("is refused at through: in the account file when the file says it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "polish13-cli-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nthrough: 2999-01-01\n`);
    const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", "-", "--format", "csv"], { input: "timestamp,meter,quantity,project,source\n2026-02-02T00:00:00Z,sms,1,p1,project\n" });
    expect(r.code).toBe(2);
    // Line 3, "through: 2999-01-01": the value starts at column 10.
    expect(r.stderr).toMatch(new RegExp(`^burnrate: error: ${join(dir, "account.yaml")}:3:10: through too far after the first cycle \\(`));
  });
});

describe("-o onto an input", () => {
  it("is refused at -o, the input named in what was found", async () => {
    const dir = mkdtempSync(join(tmpdir(), "polish13-cli-"));
    const usage = readFileSync(join(ROOT, "fixtures/fliplet/usage.csv"), "utf8");
    writeFileSync(join(dir, "usage.csv"), usage);
    const r = await burnrate(["statement", "--account", join(ROOT, "fixtures/fliplet/account.yaml"), "--usage", "usage.csv", "-o", "usage.csv", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('burnrate: error: -o: would overwrite an input of this run (expected an output file that this run does not read, found the --usage file "usage.csv")\n');
    expect(readFileSync(join(dir, "usage.csv"), "utf8")).toBe(usage);
  });
});

describe("two bill columns onto one dimension", () => {
  const FIXTURES = join(ROOT, "fixtures/reconcile");

  function reconcile(header: string, mapping: string) {
    const dir = mkdtempSync(join(tmpdir(), "polish13-bill-"));
    // Every row gains a sixth cell, a copy of its project.
    const lines = readFileSync(join(FIXTURES, "bill-clean.csv"), "utf8").trimEnd().split("\n");
    const rows = lines.slice(1).map((l) => `${l},${l.split(",")[2]}`);
    writeFileSync(join(dir, "bill.csv"), `${[header, ...rows].join("\n")}\n`);
    writeFileSync(join(dir, "bill.csv.mapping.yaml"), mapping);
    return burnrate(["reconcile", "--account", join(FIXTURES, "account.yaml"), "--usage", join(FIXTURES, "usage.csv"), "--bill", "bill.csv"], { cwd: dir });
  }

  it("both renamed: names both columns and both entries, at the second entry", async () => {
    const r = await reconcile("period_start,activity,Project,quantity,amount,Proj", "dimensions: { Project: project, Proj: project }\n");
    expect(r.code).toBe(2);
    // "dimensions: { Project: project, Proj: project }": Project's value starts at column 24, Proj's at 39.
    expect(r.stderr).toBe('burnrate: error: bill.csv.mapping.yaml:1:39: two bill columns hold dimension "project": "Project" (bill.csv:1:3, renamed at bill.csv.mapping.yaml:1:24) and "Proj" (bill.csv:1:6, renamed at bill.csv.mapping.yaml:1:39) (expected each dimension in one column: one of the dimensions: entries removed, or one column under ignore_columns:, found "Project" and "Proj")\n');
  });

  it("one named as the dimension, one renamed onto it: at the entry that renamed it", async () => {
    const r = await reconcile("period_start,activity,project,quantity,amount,Proj", "dimensions: { Proj: project }\n");
    expect(r.code).toBe(2);
    // "dimensions: { Proj: project }": the value starts at column 21.
    expect(r.stderr).toBe('burnrate: error: bill.csv.mapping.yaml:1:21: two bill columns hold dimension "project": "project" (bill.csv:1:3) and "Proj" (bill.csv:1:6, renamed at bill.csv.mapping.yaml:1:21) (expected each dimension in one column: one of the dimensions: entries removed, or one column under ignore_columns:, found "project" and "Proj")\n');
  });

  it("a FOCUS bill's two tags onto one dimension: at the Tags cell, no longer the last one's value in silence", async () => {
    const dir = mkdtempSync(join(tmpdir(), "polish13-focus-"));
    const bill = readFileSync(join(FIXTURES, "focus/bill.csv"), "utf8").replace('""fliplet-project"": ""alpha"", ""env""', '""fliplet-project"": ""alpha"", ""project"": ""beta"", ""env""');
    writeFileSync(join(dir, "bill.csv"), bill);
    const r = await burnrate(["reconcile", "--account", join(FIXTURES, "account.yaml"), "--usage", join(FIXTURES, "usage.csv"), "--bill", join(dir, "bill.csv"), "--bill-mapping", join(FIXTURES, "focus/mapping.yaml")]);
    expect(r.code).toBe(2);
    // The Tags cell is row 2's 13th; mapping.yaml's line 19, "  fliplet-project: project", has its value at column 20.
    expect(r.stderr).toBe(`burnrate: error: ${join(dir, "bill.csv")}:2:13: tags "fliplet-project" and "project" both hold dimension "project" (renamed at ${join(FIXTURES, "focus/mapping.yaml")}:19:20) (expected each dimension in one tag: one of the dimensions: entries removed, or one tag under ignore_columns:, found "fliplet-project" and "project")\n`);
  });
});
