import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer58b L6: a file of the wrong kind got the loader's wording: a log given to `test` read as "wrong type", a tests
// file given as --card as `unknown key "cases"` with the card's keys listed. `check` already named them.
const USAGE = join(ROOT, "fixtures/fliplet/usage.csv");
const TESTS = join(ROOT, "ratecards/fliplet.tests.yaml");
const CSV_HEADER = '"timestamp,meter,quantity,project,user,channel,distributio..."';

describe("a file of another kind where a YAML input is read is refused as what it is", () => {
  it("a usage log given to test, as --card, as --account and as a scenario", async () => {
    for (const [args, kind] of [
      [["test", USAGE], "a rate card"],
      [["statement", "--card", USAGE, "--plan", "pro", "--usage", USAGE], "a rate card"],
      [["statement", "--account", USAGE, "--usage", USAGE], "an account file"],
      [["simulate", USAGE], "a scenario"],
    ] as const) {
      const r = await burnrate([...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toBe(`burnrate: error: ${USAGE}:1:1: this looks like CSV (a usage log or a bill), not ${kind} (expected ${kind}, YAML keys and values, found ${CSV_HEADER})\n`);
    }
  });

  it("a tests file given as diff's --card, and as statement's", async () => {
    const expected = `burnrate: error: ${TESTS}:1:1: this looks like a tests file (it has cases:), not a rate card (expected a rate card (a tests file is read by burnrate test, and by check when named CARD.tests.yaml beside its card), found a tests file)\n`;
    const diff = await burnrate(["diff", "--base", join(ROOT, "ratecards/fliplet.yaml"), "--card", TESTS, "--usage", USAGE, "--account", join(ROOT, "fixtures/fliplet/account.yaml")]);
    expect([diff.code, diff.stderr]).toEqual([2, expected]);
    const statement = await burnrate(["statement", "--card", TESTS, "--plan", "pro", "--usage", USAGE]);
    expect([statement.code, statement.stderr]).toEqual([2, expected]);
  });

  it("check still says it its own way, and a card with typos keeps its unknown keys", async () => {
    const r = await burnrate(["check", TESTS.replace(".tests.yaml", ".yaml"), USAGE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${USAGE}:1:1: error [schema] this looks like CSV (a usage log or a bill), not a rate card`);
  });
});
