import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer70 L2: a plan's quota naming `requests` where the card's meter is `request` was "unknown meter" with no
// word of the meter meant, where usage's errors name the meter a typo away.
describe("a plan's quota naming a meter a typo away", () => {
  it("names the meter meant and the card's meters", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quota70-"));
    const card = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
    const typo = card.replace("quota: { meters: [request, playground], requests: 1000,", "quota: { meters: [requests, playground], requests: 1000,");
    expect(typo).not.toBe(card);
    writeFileSync(join(dir, "ours.yaml"), typo);
    const r = await burnrate(["check", "ours.yaml", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).files[0].findings;
    expect(findings.map((f: any) => [f.line, f.message])).toEqual([[49, 'unknown meter "requests"; did you mean "request"? (expected a meter of this card: request, playground, found "requests")']]);
    // At the item itself, second in the list (red70d L3): `quota: { meters: [request, requests, ...` on line 49.
    writeFileSync(join(dir, "ours.yaml"), card.replace("quota: { meters: [request, playground], requests: 1000,", "quota: { meters: [request, requests, playground], requests: 1000,"));
    const second = JSON.parse((await burnrate(["check", "ours.yaml", "--format", "json"], { cwd: dir })).stdout).files[0].findings;
    const line = card.split("\n")[48]!.replace("meters: [request, playground]", "meters: [request, requests, playground]");
    expect(second.map((f: any) => [f.line, f.column])).toEqual([[49, line.indexOf("requests,") + 1]]);
  });
});
