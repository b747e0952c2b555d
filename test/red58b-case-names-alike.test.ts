import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// red58b F12: two cases whose names differ by a trailing space, a zero-width space or the Unicode form of an accent were
// both taken, and printed alike in the table report ("PASS kept" twice).
const CASE = join(ROOT, "test/bad-input/cases/newcomer58-tests-same-name");

function suite(first: string, second: string) {
  const dir = mkdtempSync(join(tmpdir(), "red58b-names-"));
  cpSync(join(CASE, "card.yaml"), join(dir, "card.yaml"));
  cpSync(join(CASE, "reads.csv"), join(dir, "reads.csv"));
  const entry = (name: string) => `  - name: ${JSON.stringify(name)}\n    account: { plan: pro, anchor: 2026-11-01 }\n    usage: reads.csv\n    expect: { total: "1" }\n`;
  writeFileSync(join(dir, "card.tests.yaml"), `cases:\n${entry(first)}${entry(second)}`);
  return join(dir, "card.yaml");
}

describe("two cases of names written otherwise but shown alike are refused, as two of one name are", () => {
  for (const [what, first, second] of [
    ["a trailing space", "kept", "kept "],
    ["a zero-width space", "kept", "kept\u200b"],
    ["another Unicode form of the accent", "caf\u00e9", "cafe\u0301"],
  ] as const) {
    it(what, async () => {
      const r = await burnrate(["test", suite(first, second)]);
      expect(r.code).toBe(2);
      // A zero-width character is shown escaped, so that the two names read apart in the message.
      const named = JSON.stringify(second).replace("\u200b", "\\u200b");
      expect(r.stderr).toContain(`card.tests.yaml:6:11: two cases named ${named} (expected a name of its own for each case (case 1 has this one, written otherwise but shown alike: ${JSON.stringify(first)})`);
    });
  }

  it("names that differ in case stay two names", async () => {
    expect((await burnrate(["test", suite("Kept", "kept")])).code).toBe(0);
  });
});
