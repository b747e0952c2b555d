import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeVariant } from "./helpers/cards.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer70 L2: a plan's quota naming `requests` where the card's meter is `request` was "unknown meter" with no
// word of the meter meant, where usage's errors name the meter a typo away.
const FLOOPY = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
/** Free's quota on line 49 of Floopy's card, as it is written. */
const QUOTA = "quota: { meters: [request, playground], requests: 1000,";

/** Floopy's card with Free's quota meters written as `meters`, checked: its findings. */
async function checkedWith(meters: string): Promise<{ line: number; column: number; message: string }[]> {
  const dir = mkdtempSync(join(tmpdir(), "quota70-"));
  writeVariant(dir, "ours", FLOOPY, [[QUOTA, QUOTA.replace("[request, playground]", meters)]]);
  const r = await burnrate(["check", "ours.yaml", "--format", "json"], { cwd: dir });
  expect(r.code).toBe(1);
  return JSON.parse(r.stdout).files[0].findings;
}

describe("a plan's quota naming a meter a typo away", () => {
  it("names the meter meant and the card's meters", async () => {
    const findings = await checkedWith("[requests, playground]");
    expect(findings.map((f) => [f.line, f.message])).toEqual([[49, 'unknown meter "requests"; did you mean "request"? (expected a meter of this card: request, playground, found "requests")']]);
  });

  it("is said at the item itself, second in the list (red70d L3)", async () => {
    const findings = await checkedWith("[request, requests, playground]");
    const line = FLOOPY.split("\n")[48]!.replace("[request, playground]", "[request, requests, playground]");
    expect(findings.map((f) => [f.line, f.column])).toEqual([[49, line.indexOf("requests,") + 1]]);
  });
});
