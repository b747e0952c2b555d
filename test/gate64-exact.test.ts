import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { freeCard } from "./helpers/cards.js";

// newcomer64 H1: the percentage gates compared a share rounded to 2 places with their limit: +5.004% passed
// --fail-over 5 (read as 5.00), +0.004% passed --fail-over 0, and +4.996% failed --fail-over 4.999.
const card = (price: string) => freeCard({ version: price, free: "included: 1000", meters: `  call: { aggregation: flow, dimensions: [], category: main, pool: main, price: "${price}" }\n`, display: 4 });

async function diffAt(price: string, flags: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "gate64-"));
  writeFileSync(join(dir, "base.yaml"), card("1"));
  writeFileSync(join(dir, "new.yaml"), card(price));
  writeFileSync(join(dir, "u.csv"), "timestamp,meter,quantity\n2026-11-02T10:00:00Z,call,10\n");
  return burnrate(["diff", "--base", join(dir, "base.yaml"), "--card", join(dir, "new.yaml"), "--plan", "free", "--anchor", "2026-11-01", "--usage", join(dir, "u.csv"), "--format", "table", ...flags]);
}

describe("the percentage gates judge the exact share, not the share rounded to show", () => {
  it("fails +5.004% at --fail-over 5 and --fail-over-meter 5, and says +5.004%", async () => {
    // 10 calls at 1 → 1.05004: 10 → 10.5004 credits, +0.5004, 5.004% of 10.
    for (const flag of ["--fail-over", "--fail-over-meter"]) {
      const r = await diffAt("1.05004", [flag, "5"]);
      expect(r.code, flag).toBe(1);
    }
    const r = await diffAt("1.05004", ["--fail-over", "5"]);
    expect(r.stdout).toContain("10.0000 → 10.5004, +0.5004 (+5.004%)");
    expect(r.stdout).toContain("The rise is more than the --fail-over limit of 5% (credits).");
  });

  it("fails +0.004% at --fail-over 0", async () => {
    expect((await diffAt("1.00004", ["--fail-over", "0"])).code).toBe(1);
  });

  it("passes +4.996% at --fail-over 4.999 and a change of exactly the limit, and fails it at 4.9959", async () => {
    expect((await diffAt("1.04996", ["--fail-over", "4.999"])).code).toBe(0);
    expect((await diffAt("1.04996", ["--fail-over", "4.996"])).code).toBe(0);
    const past = await diffAt("1.04996", ["--fail-over-meter", "4.9959"]);
    expect(past.code).toBe(1);
    expect(past.stderr).toContain("largest: call +0.4996 credits (+4.996%)");
  });

  it("shows each row's share on its side of the gate that judges it (red64c M1)", async () => {
    // 10 → 10.50051, +5.0051%: within --fail-over-meter 5.006, and not shown as +5.01%.
    const r = await diffAt("1.050051", ["--fail-over-meter", "5.006"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("(+5.005%)");
    expect(r.stdout).not.toContain("5.01%");
  });
});
