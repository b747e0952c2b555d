import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { checkFindings, findingAt, position, writeVariant } from "./helpers/cards.js";

const CARD = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "burnrate-check-"));
/** A copy of the Fliplet card with each `from` replaced once by `to`; every `from` must be there. */
const variant = (name: string, edits: [string, string][]) => writeVariant(dir, name, CARD, edits);



describe("burnrate check on the bundled cards", () => {
  it("passes on every card and tests file in ratecards/", async () => {
    const files = readdirSync(join(ROOT, "ratecards")).filter((f) => f.endsWith(".yaml")).map((f) => `ratecards/${f}`);
    const run = await burnrate(["check", ...files]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`\\n${files.length} files checked: 0 errors, \\d+ warnings?\\n$`));
  });

  it("reports the Fliplet card and its expectations clean", async () => {
    const run = await burnrate(["check", "ratecards/fliplet.yaml", "ratecards/fliplet.tests.yaml"]);
    expect(run).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "ok   ratecards/fliplet.yaml (fliplet 2026-11)",
        "ok   ratecards/fliplet.tests.yaml (expectations of ratecards/fliplet.yaml)",
        "",
        "2 files checked: 0 errors, 0 warnings",
        "",
      ].join("\n"),
    });
  });
});

describe("burnrate check on modified copies", () => {
  it("fails a misspelt key at its line and column, and suggests the fix", async () => {
    const { file, text } = variant("misspelt", [['    price: "0.15"', '    pirce: "0.15"']]);
    const run = await burnrate(["check", file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("burnrate: check found 1 error(s)\n");
    const at = position(text, "pirce");
    expect(run.stdout).toBe([
      `FAIL ${file}`,
      `  ${file}:${at}: error [schema] unknown key "pirce"; did you mean "price"? (expected one of aggregation, category, pool, price, ${run.stdout.match(/price, (.*), found "pirce"/)![1]}, found "pirce")`,
      `    fix: rename "pirce" to "price"`,
      "",
      "1 file checked: 1 error, 0 warnings",
      "",
    ].join("\n"));
  });

  it("prints GitHub annotations with --format github", async () => {
    const { file, text } = variant("misspelt-gh", [['    price: "0.15"', '    pirce: "0.15"']]);
    const run = await burnrate(["check", file, "--format", "github"]);
    expect(run.code).toBe(1);
    const [line, col] = position(text, "pirce").split(":");
    const [annotation, summary, end] = run.stdout.split("\n");
    expect(annotation).toMatch(new RegExp(`^::error file=${file.replace(/[/.]/g, "\\$&")},line=${line},col=${col},title=burnrate check%3A schema::unknown key "pirce"; did you mean "price"\\? .*\\. Fix: rename "pirce" to "price"$`));
    expect([summary, end]).toEqual(["1 file checked: 1 error, 0 warnings", ""]);
  });

  it("lints what the schema accepts but is wrong, each at its place with a fix", async () => {
    const { file, text } = variant("lint", [
      ['grace: { run: "0.10" }', 'grace: { run: "10", build: "0.1" }'],
      ["percent_of_allowance: [70, 80, 90, 100]", "percent_of_allowance: [70, 90, 80, 90]"],
      ['    price: "0.1"              # "0.1 per recipient"', '    price: { by: [source], table: { studio: "0.1" } }'],
      ["labels: [SMS]", "labels: [Email]"],
    ]);
    const { code, found } = await checkFindings(file);
    expect(code).toBe(1);
    const findings = found.map(findingAt);
    expect(findings).toEqual([
      "1:1 warning no-tests",
      `${position(text, '"10"', 'grace: { run: ')} error grace-range`,
      `${position(text, '"0.1"', 'build: ')} warning unreachable-grace`,
      `${position(text, "80", "[70, 90, ")} warning threshold-order`,
      `${position(text, "90", "[70, 90, 80, ")} warning threshold-duplicate`,
      `${position(text, "run", "email:", "project: ")} error missing-price`,
      `${position(text, "Email", "sms:", "labels: [")} error duplicate-label`,
    ]);
    const text2 = (await burnrate(["check", file])).stdout;
    expect(text2).toContain(`: error [missing-price] meter "email": source "project" has a pool but no price\n    fix: add project: ... to meters.email.price.table, or remove "project" from its pool table\n`);
    expect(text2).toContain(`: error [duplicate-label] label "Email" is also a label of meter "email": a bill line with it matches two meters\n    fix: give meters email and sms distinct labels\n`);
    expect(text2).toContain(`: error [grace-range] grace 10 is 1000% of the allowance\n    fix: write a share of the allowance: 10% is 0.1\n`);
  });

  it("refuses a dimension named as a usage log's own column: no row can give it", async () => {
    // The first meter with dimensions: [project] is project_created.
    const { file, text } = variant("canonical-dimension", [["    dimensions: [project]\n", "    dimensions: [project, quantity]\n"]]);
    const run = await burnrate(["check", file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file}:${position(text, "quantity]")}: error [canonical-dimension] dimension "quantity" of meter "project_created" is a usage log's own column (timestamp, meter, quantity, event_id, account), never read as a dimension: no row can give it\n    fix: give the dimension a name of its own, and the usage column that holds it the same name\n`);
  });

  it("checks a tests file as the expectations of its card", async () => {
    const tests = readFileSync(join(ROOT, "ratecards/fliplet.tests.yaml"), "utf8").replace("meters: { sms:", "meters: { smss:").replaceAll("../fixtures/", `${ROOT}/fixtures/`);
    const copy = join(dir, "fliplet.tests.yaml");
    writeFileSync(copy, tests);
    writeFileSync(join(dir, "fliplet.yaml"), CARD);
    const run = await burnrate(["check", copy]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${copy}:${position(tests, `"50"`, "meters: { smss: ")}: error [unknown-meter] unknown meter "smss"`);
  });

  it("exits 2 for a file that does not exist", async () => {
    const run = await burnrate(["check", "ratecards/nope.yaml"]);
    expect(run).toEqual({ code: 2, stdout: "", stderr: 'burnrate: error: ratecards/nope.yaml:1:1: cannot read file: ENOENT (expected an existing rate card or tests file, found no such file)\n' });
  });
});
