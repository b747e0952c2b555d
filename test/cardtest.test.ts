import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

const CARD = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const TESTS = readFileSync(join(ROOT, "ratecards/fliplet.tests.yaml"), "utf8");
const CASES = [...TESTS.matchAll(/^  - name: (.*)$/gm)].map((m) => m[1]!);

/** A scratch copy of the repository's layout: ratecards/ with the given texts, fixtures/ linked to the real ones. */
function workspace(card: string, tests: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-test-"));
  mkdirSync(join(dir, "ratecards"));
  symlinkSync(join(ROOT, "fixtures"), join(dir, "fixtures"));
  writeFileSync(join(dir, "ratecards/fliplet.yaml"), card);
  if (tests !== undefined) writeFileSync(join(dir, "ratecards/fliplet.tests.yaml"), tests);
  return dir;
}

function edited(text: string, from: string, to: string): string {
  expect(text.includes(from), `no ${from}`).toBe(true);
  return text.replace(from, to);
}

/** 1-based line:column of `needle`, found after each of `after` in turn. */
function position(text: string, needle: string, ...after: string[]): string {
  let from = 0;
  for (const anchor of after) from = text.indexOf(anchor, from) + anchor.length;
  const index = text.indexOf(needle, from);
  return `${lineOf(text, needle, from)}:${index - text.lastIndexOf("\n", index - 1)}`;
}

function lineOf(text: string, needle: string, from = 0): number {
  return text.slice(0, text.indexOf(needle, from)).split("\n").length;
}


describe("burnrate test on the bundled cards", () => {
  it("runs every Fliplet expectation and ends with the tally", async () => {
    const run = await burnrate(["test", "ratecards/fliplet.yaml"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe([
      "ratecards/fliplet.tests.yaml (fliplet 2026-11, ratecards/fliplet.yaml)",
      ...CASES.map((name) => `  PASS ${name}`),
      "",
      `${CASES.length} passed, 0 failed`,
      "",
    ].join("\n"));
  });

  it("covers every figure the Fliplet document states", async () => {
    const figures = ["0.5", '"2"', '"6"', '"10"', '"4"', '"25"', '"250"', '"100"', '"50"', '"108"', "0.005", "0.01", "0.05", "0.02", "0.08", "0.1", "0.2", '"1100"', "uncovered: \"100\"", "[70, 80, 90, 100]", "topup:"];
    for (const figure of figures) expect(TESTS, figure).toContain(figure);
  });

  it("runs a card named with its tests file once, and passes on all of ratecards/", async () => {
    const run = await burnrate(["test", "ratecards/fliplet.yaml", "ratecards/fliplet.tests.yaml"]);
    expect(run.code).toBe(0);
    expect(run.stdout.endsWith(`\n${CASES.length} passed, 0 failed\n`)).toBe(true);
    const all = readdirSync(join(ROOT, "ratecards")).filter((f) => f.endsWith(".yaml")).map((f) => `ratecards/${f}`);
    const every = await burnrate(["test", ...all]);
    expect(every.stderr).toBe("");
    expect(every.code).toBe(0);
    expect(every.stdout).toMatch(/\n\d+ passed, 0 failed\n$/);
  });
});

describe("burnrate test on modified copies", () => {
  it("a raised price fails the expectations that state the old one, by name and line", async () => {
    const dir = workspace(edited(CARD, 'price: "0.5"              # "0.5 per message"', 'price: "0.6"'), TESTS);
    const run = await burnrate(["test", "ratecards/fliplet.yaml"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("burnrate: 1 expectation case(s) failed\n");
    expect(run.stdout).toContain([
      "  FAIL 100 SMS cost 50",
      `       ratecards/fliplet.tests.yaml:${position(TESTS, '"50"', "- name: 100 SMS cost 50", "total: ")}: total: expected 50, got 60`,
      `       ratecards/fliplet.tests.yaml:${position(TESTS, '"50"', "- name: 100 SMS cost 50", "sms: ")}: meter sms: expected 50, got 60`,
      "",
    ].join("\n"));
    expect(run.stdout.endsWith(`\n${CASES.length - 1} passed, 1 failed\n`)).toBe(true);
  });

  it("a failed expectation exits 1 and names the case, with the line that states it", async () => {
    const tests = edited(TESTS, 'expect: { total: "2", meters: { published: "2" } }', 'expect: { total: "3", meters: { published: "2" } }');
    const dir = workspace(CARD, tests);
    const run = await burnrate(["test", "ratecards/fliplet.tests.yaml", "--format", "github"], { cwd: dir });
    expect(run.code).toBe(1);
    const name = lineOf(tests, "- name: publishing one project to the web");
    expect(run.stdout).toBe([
      `::error file=ratecards/fliplet.tests.yaml,line=${name},col=11,title=burnrate test%3A publishing one project to the web costs 2 per month::publishing one project to the web costs 2 per month failed%0Aratecards/fliplet.tests.yaml:${position(tests, '"3"', 'total: ')}: total: expected 3, got 2`,
      `${CASES.length - 1} passed, 1 failed`,
      "",
    ].join("\n"));
  });

  it("a case whose usage the card cannot read fails with the reason, and the others still run", async () => {
    // Its expectations name no meter (one the card lacks is the tests file's mistake, exit 2: test/cards15-tests-exit.test.ts).
    const dir = workspace(edited(CARD, "  sms:\n", "  text_message:\n"), edited(TESTS, 'expect: { total: "50", meters: { sms: "50" } }', 'expect: { total: "50" }'));
    const run = await burnrate(["test", "ratecards/fliplet.yaml", "--format", "json"], { cwd: dir });
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    const failed = out.suites[0].cases.filter((c: any) => c.outcome !== "passed");
    expect(failed.map((c: any) => [c.name, c.outcome])).toEqual([["100 SMS cost 50", "error"]]);
    expect(failed[0].errors[0]).toBe('fixtures/ci/fliplet/sms-100.csv:2:2: unknown meter "sms" (expected a meter of fliplet 2026-11, found "sms")');
    expect([out.passed, out.failed]).toEqual([CASES.length - 1, 1]);
  });

  it("a case's usage may be a folder of daily files or a glob, as --usage takes them", async () => {
    const dir = workspace(CARD, undefined);
    mkdirSync(join(dir, "days"));
    // 60 SMS on 1 November and 40 on the 2nd, at 0.5 credits each: 50 credits, the same as the bundled sms-100.csv.
    const day = (date: string, n: number) => `timestamp,meter,quantity,project,source\n${date}T09:00:00Z,sms,${n},p1,project\n`;
    writeFileSync(join(dir, "days/2026-11-01.csv"), day("2026-11-01", 60));
    writeFileSync(join(dir, "days/2026-11-02.csv"), day("2026-11-02", 40));
    const tests = (usage: string) => `cases:\n  - name: 100 SMS over two days\n    account: { plan: pro, anchor: 2026-11-01 }\n    usage: ${usage}\n    expect: { total: "50", meters: { sms: "50" } }\n`;
    for (const usage of ["../days", '"../days/*.csv"']) {
      writeFileSync(join(dir, "ratecards/fliplet.tests.yaml"), tests(usage));
      const run = await burnrate(["test", "ratecards/fliplet.yaml"], { cwd: dir });
      expect([run.code, run.stderr, run.stdout], usage).toEqual([0, "", "ratecards/fliplet.tests.yaml (fliplet 2026-11, ratecards/fliplet.yaml)\n  PASS 100 SMS over two days\n\n1 passed, 0 failed\n"]);
    }
    writeFileSync(join(dir, "ratecards/fliplet.tests.yaml"), tests('"../days/*.jsonl"'));
    const none = await burnrate(["test", "ratecards/fliplet.yaml", "--format", "json"], { cwd: dir });
    // The pattern as resolved from the tests file's folder, at the case's usage: the tests file's mistake (exit 2).
    expect([none.code, none.stdout, none.stderr]).toEqual([2, "", 'burnrate: error: ratecards/fliplet.tests.yaml:4:12: no file matches the pattern (expected a pattern matching at least one file (quoted, so that burnrate expands it), found "days/*.jsonl")\n']);
  });

  it("a scenario case is priced by the card under test", async () => {
    const dir = workspace(edited(CARD, 'price: "0.15"             # "automation runs (0.15 each)"', 'price: "0.2"'), TESTS);
    const run = await burnrate(["test", "ratecards/fliplet.yaml", "--case", "as a scenario", "--format", "json"], { cwd: dir });
    expect(run.code).toBe(1);
    const [c] = JSON.parse(run.stdout).suites[0].cases;
    expect(c.mismatches.map((m: any) => [m.what, m.expected, m.actual])).toEqual([["cycle 1 total", "108", "144"], ["cycle 2 total", "111.6", "148.8"]]);
  });

  it("a scenario case with usage of its own cannot run, and says why", async () => {
    const tests = edited(TESTS, "    scenario: ../fixtures/ci/fliplet/automation-hourly.scenario.yaml\n", "    scenario: ../fixtures/ci/fliplet/automation-hourly.scenario.yaml\n    usage: ../fixtures/ci/fliplet/sms-100.csv\n");
    const dir = workspace(CARD, tests);
    const run = await burnrate(["test", "ratecards/fliplet.yaml", "--case", "as a scenario"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`burnrate: error: ratecards/fliplet.tests.yaml:${position(tests, "../fixtures/ci/fliplet/sms-100.csv", "automation-hourly.scenario.yaml\n    usage: ")}: a scenario case cannot also have usage (expected scenario alone (it sets the start, cycles and plan), or usage with an account, found usage)`);
  });

  it("a card without tests is skipped, or fails with --require-tests", async () => {
    const dir = workspace(CARD, undefined);
    const skipped = await burnrate(["test", "ratecards/fliplet.yaml"], { cwd: dir });
    expect(skipped).toEqual({ code: 0, stderr: "", stdout: "SKIP ratecards/fliplet.yaml: no tests (ratecards/fliplet.tests.yaml not found, nor a tests file beside the card naming it; --tests FILE names tests kept elsewhere)\n\n0 passed, 0 failed\n" });
    const required = await burnrate(["test", "ratecards/fliplet.yaml", "--require-tests"], { cwd: dir });
    expect(required).toEqual({ code: 1, stderr: "burnrate: 1 card(s) without tests (--require-tests)\n", stdout: "FAIL ratecards/fliplet.yaml: no tests (ratecards/fliplet.tests.yaml not found, nor a tests file beside the card naming it; --tests FILE names tests kept elsewhere)\n\n0 passed, 1 failed\n" });
  });

  it("--case runs only the cases whose name contains the text, in any case (newcomer59 L4)", async () => {
    // "100 SMS cost 50" is the only name with "sms" in it; "Unique End-Users" is in two names, "100 unique end-users in
    // a month cost 25" and "1,000 unique end-users in a month cost 250", written in lower case.
    for (const text of ["SMS", "sms", "Sms"]) {
      const run = await burnrate(["test", "ratecards/fliplet.yaml", "--case", text]);
      expect(run).toEqual({ code: 0, stderr: "", stdout: "ratecards/fliplet.tests.yaml (fliplet 2026-11, ratecards/fliplet.yaml)\n  PASS 100 SMS cost 50\n\n1 passed, 0 failed\n" });
    }
    const users = await burnrate(["test", "ratecards/fliplet.yaml", "--case", "Unique End-Users"]);
    expect([users.code, users.stdout.match(/^ {2}PASS .*$/gm)]).toEqual([0, ["  PASS 100 unique end-users in a month cost 25", "  PASS 1,000 unique end-users in a month cost 250"]]);
  });

  it("a malformed tests file is bad input: exit 2 at its line", async () => {
    const tests = edited(TESTS, "    expect: { total: \"6\"", "    expekt: { total: \"6\"");
    const dir = workspace(CARD, tests);
    const run = await burnrate(["test", "ratecards/fliplet.yaml"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`ratecards/fliplet.tests.yaml:${lineOf(tests, "expekt")}:5: unknown key "expekt"; did you mean "expect"?`);
  });
});
