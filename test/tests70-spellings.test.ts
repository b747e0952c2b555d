import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// red69b L3-L5: check and test of a card's next version with --tests, and the no-tests note, as a CI job runs them.
const TESTS = join(ROOT, "ratecards/fliplet.tests.yaml");
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");

/** A folder holding the card's next version, next.yaml, an unchanged copy. */
function nextFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "tests70-"));
  writeFileSync(join(dir, "next.yaml"), FLIPLET);
  return dir;
}

describe("check and test of one card spelled twice, beside --tests or not (red69b L3)", () => {
  it("reads next.yaml and ./next.yaml beside --tests as the one card they are", async () => {
    const dir = nextFolder();
    const checked = await burnrate(["check", "next.yaml", "./next.yaml", "--tests", TESTS, "--format", "json"], { cwd: dir });
    expect([checked.code, checked.stderr]).toEqual([0, ""]);
    expect(JSON.parse(checked.stdout).files.map((f: any) => [f.file, f.subject])).toEqual([
      ["next.yaml", "fliplet 2026-11"],
      [TESTS, "expectations of next.yaml"],
    ]);
    const tested = await burnrate(["test", "next.yaml", "./next.yaml", "--tests", TESTS, "--case", "100 SMS"], { cwd: dir });
    expect([tested.code, tested.stdout]).toEqual([0, `${TESTS} (fliplet 2026-11, next.yaml)\n  PASS 100 SMS cost 50\n\n1 passed, 0 failed\n`]);
  });

  it("reads a link to the card beside it as the one card (red70b #6)", async () => {
    const dir = nextFolder();
    symlinkSync("next.yaml", join(dir, "link.yaml"));
    const tested = await burnrate(["test", "next.yaml", "link.yaml", "--tests", TESTS, "--case", "100 SMS"], { cwd: dir });
    expect([tested.code, tested.stdout]).toEqual([0, `${TESTS} (fliplet 2026-11, next.yaml)\n  PASS 100 SMS cost 50\n\n1 passed, 0 failed\n`]);
  });

  it("tests the card by its own name where a link to it comes first, so that its tests file is found (red70c M1)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tests70-"));
    const card = join(ROOT, "ratecards/fliplet.yaml");
    symlinkSync(card, join(dir, "current.yaml"));
    const tested = await burnrate(["test", "current.yaml", card, "--case", "100 SMS"], { cwd: dir });
    expect([tested.code, tested.stdout]).toEqual([0, `${TESTS} (fliplet 2026-11, ${card})\n  PASS 100 SMS cost 50\n\n1 passed, 0 failed\n`]);
  });

  it("checks and tests a card, and its tests file, once however each is spelled", async () => {
    const checked = await burnrate(["check", "ratecards/fliplet.yaml", "./ratecards/fliplet.yaml", "--format", "json"]);
    expect(checked.code).toBe(0);
    expect(JSON.parse(checked.stdout).files.map((f: any) => f.file)).toEqual(["ratecards/fliplet.yaml"]);
    for (const files of [["ratecards/fliplet.yaml", "./ratecards/fliplet.yaml"], ["ratecards/fliplet.yaml", "./ratecards/fliplet.tests.yaml"]]) {
      const tested = await burnrate(["test", ...files, "--case", "100 SMS"]);
      expect([tested.code, tested.stdout.match(/PASS 100 SMS cost 50/g)?.length], files.join(" ")).toEqual([0, 1]);
    }
  });
});

describe("check --tests of a card that does not load (red69b L4)", () => {
  it("names the card given beside --tests, not the tests file's card:, which --tests passes over", async () => {
    const dir = nextFolder();
    writeFileSync(join(dir, "next.yaml"), "garbage: [\n");
    const r = await burnrate(["check", "next.yaml", "--tests", TESTS, "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    const [card, tests] = JSON.parse(r.stdout).files;
    expect(card.findings.map((f: any) => f.rule)).toEqual(["syntax"]);
    expect(tests.findings.map((f: any) => [f.rule, f.message, f.fix])).toEqual([
      ["card", "the card under test, next.yaml, given beside --tests, does not load", "correct next.yaml by the errors reported with it, or give the right card beside --tests FILE"],
    ]);
    // Said where the card's own first error is, the [ never closed at 1:10, not at the tests file's card: (red70b #7).
    expect(tests.findings.map((f: any) => [f.file, f.line, f.column])).toEqual([["next.yaml", 1, 10]]);
  });
});

describe("the no-tests note of a card in the current folder (red69b L5)", () => {
  it("says the current folder, not .", async () => {
    const dir = nextFolder();
    const r = await burnrate(["check", "next.yaml", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).files[0].findings.map((f: any) => f.message)).toEqual(["no expectations beside the card: no next.tests.yaml, and no tests file in the current folder whose card: names it"]);
  });
});
