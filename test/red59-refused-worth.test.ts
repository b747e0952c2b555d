import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// red59: the worth of usage one card refuses and the other serves was read on a blend of the base card's prices, where
// the lines of one set of dimension values have several: a surcharge or an exemption on a column the line does not
// show (F1), two versions of the card (F2), lines the refusals moved between (F3), a token-priced meter (F4). Each
// let --fail-over pass a loss the base card had charged in full.
interface Card {
  included: number;
  price?: string;
  surcharge?: string;
  exempt?: boolean;
  version?: string;
  effective?: string;
  tiers?: { lite: string; max: string };
}

function card({ included, price = "1", surcharge, exempt, version = "2026-11", effective = "2026-11-01", tiers }: Card): string {
  const priced = tiers === undefined ? `price: "${price}"` : `price: { by: [tier], table: { lite: "${tiers.lite}", max: "${tiers.max}" } }`;
  return `provider: quill
version: "${version}"
effective: "${effective}"
unit: credits
currency: USD
credit_price: "0.02"
precision: { display: 2, rounding: half-even, round_at: none }
cycle: { period: monthly }
dimensions: [priority, byok]
categories: { ai: { label: AI } }
pools: { process: { label: Processing, when_exhausted: block } }
grant_kinds:
  included: { priority: 1, expires: cycle_end, counts_toward_allowance: true }
plans:
  starter: { label: Starter, included: ${included}, price: 20 }
meters:
  summary:
    aggregation: flow
    dimensions: [project${tiers === undefined ? "" : ", tier"}]
    category: ai
    pool: process
    ${priced}
${surcharge === undefined ? "" : `    surcharges:\n      - { when: { priority: "high" }, add: "${surcharge}" }\n`}${exempt === true ? `    exempt_when: { byok: "true" }\n` : ""}`;
}

async function diff(base: Card[], next: Card[], rows: string, ...more: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "red59-worth-"));
  const files = (cards: Card[], side: string) =>
    cards.flatMap((c, i) => {
      const file = join(dir, `${side}${i}.yaml`);
      writeFileSync(file, card(c));
      return [side === "b" ? "--base" : "--card", file];
    });
  writeFileSync(join(dir, "u.csv"), rows);
  const r = await burnrate(["diff", ...files(base, "b"), ...files(next, "c"), "--usage", join(dir, "u.csv"), "--plan", "starter", "--anchor", "2026-11-01", "--format", "json", ...more]);
  return { ...r, json: r.stdout === "" ? undefined : JSON.parse(r.stdout) };
}

describe("refused usage is worth the base card's price on its own line (newcomer58b H2)", () => {
  // 50 lite (50) and 20 max (80) fit 300 and 200 alike; 30 max (120) makes 250: served under 300, refused under 200.
  const rows = "timestamp,meter,quantity,project,tier\n2026-11-03T10:00:00Z,summary,50,alpha,lite\n2026-11-05T10:00:00Z,summary,20,alpha,max\n2026-11-22T10:00:00Z,summary,30,beta,max\n";
  const tiers = { lite: "1", max: "4" };

  it("values the 30 refused max summaries at 4 credits each, as the base card charged them: 120, not 30 x 250/100 = 75", async () => {
    const r = await diff([{ included: 300, tiers }], [{ included: 200, tiers }], rows);
    expect([r.json.base_total, r.json.card_total]).toEqual(["250", "130"]);
    expect(r.json.refused).toHaveLength(1);
    expect(r.json.refused[0]).toMatchObject({ meter: "summary", old_quantity: "0", new_quantity: "30", worth: { old: "0", new: "120", delta: "120", delta_percent: null, percent_of_base_credits: "48", priced_by: "base" }, base_credits: "250" });
    // What the headline calls the events one card serves and the other refuses is the same 120.
    expect(r.json.served).toMatchObject({ old: "130", new: "130" });
  });

  it("--fail-over judges that worth: 120 of the 250 credits the base card charged is 48%", async () => {
    // At the meter's average (75, 30%) a 40% gate passed what the customer loses.
    expect((await diff([{ included: 300, tiers }], [{ included: 200, tiers }], rows, "--fail-over", "40")).code).toBe(1);
    expect((await diff([{ included: 300, tiers }], [{ included: 200, tiers }], rows, "--fail-over", "48")).code).toBe(0);
    expect((await diff([{ included: 300, tiers }], [{ included: 200, tiers }], rows, "--fail-over", "47.99")).code).toBe(1);
  });

  it("prices each line refused more at its own price, beside a refusal both cards make", async () => {
    // Base 150: 50 lite (50), 20 max (80), 20 lite (20) = 150; then 30 max (120) refused. New 120: 50 lite; 20 max
    // would make 130: refused; 20 lite = 70; 30 max refused. Both refuse the 30 max, which no line shows: the meter's
    // average prices it, 150 / 90 a unit: 50. The new card refuses 20 max more, 80 at the base card's 4: 50 + 80.
    const both = "timestamp,meter,quantity,project,tier\n2026-11-03T10:00:00Z,summary,50,alpha,lite\n2026-11-05T10:00:00Z,summary,20,alpha,max\n2026-11-07T10:00:00Z,summary,20,alpha,lite\n2026-11-22T10:00:00Z,summary,30,beta,max\n";
    const r = await diff([{ included: 150, tiers }], [{ included: 120, tiers }], both);
    expect([r.json.base_total, r.json.card_total]).toEqual(["150", "70"]);
    expect(r.json.refused).toHaveLength(1);
    expect(r.json.refused[0]).toMatchObject({ meter: "summary", old_quantity: "30", new_quantity: "50", worth: { old: "50", new: "130", delta: "80" } });
  });
});

describe("refused usage is worth what the base card charged its rows (red59)", () => {
  it("F1: a surcharge on a column the line does not show: 30 high-priority rows at 1 + 3, not the line's blend of 1.9", async () => {
    // Base (200): 70 low x 1 = 70, 30 high x 4 = 120: 190. New (100): the 30 high would make 190 > 100: refused.
    const rows = "timestamp,meter,quantity,project,priority\n2026-11-03T10:00:00Z,summary,70,alpha,low\n2026-11-22T10:00:00Z,summary,30,alpha,high\n";
    const r = await diff([{ included: 200, surcharge: "3" }], [{ included: 100, surcharge: "3" }], rows, "--fail-over", "50");
    expect(r.json.refused[0].worth).toMatchObject({ old: "0", new: "120", percent_of_base_credits: "63.16" });
    // No price changed: the usage both cards serve (the 70 low) costs alike.
    expect(r.json.served).toMatchObject({ old: "70", new: "70", delta: "0" });
    expect(r.code).toBe(1);
  });

  it("F1: an exemption on such a column: the 30 paid rows refused are worth 4 each, the 70 brought with a key nothing", async () => {
    // Base (200): 70 byok at 0, 20 at 4 = 80, 30 at 4 = 120: 200. New (100): the 30 would make 200 > 100: refused.
    const rows = "timestamp,meter,quantity,project,byok\n2026-11-02T10:00:00Z,summary,70,alpha,true\n2026-11-03T10:00:00Z,summary,20,alpha,false\n2026-11-22T10:00:00Z,summary,30,alpha,false\n";
    const r = await diff([{ included: 200, price: "4", exempt: true }], [{ included: 100, price: "4", exempt: true }], rows, "--fail-over", "50");
    expect(r.json.refused[0].worth).toMatchObject({ old: "0", new: "120", percent_of_base_credits: "60" });
    expect(r.code).toBe(1);
  });

  it("F1: a price rise on the rows both cards serve reads as the rise it is, beside the rows it refuses", async () => {
    // Base (110): 70 low x 1 = 70, 10 high x 4 = 40. New (110, low 1.3, high 4.3): 70 low = 91; 10 high (43) would make 134: refused.
    const rows = "timestamp,meter,quantity,project,priority\n2026-11-03T10:00:00Z,summary,70,alpha,low\n2026-11-22T10:00:00Z,summary,10,alpha,high\n";
    const r = await diff([{ included: 110, surcharge: "3" }], [{ included: 110, price: "1.3", surcharge: "3" }], rows);
    expect(r.json.served).toMatchObject({ old: "70", new: "91", delta_percent: "30" });
    expect(r.json.refused[0].worth).toMatchObject({ old: "0", new: "40", percent_of_base_credits: "36.36" });
  });

  it("F2: two versions of the card on each side: rows refused after the price rise are worth the later version's 4", async () => {
    // Base: price 1 from Nov 1, 4 from Nov 16 (300). 70 on Nov 3 = 70; 30 on Nov 22 = 120: 190. New (150): the 30 make 190 > 150: refused.
    const rows = "timestamp,meter,quantity,project\n2026-11-03T10:00:00Z,summary,70,alpha\n2026-11-22T10:00:00Z,summary,30,alpha\n";
    const later = { version: "2026-11b", effective: "2026-11-16", price: "4" };
    const r = await diff([{ included: 300 }, { included: 300, ...later }], [{ included: 150 }, { included: 150, ...later }], rows, "--fail-over", "50");
    expect(r.json.refused[0].worth).toMatchObject({ old: "0", new: "120", percent_of_base_credits: "63.16" });
    expect(r.code).toBe(1);
    // F5: the cut in the first version is what refuses the rows, on the plan the cycle is on from its start: measured.
    expect(r.stderr).not.toContain("which no cycle of the usage is on");
    expect(r.json.unmeasured_rises.map((c: { path: string }) => c.path)).not.toContain("plans.starter.included");
  });

  it("F3: refusals moved from one line to another, each at its own price", async () => {
    // Base (120, lite 1, max 4): 30 max = 120; 50 lite refused (worth 50 x 1). New (120, max 5): 30 max (150) refused
    // (worth 30 x 4 = 120 at the base card's price); 50 lite served at 1. Refused worth 50 -> 120: +70, 58.33% of 120.
    const rows = "timestamp,meter,quantity,project,tier\n2026-11-03T10:00:00Z,summary,30,alpha,max\n2026-11-22T10:00:00Z,summary,50,alpha,lite\n";
    const r = await diff([{ included: 120, tiers: { lite: "1", max: "4" } }], [{ included: 120, tiers: { lite: "1", max: "5" } }], rows, "--fail-over", "10");
    expect(r.json.refused[0]).toMatchObject({ old_quantity: "50", new_quantity: "30", worth: { old: "50", new: "120", delta: "70", percent_of_base_credits: "58.33" } });
    expect(r.code).toBe(1);
  });

  it("F4: the shipped Flowly card, its allowance cut to 800: the Sonnet row it now refuses is worth the 180 it was charged", async () => {
    // m-08 (srv-support, claude-sonnet-4.5, 30,000 input tokens at 0.003 and 6,000 output at 0.015) = 90 + 90 = 180,
    // 12.73% of the 1,414 the base card charged the meter that cycle. The meter's average over messages (1,414 / 350, 200 of them brought with their
    // own key at 0) read 60.6, and --fail-over 10 passed.
    const dir = mkdtempSync(join(tmpdir(), "red59-flowly-"));
    const text = readFileSync(join(ROOT, "ratecards/flowly.yaml"), "utf8");
    const cut = text.replace("included: 1000 ", "included: 800 ");
    expect(cut).not.toBe(text);
    writeFileSync(join(dir, "cut.yaml"), cut);
    const r = await burnrate(["diff", "--base", join(ROOT, "ratecards/flowly.yaml"), "--card", join(dir, "cut.yaml"), "--usage", join(ROOT, "fixtures/flowly/usage.csv"), "--account", join(ROOT, "fixtures/flowly/account.yaml"), "--fail-over", "10", "--format", "json"]);
    const j = JSON.parse(r.stdout);
    expect(j.refused).toHaveLength(1);
    expect(j.refused[0]).toMatchObject({ meter: "message", cycle: "2026-11-01T00:00:00Z", base_credits: "1414", worth: { delta: "180", percent_of_base_credits: "12.73" } });
    expect(r.code).toBe(1);
  });
});
