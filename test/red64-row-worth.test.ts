import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { freeCard } from "./helpers/cards.js";

/**
 * diff weighs what each card refuses at the base card's prices row by row, where the base card is a set of versions
 * (red63b H1). Floopy Free, 1,000 cents bought; gpt-4o-mini at 0.000015 a token in and 0.00006 out, doubled by a
 * version from 2026-11-16; the new card cuts Free's quota of 1,000 requests to 500.
 */
const floopy = readFileSync(`${ROOT}/ratecards/floopy.yaml`, "utf8");
const doubled = (effective: string, applies: string) =>
  floopy
    .replace('version: "2026-11"\neffective: "2026-11-01"', `version: "2026-11b"\neffective: "${effective}"\napplies: ${applies}`)
    .replaceAll('gpt-4o-mini: { openai: "0.000015", azure: "0.0000165" }', 'gpt-4o-mini: { openai: "0.00003", azure: "0.0000165" }')
    .replaceAll('gpt-4o-mini: { openai: "0.00006", azure: "0.000066" }', 'gpt-4o-mini: { openai: "0.00012", azure: "0.000066" }');
const quotaCut = floopy.replace('version: "2026-11"', 'version: "2026-12"').replace("requests: 1000, overage_price", "requests: 500, overage_price");
// The new card also prices gpt-4o-mini's input at 0.00002: what it refuses is still worth the base card's prices.
const repriced = quotaCut.replaceAll('gpt-4o-mini: { openai: "0.000015", azure: "0.0000165" }', 'gpt-4o-mini: { openai: "0.00002", azure: "0.0000165" }');

const usage = [
  "timestamp,meter,model,provider,input_tokens,output_tokens,quantity",
  "2026-11-02T12:00:00Z,request,gpt-4o-mini,openai,1000000,100000,900",
  "2026-11-16T12:00:00Z,request,gpt-4o-mini,openai,1000,0,200",
  "2026-11-17T12:00:00Z,request,gpt-4o-mini,openai,10000000,0,50",
  "2026-11-18T12:00:00Z,request,gpt-4o-mini,openai,2000,1000,100",
].join("\n");

async function diffOf(base2: string, failOver: string, next = repriced) {
  const dir = mkdtempSync(join(tmpdir(), "red64-"));
  const files = { "v1.yaml": floopy, "v2.yaml": base2, "new.yaml": next, "acct.yaml": 'plan: free\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01" }\n', "u.csv": `${usage}\n` };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const at = (name: string) => join(dir, name);
  return burnrate(["diff", "--base", at("v1.yaml"), "--base", at("v2.yaml"), "--card", at("new.yaml"), "--account", at("acct.yaml"), "--usage", at("u.csv"), "--fail-over", failOver, "--format", "json"]);
}

describe("diff's worth of refusals where the base card is a set of versions (red63b H1)", () => {
  it("prices each row the new card refuses at the base version in force at it, not at a blend of the versions' lines", async () => {
    // Base quota 1,000 requests: the 900 are served at the first version (1,000,000 x 0.000015 + 100,000 x 0.00006 =
    // 21), the 200 refused (1,000 x 0.00003 = 0.03, the second version's), the 50 served (10,000,000 x 0.00003 = 300),
    // the 100 refused (2,000 x 0.00003 + 1,000 x 0.00012 = 0.18). It refuses 0.21 and charges 321. The new card's 500
    // refuses the 900 alone: worth 21 at the base card's prices (26 at its own). 20.79 of 321 is 6.4766%.
    const out = await diffOf(doubled("2026-11-16", "at_once"), "7");
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json.refused).toHaveLength(1);
    expect(json.refused[0]).toMatchObject({ meter: "request", old_quantity: "300", new_quantity: "900", worth: { old: "0.21", new: "21", delta: "20.79", percent_of_base_credits: "6.48", priced_by: "base" }, base_credits: "321" });
    expect(json.refused_more_worth).toMatchObject({ old: "0.21", new: "21", delta: "20.79", percent_of_base_credits: "6.48" });
    // Before, the 900's tokens read at the versions' blend (315 credits over 11,000,000 tokens in): 34.700455, 10.74%.
    const failing = await diffOf(doubled("2026-11-16", "at_once"), "6.47");
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout).fail_over.refused_exceeded).toBe(true);
  });

  it("prices a row before a grandfathered version's cycle at the version in force then", async () => {
    // The second version waits for December (applies: next_cycle): every November row is at the first version's prices.
    // Base refuses the 200 (1,000 x 0.000015 = 0.015) and the 100 (2,000 x 0.000015 + 1,000 x 0.00006 = 0.09): 0.105;
    // it charges 21 + 10,000,000 x 0.000015 = 171. The new card refuses the 900: 21. 20.895 of 171 is 12.2193%.
    // The new card's prices are the first version's: its credits fall, so that --fail-over judges the refusals alone.
    const out = await diffOf(doubled("2026-11-16", "next_cycle"), "12.22", quotaCut);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).refused[0]).toMatchObject({ worth: { old: "0.105", new: "21", delta: "20.895", percent_of_base_credits: "12.22" }, base_credits: "171" });
    expect((await diffOf(doubled("2026-11-16", "next_cycle"), "12.21", quotaCut)).code).toBe(1);
  });
});

const toyCard = (version: string, free: string, meters: string) => freeCard({ version, free, meters });

async function toyDiff(base: string, next: string, usage: string) {
  const dir = mkdtempSync(join(tmpdir(), "red64-"));
  const files = { "base.yaml": base, "new.yaml": next, "acct.yaml": "plan: free\nanchor: 2026-11-01\ntimezone: UTC\n", "u.csv": usage };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const out = await burnrate(["diff", "--base", join(dir, "base.yaml"), "--card", join(dir, "new.yaml"), "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv"), "--format", "json"]);
  return JSON.parse(out.stdout);
}

describe("diff's worth of refusals the rows' own prices cannot tell (red64 L1, L3)", () => {
  it("keeps the base card's own charge of a unique item it refuses", async () => {
    // Seats unique by user, 1 credit `lo` and 10 `hi`; allowance 30 → 20. The base card charges u1 hi, u4, u5, u6 lo and
    // u2 hi (23) and refuses u3 hi (10); the new card charges 13 and refuses u2 and u3 (20). Worth 10 → 20, not the
    // meter's average per seat (23 / 5 = 4.6 → 14.6).
    const seat = "  seat: { aggregation: unique, key: [user], dimensions: [tier], category: main, pool: main, price: { by: [tier], table: { lo: \"1\", hi: \"10\" } } }\n";
    const rows = ["u1,hi", "u4,lo", "u5,lo", "u6,lo", "u2,hi", "u3,hi"].map((r, i) => `2026-11-0${i + 2}T00:00:00Z,seat,${r},1`);
    const json = await toyDiff(toyCard("b", "included: 30", seat), toyCard("n", "included: 20", seat), `timestamp,meter,user,tier,quantity\n${rows.join("\n")}\n`);
    expect(json.refused[0]).toMatchObject({ meter: "seat", worth: { old: "10", new: "20", delta: "10", delta_percent: "100", priced_by: "base" } });
  });

  it("prices images the base card served free and the new card refuses whole at the new card's price, not as unknown", async () => {
    // img 0 → 5 credits with a quota of 0 images on the new card: 2 + 3 images refused, worth 25 at the new card's price;
    // the base card charged the 10 calls alone, so 25 is 250% of its credits.
    const meters = (img: string) => `  call: { aggregation: flow, dimensions: [], category: main, pool: main, price: "1" }\n  img: { aggregation: flow, dimensions: [], category: main, pool: main, price: "${img}" }\n`;
    const base = toyCard("b", "included: 100", meters("0"));
    const next = toyCard("n", 'included: 100, quota: { meters: [img], requests: 0, overage_price: "0.01" }', meters("5"));
    const json = await toyDiff(base, next, "timestamp,meter,quantity\n2026-11-02T00:00:00Z,call,10\n2026-11-03T00:00:00Z,img,2\n2026-11-04T00:00:00Z,img,3\n");
    expect(json.refused[0]).toMatchObject({ meter: "img", worth: { old: "0", new: "25", delta: "25", priced_by: "new" } });
    expect(json.refused_more_worth).toMatchObject({ old: "0", new: "25", percent_of_base_credits: "250" });
  });
});
