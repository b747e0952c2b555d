import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer64 L: a key's typo got a did-you-mean, a pool's did not; a grace of 5 was told "10% is 0.10".
describe("check names the pool meant and the share a grace percentage is", () => {
  const checked = async (edit: (card: string) => string) => {
    const card = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
    const changed = edit(card);
    expect(changed).not.toBe(card);
    const dir = mkdtempSync(join(tmpdir(), "check64-"));
    writeFileSync(join(dir, "card.yaml"), changed);
    return burnrate(["check", join(dir, "card.yaml")]);
  };

  it("a meter's pool", async () => {
    const r = await checked((card) => card.replace("\n    pool: build\n", "\n    pool: biuld\n"));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/unknown pool "biuld"; did you mean "build"\?/);
    expect(r.stdout).toContain('fix: rename "biuld" to "build"');
  });

  it("a grace of 5 is 5% written as 0.05", async () => {
    const r = await checked((card) => card.replace('grace: { run: "0.10" }', "grace: { run: 5 }"));
    expect(r.stdout).toContain("grace 5 is 500% of the allowance\n    fix: write a share of the allowance: 5% is 0.05\n");
  });
});
