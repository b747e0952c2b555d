import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// newcomer68 L11: a CI job checking a rate-card change gives check (and test) the card's next version, a copy at
// another path; both looked for NAME.tests.yaml beside the copy and missed the card's tests. `--tests FILE` names them,
// and where none is found the note says where it looked and names the flag.
const TESTS = "ratecards/fliplet.tests.yaml";
const FLIPLET = readFileSync("ratecards/fliplet.yaml", "utf8");

/** The card's next version, a copy in a folder of its own; `edit` changes its text. */
function nextVersion(edit: (text: string) => string = (t) => t): string {
  const file = join(mkdtempSync(join(tmpdir(), "tests68-")), "fliplet.yaml");
  const text = edit(FLIPLET);
  writeFileSync(file, text);
  return file;
}

/** The sms meter's own price, 0.5 a message, set to `price`. */
const smsAt = (price: string) => (text: string) => {
  const at = text.indexOf("\n  sms:\n");
  const priceAt = text.indexOf('price: "0.5"', at);
  expect([at, priceAt].every((i) => i > 0)).toBe(true);
  return text.slice(0, priceAt) + `price: "${price}"` + text.slice(priceAt + 'price: "0.5"'.length);
};

describe("check and test of a card's next version away from its tests (newcomer68 L11)", () => {
  it("check without --tests says where it looked and names the flag", async () => {
    const card = nextVersion();
    const folder = card.slice(0, -"/fliplet.yaml".length);
    const r = await burnrate(["check", card, "--format", "json"]);
    expect(r.code).toBe(0);
    const [finding] = JSON.parse(r.stdout).files[0].findings;
    expect(finding).toMatchObject({
      rule: "no-tests",
      message: `no expectations beside the card: no ${folder}/fliplet.tests.yaml, and no tests file in ${folder} whose card: names it`,
      fix: `write ${folder}/fliplet.tests.yaml: cases of usage and the credits they must cost (burnrate test); for a card checked away from its tests (its next version, copied elsewhere in CI), name them: --tests FILE`,
    });
  });

  it("check --tests checks the card with those tests, and the tests against that card", async () => {
    const card = nextVersion();
    const r = await burnrate(["check", card, "--tests", TESTS, "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const files = JSON.parse(r.stdout).files.map((f: any) => [f.file, f.subject ?? null, f.findings.map((x: any) => x.rule)]);
    expect(files).toEqual([
      [card, "fliplet 2026-11", []],
      [TESTS, `expectations of ${card}`, []],
    ]);
  });

  it("check --tests finds a meter the tests expect that the next version drops: sms renamed text_message", async () => {
    const card = nextVersion((t) => t.replace("\n  sms:\n", "\n  text_message:\n"));
    const r = await burnrate(["check", card, "--tests", TESTS, "--format", "json"]);
    expect(r.code).toBe(1);
    const tests = JSON.parse(r.stdout).files[1];
    expect(tests.findings.filter((f: any) => f.rule === "unknown-meter").map((f: any) => f.message)).toContain('unknown meter "sms"');
  });

  it("test --tests prices the tests' cases by the card given: SMS at 0.6, 100 of them cost 60 where the case expects 50", async () => {
    const card = nextVersion(smsAt("0.6"));
    const r = await burnrate(["test", card, "--tests", TESTS, "--case", "100 SMS"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${TESTS} (fliplet 2026-11, ${card})\n  FAIL 100 SMS cost 50\n`);
    expect(r.stdout).toMatch(/: total: expected 50, got 60\n/);
    const unchanged = nextVersion();
    const same = await burnrate(["test", unchanged, "--tests", TESTS, "--case", "100 SMS"]);
    expect([same.code, same.stdout]).toEqual([0, `${TESTS} (fliplet 2026-11, ${unchanged})\n  PASS 100 SMS cost 50\n\n1 passed, 0 failed\n`]);
  });

  it("takes the tests file named beside the card as that card's, once", async () => {
    const card = nextVersion();
    const r = await burnrate(["check", card, TESTS, "--tests", TESTS, "--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).files.map((f: any) => f.subject)).toEqual(["fliplet 2026-11", `expectations of ${card}`]);
  });

  it.each([
    ["check", ["ratecards/fliplet.yaml", "ratecards/floopy.yaml"], "found 2 files: ratecards/fliplet.yaml, ratecards/floopy.yaml"],
    ["test", ["ratecards/fliplet.yaml", "ratecards/floopy.yaml"], "found 2 files: ratecards/fliplet.yaml, ratecards/floopy.yaml"],
    ["test", [TESTS], "found no card"],
    ["check", ["ratecards/floopy.tests.yaml"], "found a tests file, ratecards/floopy.tests.yaml"],
  ])("%s %j --tests is refused at the flag, exit 2", async (command, files, found) => {
    const r = await burnrate([command, ...files, "--tests", TESTS]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toBe(`burnrate: error: --tests: a tests file given with --tests is the expectations of one card (expected one rate card beside --tests FILE, the card its cases are priced by, ${found})\n`);
  });

  it("refuses a --tests folder as check refuses a folder given as a file, exit 2", async () => {
    const r = await burnrate(["check", "ratecards/fliplet.yaml", "--tests", "ratecards"]);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, "", "burnrate: error: ratecards:1:1: is a directory (expected a rate card or tests file, found a directory)\n"]);
  });

  it("prices a case whose own card: is the file's card by the card given, and keeps a case's other card its own (red69b M2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tests69-own-"));
    writeFileSync(join(dir, "fliplet.yaml"), FLIPLET);
    writeFileSync(join(dir, "older.yaml"), FLIPLET);
    const sms = readFileSync("fixtures/ci/fliplet/sms-100.csv", "utf8");
    writeFileSync(join(dir, "sms-100.csv"), sms);
    const cases = (card: string) => `cases:\n  - name: 100 SMS cost 50\n    card: ${card}\n    account: { plan: pro, anchor: 2026-11-01 }\n    usage: sms-100.csv\n    expect: { total: "50", meters: { sms: "50" } }\n`;
    writeFileSync(join(dir, "fliplet.tests.yaml"), cases("fliplet.yaml"));
    writeFileSync(join(dir, "other.tests.yaml"), cases("older.yaml"));
    const next = nextVersion(smsAt("0.6"));
    // 100 SMS at 0.6 a message: 60, where the case expects 50 at 0.5.
    const own = await burnrate(["test", next, "--tests", join(dir, "fliplet.tests.yaml")]);
    expect(own.code).toBe(1);
    expect(own.stdout).toMatch(/: total: expected 50, got 60\n/);
    // A case naming another card (older.yaml, not the file's own) prices what it names on purpose: 50.
    const other = await burnrate(["test", next, "--tests", join(dir, "other.tests.yaml")]);
    expect(other.code).toBe(0);
    expect(other.stdout).toContain("PASS 100 SMS cost 50");
  });

  it("refuses a card or tests file on standard input, read once a case where it was read at all (red69b M3)", async () => {
    const refusal = "burnrate: error: -:1:1: a rate card or tests file on standard input (expected a card and its tests as files, their cases' paths relative to them: a piped card written to a file first (git show HEAD:card.yaml > next.yaml), found -)\n";
    for (const args of [["test", "-", "--tests", TESTS], ["test", "-"], ["check", "-", "--tests", TESTS], ["check", "-"], ["check", "ratecards/fliplet.yaml", "--tests", "-"]]) {
      const r = await burnrate(args, { input: FLIPLET });
      expect([r.code, r.stdout, r.stderr], args.join(" ")).toEqual([2, "", refusal]);
    }
  });

  it("refuses a --tests file that is not there at its path", async () => {
    const r = await burnrate(["test", "ratecards/fliplet.yaml", "--tests", "ratecards/nope.tests.yaml"]);
    expect([r.code, r.stderr]).toEqual([2, "burnrate: error: ratecards/nope.tests.yaml:1:1: cannot read file: ENOENT (expected an existing tests file, found no such file)\n"]);
  });
});
