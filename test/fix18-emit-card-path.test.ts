import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

const SCENARIO = (card: string) => `card: ${card}
plan: pro
start: 2026-11-01
cycles: 1
schedules:
  - { meter: data_read, every: daily, quantity: 10, dimensions: { project: alpha } }
`;

describe("simulate --emit-usage: the account file's card path", () => {
  it("a card named by an absolute path stays absolute, so the emitted folder can move", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-emitcard-"));
    const card = join(ROOT, "ratecards/fliplet.yaml");
    writeFileSync(join(dir, "scenario.yaml"), SCENARIO(card));
    const r = await burnrate(["simulate", join(dir, "scenario.yaml"), "--emit-usage", join(dir, "out")]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "out", "account.yaml"), "utf8")).toContain(`card: ${JSON.stringify(card)}`);
    // Moved elsewhere, the folder still prices: 30 days of 10 reads at 0.01 = 3 credits.
    const moved = mkdtempSync(join(tmpdir(), "burnrate-emitcard-moved-"));
    cpSync(join(dir, "out"), moved, { recursive: true });
    const s = await burnrate(["statement", "--account", join(moved, "account.yaml"), "--usage", join(moved, "usage.csv"), "--format", "json"]);
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).accounts[0].cycles[0].total).toBe("3");
  });

  it("a card named relative to the scenario stays relative to the emitted folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-emitcard-"));
    cpSync(join(ROOT, "ratecards/fliplet.yaml"), join(dir, "fliplet.yaml"));
    writeFileSync(join(dir, "scenario.yaml"), SCENARIO("./fliplet.yaml"));
    const r = await burnrate(["simulate", join(dir, "scenario.yaml"), "--emit-usage", join(dir, "out")]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "out", "account.yaml"), "utf8")).toContain('card: "../fliplet.yaml"');
  });
});
