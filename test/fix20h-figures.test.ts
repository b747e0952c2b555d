import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { callMeter, smallCard } from "./helpers/cards.js";
import { burnrate } from "./helpers/cli.js";

// Newcomer, stop 38 (#9): the diff's tables rounded to the card's display precision (whole credits), so 57 -> 61.8
// read "57 | 62 | +5 (+8.42%)", and a reviewer working from the table got another percentage.
const CARD = smallCard({
  provider: "figures",
  version: "1",
  effective: "2026-11-01",
  currency: "USD",
  creditPrice: null,
  display: 0,
  plans: ["basic: { label: Basic, included: 100, price: 0 }"],
  meters: [callMeter({ name: "a", price: "PRICE_A" }), callMeter({ name: "b", price: "PRICE_B" })],
});

function diff(usage: string, base: [string, string], next: [string, string]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-fix20h-figures-"));
  const write = (name: string, [a, b]: [string, string]) => {
    writeFileSync(join(dir, name), CARD.replace("PRICE_A", a).replace("PRICE_B", b));
    return join(dir, name);
  };
  writeFileSync(join(dir, "acct.yaml"), "plan: basic\nanchor: 2026-11-01\ntimezone: UTC\n");
  writeFileSync(join(dir, "u.csv"), `timestamp,meter,quantity\n${usage}`);
  return ["diff", "--base", write("base.yaml", base), "--card", write("new.yaml", next), "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv")];
}

describe("diff: the figures of a row agree with its percentage (newcomer, stop 38)", () => {
  // 100 calls of a at 0.57 = 57, at 0.618 = 61.8: +4.8, 4.8 / 57 = 8.42%. Shown whole, 57 -> 62 "+5" is 8.77%.
  const rise = diff("2026-11-02T00:00:00Z,a,100\n", ["0.57", "1"], ["0.618", "1"]);

  it("shows the amounts to the decimals that make them exact, in the comment, the table and the CSV", async () => {
    const md = (await burnrate([...rise, "--format", "markdown"])).stdout;
    expect(md).toContain("| default | 2026-11-01 | a | 57.0 | 61.8 | +4.8 (+8.42%) |");
    expect(md).toContain("| a | 57.0 | 61.8 | +4.8 (+8.42%) |");
    expect(md).toContain("Credits rise by +4.8 (+8.42%), from 57.0 to 61.8, for 1 account over 1 cycle.");
    const table = (await burnrate([...rise, "--format", "table"])).stdout;
    expect(table).toMatch(/57\.0 → 61\.8, \+4\.8 \(\+8\.42%\)/);
    const csv = (await burnrate([...rise, "--format", "csv"])).stdout;
    expect(csv).toContain("default,a,57,61.8,4.8,8.42,");
  });

  it("keeps whole rows whole, and stops at 4 decimals", async () => {
    // 3 calls at 1 -> 2: 3 -> 6, whole. One call at 0.123456 -> 0.2: 0.1235 (to 4 places) -> 0.2000, +0.0765 (+62.00%:
    // 0.076544 / 0.123456 = 0.62001...).
    const whole = (await burnrate([...diff("2026-11-02T00:00:00Z,a,3\n", ["1", "1"], ["2", "1"]), "--format", "markdown"])).stdout;
    expect(whole).toContain("| default | 2026-11-01 | a | 3 | 6 | +3 (+100.00%) |");
    const fine = (await burnrate([...diff("2026-11-02T00:00:00Z,a,1\n", ["0.123456", "1"], ["0.2", "1"]), "--format", "markdown"])).stdout;
    expect(fine).toContain("| default | 2026-11-01 | a | 0.1235 | 0.2000 | +0.0765 (+62.00%) |");
  });

  it("names the scope of each count of refused events, so the headline's and the note's do not read as a contradiction", async () => {
    // 100 included credits, the pool blocks. a 95 (95), a 10 (105 > 100: refused under both), b 4: at 1 it makes 99
    // (served); at 2, 8 makes 103 (refused). In all 1 -> 2 events refused; in the meters and cycles that refuse more
    // (b in November) 0 -> 1.
    const usage = "2026-11-02T00:00:00Z,a,95\n2026-11-03T00:00:00Z,a,10\n2026-11-04T00:00:00Z,b,4\n";
    const md = (await burnrate([...diff(usage, ["1", "1"], ["1", "2"]), "--format", "markdown"])).stdout;
    expect(md).toContain("The other -4 is the events one card serves and the other refuses (1 → 2 events refused in all): what the customer no longer gets, charged nothing.");
    expect(md).toContain("in 1 meter of the accounts' cycles (0 → 1 events refused in those meters and cycles, of the 1 → 2 refused in all;");
  });
});
