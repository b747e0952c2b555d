import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Newcomer, stop 36: `test --format github`, the format the example workflow uses, said nothing of a card with no tests
// (the table says SKIP, the JSON lists it under untested), so a new price version's lack of any expectation was invisible in CI.
describe("burnrate test --format github: a card with no tests", () => {
  const dir = mkdtempSync(join(tmpdir(), "diff18-test-"));
  mkdirSync(join(dir, "ratecards"));
  writeFileSync(join(dir, "ratecards/fliplet.yaml"), readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8"));

  it("is a warning annotation on the card, and counted in the tally; exit 0", async () => {
    const run = await burnrate(["test", "ratecards/fliplet.yaml", "--format", "github"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe([
      "::warning file=ratecards/fliplet.yaml,line=1,col=1,title=burnrate test::no tests: ratecards/fliplet.tests.yaml not found, nor a tests file beside the card naming it, so no expectation checks this card's prices (--tests FILE names tests kept elsewhere; --require-tests makes this an error)",
      "0 passed, 0 failed, 1 untested",
      "",
    ].join("\n"));
  });

  it("is still an error annotation under --require-tests, exit 1", async () => {
    const run = await burnrate(["test", "ratecards/fliplet.yaml", "--format", "github", "--require-tests"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("::error file=ratecards/fliplet.yaml,line=1,col=1,title=burnrate test::no tests: ratecards/fliplet.tests.yaml not found, nor a tests file beside the card naming it (--tests FILE names tests kept elsewhere)\n0 passed, 1 failed\n");
  });
});
