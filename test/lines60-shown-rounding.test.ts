import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TEST_CARD } from "./helpers/engine.js";
import { burnrate } from "./helpers/cli.js";

// newcomer59 L2: a cycle's Charges lines are each shown rounded to the card's display places, and the Total under them
// is the exact total rounded once: 140.026, 6.508 and 15.2996 showed 140.03, 6.51 and 15.30, a cent over the Total. A
// finance reader ticking the lines off against the total found a cent missing. A row now says by how much.
const dir = mkdtempSync(join(tmpdir(), "lines60-"));
// `call` at 1.006 credits, shown to 2 places (the test card's default display): one call each of projects a, b and c.
const card = join(dir, "card.yaml");
writeFileSync(card, TEST_CARD.replace('call: { aggregation: flow, category: main, pool: build, price: "1"', 'call: { aggregation: flow, category: main, pool: build, price: "1.006"'));
const account = join(dir, "account.yaml");
writeFileSync(account, `card: ${card}\naccount: acme\nplan: paid\nanchor: 2026-11-01\ntimezone: UTC\n`);
const usage = (projects: readonly string[]) => {
  const file = join(dir, `u-${projects.join("")}.csv`);
  writeFileSync(file, `timestamp,meter,quantity,project\n${projects.map((p, i) => `2026-11-02T10:0${i}:00Z,call,1,${p}`).join("\n")}\n`);
  return file;
};

describe("the Charges table's rounding row (newcomer59 L2)", () => {
  it("says what the total shown differs by from the lines shown, so that the rows add up", async () => {
    for (const format of ["table", "markdown"]) {
      const out = await burnrate(["statement", "--account", account, "--usage", usage(["a", "b", "c"]), "--format", format, "--no-chart"]);
      expect([out.code, out.stderr]).toEqual([0, ""]);
      // Each line 1.006, shown 1.01: 3.03 shown; the total 3.018, shown 3.02: a rounding of -0.01.
      const rows = out.stdout.split("\n").filter((l) => /call|Rounding to|Total/.test(l) && !/Charged|Money/.test(l));
      expect(rows.filter((r) => r.includes("call")).every((r) => /1\.01\b/.test(r))).toBe(true);
      expect(rows.filter((r) => r.includes("call"))).toHaveLength(3);
      expect(rows.find((r) => r.includes("Rounding to 0.01"))).toMatch(/-0\.01\s*\|?\s*$/);
      expect(rows.find((r) => /^\s*\|?\s*\**Total\b/.test(r))).toMatch(/3\.02\**\s*\|?\s*$/);
    }
  });

  it("is there for two such lines, and left out where the lines shown add up to the total shown", async () => {
    // Two lines of 1.006: 1.01 + 1.01 = 2.02 shown, the total 2.012 shown 2.01; one line alone is its total.
    const two = await burnrate(["statement", "--account", account, "--usage", usage(["a", "b"]), "--format", "table", "--no-chart"]);
    expect(two.stdout).toContain("Rounding to 0.01");
    const one = await burnrate(["statement", "--account", account, "--usage", usage(["a"]), "--format", "table", "--no-chart"]);
    expect([one.code, one.stdout.includes("Rounding to")]).toEqual([0, false]);
  });
});
