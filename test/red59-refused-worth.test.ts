import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { quillCard as card, type QuillCard as Card } from "./helpers/quill-card.js";

// red59: the worth of usage one card refuses and the other serves was read on a blend of the base card's prices, where
// the lines of one set of dimension values have several: a surcharge or an exemption on a column the line does not
// show (F1), two versions of the card (F2), lines the refusals moved between (F3), a token-priced meter (F4). Each
// let --fail-over pass a loss the base card had charged in full.
async function diff(base: Card[], next: Card[], rows: string, ...more: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "red59-worth-"));
  const files = (cards: Card[], side: string) =>
    cards.flatMap((c, i) => {
      const file = join(dir, `${side}${i}.yaml`);
      writeFileSync(file, card(c));
      return [side === "b" ? "--base" : "--card", file];
    });
  writeFileSync(join(dir, "u.csv"), rows);
  const args = ["diff", ...files(base, "b"), ...files(next, "c"), "--usage", join(dir, "u.csv"), "--plan", "starter", "--anchor", "2026-11-01", ...more, "--format", "json"];
  const r = await burnrate(args);
  return { ...r, args, json: r.stdout === "" ? undefined : JSON.parse(r.stdout) };
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
    // would make 130: refused; 20 lite = 70; 30 max refused. Both refuse the 30 max, which no line shows: what the base
    // card would have charged them when it refused them, 30 x 4 = 120 (red62 F6; the meter's average, 150 / 90 a unit,
    // read 50 until stop 63). The new card refuses 20 max more, 80 at the base card's 4: 120 + 80.
    const both = "timestamp,meter,quantity,project,tier\n2026-11-03T10:00:00Z,summary,50,alpha,lite\n2026-11-05T10:00:00Z,summary,20,alpha,max\n2026-11-07T10:00:00Z,summary,20,alpha,lite\n2026-11-22T10:00:00Z,summary,30,beta,max\n";
    const r = await diff([{ included: 150, tiers }], [{ included: 120, tiers }], both);
    expect([r.json.base_total, r.json.card_total]).toEqual(["150", "70"]);
    expect(r.json.refused).toHaveLength(1);
    expect(r.json.refused[0]).toMatchObject({ meter: "summary", old_quantity: "30", new_quantity: "50", worth: { old: "120", new: "200", delta: "80" } });
  });

  it("tells a worth on standard error to the card's display places, not six (red59b F10)", async () => {
    // As above at max 4.333 a unit, with 31 max refused by both: base 160 serves 50 + 86.66 + 20 = 156.66, the new 120
    // refuses the 20 max (86.66) too. Worth 31 x 4.333 = 134.323, then + 86.66 = 220.983: shown to 2 places.
    const both = "timestamp,meter,quantity,project,tier\n2026-11-03T10:00:00Z,summary,50,alpha,lite\n2026-11-05T10:00:00Z,summary,20,alpha,max\n2026-11-07T10:00:00Z,summary,20,alpha,lite\n2026-11-22T10:00:00Z,summary,31,beta,max\n";
    const odd = { lite: "1", max: "4.333" };
    const r = await diff([{ included: 160, tiers: odd }], [{ included: 120, tiers: odd }], both);
    expect(r.json.refused[0].worth).toMatchObject({ old: "134.323", new: "220.983" });
    expect(r.stderr).toContain("worth 134.32 → 220.98 credits at the base card's prices");
    expect(r.stderr).not.toMatch(/\d\.\d{3}/);
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
    // red59b F10: the cards serve none of the same rows, which is no sign the prices did not move (max 4 -> 5).
    const table = await burnrate([...r.args.slice(0, -2), "--format", "table"]);
    expect(table.stdout).toContain("The cards serve none of the same usage: what one serves, the other refuses. All of the -70.00 is the events one card serves and the other refuses");
    expect(table.stdout).not.toContain("the prices move nothing");
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

// red59b: the line-by-line worth as first written left out what no usage line of the meter's own shows, and paired
// lines by unit price where a price had moved; each read a refused loss as nothing, or as less than nothing.
describe("refused usage is worth what the base card charged its rows, whatever line charged them (red59b)", () => {
  const tiers = { lite: "1", max: "4" };

  it("F1: as much refused under each card, other rows: 30 max for 30 lite is a loss of 90, said and gated", async () => {
    // Base (120): 30 max = 120; the 30 lite refused (30 x 1). New (max 5): 30 max (150) refused (30 x 4 = 120); 30 lite served.
    const rows = "timestamp,meter,quantity,project,tier\n2026-11-03T10:00:00Z,summary,30,alpha,max\n2026-11-22T10:00:00Z,summary,30,alpha,lite\n";
    const r = await diff([{ included: 120, tiers }], [{ included: 120, tiers: { lite: "1", max: "5" } }], rows, "--fail-over", "10");
    expect(r.json.refused[0]).toMatchObject({ old_quantity: "30", new_quantity: "30", worth: { old: "30", new: "120", delta: "90", percent_of_base_credits: "75" } });
    expect(r.code).toBe(1);
  });

  it("F2: a gauge's level charged at a cycle's start, refused: worth the 30 GB x 4 the base card charged", async () => {
    const meters = "  storage_added:\n    aggregation: gauge\n    decreased_by: storage_deleted\n    key: [project]\n    dimensions: [project]\n    category: ai\n    pool: process\n    price: \"4\"\n";
    // Nov: 35 GB added, nothing charged. Dec 1: base (200) charges 30 x 4 + 5 x 4 = 140; new (100) refuses alpha's 120.
    const rows = "timestamp,meter,quantity,project\n2026-11-05T10:00:00Z,storage_added,30,alpha\n2026-11-05T10:00:00Z,storage_added,5,beta\n";
    const r = await diff([{ included: 200, meters }], [{ included: 100, meters }], rows, "--through", "2026-12-15", "--fail-over", "20");
    expect(r.json.refused[0]).toMatchObject({ meter: "storage_added", old_quantity: "0", new_quantity: "30", worth: { old: "0", new: "120" } });
    expect(r.code).toBe(1);
  });

  it("F4: a per-event surcharge beside the meter's own price: the own price of the rows refused counts", async () => {
    const meters = `  summary:\n    aggregation: flow\n    dimensions: [project]\n    category: ai\n    pool: process\n    price: "4"\n    surcharges:\n      - { name: rush, when: { priority: "high" }, per_event: "1" }\n`;
    // Base (300): 1 high (4 + 1), 30 low (120), 30 low (120) = 245. New (150): the second 30 low would make 245: refused, 30 x 4.
    const rows = "timestamp,meter,quantity,project,priority\n2026-11-02T10:00:00Z,summary,1,alpha,high\n2026-11-03T10:00:00Z,summary,30,alpha,low\n2026-11-22T10:00:00Z,summary,30,alpha,low\n";
    const r = await diff([{ included: 300, meters }], [{ included: 150, meters }], rows, "--fail-over", "30");
    expect(r.json.refused[0]).toMatchObject({ worth: { old: "0", new: "120", percent_of_base_credits: "48.98" } });
    expect(r.code).toBe(1);
  });

  it("F5: a price moved onto another line's old price: the rows are paired by what they are, not by the price", async () => {
    // Base (300): 70 low x 1 = 70, 30 high x (1 + 3) = 120: 190. New (price 4): 70 low = 280; 30 high (210) refused, worth 120.
    const rows = "timestamp,meter,quantity,project,priority\n2026-11-03T10:00:00Z,summary,70,alpha,low\n2026-11-22T10:00:00Z,summary,30,alpha,high\n";
    const r = await diff([{ included: 300, surcharge: "3" }], [{ included: 300, price: "4", surcharge: "3" }], rows, "--fail-over", "50");
    expect(r.json.refused[0].worth).toMatchObject({ old: "0", new: "120", percent_of_base_credits: "63.16" });
    // The usage both cards serve is the 70 low rows: 70 -> 280, +300%.
    expect(r.json.served).toMatchObject({ old: "70", new: "280", delta_percent: "300" });
    expect(r.code).toBe(1);
  });

  it("F6: a token-priced meter rounded per event: the rounding on its own line counts", async () => {
    const meters = `  chat:\n    aggregation: flow\n    dimensions: [project]\n    category: ai\n    pool: process\n    price: "0"\n    components:\n      input_tokens: "0.6"\n`;
    const precision = `{ display: 2, rounding: half-up, round_at: event, step: "1" }`;
    // Each event: 0.6 rounded to 1. Base (100) serves all 80; new (50) serves 50 and refuses 30, worth 30.
    const rows = `timestamp,meter,project,input_tokens\n${Array.from({ length: 80 }, (_, i) => `2026-11-02T${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}:00Z,chat,alpha,1`).join("\n")}\n`;
    const r = await diff([{ included: 100, meters, precision }], [{ included: 50, meters, precision }], rows, "--fail-over", "20");
    expect([r.json.base_total, r.json.card_total]).toEqual(["80", "50"]);
    expect(r.json.refused[0].worth).toMatchObject({ old: "0", new: "30", percent_of_base_credits: "37.5" });
    expect(r.code).toBe(1);
  });
});

describe("refused usage on the shipped app builder card (red59b F3)", () => {
  it("an advanced video refused is worth its own price and its tokens: 5 s x 99 + 1,000 x 0.005 = 500", async () => {
    const dir = mkdtempSync(join(tmpdir(), "red59b-appbuilder-"));
    const text = readFileSync(join(ROOT, "ratecards/appbuilder.yaml"), "utf8");
    const cut = text.replace(/(standard:[^\n]*\n(?:\s+[a-z_]+:.*\n)*?\s+included: )2000/, "$1950");
    expect(cut).not.toBe(text);
    writeFileSync(join(dir, "cut.yaml"), cut);
    const usage = readFileSync(join(ROOT, "fixtures/appbuilder/usage.csv"), "utf8").split("\n");
    writeFileSync(join(dir, "bob.csv"), [usage[0], ...usage.slice(1).filter((l) => l.includes(",bob,"))].join("\n") + "\n");
    const r = await burnrate(["diff", "--base", join(ROOT, "ratecards/appbuilder.yaml"), "--card", join(dir, "cut.yaml"), "--usage", join(dir, "bob.csv"), "--plan", "standard", "--anchor", "2026-11-01", "--fail-over", "20", "--format", "json"]);
    const video = JSON.parse(r.stdout).refused.find((x: { meter: string }) => x.meter === "video");
    expect(video.worth).toMatchObject({ old: "0", new: "500" });
    expect(r.code).toBe(1);
  });
});
