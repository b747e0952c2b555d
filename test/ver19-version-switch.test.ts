import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Card versions, re-stated plans, purchases and expiries at a cycle boundary (red team, stop 37: #1, #2, #3, #6, #11).
// Fliplet (ratecards/fliplet.yaml): Pro 1,000 credits for 9 USD, a 10% grace buffer on the run pool, a read 0.01
// credits, storage 4 credits a GB a cycle, credits bought at 0.01 USD. Flikly (ratecards/flikly.yaml): Creator 30
// credits, Pro 100, a pika 720p second 0.2 credits, add-ons that expire 12 months after purchase.
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const FLIKLY = readFileSync(join(ROOT, "ratecards/flikly.yaml"), "utf8");

/** A Fliplet version named 2026-11b from `effective`, its text changed by `edit`. */
const fliplet = (effective: string, edit: (card: string) => string) =>
  edit(FLIPLET.replace('version: "2026-11"', 'version: "2026-11b"').replace('effective: "2026-11-01"', `effective: "${effective}"`));
const proIncluded = (n: number) => (card: string) => card.replace(/^(\s+included: )1000(\s)/m, `$1${n}$2`);
const proPrice = (n: number) => (card: string) => card.replace(/^(\s+price: )9(\s)/m, `$1${n}$2`);
const creatorIncluded = (n: number) => (card: string) => card.replace(/^(\s+included: )30(\s)/m, `$1${n}$2`);

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "burnrate-ver19-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

async function cycles(args: string[]): Promise<any[]> {
  const r = await burnrate(["statement", ...args, "--format", "json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).accounts[0].cycles;
}

const grant = (c: any, kind: string) => c.grants.find((g: any) => g.kind === kind);
const READS = (rows: [string, number][]) => "timestamp,meter,project,quantity\n" + rows.map(([at, n]) => `${at},data_read,alpha,${n}\n`).join("");
const PRO = "account: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n";

describe("a card version that changes a plan's allowance mid-cycle (red team, stop 37, #1)", () => {
  const flipletWith = (v2: string, usage: string, account = PRO) => {
    const d = dir({ "v2.yaml": v2, "usage.csv": usage, "account.yaml": account });
    return cycles(["--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(d, "v2.yaml"), "--account", join(d, "account.yaml"), "--usage", join(d, "usage.csv")]);
  };

  it("grants the larger allowance's difference at the switch: the cycle billed 12 USD holds 1,500 credits", async () => {
    // 90,000 reads on Nov 2 = 900 credits (100 left); on Nov 15 Pro becomes 1,500 for 12 USD: 1,500 - 1,000 = 500
    // granted, 600 left, so 24,000 reads (240 credits) on Nov 16 are served: 1,140 consumed, 360 closing.
    const [nov] = await flipletWith(fliplet("2026-11-15", (c) => proPrice(12)(proIncluded(1500)(c))), READS([["2026-11-02T00:00:00Z", 90000], ["2026-11-16T00:00:00Z", 24000]]));
    expect(nov.allowance).toBe("1500");
    expect(nov.rejected).toEqual([]);
    expect(grant(nov, "included")).toEqual({ kind: "included", opening: "1000", granted: "500", consumed: "1140", expired: "0", closing: "360" });
    expect(nov.timeline).toEqual([{ at: "2026-11-15T00:00:00Z", change: "allowance", from: "1000", to: "1500", granted: "500", removed: "0", applies_at: null }]);
    expect(nov.money.plan).toBe("12");
  });

  it("measures the grace buffer by the version's grace share from the switch", async () => {
    // 110,000 reads on Nov 2 = 1,100 credits: 1,000 included + 100 of the 10% buffer (100). From Nov 15 the share is
    // 20%: 0.20 x 1,000 = 200, 100 of it left, so 5,000 reads (50 credits) on Nov 16 are served: 1,150 charged, 150 uncovered.
    const grace = (c: string) => c.replace('grace: { run: "0.10" }', 'grace: { run: "0.20" }');
    const [nov] = await flipletWith(fliplet("2026-11-15", grace), READS([["2026-11-02T00:00:00Z", 110000], ["2026-11-16T00:00:00Z", 5000]]));
    expect(nov.rejected).toEqual([]);
    expect(nov.total).toBe("1150");
    expect(nov.uncovered).toBe("150");
  });

  it("a grandfathered version (applies: next_cycle) leaves November at 1,000 credits and 9 USD, December at 1,500 and 12", async () => {
    const v2 = fliplet("2026-11-15", (c) => proPrice(12)(proIncluded(1500)(c))) + "\napplies: next_cycle\n";
    const [nov, dec] = await flipletWith(v2, READS([["2026-11-02T00:00:00Z", 90000], ["2026-12-02T00:00:00Z", 90000]]));
    expect([nov.allowance, nov.money.plan, nov.timeline]).toEqual(["1000", "9", undefined]);
    expect([dec.allowance, dec.money.plan, grant(dec, "included").opening]).toEqual(["1500", "12", "1500"]);
  });

  const flikly = async (v1: string, v2: string) => {
    const d = dir({
      "v1.yaml": v1,
      "v2.yaml": v2,
      "account.yaml": "account: studio\nplan: creator\nanchor: 2026-06-01\ntimezone: UTC\nchanges:\n  - { at: 2026-06-20T00:00:00Z, plan: pro }\n",
      // 500 s of pika 720p = 100 credits.
      "usage.csv": "timestamp,meter,workflow,model,resolution,quantity\n2026-06-25T00:00:00Z,generate,text_to_video,pika,720p,500\n",
    });
    return (await cycles(["--card", join(d, "v1.yaml"), "--card", join(d, "v2.yaml"), "--account", join(d, "account.yaml"), "--usage", join(d, "usage.csv")]))[0];
  };
  const version = (card: string, name: string, effective: string) => card.replace('version: "2026-05"', `version: "${name}"`).replace(/^effective: .*$/m, `effective: "${effective}"`);

  it("an upgrade after a version raised the allowance is measured from the allowance the version gave", async () => {
    // Creator 30 from June 1, 60 from June 10 (30 granted), Pro 100 on June 20 (100 - 60 = 40 granted): 100 credits,
    // which serve the 100-credit generation on June 25.
    const june = await flikly(version(FLIKLY, "2026-05", "2026-05-01"), version(creatorIncluded(60)(FLIKLY), "2026-06", "2026-06-10"));
    expect(june.rejected).toEqual([]);
    expect(grant(june, "included")).toEqual({ kind: "included", opening: "30", granted: "70", consumed: "100", expired: "0", closing: "0" });
    expect(june.timeline.map((t: any) => [t.change, t.from, t.to, t.granted, t.removed])).toEqual([["allowance", "30", "60", "30", "0"], ["plan", "creator", "pro", "40", "0"]]);
  });

  it("a version that lowers the allowance removes the credits above it at once: the later upgrade gives Pro's 100, not 130", async () => {
    // Creator 60 from June 1, 30 from June 10 (60 - 30 = 30 removed), Pro on June 20 (100 - 30 = 70): 30 + 70 = 100.
    const june = await flikly(version(creatorIncluded(60)(FLIKLY), "2026-05", "2026-05-01"), version(FLIKLY, "2026-06", "2026-06-10"));
    expect(grant(june, "included")).toEqual({ kind: "included", opening: "60", granted: "70", consumed: "100", expired: "30", closing: "0" });
    expect(june.allowance).toBe("100");
  });

  it("simulate grants the version's allowance too: 1,100 credits a cycle are 73.33% of 1,500, no top-ups, 12 USD a cycle", async () => {
    const d = dir({
      "v2.yaml": fliplet("2026-11-15", (c) => proPrice(12)(proIncluded(1500)(c))),
      "scenario.yaml": "plan: pro\nstart: 2026-11-01\ncycles: 2\ntimezone: UTC\npopulations:\n  - { name: reader, users: 1, dimensions: { project: alpha }, per_user: [{ meter: data_read, quantity: 110000 }] }\n",
    });
    const r = await burnrate(["simulate", join(d, "scenario.yaml"), "--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(d, "v2.yaml"), "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const own = JSON.parse(r.stdout).plans[0];
    // 110,000 reads x 0.01 = 1,100 credits a cycle; 1,000 + 500 at the switch cover them; 12 + 12 = 24 USD.
    expect(own.cycles.map((c: any) => [c.allowance, c.money])).toEqual([["1500", "12"], ["1500", "12"]]);
    expect(own.money).toBe("24");
  });
});

describe("a plan change to the plan in force (red team, stop 37, #2)", () => {
  it("keeps the negotiated allowance: December still has 400 credits", async () => {
    const d = dir({
      "account.yaml": `card: ${join(ROOT, "ratecards/flikly.yaml")}\naccount: agency\nplan: custom\nallowance: 400\nanchor: 2026-11-01\ntimezone: UTC\nchanges:\n  - { at: 2026-11-10T00:00:00Z, plan: custom }\n`,
      // 100 s of pika 720p = 20 credits, on Nov 2 and Dec 2.
      "usage.csv": "timestamp,meter,workflow,model,resolution,quantity\n2026-11-02T00:00:00Z,generate,text_to_video,pika,720p,100\n2026-12-02T00:00:00Z,generate,text_to_video,pika,720p,100\n",
    });
    const [nov, dec] = await cycles(["--account", join(d, "account.yaml"), "--usage", join(d, "usage.csv")]);
    expect(nov.timeline).toEqual([{ at: "2026-11-10T00:00:00Z", change: "plan", from: "custom", to: "custom", granted: "0", removed: "0", applies_at: null }]);
    expect(grant(nov, "included").closing).toBe("380");
    expect(dec.allowance).toBe("400");
    expect(dec.rejected).toEqual([]);
    expect(grant(dec, "included")).toEqual({ kind: "included", opening: "400", granted: "0", consumed: "20", expired: "0", closing: "380" });
  });

  it("simulate keeps a scenario's negotiated 1,500 through a re-stated plan: 1,200 credits are 80%, 9 USD a cycle", async () => {
    const d = dir({ "scenario.yaml": `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nallowance: 1500\nstart: 2026-11-01\ncycles: 3\ntimezone: UTC\npopulations:\n  - { name: reader, users: 1, dimensions: { project: alpha }, per_user: [{ meter: data_read, quantity: 120000 }] }\nchanges:\n  - { cycle: 2, plan: pro }\n` });
    const r = await burnrate(["simulate", join(d, "scenario.yaml"), "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const own = JSON.parse(r.stdout).plans[0];
    // 120,000 reads x 0.01 = 1,200 credits a cycle, within 1,500: nothing to buy, 3 x 9 = 27 USD.
    expect(own.cycles.map((c: any) => [c.allowance, c.money])).toEqual([["1500", "9"], ["1500", "9"], ["1500", "9"]]);
    expect(own.money).toBe("27");
  });
});

describe("credits bought are billed at the credit price of the version in force when bought (red team, stop 37, #3)", () => {
  it("100 credits on Nov 5 at 0.01 and 50 on Nov 20 at a Nov 15 version's 0.02: 1 + 1 = 2 USD, not 3", async () => {
    const d = dir({
      "v2.yaml": fliplet("2026-11-15", (c) => c.replace('credit_price: "0.01"', 'credit_price: "0.02"')),
      "account.yaml": PRO + 'grants:\n  - { kind: topup, amount: 100, at: "2026-11-05T00:00:00Z" }\n  - { kind: topup, amount: 50, at: "2026-11-20T00:00:00Z" }\n',
      "usage.csv": READS([["2026-11-02T00:00:00Z", 100]]),
    });
    const [nov] = await cycles(["--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(d, "v2.yaml"), "--account", join(d, "account.yaml"), "--usage", join(d, "usage.csv")]);
    // 100 x 0.01 + 50 x 0.02 = 2; with the plan's 9: 11.
    expect(nov.money).toEqual({ currency: "USD", plan: "9", credits_bought: "150", bought: "2", overage: "0", total: "11" });
  });
});

describe("credits that expire exactly at a cycle boundary are expired in the cycle that ends there (red team, stop 37, #6)", () => {
  it("an add-on bought at a renewal expires 12 months on, in the cycle that ends then", async () => {
    const d = dir({
      "account.yaml": `card: ${join(ROOT, "ratecards/flikly.yaml")}\naccount: studio\nplan: pro\nanchor: 2026-05-17\ntimezone: America/New_York\ngrants:\n  - { kind: addon, amount: 50, at: 2026-06-17 }\nthrough: 2027-07-01\n`,
      // 600 s of pika 720p = 120 credits: Pro's 100, then 20 of the add-on's 50.
      "usage.csv": "timestamp,meter,workflow,model,resolution,quantity\n2026-06-20T10:00:00-04:00,generate,text_to_video,pika,720p,600\n",
    });
    const all = await cycles(["--account", join(d, "account.yaml"), "--usage", join(d, "usage.csv")]);
    const may = all.find((c) => c.start === "2027-05-17T04:00:00Z");
    const june = all.find((c) => c.start === "2027-06-17T04:00:00Z");
    expect(grant(may, "addon")).toEqual({ kind: "addon", opening: "30", granted: "0", consumed: "0", expired: "30", closing: "0" });
    expect(grant(june, "addon")).toBeUndefined();
    // What a cycle closes with of the add-on is what the next opens with (the allowance lapses and is granted anew).
    for (let i = 1; i < all.length; i++) expect(grant(all[i], "addon")?.opening ?? "0").toBe(grant(all[i - 1], "addon")?.closing ?? "0");
  });

  it("included credits that roll over for two months expire in the cycle that ends at their expiry", async () => {
    const d = dir({
      "flikly.yaml": FLIKLY.replace("included: { priority: 1, expires: cycle_end }", "included: { priority: 1, expires: { after_months: 2 } }"),
      "account.yaml": "card: flikly.yaml\naccount: studio\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\nthrough: 2027-02-15\n",
      // 100 s, 200 s and 800 s of pika 720p: 20, 40 and 160 credits.
      "usage.csv": "timestamp,meter,workflow,model,resolution,quantity\n2026-11-05T00:00:00Z,generate,text_to_video,pika,720p,100\n2026-12-05T00:00:00Z,generate,text_to_video,pika,720p,200\n2027-01-05T00:00:00Z,generate,text_to_video,pika,720p,800\n",
    });
    const [nov, dec, jan, feb] = (await cycles(["--account", join(d, "account.yaml"), "--usage", join(d, "usage.csv")])).map((c) => grant(c, "included"));
    // November's 100 (to Jan 1): 20 spent, 80 left. December opens 80 + 100; 40 spent from November's (the soonest
    // expiry), whose 40 left expire at Jan 1, December's end: closing 100. January: 100 + 100, 160 spent, 40 left.
    expect(nov).toMatchObject({ opening: "100", consumed: "20", expired: "0", closing: "80" });
    expect(dec).toMatchObject({ opening: "180", consumed: "40", expired: "40", closing: "100" });
    expect(jan).toMatchObject({ opening: "200", consumed: "160", expired: "0", closing: "40" });
    expect(feb).toMatchObject({ opening: "140" });
  });
});

describe("a refund after a version switch (red team, stop 37, #11)", () => {
  it("carries the version that priced the cycle-start charge it gives back", async () => {
    const d = dir({
      "v2.yaml": FLIPLET.replace('version: "2026-11"', 'version: "2026-12b"').replace('effective: "2026-11-01"', 'effective: "2026-12-15"').replace('price: "4"', 'price: "6"'),
      "usage.csv": "timestamp,meter,project,quantity\n2026-11-02T00:00:00Z,storage_added,alpha,2\n2026-12-20T00:00:00Z,storage_deleted,alpha,2\n",
    });
    const [, dec] = await cycles(["--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(d, "v2.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(d, "usage.csv")]);
    // 2 GB charged at Dec 1 by version 2026-11 at 4 (8 credits), given back on Dec 20 at that price and version.
    expect(dec.lines.map((l: any) => [l.meter, l.kind, l.quantity, l.unit_price, l.amount, l.version])).toEqual([
      ["storage_added", "gauge", "2", "4", "8", "2026-11"],
      ["storage_deleted", "refund", "-2", "4", "-8", "2026-11"],
    ]);
  });
});
