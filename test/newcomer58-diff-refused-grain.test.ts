import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// newcomer58b H2: the usage a smaller allowance refuses was worth the meter's average price over its tiers, not the
// refused rows' own. A summary is 1 credit on the lite tier and 4 on max.
const card = (included: number) => `provider: quill
version: "2026-11"
effective: "2026-11-01"
unit: credits
currency: USD
credit_price: "0.02"
precision: { display: 2, rounding: half-even, round_at: none }
cycle: { period: monthly }
categories: { ai: { label: AI } }
pools: { process: { label: Processing, when_exhausted: block } }
grant_kinds:
  included: { priority: 1, expires: cycle_end, counts_toward_allowance: true }
plans:
  starter: { label: Starter, included: ${included}, price: 20 }
meters:
  summary:
    aggregation: flow
    dimensions: [project, tier]
    category: ai
    pool: process
    price:
      by: [tier]
      table: { lite: "1", max: "4" }
  page_ocr:
    aggregation: flow
    dimensions: [project]
    category: ai
    pool: process
    price: "0.2"
`;

function inputs(rows: string, includedBefore: number, includedAfter: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-refused-grain-"));
  writeFileSync(join(dir, "base.yaml"), card(includedBefore));
  writeFileSync(join(dir, "card.yaml"), card(includedAfter));
  writeFileSync(join(dir, "u.csv"), `timestamp,meter,quantity,project,tier\n${rows}`);
  return ["diff", "--base", join(dir, "base.yaml"), "--card", join(dir, "card.yaml"), "--usage", join(dir, "u.csv"), "--plan", "starter", "--anchor", "2026-11-01", "--format", "json"];
}

describe("diff: refused usage is worth the base card's price on its own line (newcomer58b H2)", () => {
  // 50 lite (50) and 20 max (80) fit 300 and 200 alike; 30 max (120) makes 250: served under 300, refused under 200.
  const rows = "2026-11-03T10:00:00Z,summary,50,alpha,lite\n2026-11-05T10:00:00Z,summary,20,alpha,max\n2026-11-22T10:00:00Z,summary,30,beta,max\n";

  it("values the 30 refused max summaries at 4 credits each, as the base card charged them: 120, not 30 x 250/100 = 75", async () => {
    const r = await burnrate(inputs(rows, 300, 200));
    const j = JSON.parse(r.stdout);
    expect([j.base_total, j.card_total]).toEqual(["250", "130"]);
    expect(j.refused).toHaveLength(1);
    expect(j.refused[0]).toMatchObject({ meter: "summary", old_quantity: "0", new_quantity: "30", worth: { old: "0", new: "120", delta: "120", delta_percent: null, percent_of_base_credits: "48", priced_by: "base" }, base_credits: "250" });
    // What the headline calls the events one card serves and the other refuses is the same 120.
    expect(j.served).toMatchObject({ old: "130", new: "130" });
  });

  it("--fail-over judges that worth: 120 of the 250 credits the base card charged is 48%", async () => {
    // At the meter's average (75, 30%) a 40% gate passed what the customer loses.
    expect((await burnrate([...inputs(rows, 300, 200), "--fail-over", "40"])).code).toBe(1);
    expect((await burnrate([...inputs(rows, 300, 200), "--fail-over", "48"])).code).toBe(0);
    expect((await burnrate([...inputs(rows, 300, 200), "--fail-over", "47.99"])).code).toBe(1);
  });

  it("prices each line refused more at its own price, beside a refusal both cards make", async () => {
    // Base 150: 50 lite (50) and 20 max (80) = 130; then 100 pages (20) = 150; then 30 max (120) refused under both.
    // New 120: 50 lite; 20 max would make 130 > 120: refused; 100 pages (20) = 70; 30 max (120) refused.
    // Refused under the base card: 30 summaries (the meter's average 130 / 70 a unit: 55.714286); under the new one
    // 50, the 20 more on the max line at its 80 / 20 = 4: 55.714286 + 80.
    const both = "2026-11-03T10:00:00Z,summary,50,alpha,lite\n2026-11-05T10:00:00Z,summary,20,alpha,max\n2026-11-07T10:00:00Z,page_ocr,100,alpha,\n2026-11-22T10:00:00Z,summary,30,beta,max\n";
    const j = JSON.parse((await burnrate(inputs(both, 150, 120))).stdout);
    expect([j.base_total, j.card_total]).toEqual(["150", "70"]);
    expect(j.refused).toHaveLength(1);
    expect(j.refused[0]).toMatchObject({ meter: "summary", old_quantity: "30", new_quantity: "50", worth: { old: "55.714286", new: "135.714286", delta: "80" } });
  });
});
