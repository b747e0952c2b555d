import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decimal } from "../src/money.js";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

/** Account timelines and card versions (SPEC 7), through the CLI; every expectation worked out from the cards' prices. */

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-timelines-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function statement(args: string[]): Promise<any> {
  const run = await burnrate(["statement", ...args, "--format", "json"]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

const card = (name: string) => join(ROOT, "ratecards", `${name}.yaml`);
const sum = (values: string[]) => values.reduce((t, v) => t.plus(v), new Decimal(0)).toFixed();

describe("an app builder account refused on Standard, upgraded to Super mid-cycle", () => {
  // Standard includes 2,000 credits, Super 20,000; web content extraction costs 8 credits (appbuilder.yaml).
  const dir = folder({
    "account.yaml": "plan: standard\nanchor: 2026-11-01\nchanges:\n  - { at: 2026-11-04T00:00:00Z, plan: super }\n",
    "usage.csv": [
      "timestamp,meter,quantity,app,creator",
      "2026-11-02T10:00:00Z,web_extraction,250,a,me", // 250 x 8 = 2,000: the whole Standard allowance
      "2026-11-03T10:00:00Z,web_extraction,1,a,me", // nothing left: refused
      "2026-11-04T00:00:00Z,web_extraction,1,a,me", // at the upgrade's instant: served
      "2026-11-05T10:00:00Z,web_extraction,1,a,me",
    ].join("\n") + "\n",
  });
  const args = ["--card", card("appbuilder"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")];

  it("is served again from the upgrade's instant, with the difference of the allowances granted then", async () => {
    const json = await statement(args);
    const cycle = json.accounts[0].cycles[0];
    expect(json.accounts[0].plan).toBe("super");
    expect(cycle.rejected).toEqual([{ meter: "web_extraction", reason: "credits exhausted", events: 1, quantity: "1", first_at: "2026-11-03T10:00:00Z", first_line: expect.stringMatching(/\/usage\.csv:3$/) }]);
    const granted = 20000 - 2000;
    const charged = (250 + 1 + 1) * 8;
    expect(cycle.total).toBe(String(charged));
    expect(cycle.grants).toEqual([{ kind: "included", opening: "2000", granted: String(granted), consumed: String(charged), expired: "0", closing: String(2000 + granted - charged) }]);
    expect(cycle.timeline).toEqual([{ at: "2026-11-04T00:00:00Z", change: "plan", from: "standard", to: "super", granted: String(granted), removed: "0", applies_at: null }]);
    expect(cycle.plans).toEqual([
      { plan: "standard", from: "2026-11-01T00:00:00Z", to: "2026-11-04T00:00:00Z" },
      { plan: "super", from: "2026-11-04T00:00:00Z", to: "2026-12-01T00:00:00Z" },
    ]);
  });

  it("shows the plans in force and the change in the table, markdown and CSV", async () => {
    const md = (await burnrate(["statement", ...args, "--format", "markdown"])).stdout;
    expect(md).toContain("| Standard | 2026-11-01 00:00 | 2026-11-04 00:00 |");
    expect(md).toContain("| 2026-11-04 00:00 | Plan | standard | super | granted 18,000 credits |");
    const table = (await burnrate(["statement", ...args, "--format", "table", "--no-chart"])).stdout;
    expect(table).toContain("Plans in force");
    expect(table).toContain("granted 18,000 credits");
    const csv = (await burnrate(["statement", ...args, "--format", "csv"])).stdout.trim().split("\n");
    // subscription_end (the creator "me", named only in the usage, earns rewards with no subscription since stop 38),
    // the refusal and reward columns, then the cycle's money columns (stop 38), end the row: empty on a change row.
    expect(csv[0]).toBe("account,plan,cycle_start,cycle_end,meter,kind,category,pool,app,creator,quantity,unit_price,amount,change_at,change,from,to,granted,removed,applies_at,subscription_end,reason,events,first_at,first_line,earned_from,money_item,money,currency");
    expect(csv).toContain("default,super,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,,change,,,,,,,,2026-11-04T00:00:00Z,plan,standard,super,18000,0,,,,,,,,,,");
    const html = (await burnrate(["statement", ...args, "--format", "html"])).stdout;
    expect(html).toContain("Plans in force");
    expect(html).toContain("granted 18,000 credits");
    // The ledger shows the grant as an allowance paid in at the upgrade's instant.
    const ledger = (await burnrate(["statement", ...args, "--ledger", "--format", "csv"])).stdout;
    expect(ledger.split("\n").filter((l) => l.startsWith("2026-11-04T00:00:00Z") && l.includes("allowance") && l.includes("18000"))).toHaveLength(1);
  });

  it("grants the difference prorated to the rest of the cycle when the card says prorated", async () => {
    const text = readFileSync(card("appbuilder"), "utf8") + "\nplan_changes: { upgrade: prorated }\n";
    const prorated = folder({ "card.yaml": text });
    const json = await statement(["--card", join(prorated, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")]);
    // 27 of November's 30 days are left on the 4th: 18,000 x 27 / 30.
    const grant = new Decimal(18000).mul(27).div(30).toFixed();
    expect(json.accounts[0].cycles[0].timeline[0].granted).toBe(grant);
    expect(json.accounts[0].cycles[0].grants[0].granted).toBe(grant);
  });

  it("starts a new cycle at the upgrade when the card says new_cycle: the old one closes early, later cycles follow the new anchor", async () => {
    const text = readFileSync(card("appbuilder"), "utf8") + "\nplan_changes: { upgrade: new_cycle }\n";
    const renewed = folder({
      "card.yaml": text,
      "usage.csv": [
        "timestamp,meter,quantity,app,creator",
        "2026-11-02T10:00:00Z,web_extraction,200,a,me", // 1,600 of Standard's 2,000
        "2026-11-03T10:00:00Z,web_extraction,100,a,me", // 800 > the 400 left: refused
        "2026-11-04T00:00:00Z,web_extraction,1,a,me", // the upgrade's instant: Super's new cycle
        "2026-12-03T10:00:00Z,web_extraction,10,a,me", // still the cycle of 4 November (to 4 December)
        "2026-12-05T10:00:00Z,web_extraction,10,a,me", // the next cycle, 4 December to 4 January
      ].join("\n") + "\n",
    });
    const json = await statement(["--card", join(renewed, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(renewed, "usage.csv")]);
    const cycles = json.accounts.find((a: any) => a.account === "default").cycles;
    // Each cycle's money is its own plan's: Standard's 20 for the cycle closed early, Super's 200 after.
    expect(cycles.map((c: any) => [c.start, c.end, c.allowance, c.total, c.money.plan])).toEqual([
      ["2026-11-01T00:00:00Z", "2026-11-04T00:00:00Z", "2000", String(200 * 8), "20"],
      ["2026-11-04T00:00:00Z", "2026-12-04T00:00:00Z", "20000", String((1 + 10) * 8), "200"],
      ["2026-12-04T00:00:00Z", "2027-01-04T00:00:00Z", "20000", String(10 * 8), "200"],
    ]);
    // The old cycle keeps its 400 unspent to its early end; they lapse there, as at any boundary.
    expect(cycles[0].grants).toEqual([{ kind: "included", opening: "2000", granted: "0", consumed: String(200 * 8), expired: "0", closing: "400" }]);
    expect(cycles[0].rejected).toMatchObject([{ events: 1, quantity: "100" }]);
    expect(cycles[0].timeline).toBeUndefined();
    expect(cycles[1].grants).toEqual([{ kind: "included", opening: "20000", granted: "0", consumed: String(11 * 8), expired: "0", closing: String(20000 - 11 * 8) }]);
    expect(cycles[1].timeline).toEqual([{ at: "2026-11-04T00:00:00Z", change: "plan", from: "standard", to: "super", granted: "20000", removed: "400", applies_at: null }]);
    expect(cycles[1].plans).toBeUndefined();
    const md = (await burnrate(["statement", "--card", join(renewed, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(renewed, "usage.csv"), "--format", "markdown"])).stdout;
    expect(md).toContain("## Cycle 1: 2026-11-01 to 2026-11-03 (resets 2026-11-04 00:00)\n");
    expect(md).toContain("## Cycle 2: 2026-11-04 to 2026-12-03 (resets 2026-12-04 00:00)\n");
    expect(md).toContain("| 2026-11-04 00:00 | Plan | standard | super | granted 20,000 credits, removed 400 |");
    // The ledger: the 400 lapse and Super's 20,000 pay in at the upgrade's instant.
    const ledger = (await burnrate(["statement", "--card", join(renewed, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(renewed, "usage.csv"), "--ledger", "--format", "csv"])).stdout.split("\n");
    const at = ledger.filter((l) => l.startsWith("2026-11-04T00:00:00Z,default,"));
    expect(at.filter((l) => l.includes(",expiry,") && l.includes("-400"))).toHaveLength(1);
    expect(at.filter((l) => l.includes(",allowance,") && l.includes("20000"))).toHaveLength(1);
  });

  it("re-anchors only the account that upgraded, in a log of several accounts", async () => {
    const many = folder({
      "card.yaml": readFileSync(card("appbuilder"), "utf8") + "\nplan_changes: { upgrade: new_cycle }\n",
      "account.yaml": "plan: standard\nanchor: 2026-11-01\naccounts:\n  alice:\n    plan: standard\n    changes:\n      - { at: 2026-11-04T00:00:00Z, plan: super }\n  bob:\n    plan: standard\n",
      "usage.csv": ["timestamp,account,meter,quantity,app,creator", ...["2026-11-02T10:00:00Z", "2026-12-02T10:00:00Z", "2026-12-05T10:00:00Z"].flatMap((t) => [`${t},alice,web_extraction,1,a,me`, `${t},bob,web_extraction,1,a,me`])].join("\n") + "\n",
    });
    const json = await statement(["--card", join(many, "card.yaml"), "--account", join(many, "account.yaml"), "--usage", join(many, "usage.csv")]);
    const cycles = (name: string) => json.accounts.find((a: any) => a.account === name).cycles.map((c: any) => [c.start.slice(0, 10), c.end.slice(0, 10), c.total]);
    // Alice's 2 December row falls in her cycle of 4 November; Bob's, in his December.
    expect(await cycles("alice")).toEqual([["2026-11-01", "2026-11-04", "8"], ["2026-11-04", "2026-12-04", "8"], ["2026-12-04", "2027-01-04", "8"]]);
    expect(await cycles("bob")).toEqual([["2026-11-01", "2026-12-01", "8"], ["2026-12-01", "2027-01-01", "16"]]);
  });

  it("waits for the next cycle to downgrade, and keeps the cycle's credits", async () => {
    const down = folder({
      "account.yaml": "plan: super\nanchor: 2026-11-01\nchanges:\n  - { at: 2026-11-10T00:00:00Z, plan: standard }\n",
      "usage.csv": "timestamp,meter,quantity,app,creator\n2026-11-20T10:00:00Z,web_extraction,500,a,me\n2026-12-02T10:00:00Z,web_extraction,300,a,me\n",
    });
    const json = await statement(["--card", card("appbuilder"), "--account", join(down, "account.yaml"), "--usage", join(down, "usage.csv")]);
    const [nov, dec] = json.accounts[0].cycles;
    // November keeps Super's 20,000: 500 x 8 = 4,000 go through.
    expect(nov.total).toBe("4000");
    expect(nov.timeline[0]).toMatchObject({ change: "plan", from: "super", to: "standard", applies_at: "2026-12-01T00:00:00Z", granted: "0", removed: "0" });
    // December opens on Standard's 2,000: 300 x 8 = 2,400 is more, refused whole.
    expect(dec.allowance).toBe("2000");
    expect(dec.total).toBe("0");
    expect(dec.rejected[0]).toMatchObject({ meter: "web_extraction", events: 1, quantity: "300" });
    // Each cycle's money is the plan in force at its end: Super's 200 for November, Standard's 20 after.
    expect([nov.money.plan, dec.money.plan]).toEqual(["200", "20"]);
  });
});

describe("a downgrade that applies at once", () => {
  /** The first cycle of a card with `downgrade: at_once`, for an account moving from `from` to `to` on Nov 10. */
  const firstCycle = async (of: { card: string; from: string; to: string; usage: string }) => {
    const dir = folder({
      "card.yaml": readFileSync(card(of.card), "utf8") + "\nplan_changes: { downgrade: at_once }\n",
      "account.yaml": `plan: ${of.from}\nanchor: 2026-11-01\nchanges:\n  - { at: 2026-11-10T00:00:00Z, plan: ${of.to} }\n`,
      "usage.csv": of.usage,
    });
    return (await statement(["--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")])).accounts[0].cycles[0];
  };

  it("removes the included credits above the new allowance at its instant", async () => {
    // 500 x 8 = 4,000 before the downgrade; 100 x 8 = 800 after it.
    const cycle = await firstCycle({ card: "appbuilder", from: "super", to: "standard", usage: "timestamp,meter,quantity,app,creator\n2026-11-05T10:00:00Z,web_extraction,500,a,me\n2026-11-20T10:00:00Z,web_extraction,100,a,me\n" });
    // 20,000 - 4,000 = 16,000 left; the downgrade takes away 20,000 - 2,000 = 18,000 at most, so all 16,000 go.
    expect(cycle.timeline[0]).toMatchObject({ change: "plan", from: "super", to: "standard", removed: "16000", granted: "0", applies_at: null });
    expect(cycle.grants).toEqual([{ kind: "included", opening: "20000", granted: "0", consumed: "4000", expired: "16000", closing: "0" }]);
    expect(cycle.rejected[0]).toMatchObject({ meter: "web_extraction", quantity: "100", first_at: "2026-11-20T10:00:00Z" });
    expect(cycle.allowance).toBe("2000");
  });

  it("reaches the warning levels the smaller allowance puts it past at the change, not at a later charge (red team, stop 34)", async () => {
    // Fliplet's levels are 70, 80, 90 and 100%. 75,000 reads x 0.01 = 750 of Pro's 1,000: 75%, past 70 on the 2nd. Of
    // Free's 100 it is 750%: 80, 90 and 100 at the change, though no charge is paid after it (the 12th's is refused).
    const cycle = await firstCycle({ card: "fliplet", from: "pro", to: "free", usage: "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,75000,alpha\n2026-11-12T10:00:00Z,data_read,1,alpha\n" });
    expect(cycle.thresholds).toEqual([
      { percent: 70, at: "2026-11-02T10:00:00Z" },
      { percent: 80, at: "2026-11-10T00:00:00Z" },
      { percent: 90, at: "2026-11-10T00:00:00Z" },
      { percent: 100, at: "2026-11-10T00:00:00Z" },
    ]);
  });
});

describe("a plan change at the anchor itself", () => {
  // The change says what the first cycle is: it opens on the new plan, nothing granted or removed.
  const dir = folder({
    "up.yaml": "plan: standard\nanchor: 2026-11-01\nchanges:\n  - { at: 2026-11-01T00:00:00Z, plan: super }\n",
    "down.yaml": "plan: super\nanchor: 2026-11-01\nchanges:\n  - { at: 2026-11-01, plan: standard }\n",
    "account.yaml": "plan: standard\nanchor: 2026-11-01\n",
    // 300 x 8 = 2,400 at the anchor's instant: more than Standard's 2,000, within Super's 20,000.
    "usage.csv": "timestamp,meter,quantity,app,creator\n2026-11-01T00:00:00Z,web_extraction,300,a,me\n",
  });
  const first = async (account: string) => (await statement(["--card", card("appbuilder"), "--account", join(dir, account), "--usage", join(dir, "usage.csv")])).accounts[0].cycles[0];

  it("opens the first cycle on Super after an upgrade: 20,000 to open with, Super's price", async () => {
    const cycle = await first("up.yaml");
    expect(cycle.allowance).toBe("20000");
    expect(cycle.grants).toEqual([{ kind: "included", opening: "20000", granted: "0", consumed: String(300 * 8), expired: "0", closing: String(20000 - 300 * 8) }]);
    expect(cycle.rejected).toEqual([]);
    expect(cycle.timeline).toEqual([{ at: "2026-11-01T00:00:00Z", change: "plan", from: "standard", to: "super", granted: "0", removed: "0", applies_at: null }]);
    // One plan over the whole cycle: no parts to show.
    expect(cycle.plans).toBeUndefined();
    expect(cycle.money.plan).toBe("200");
  });

  it("opens the first cycle on Standard after a downgrade, even one the card defers to the next cycle", async () => {
    const cycle = await first("down.yaml");
    expect(cycle.allowance).toBe("2000");
    expect(cycle.grants).toEqual([{ kind: "included", opening: "2000", granted: "0", consumed: "0", expired: "0", closing: "2000" }]);
    expect(cycle.rejected).toMatchObject([{ meter: "web_extraction", events: 1, quantity: "300" }]);
    expect(cycle.timeline).toEqual([{ at: "2026-11-01T00:00:00Z", change: "plan", from: "super", to: "standard", granted: "0", removed: "0", applies_at: null }]);
    expect(cycle.money.plan).toBe("20");
  });

  it("prices as an account that started on the new plan", async () => {
    const upgraded = await first("up.yaml");
    const onSuper = (await statement(["--card", card("appbuilder"), "--account", join(dir, "account.yaml"), "--plan", "super", "--usage", join(dir, "usage.csv")])).accounts[0].cycles[0];
    expect([upgraded.total, upgraded.grants, upgraded.money]).toEqual([onSuper.total, onSuper.grants, onSuper.money]);
  });
});

describe("Floopy's overage billing switched on and off", () => {
  // Free: 1,000 requests a month, 0.002 USD a request past them with overage billing on;
  // gpt-4o-mini on openai costs 0.000015 cents an input token (floopy.yaml).
  const dir = folder({
    "account.yaml": [
      "plan: free",
      "anchor: 2026-11-01",
      "grants:",
      "  - { kind: purchase, amount: 100, at: 2026-11-01T00:00:00Z }",
      "changes:",
      "  - { at: 2026-11-10T00:00:00Z, overage: true }",
      "  - { at: 2026-11-20T00:00:00Z, overage: false }",
    ].join("\n") + "\n",
    "usage.csv": [
      "timestamp,meter,quantity,model,provider,input_tokens,output_tokens",
      "2026-11-02T10:00:00Z,request,1000,gpt-4o-mini,openai,1000,0",
      "2026-11-03T10:00:00Z,request,10,gpt-4o-mini,openai,100,0",
      "2026-11-11T10:00:00Z,request,10,gpt-4o-mini,openai,100,0",
      "2026-11-21T10:00:00Z,request,5,gpt-4o-mini,openai,50,0",
    ].join("\n") + "\n",
  });

  it("refuses past the quota while off, bills overage money while on", async () => {
    const json = await statement(["--card", card("floopy"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")]);
    const cycle = json.accounts[0].cycles[0];
    expect(cycle.rejected).toEqual([{ meter: "request", reason: "monthly request quota of 1000 reached", events: 2, quantity: "15", first_at: "2026-11-03T10:00:00Z", first_line: expect.stringMatching(/\/usage\.csv:3$/) }]);
    expect(cycle.overage).toEqual({ currency: "USD", amount: new Decimal(10).mul("0.002").toFixed(), requests: "10" });
    expect(cycle.quota).toEqual({ limit: "1000", used: "1010" });
    expect(cycle.total).toBe(new Decimal(1000 + 100).mul("0.000015").toFixed());
    expect(cycle.timeline.map((t: any) => [t.at, t.change, t.from, t.to])).toEqual([
      ["2026-11-10T00:00:00Z", "overage", "off", "on"],
      ["2026-11-20T00:00:00Z", "overage", "on", "off"],
    ]);
  });
});

describe("a Flikly subscription that ends early", () => {
  // Creator: 30 credits a month; add-ons expire 12 months after purchase or at the subscription's end;
  // pika text-to-video costs 0.2 credits a second (flikly.yaml).
  const account = (changes: string) => [
    "plan: creator",
    "anchor: 2026-05-01",
    "grants:",
    "  - { kind: addon, amount: 100, at: 2026-05-02T00:00:00Z }",
    changes,
  ].join("\n") + "\n";
  const usage = [
    "timestamp,meter,quantity,workflow,model,resolution",
    "2026-06-05T10:00:00Z,generate,200,text_to_video,pika,720p", // 40: June's 30 included, then 10 of the add-on
    "2026-06-20T10:00:00Z,generate,10,text_to_video,pika,720p", // 2
  ].join("\n") + "\n";
  const dir = folder({
    "ends.yaml": account("changes:\n  - { at: 2026-06-10T00:00:00Z, subscription_end: 2026-06-15T00:00:00Z }"),
    "runs.yaml": account(""),
    "usage.csv": usage,
  });
  const run = async (file: string) => (await statement(["--card", card("flikly"), "--account", join(dir, file), "--usage", join(dir, "usage.csv")])).accounts[0].cycles[1];

  it("expires the add-on credits at the new end, so a later generation is refused", async () => {
    const june = await run("ends.yaml");
    const addon = june.grants.find((g: any) => g.kind === "addon");
    expect(addon).toEqual({ kind: "addon", opening: "100", granted: "0", consumed: "10", expired: "90", closing: "0" });
    // After the end the plan serves nothing: the refusal says the subscription ended (stop 37), not that credits ran out.
    expect(june.rejected).toEqual([{ meter: "generate", reason: "subscription ended 2026-06-15T00:00:00Z", events: 1, quantity: "10", first_at: "2026-06-20T10:00:00Z", first_line: expect.stringMatching(/\/usage\.csv:3$/) }]);
    // The change caps the 90 add-on credits left after the 10 spent on the 5th; on the 15th they lapse, unspent.
    expect(june.timeline).toEqual([
      { at: "2026-06-10T00:00:00Z", change: "subscription_end", from: "none", to: "2026-06-15T00:00:00Z", granted: "0", removed: "0", applies_at: null, capped: "90" },
      { at: "2026-06-15T00:00:00Z", change: "subscription_end", from: "none", to: "2026-06-15T00:00:00Z", granted: "0", removed: "90", applies_at: null },
    ]);
    expect(june.total).toBe("40");
  });

  it("shows the capped credits lapsing in a later cycle, at the end's instant", async () => {
    const later = folder({
      "ends.yaml": account("changes:\n  - { at: 2026-06-10T00:00:00Z, subscription_end: 2026-07-20T00:00:00Z }"),
      "boundary.yaml": account("changes:\n  - { at: 2026-06-10T00:00:00Z, subscription_end: 2026-07-01T00:00:00Z }"),
      // After the end: refused, the plan's credits and the add-on's gone (subscription ended).
      "usage.csv": usage + "2026-07-25T10:00:00Z,generate,10,text_to_video,pika,720p\n",
    });
    const cycles = async (file: string) => (await statement(["--card", card("flikly"), "--account", join(later, file), "--usage", join(later, "usage.csv")])).accounts[0].cycles;
    const [, june, july] = await cycles("ends.yaml");
    // 90 left on the 10th, 2 spent on the 20th: 88 lapse on 20 July.
    expect(june.timeline).toEqual([{ at: "2026-06-10T00:00:00Z", change: "subscription_end", from: "none", to: "2026-07-20T00:00:00Z", granted: "0", removed: "0", applies_at: null, capped: "90" }]);
    expect(june.grants.find((g: any) => g.kind === "addon")).toEqual({ kind: "addon", opening: "100", granted: "0", consumed: "12", expired: "0", closing: "88" });
    // What lapses at the end: the add-on's 88 and July's 30 included credits, granted under the end and capped at it (red62 F8).
    expect(july.timeline).toEqual([{ at: "2026-07-20T00:00:00Z", change: "subscription_end", from: "none", to: "2026-07-20T00:00:00Z", granted: "0", removed: "118", applies_at: null }]);
    expect(july.grants.find((g: any) => g.kind === "included")).toEqual({ kind: "included", opening: "30", granted: "0", consumed: "0", expired: "30", closing: "0" });
    expect(july.grants.find((g: any) => g.kind === "addon")).toEqual({ kind: "addon", opening: "88", granted: "0", consumed: "0", expired: "88", closing: "0" });
    // An end at July's start: the 88 expire in June, the cycle that ends at that instant (red team, stop 37: credits
    // expiring at a boundary were in neither cycle's expired), and June says why; July opens without them.
    const [, juneB, julyB] = await cycles("boundary.yaml");
    expect(juneB.grants.find((g: any) => g.kind === "addon")).toEqual({ kind: "addon", opening: "100", granted: "0", consumed: "12", expired: "88", closing: "0" });
    expect(juneB.timeline.at(-1)).toEqual({ at: "2026-07-01T00:00:00Z", change: "subscription_end", from: "none", to: "2026-07-01T00:00:00Z", granted: "0", removed: "88", applies_at: null });
    expect(julyB.timeline).toBeUndefined();
    expect(julyB.grants.find((g: any) => g.kind === "addon")).toBeUndefined();
    const md = (await burnrate(["statement", "--card", card("flikly"), "--account", join(later, "ends.yaml"), "--usage", join(later, "usage.csv"), "--format", "markdown"])).stdout;
    // The end in the account's zone (UTC here), as every time of the table is (newcomer65 M4).
    expect(md).toContain("| 2026-06-10 00:00 | Subscription end | none | 2026-07-20 00:00 | 90.00 credits now expire at the end |");
    expect(md).toContain("| 2026-07-20 00:00 | Subscription end | none | 2026-07-20 00:00 | removed 118.00 credits |");
  });

  it("keeps them without the change", async () => {
    const june = await run("runs.yaml");
    expect(june.grants.find((g: any) => g.kind === "addon")).toEqual({ kind: "addon", opening: "100", granted: "0", consumed: "12", expired: "0", closing: "88" });
    expect(june.rejected).toEqual([]);
    expect(june.total).toBe("42");
  });
});

describe("card versions", () => {
  // The app builder's web content extraction costs 8 credits; the new version charges 10 from the 15th.
  const original = readFileSync(card("appbuilder"), "utf8");
  const next = (extra: string) =>
    original.replace('version: "2026-11"', 'version: "2026-11b"').replace('effective: "2026-11-01"', 'effective: "2026-11-15"').replace('price: "8"', 'price: "10"') + extra;
  const dir = folder({
    "at-once.yaml": next(""),
    "grandfathered.yaml": next("\napplies: next_cycle\n"),
    "account.yaml": "plan: standard\nanchor: 2026-11-01\n",
    "usage.csv": [
      "timestamp,meter,quantity,app,creator",
      "2026-11-10T10:00:00Z,web_extraction,1,a,me",
      "2026-11-15T00:00:00Z,web_extraction,1,a,me",
      "2026-11-20T10:00:00Z,web_extraction,1,a,me",
      "2026-12-05T10:00:00Z,web_extraction,1,a,me",
    ].join("\n") + "\n",
  });
  const args = (version: string) => ["--card", join(dir, version), "--card", card("appbuilder"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")];
  const lines = (cycle: any) => cycle.lines.map((l: any) => [l.version, l.quantity, l.unit_price, l.amount]);

  it("prices each event by the version in force at its instant", async () => {
    const json = await statement(args("at-once.yaml"));
    const [nov, dec] = json.accounts[0].cycles;
    expect(lines(nov)).toEqual([["2026-11", "1", "8", "8"], ["2026-11b", "2", "10", "20"]]);
    expect(nov.total).toBe(sum(["8", "20"]));
    expect(lines(dec)).toEqual([["2026-11b", "1", "10", "10"]]);
    expect(json.versions).toEqual([
      { version: "2026-11", effective: "2026-11-01", applies: "at_once", from: "2026-11-01T00:00:00Z" },
      { version: "2026-11b", effective: "2026-11-15", applies: "at_once", from: "2026-11-15T00:00:00Z" },
    ]);
  });

  it("lists the versions used and says which priced each line in markdown and CSV", async () => {
    const md = (await burnrate(["statement", ...args("at-once.yaml"), "--format", "markdown"])).stdout;
    expect(md).toContain("| 2026-11b | 2026-11-15 | at once | 2026-11-15 00:00 |");
    expect(md).toContain("| web_extraction | usage | ai | a · me | 2 | 10 | 2026-11b | 20 |");
    const csv = (await burnrate(["statement", ...args("at-once.yaml"), "--format", "csv"])).stdout.trim().split("\n");
    // subscription_end (the creator "me", as above), the reward column, then the cycle's money columns (stop 38) end
    // the row: empty on a line.
    expect(csv[0]).toBe("account,plan,cycle_start,cycle_end,meter,kind,category,pool,app,creator,quantity,unit_price,amount,version,subscription_end,earned_from,money_item,money,currency");
    expect(csv).toContain("default,standard,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,web_extraction,usage,in_app,ai,a,me,2,10,20,2026-11b,,,,,");
  });

  it("keeps the cycle's prices until the next cycle for a grandfathered version", async () => {
    const json = await statement(args("grandfathered.yaml"));
    const [nov, dec] = json.accounts[0].cycles;
    expect(lines(nov)).toEqual([["2026-11", "3", "8", "24"]]);
    expect(lines(dec)).toEqual([["2026-11b", "1", "10", "10"]]);
    expect(json.versions[1]).toEqual({ version: "2026-11b", effective: "2026-11-15", applies: "next_cycle", from: "2026-12-01T00:00:00Z" });
  });

  it("reads an effective date as local midnight in the account's time zone", async () => {
    const zoned = folder({ "account.yaml": "plan: standard\nanchor: 2026-11-01\ntimezone: America/New_York\n" });
    const json = await statement(["--card", join(dir, "at-once.yaml"), "--card", card("appbuilder"), "--account", join(zoned, "account.yaml"), "--usage", join(dir, "usage.csv")]);
    // Midnight of the 15th in New York is 05:00 UTC: the row at 00:00 UTC is still priced by the old version.
    expect(lines(json.accounts[0].cycles[0])).toEqual([["2026-11", "2", "8", "16"], ["2026-11b", "1", "10", "10"]]);
  });

  it("refuses the same card twice rather than using the last one", async () => {
    const run = await burnrate(["statement", "--card", card("appbuilder"), "--card", card("appbuilder"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--card: the same card file twice");
  });

  describe("a meter a later version adds", () => {
    // Version 2026-11b (from the 15th) adds web_summary at 12 credits a unit; the earliest version has no such meter.
    const summary = '  web_summary:\n    description: Summarise a web page\n    aggregation: flow\n    dimensions: [app, creator]\n    category: in_app\n    pool: ai\n    price: "12"\n\n  image:\n';
    const added = (extra: string) => next(extra).replace("  image:\n", summary);
    const meters = folder({ "at-once.yaml": added(""), "grandfathered.yaml": added("\napplies: next_cycle\n") });
    const rows = (...lines: string[]) => folder({ "usage.csv": ["timestamp,meter,quantity,app,creator", ...lines].join("\n") + "\n" });
    const run = (version: string, usage: string, format = "json") =>
      burnrate(["statement", "--card", join(meters, version), "--card", card("appbuilder"), "--account", join(dir, "account.yaml"), "--usage", join(usage, "usage.csv"), "--format", format]);

    it("is priced by that version after the switch", async () => {
      const usage = rows("2026-11-10T10:00:00Z,web_extraction,1,a,me", "2026-11-15T00:00:00Z,web_summary,2,a,me", "2026-11-20T10:00:00Z,web_summary,1,a,me");
      const done = await run("at-once.yaml", usage);
      expect(done.stderr).toBe("");
      expect(done.code).toBe(0);
      const [nov] = JSON.parse(done.stdout).accounts[0].cycles;
      // 1 extraction at 8 under 2026-11; 2 + 1 summaries at 12 under 2026-11b: 36.
      expect(nov.lines.map((l: any) => [l.meter, l.version, l.quantity, l.unit_price, l.amount])).toEqual([
        ["web_extraction", "2026-11", "1", "8", "8"],
        ["web_summary", "2026-11b", "3", "12", "36"],
      ]);
      expect(nov.total).toBe(sum(["8", "36"]));
    });

    it("is a located error in a row before the switch", async () => {
      const usage = rows("2026-11-10T10:00:00Z,web_extraction,1,a,me", "2026-11-14T23:59:59Z,web_summary,1,a,me");
      const refused = await run("at-once.yaml", usage);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe("");
      expect(refused.stderr).toContain(`${join(usage, "usage.csv")}:3:`);
      expect(refused.stderr).toContain('meter "web_summary" is not in card version "2026-11"');
    });

    it("waits for the next cycle in a grandfathered version", async () => {
      const early = await run("grandfathered.yaml", rows("2026-11-20T10:00:00Z,web_summary,1,a,me"));
      expect(early.code).toBe(2);
      expect(early.stderr).toContain(":2:");
      expect(early.stderr).toContain('meter "web_summary" is not in card version "2026-11"');
      const done = await run("grandfathered.yaml", rows("2026-11-20T10:00:00Z,web_extraction,1,a,me", "2026-12-05T10:00:00Z,web_summary,2,a,me"));
      expect(done.code).toBe(0);
      const [nov, dec] = JSON.parse(done.stdout).accounts[0].cycles;
      expect(nov.lines.map((l: any) => [l.meter, l.version, l.amount])).toEqual([["web_extraction", "2026-11", "8"]]);
      expect(dec.lines.map((l: any) => [l.meter, l.version, l.quantity, l.amount])).toEqual([["web_summary", "2026-11b", "2", "24"]]);
    });

    it("is still an unknown meter in the reader when no version has it", async () => {
      const usage = rows("2026-11-20T10:00:00Z,web_digest,1,a,me");
      const refused = await run("at-once.yaml", usage);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`${join(usage, "usage.csv")}:2:`);
      expect(refused.stderr).toContain('unknown meter "web_digest" (expected a meter of appbuilder 2026-11, 2026-11b');
    });
  });

  it("leaves a statement without versions as it was", async () => {
    const json = await statement(["--card", card("appbuilder"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")]);
    expect(json.versions).toBeUndefined();
    expect(json.accounts[0].cycles[0].lines[0].version).toBeUndefined();
    expect(json.accounts[0].cycles[0].timeline).toBeUndefined();
  });
});

describe("every command honours timelines", () => {
  const upgrade = folder({
    "account.yaml": "plan: standard\nanchor: 2026-11-01\nchanges:\n  - { at: 2026-11-04T00:00:00Z, plan: super }\n",
    "static.yaml": "plan: standard\nanchor: 2026-11-01\n",
    "usage.csv": "timestamp,meter,quantity,app,creator\n2026-11-02T10:00:00Z,web_extraction,250,a,me\n2026-11-05T10:00:00Z,web_extraction,10,a,me\n",
    // What the provider billed: both rows, 260 extractions at 8 credits.
    "bill.csv": `period_start,activity,app,creator,quantity,amount\n2026-11-01,web_extraction,a,me,260,${260 * 8}\n`,
  });

  it("reconcile: the upgrade explains a bill that a static account would not", async () => {
    const args = (account: string) => ["reconcile", "--card", card("appbuilder"), "--account", join(upgrade, account), "--usage", join(upgrade, "usage.csv"), "--bill", join(upgrade, "bill.csv"), "--format", "json"];
    const agreed = await burnrate(args("account.yaml"));
    expect(agreed.code).toBe(0);
    expect(JSON.parse(agreed.stdout).computed_total).toBe(String(260 * 8));
    const refused = await burnrate(args("static.yaml"));
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).computed_total).toBe(String(250 * 8));
  });

  it("reconcile: a bill that spans a price change agrees with lines priced per version", async () => {
    const original = readFileSync(card("appbuilder"), "utf8");
    const dir = folder({
      "next.yaml": original.replace('version: "2026-11"', 'version: "2026-11b"').replace('effective: "2026-11-01"', 'effective: "2026-11-15"').replace('price: "8"', 'price: "10"'),
      "account.yaml": "plan: standard\nanchor: 2026-11-01\n",
      "usage.csv": "timestamp,meter,quantity,app,creator\n2026-11-10T10:00:00Z,web_extraction,1,a,me\n2026-11-20T10:00:00Z,web_extraction,3,a,me\n",
      // One extraction at 8 before the 15th, three at 10 after.
      "bill.csv": `period_start,activity,app,creator,quantity,amount\n2026-11-01,web_extraction,a,me,4,${8 + 3 * 10}\n`,
    });
    const run = await burnrate(["reconcile", "--card", card("appbuilder"), "--card", join(dir, "next.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).computed_total).toBe(String(8 + 3 * 10));
  });

  it("test: an expectation's account may hold changes", async () => {
    const dir = folder({
      "appbuilder.yaml": readFileSync(card("appbuilder"), "utf8"),
      "usage.csv": readFileSync(join(upgrade, "usage.csv"), "utf8"),
      "appbuilder.tests.yaml": [
        "cases:",
        "  - name: upgraded mid-cycle",
        "    usage: usage.csv",
        "    account: { plan: standard, anchor: 2026-11-01, changes: [{ at: 2026-11-04T00:00:00Z, plan: super }] }",
        `    expect: { total: ${260 * 8}, rejected: 0, cycles: [{ grants: { included: { opening: 2000, granted: ${20000 - 2000}, consumed: ${260 * 8} } } }] }`,
        "  - name: the case's own changes, after its account's",
        "    usage: usage.csv",
        "    account: { plan: standard, anchor: 2026-11-01 }",
        "    changes: [{ at: 2026-11-04T00:00:00Z, plan: super }]",
        `    expect: { total: ${260 * 8}, rejected: 0 }`,
        "  - name: refused without the upgrade",
        "    usage: usage.csv",
        "    account: { plan: standard, anchor: 2026-11-01 }",
        `    expect: { total: ${250 * 8}, rejected: 1 }`,
      ].join("\n") + "\n",
    });
    const run = await burnrate(["test", join(dir, "appbuilder.yaml")]);
    expect(run.stdout + run.stderr).toContain("3 passed, 0 failed");
    expect(run.code).toBe(0);
  });

  it("test: a scenario case takes its scenario's changes, and may not add its own", async () => {
    const dir = folder({
      "appbuilder.yaml": readFileSync(card("appbuilder"), "utf8"),
      "up.yaml": [
        "plan: standard",
        "start: 2026-11-01",
        "cycles: 4",
        "sends:",
        "  - { name: extract, meter: web_extraction, quantity: 300, every: cycle on day 5 at 09:00, dimensions: { app: a, creator: me } }",
        "changes:",
        "  - { cycle: 3, plan: super }",
      ].join("\n") + "\n",
      // 300 x 8 = 2,400: on Standard's 2,000 in cycles 1 and 2 with 400 of packs bought as needed (as simulate's plan
      // row buys them: stop 38, a scenario case is priced as simulate prices it, where it refused the extraction whole),
      // served on Super's 20,000 in 3 and 4 with no pack.
      "appbuilder.tests.yaml": [
        "cases:",
        "  - name: upgraded in month 3",
        "    scenario: up.yaml",
        `    expect: { total: ${4 * 300 * 8}, rejected: 0, cycles: [{ total: ${300 * 8}, grants: { pack: { granted: ${300 * 8 - 2000} } } }, { total: ${300 * 8}, grants: { pack: { granted: ${300 * 8 - 2000} } } }, { total: ${300 * 8}, grants: { included: { opening: 20000 }, pack: { granted: 0 } } }, { total: ${300 * 8}, grants: { pack: { granted: 0 } } }] }`,
        "  - name: a scenario case adding changes",
        "    scenario: up.yaml",
        "    changes: [{ at: 2026-11-04T00:00:00Z, plan: super }]",
        "    expect: { total: 0 }",
      ].join("\n") + "\n",
    });
    // The second case's changes are the tests file's mistake (exit 2, cards15); without it the first passes.
    const run = await burnrate(["test", join(dir, "appbuilder.yaml"), "--format", "json"]);
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr).toContain("a scenario case cannot also have changes");
    const tests = readFileSync(join(dir, "appbuilder.tests.yaml"), "utf8");
    writeFileSync(join(dir, "appbuilder.tests.yaml"), tests.slice(0, tests.indexOf("  - name: a scenario case adding changes")));
    const alone = await burnrate(["test", join(dir, "appbuilder.yaml"), "--format", "json"]);
    expect(JSON.parse(alone.stdout).suites[0].cases.map((c: { outcome: string }) => c.outcome)).toEqual(["passed"]);
  });

  describe("test: card: may be a set of versions, in the tests file and in a case", () => {
    // 2026-11b charges 10 credits an extraction from the 15th; 2026-11 charges 8. One row on the 10th, three on the 20th.
    const original = readFileSync(card("appbuilder"), "utf8");
    const dir = folder({
      "v1.yaml": original,
      "v2.yaml": original.replace('version: "2026-11"', 'version: "2026-11b"').replace('effective: "2026-11-01"', 'effective: "2026-11-15"').replace('price: "8"', 'price: "10"'),
      "usage.csv": "timestamp,meter,quantity,app,creator\n2026-11-10T10:00:00Z,web_extraction,1,a,me\n2026-11-20T10:00:00Z,web_extraction,3,a,me\n",
      "versions.tests.yaml": [
        "card: [v2.yaml, v1.yaml]",
        "cases:",
        "  - name: priced per version",
        "    usage: usage.csv",
        "    account: { plan: standard, anchor: 2026-11-01 }",
        `    expect: { total: ${8 + 3 * 10} }`,
        "  - name: the old version alone",
        "    card: v1.yaml",
        "    usage: usage.csv",
        "    account: { plan: standard, anchor: 2026-11-01 }",
        `    expect: { total: ${4 * 8} }`,
        "  - name: a case's own set",
        "    card: [v1.yaml, v2.yaml]",
        "    usage: usage.csv",
        "    account: { plan: standard, anchor: 2026-11-01 }",
        `    expect: { total: ${8 + 3 * 10} }`,
      ].join("\n") + "\n",
      "wrong.tests.yaml": [
        "card: [v1.yaml, v2.yaml]",
        "cases:",
        "  - name: priced by the old version alone (it is not)",
        "    usage: usage.csv",
        "    account: { plan: standard, anchor: 2026-11-01 }",
        `    expect: { total: ${4 * 8} }`,
        "  - name: the same version twice",
        "    card: [v1.yaml, v1.yaml]",
        "    usage: usage.csv",
        "    account: { plan: standard, anchor: 2026-11-01 }",
        `    expect: { total: ${4 * 8} }`,
      ].join("\n") + "\n",
      "empty.tests.yaml": "card: []\ncases:\n  - { name: none, usage: usage.csv, expect: { total: 0 } }\n",
    });

    it("prices each case by the set, or by the case's own card", async () => {
      const run = await burnrate(["test", join(dir, "versions.tests.yaml"), "--format", "json"]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const suite = JSON.parse(run.stdout).suites[0];
      expect(suite.cases.map((c: any) => c.outcome)).toEqual(["passed", "passed", "passed"]);
      // Earliest version first, whatever the order in card:.
      expect(suite.card).toEqual({ file: `${join(dir, "v1.yaml")} + ${join(dir, "v2.yaml")}`, provider: "appbuilder", version: "2026-11 + 2026-11b" });
    });

    it("fails a case the set prices otherwise, and errs on a case whose set repeats a version", async () => {
      // A case's set that repeats a version is the tests file's mistake (exit 2, cards15); without it the other case fails.
      const run = await burnrate(["test", join(dir, "wrong.tests.yaml"), "--format", "json"]);
      expect([run.code, run.stdout]).toEqual([2, ""]);
      expect(run.stderr).toContain("take effect at the same instant");
      const wrong = readFileSync(join(dir, "wrong.tests.yaml"), "utf8");
      writeFileSync(join(dir, "wrong-priced.tests.yaml"), wrong.slice(0, wrong.indexOf("  - name: the same version twice")));
      const priced = await burnrate(["test", join(dir, "wrong-priced.tests.yaml"), "--format", "json"]);
      expect(priced.code).toBe(1);
      const [only] = JSON.parse(priced.stdout).suites[0].cases;
      expect(only.outcome).toBe("failed");
      expect(only.mismatches[0]).toMatchObject({ what: "total", expected: String(4 * 8), actual: String(8 + 3 * 10) });
    });

    it("check: a tests file with a set of versions is clean, a case's set with a version twice is not, an empty set is refused", async () => {
      const clean = await burnrate(["check", join(dir, "versions.tests.yaml")]);
      expect(clean.stdout).toContain("0 errors, 0 warnings");
      expect(clean.code).toBe(0);
      const twice = await burnrate(["check", join(dir, "wrong.tests.yaml")]);
      expect(twice.code).toBe(1);
      expect(twice.stdout).toContain("take effect at the same instant");
      const empty = await burnrate(["test", join(dir, "empty.tests.yaml")]);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain(`${join(dir, "empty.tests.yaml")}:1:7: too few items (expected at least 1, found 0)`);
    });
  });

  it("simulate: an upgrade in month 3 serves what Standard refused, at Super's price", async () => {
    const dir = folder({
      "up.yaml": [
        `card: ${JSON.stringify(card("appbuilder"))}`,
        "plan: standard",
        "start: 2026-11-01",
        "cycles: 4",
        "sends:",
        "  - { name: extract, meter: web_extraction, quantity: 300, every: cycle on day 5 at 09:00, dimensions: { app: a, creator: me } }",
        "changes:",
        "  - { cycle: 3, plan: super }",
      ].join("\n") + "\n",
    });
    const run = await burnrate(["simulate", join(dir, "up.yaml"), "--format", "json"]);
    expect(run.stderr).toBe("");
    const cycles = JSON.parse(run.stdout).plans[0].cycles;
    // 300 x 8 = 2,400 is more than Standard's 2,000: the one send is refused whole in cycles 1 and 2
    // (2,400 - 2,000 = 400 credits of top-ups would cover it); Super's 20,000 cover it from cycle 3.
    const refused = (c: any) => c.rejected.map((r: any) => [r.events, r.quantity]);
    expect(cycles.map((c: any) => [c.allowance, refused(c), c.topup_needed, c.money])).toEqual([
      ["2000", [[1, "300"]], String(300 * 8 - 2000), "20"],
      ["2000", [[1, "300"]], String(300 * 8 - 2000), "20"],
      ["20000", [], "0", "200"],
      ["20000", [], "0", "200"],
    ]);
    expect(cycles.slice(2).map((c: any) => c.total)).toEqual([String(300 * 8), String(300 * 8)]);
  });

  it("diff: --card may be a set of versions, priced per event against the base", async () => {
    const original = readFileSync(card("appbuilder"), "utf8");
    const dir = folder({
      "next.yaml": original.replace('version: "2026-11"', 'version: "2026-11b"').replace('effective: "2026-11-01"', 'effective: "2026-11-15"').replace('price: "8"', 'price: "10"'),
      "account.yaml": "plan: standard\nanchor: 2026-11-01\n",
      "usage.csv": "timestamp,meter,quantity,app,creator\n2026-11-10T10:00:00Z,web_extraction,1,a,me\n2026-11-20T10:00:00Z,web_extraction,3,a,me\n",
    });
    const run = await burnrate(["diff", "--base", card("appbuilder"), "--card", card("appbuilder"), "--card", join(dir, "next.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json"]);
    expect(run.stderr).toBe("");
    const json = JSON.parse(run.stdout);
    // Base: 4 x 8 = 32. The set: the first row at 8, the three after the 15th at 10.
    expect([json.base_total, json.card_total, json.total_delta]).toEqual([String(4 * 8), String(8 + 3 * 10), String(3 * 2)]);
    // The single base card against each version in turn: the same file to the 15th, then 2026-11b.
    expect(json.card_changes.map((c: any) => [c.from, c.base_version, c.card_version, c.path, c.old, c.new])).toEqual([
      ["2026-11-15", "2026-11", "2026-11b", "version", "2026-11", "2026-11b"],
      ["2026-11-15", "2026-11", "2026-11b", "effective", "2026-11-01", "2026-11-15"],
      ["2026-11-15", "2026-11", "2026-11b", "meters.web_extraction.price", "8", "10"],
    ]);
  });

  it("diff: with sets of versions on both sides, the card changes compare version by version, each from its effective date", async () => {
    const original = readFileSync(card("appbuilder"), "utf8");
    const version = (name: string, effective: string, price: string) => original.replace('version: "2026-11"', `version: "${name}"`).replace('effective: "2026-11-01"', `effective: "${effective}"`).replace('price: "8"', `price: "${price}"`);
    const dir = folder({
      "a2.yaml": version("2026-11b", "2026-11-15", "10"),
      "b2.yaml": version("2026-11c", "2026-11-15", "12"),
      "b3.yaml": version("2026-11d", "2026-11-20", "12").replace("included: 2000 ", "included: 2500 "),
      "account.yaml": "plan: standard\nanchor: 2026-11-01\n",
      "usage.csv": "timestamp,meter,quantity,app,creator\n2026-11-10T10:00:00Z,web_extraction,1,a,me\n2026-11-17T10:00:00Z,web_extraction,3,a,me\n2026-11-22T10:00:00Z,web_extraction,2,a,me\n",
    });
    // Base: 2026-11 (8) then 2026-11b (10) from the 15th. New: 2026-11 (8), 2026-11c (12) from the 15th, 2026-11d (12, Standard 2,500) from the 20th.
    const args = ["diff", "--base", card("appbuilder"), "--base", join(dir, "a2.yaml"), "--card", card("appbuilder"), "--card", join(dir, "b2.yaml"), "--card", join(dir, "b3.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")];
    const run = await burnrate([...args, "--format", "json"]);
    expect(run.stderr).toBe("");
    const json = JSON.parse(run.stdout);
    expect([json.base_total, json.card_total]).toEqual([String(8 + 5 * 10), String(8 + 3 * 12 + 2 * 12)]);
    const changes = json.card_changes.map((c: any) => [c.from, c.base_version, c.card_version, c.path, c.old, c.new]);
    // Up to the 15th both sides price with the same file: nothing. From the 15th, 2026-11b against 2026-11c; from the 20th, 2026-11b against 2026-11d.
    expect(changes.filter((c: any[]) => c[3] !== "version")).toEqual([
      ["2026-11-15", "2026-11b", "2026-11c", "meters.web_extraction.price", "10", "12"],
      ["2026-11-20", "2026-11b", "2026-11d", "effective", "2026-11-15", "2026-11-20"],
      ["2026-11-20", "2026-11b", "2026-11d", "plans.standard.included", "2000", "2500"],
      ["2026-11-20", "2026-11b", "2026-11d", "meters.web_extraction.price", "10", "12"],
    ]);
    const md = (await burnrate([...args, "--format", "markdown"])).stdout;
    expect(md).toContain("| 2026-11-15 | 2026-11b → 2026-11c | changed | meters.web_extraction.price | 10 | 12 |");
  });
});

describe("redteam2: an upgrade that starts a new cycle, at the statement's end", () => {
  // Standard 2,000 credits at 20 USD, Super 20,000 at 200 USD; web content extraction costs 8 credits (appbuilder.yaml).
  const newCycle = () => folder({ "card.yaml": readFileSync(card("appbuilder"), "utf8") + "\nplan_changes: { upgrade: new_cycle }\n" });
  const cyclesOf = (json: any) => json.accounts.find((a: any) => a.account === "default").cycles.map((c: any) => [c.start, c.end, c.total, c.money.plan]);

  it("runs through its own cycle holding --through, not a cycle after it (which would bill Super's 200 once more)", async () => {
    const dir = newCycle();
    writeFileSync(join(dir, "account.yaml"), "plan: standard\nanchor: 2026-11-01\nchanges:\n  - { at: 2026-11-20T00:00:00Z, plan: super }\n");
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,app,creator\n2026-11-02T10:00:00Z,web_extraction,10,a,me\n2026-12-05T10:00:00Z,web_extraction,10,a,me\n");
    const args = ["--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")];
    // Cycles from the 20th after the upgrade: 10 December is in the cycle of 20 November to 20 December, the last one.
    const expected = [
      ["2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", String(10 * 8), "20"],
      ["2026-11-20T00:00:00Z", "2026-12-20T00:00:00Z", String(10 * 8), "200"],
    ];
    expect(cyclesOf(await statement([...args, "--through", "2026-12-10"]))).toEqual(expected);
    // Without --through, the last row (5 December) is in that same cycle.
    expect(cyclesOf(await statement(args))).toEqual(expected);
  });

  it("ends at the cycle of the last row when the rows take the fast path after several upgrades in one cycle", async () => {
    const dir = newCycle();
    writeFileSync(join(dir, "account.yaml"), "plan: standard\nanchor: 2026-11-01\nchanges:\n  - { at: 2026-11-05T00:00:00Z, allowance: 3000 }\n  - { at: 2026-11-07T12:00:00Z, allowance: 5000 }\n  - { at: 2026-11-09T00:00:00Z, plan: super }\n");
    const rows = ["02", "06", "08", "20"].flatMap((d) => [10, 11, 12, 13, 14, 15].map((h) => `2026-11-${d}T${h}:00:00Z,web_extraction,1,a,me`));
    rows.push(...[10, 11, 12, 13, 14, 15, 16].map((h) => `2026-12-08T${h}:00:00Z,web_extraction,1,a,me`));
    writeFileSync(join(dir, "usage.csv"), ["timestamp,meter,quantity,app,creator", ...rows].join("\n") + "\n");
    const json = await statement(["--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")]);
    // Each upgrade opens a cycle on the new allowance; 6 rows of 8 credits in each of the first three, 6 + 7 in the last.
    expect(cyclesOf(json)).toEqual([
      ["2026-11-01T00:00:00Z", "2026-11-05T00:00:00Z", "48", "20"],
      ["2026-11-05T00:00:00Z", "2026-11-07T12:00:00Z", "48", "20"],
      ["2026-11-07T12:00:00Z", "2026-11-09T00:00:00Z", "48", "20"],
      ["2026-11-09T00:00:00Z", "2026-12-09T00:00:00Z", String(13 * 8), "200"],
    ]);
    const removed = json.accounts[0].cycles.slice(1).map((c: any) => c.timeline[0].removed);
    // What lapsed at each early end: 2,000 - 48, 3,000 - 48, 5,000 - 48.
    expect(removed).toEqual(["1952", "2952", "4952"]);
  });

  it("follows month ends and summer time in the zone of the account after an upgrade on 31 January", async () => {
    const dir = newCycle();
    writeFileSync(join(dir, "account.yaml"), "plan: standard\nanchor: 2027-01-01\ntimezone: Europe/Paris\nchanges:\n  - { at: 2027-01-31T15:00:00Z, plan: super }\n");
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,app,creator\n" + ["2027-01-02", "2027-02-27", "2027-03-29", "2027-04-29"].map((d) => `${d}T10:00:00Z,web_extraction,10,a,me`).join("\n") + "\n");
    const json = await statement(["--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")]);
    // 16:00 in Paris on the 31st: 28 February (no 31st), 31 March at 16:00 summer time (14:00Z), 30 April; the last row
    // (29 April) is in the cycle to 30 April, so no cycle of May.
    expect(cyclesOf(json).map((c: string[]) => [c[0], c[1]])).toEqual([
      ["2026-12-31T23:00:00Z", "2027-01-31T15:00:00Z"],
      ["2027-01-31T15:00:00Z", "2027-02-28T15:00:00Z"],
      ["2027-02-28T15:00:00Z", "2027-03-31T14:00:00Z"],
      ["2027-03-31T14:00:00Z", "2027-04-30T14:00:00Z"],
    ]);
  });
});

describe("redteam2: diff names a set of versions by all of them", () => {
  it("heads the table and the JSON with every version of a set, not the first one alone", async () => {
    const text = readFileSync(card("appbuilder"), "utf8");
    const next = text.replace('version: "2026-11"', 'version: "2026-12"').replace('effective: "2026-11-01"', 'effective: "2026-11-15"').replace('price: "8"  ', 'price: "10" ');
    const dir = folder({
      "app.yaml": text,
      "app2.yaml": next,
      "account.yaml": "plan: standard\nanchor: 2026-11-01\n",
      "usage.csv": "timestamp,meter,quantity,app,creator\n2026-11-02T10:00:00Z,web_extraction,10,a,me\n2026-11-20T10:00:00Z,web_extraction,10,a,me\n",
    });
    const args = ["diff", "--base", join(dir, "app.yaml"), "--card", join(dir, "app.yaml"), "--card", join(dir, "app2.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")];
    const table = await burnrate([...args, "--format", "table"]);
    expect(table.stdout).toContain("Cost diff: appbuilder 2026-11 → appbuilder 2026-11 + 2026-12\n");
    const json = JSON.parse((await burnrate([...args, "--format", "json"])).stdout);
    expect(json.card).toEqual({ file: `${join(dir, "app.yaml")} + ${join(dir, "app2.yaml")}`, provider: "appbuilder", version: "2026-11 + 2026-12" });
    expect(json.base.version).toBe("2026-11");
    // 10 at 8 before 15 November, 10 at 10 after: 80 + 100 against 160.
    expect([json.base_total, json.card_total]).toEqual([String(20 * 8), String(10 * 8 + 10 * 10)]);
  });
});

describe("redteam2: a subscription end moved later", () => {
  it("gives back the add-on credits an earlier end capped: they are spent after the first end's date", async () => {
    // Flikly Creator: 30 included credits a month; a 720p pika text-to-video generation costs 0.2 credits a second
    // (200 seconds cost 40: June's 30 included, then 10 of the 100 add-on credits; 10 seconds cost 2).
    const dir = folder({
      "account.yaml": [
        "plan: creator",
        "anchor: 2026-05-01",
        "grants:",
        "  - { kind: addon, amount: 100, at: 2026-05-02T00:00:00Z }",
        "changes:",
        "  - { at: 2026-06-10T00:00:00Z, subscription_end: 2026-06-15T00:00:00Z }",
        "  - { at: 2026-06-12T00:00:00Z, subscription_end: 2026-09-30T00:00:00Z }",
      ].join("\n") + "\n",
      "usage.csv": "timestamp,meter,quantity,workflow,model,resolution\n2026-06-05T10:00:00Z,generate,200,text_to_video,pika,720p\n2026-06-20T10:00:00Z,generate,10,text_to_video,pika,720p\n",
    });
    const june = (await statement(["--card", card("flikly"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")])).accounts[0].cycles[1];
    // The subscription now ends on 30 September: nothing lapses on 15 June, the 20 June generation is served from the add-on.
    expect(june.rejected).toEqual([]);
    expect(june.total).toBe("42");
    expect(june.grants.find((g: any) => g.kind === "addon")).toEqual({ kind: "addon", opening: "100", granted: "0", consumed: "12", expired: "0", closing: "88" });
    expect(june.timeline).toEqual([
      { at: "2026-06-10T00:00:00Z", change: "subscription_end", from: "none", to: "2026-06-15T00:00:00Z", granted: "0", removed: "0", applies_at: null, capped: "90" },
      // The 90 left (of 100, 10 spent) are capped again, now at 30 September, before their own expiry (2 May 2027).
      { at: "2026-06-12T00:00:00Z", change: "subscription_end", from: "2026-06-15T00:00:00Z", to: "2026-09-30T00:00:00Z", granted: "0", removed: "0", applies_at: null, capped: "90" },
    ]);
  });
});
