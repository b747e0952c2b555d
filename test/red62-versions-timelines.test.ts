import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// red62: card versions and an account's changes over time, together.
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const FLIKLY = readFileSync(join(ROOT, "ratecards/flikly.yaml"), "utf8");

interface Cycle {
  start: string;
  allowance: string;
  total: string;
  grants: { kind: string; granted: string }[];
  timeline: { at: string; change: string; from: string; to: string; granted: string }[];
  rejected: unknown[];
  money: { plan: string };
}

/** The files in a folder of their own, by name; the statement's run on them. */
async function run(files: Record<string, string>, args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "red62-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return burnrate(args.map((a) => (a in files ? join(dir, a) : a)));
}

/** A card's text as another version: its version and effective lines, then each [from, to] replacement. */
function version(card: string, name: string, effective: string, edits: [string, string][] = []): string {
  let text = card.replace(/^version: .*$/m, `version: "${name}"`).replace(/^effective: .*$/m, `effective: "${effective}"`);
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`not in the card: ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

const cyclesOf = (stdout: string): Cycle[] => JSON.parse(stdout).accounts[0].cycles;

/**
 * `diff` in JSON of Floopy and a version raising Free's overage price from 0.002 to 0.004 USD, of an account on Free with
 * overage on, `bought` credits, an upgrade to Pro at `upgrade`, and `rows` of requests.
 */
function freeOverageRise(given: { bought: number; upgrade: string; rows: string }, ...flags: string[]) {
  const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
  return run(
    {
      "base.yaml": floopy,
      "new.yaml": version(floopy, "2026-12", "2026-11-01", [['requests: 1000, overage_price: "0.002"', 'requests: 1000, overage_price: "0.004"']]),
      "acct.yaml": `plan: free\noverage: true\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: ${given.bought}, at: "2026-11-01" }\nchanges:\n  - { at: "${given.upgrade}", plan: pro }\n`,
      "u.csv": `timestamp,meter,model,provider,input_tokens,output_tokens,quantity\n${given.rows}`,
    },
    ["diff", "--base", "base.yaml", "--card", "new.yaml", "--account", "acct.yaml", "--usage", "u.csv", "--format", "json", ...flags],
  );
}

/** A JSON statement of Flikly 2026-05 and withPlus(effective), of an account file and a log of `generate` rows. */
const onPlusVersion = (effective: string, account: string, rows: string) =>
  run(
    { "v1.yaml": version(FLIKLY, "2026-05", "2026-05-01"), "v2.yaml": withPlus(effective), "acct.yaml": account, "u.csv": `timestamp,meter,workflow,model,resolution,quantity\n${rows}` },
    ["statement", "--card", "v1.yaml", "--card", "v2.yaml", "--account", "acct.yaml", "--usage", "u.csv", "--format", "json"],
  );

/** Flikly as version 2026-12 from `effective`, with a plan plus (500 credits, 60 USD) the bundled card has not. */
const withPlus = (effective: string): string => {
  const custom = "  custom:\n    label: Custom";
  return version(FLIKLY, "2026-12", effective, [[custom, `  plus:\n    label: Plus\n    included: 500\n    price: 60\n${custom}`]]);
};

describe("card versions and account changes together (red62)", () => {
  it("F2: an upgrade after a version switched in mid-cycle grants the allowance of the version in force, not the first one's", async () => {
    // Version 2026-10 gives Pro 1,500 credits; 2026-11, in force from 5 November, 1,000. Free includes 100. The upgrade
    // of 10 November grants 1,000 - 100 = 900, and the cycle's allowance is 1,000, at Pro's 9 USD.
    const r = await run(
      {
        "early.yaml": version(FLIPLET, "2026-10", "2026-10-01", [["included: 1000 ", "included: 1500 "]]),
        "late.yaml": version(FLIPLET, "2026-11", "2026-11-05"),
        "acct.yaml": 'plan: free\nanchor: 2026-11-01\ntimezone: UTC\nchanges:\n  - { at: "2026-11-10", plan: pro }\n',
        "u.csv": "timestamp,meter,quantity,project\n2026-11-02T00:00:00Z,data_read,1,alpha\n",
      },
      ["statement", "--card", "early.yaml", "--card", "late.yaml", "--account", "acct.yaml", "--usage", "u.csv", "--format", "json"],
    );
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const [november] = cyclesOf(r.stdout);
    expect(november!.allowance).toBe("1000");
    expect(november!.timeline.map((t) => [t.change, t.from, t.to, t.granted])).toEqual([["plan", "free", "pro", "900"]]);
    expect(november!.money.plan).toBe("9");
  });

  it("F1: a grandfathered version switching inside a new_cycle account's own cycle grants its larger allowance there", async () => {
    // Flikly upgrades start a new cycle: Creator -> Pro on 5 November opens one from then to 5 December. Version 2026-11g
    // (applies: next_cycle, effective 10 November) switches at the anchor's calendar's next cycle start, 30 November (New
    // York), inside that cycle: Pro's 100 credits become 150, so 50 are granted then. The 100-second runway row of
    // 5 November costs 100 x 0.5 = 50; the 120-second one of 1 December 60, served from the 100 then left: 110 charged.
    const v1 = version(FLIKLY, "2026-05", "2026-05-01").replace("\nprecision:", "\nplan_changes: { upgrade: new_cycle, downgrade: at_once }\n\nprecision:");
    const v2 = version(v1, "2026-11g", "2026-11-10", [
      ["included: 100 ", "included: 150 "],
      ["price: 35 ", "price: 40 "],
    ]).replace('effective: "2026-11-10"', 'effective: "2026-11-10"\napplies: next_cycle');
    const r = await run(
      {
        "v1.yaml": v1,
        "v2.yaml": v2,
        "acct.yaml": 'account: studio\nplan: creator\nanchor: 2026-10-31\ntimezone: America/New_York\nchanges:\n  - { at: "2026-11-05T12:00:00Z", plan: pro }\n',
        "u.csv": "timestamp,meter,workflow,model,resolution,quantity\n2026-11-05T12:00:00Z,generate,text_to_video,runway,720p,100\n2026-12-01T12:00:00Z,generate,text_to_video,runway,720p,120\n",
      },
      ["statement", "--card", "v1.yaml", "--card", "v2.yaml", "--account", "acct.yaml", "--usage", "u.csv", "--format", "json"],
    );
    expect(r.code, r.stderr).toBe(0);
    const upgraded = cyclesOf(r.stdout)[1]!;
    expect(upgraded.start).toBe("2026-11-05T12:00:00Z");
    expect([upgraded.allowance, upgraded.total, upgraded.rejected.length, upgraded.money.plan]).toEqual(["150", "110", 0, "40"]);
    expect(upgraded.timeline.map((t) => [t.at, t.change, t.from, t.to, t.granted])).toContainEqual(["2026-11-30T05:00:00Z", "allowance", "100", "150", "50"]);
  });

  it("F7: a plan only a later version offers is an account's from when that version is in force", async () => {
    // Version 2026-12, in force from 15 November, adds plan plus (500 credits, 60 USD); the account starts on it on 30 November.
    const r = await onPlusVersion("2026-11-15", "account: studio\nplan: plus\nanchor: 2026-11-30\ntimezone: America/New_York\n", "2026-12-01T12:00:00Z,generate,text_to_video,pika,720p,50\n");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    // 50 seconds of pika at 0.2 a second: 10 credits.
    const [first] = cyclesOf(r.stdout);
    expect([first!.allowance, first!.total, first!.money.plan]).toEqual(["500", "10", "60"]);
  });

  it("F7: a change to a plan the version in force lacks is refused at the change, naming that version's plans", async () => {
    const r = await onPlusVersion("2026-12-15", 'account: studio\nplan: creator\nanchor: 2026-11-01\ntimezone: UTC\nchanges:\n  - { at: "2026-11-10", plan: plus }\n', "2026-11-02T12:00:00Z,generate,text_to_video,pika,720p,5\n");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/acct\.yaml:6:5: plan plus is not in version 2026-05 of the card, in force at the change \(expected a plan of version 2026-05: free, creator, pro, team, custom, found plus\)/);
  });

  it("F3, red62b F4: a plan or allowance change after the subscription ended is refused, not billed as the cycle's terms", async () => {
    for (const change of ["plan: pro", "allowance: 5000"]) {
      const r = await run(
        {
          "acct.yaml": `plan: creator\nanchor: 2026-11-01\ntimezone: UTC\nsubscription_end: 2026-11-10\nchanges:\n  - { at: "2026-11-15", ${change} }\n`,
          "u.csv": "timestamp,meter,workflow,model,resolution,quantity\n2026-11-02T00:00:00Z,generate,text_to_video,pika,720p,25\n",
        },
        ["statement", "--card", join(ROOT, "ratecards/flikly.yaml"), "--account", "acct.yaml", "--usage", "u.csv", "--format", "json"],
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`acct\\.yaml:6:5: ${change.split(":")[0]} change after the subscription ended \\(expected a change before the subscription's end \\(2026-11-10T00:00:00Z\\), or a subscription_end change before it that moves the end later`));
    }
  });

  it("F3: the same change after an end moved later first is the account's: Pro billed from its upgrade", async () => {
    // The end moves to 1 December on the 12th, so the plan still serves on the 15th: Creator's 30 credits, then Pro's 100
    // (the difference of 70 granted), Pro's 35 USD the cycle's fee.
    const r = await run(
      {
        "acct.yaml": 'plan: creator\nanchor: 2026-11-01\ntimezone: UTC\nsubscription_end: 2026-11-20\nchanges:\n  - { at: "2026-11-12", subscription_end: "2026-12-01" }\n  - { at: "2026-11-15", plan: pro }\n',
        "u.csv": "timestamp,meter,workflow,model,resolution,quantity\n2026-11-02T00:00:00Z,generate,text_to_video,pika,720p,25\n",
      },
      ["statement", "--card", join(ROOT, "ratecards/flikly.yaml"), "--account", "acct.yaml", "--usage", "u.csv", "--format", "json"],
    );
    expect(r.code, r.stderr).toBe(0);
    const [november] = cyclesOf(r.stdout);
    expect([november!.allowance, november!.money.plan]).toEqual(["100", "35"]);
    expect(november!.timeline.find((t) => t.change === "plan")?.granted).toBe("70");
  });

  it("F4: two grants expiring at one instant each show the balance after their own expiry in the ledger", async () => {
    // Creator's 30 credits and a 20-credit add-on: 50; 25 seconds of pika at 0.2 cost 5, leaving 45. At the subscription's
    // end both lapse: the included 25 leave 20, then the add-on's 20 leave 0.
    const r = await run(
      {
        "acct.yaml": 'plan: creator\nanchor: 2026-11-01\ntimezone: UTC\nsubscription_end: 2026-11-10\ngrants:\n  - { kind: addon, amount: 20, at: "2026-11-01" }\n',
        "u.csv": "timestamp,meter,workflow,model,resolution,quantity\n2026-11-02T00:00:00Z,generate,text_to_video,pika,720p,25\n",
      },
      ["statement", "--card", join(ROOT, "ratecards/flikly.yaml"), "--account", "acct.yaml", "--usage", "u.csv", "--ledger", "--format", "csv"],
    );
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const rows = r.stdout.trim().split("\n").slice(1).map((l) => l.split(","));
    expect(rows.map((c) => [c[2], c[4], c[7], c[9]])).toEqual([
      ["allowance", "included", "30", "30"],
      ["payment", "addon", "20", "50"],
      ["charge", "", "-5", "45"],
      ["expiry", "included", "-25", "20"],
      ["expiry", "addon", "-20", "0"],
    ]);
  });

  it("F5: diff measures an overage price rise on a plan the account left late in the cycle: not told as unexercised", async () => {
    // Floopy Free: 1,000 requests a month, then 0.002 USD a request with overage on; the new card makes it 0.004. The
    // 1,500 requests of 2 November pass the quota by 500 on Free (Pro only from the 25th): 1.00 USD, then 2.00.
    const r = await freeOverageRise({ bought: 1000, upgrade: "2026-11-25", rows: "2026-11-02T12:00:00Z,request,gpt-4o-mini,openai,1000,0,1500\n" });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.unmeasured_rises).toEqual([]);
    expect(r.stderr).not.toContain("no gate measured it");
  });

  it("newcomer62 M5: a later version given alone to diff, effective inside the usage's cycles, is said to price it whole", async () => {
    const files = {
      "base.yaml": FLIPLET,
      "new.yaml": version(FLIPLET, "2026-12", "2026-11-16", [['price: "0.05"             # "0.05 per write"', 'price: "0.1"']]),
      "acct.yaml": "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n",
      "u.csv": "timestamp,meter,quantity,project\n2026-11-02T00:00:00Z,data_write,10,alpha\n2026-11-20T00:00:00Z,data_write,10,alpha\n",
    };
    const alone = await run(files, ["diff", "--base", "base.yaml", "--card", "new.yaml", "--account", "acct.yaml", "--usage", "u.csv", "--format", "json"]);
    expect(alone.code).toBe(0);
    expect(alone.stderr).toMatch(/^burnrate: note: .*new\.yaml:9:12: the new card, a later version than the base, is given alone, so it prices the whole usage, before its effective: 2026-11-16 too; /);
    const out = JSON.parse(alone.stdout);
    expect(out.effective_not_applied).toMatchObject({ effective: "2026-11-16", at: "2026-11-16T00:00:00Z", line: 9, column: 12 });
    // Alone, both rows at the new 0.1: 20 x (0.1 - 0.05) = +1 credit; as versions, the row of the 20th alone: +0.5.
    expect(out.total_delta).toBe("1");
    const markdown = await run(files, ["diff", "--base", "base.yaml", "--card", "new.yaml", "--account", "acct.yaml", "--usage", "u.csv", "--format", "markdown"]);
    expect(markdown.stdout).toContain("**Note.** the new card, a later version than the base, is given alone");
    const both = await run(files, ["diff", "--base", "base.yaml", "--card", "base.yaml", "--card", "new.yaml", "--account", "acct.yaml", "--usage", "u.csv", "--format", "json"]);
    expect([both.code, both.stderr]).toEqual([0, ""]);
    expect(JSON.parse(both.stdout)).toMatchObject({ effective_not_applied: null, total_delta: "0.5" });
  });

  // red62b: the same rules at the anchor, and for an account the file does not name.
  it("red62b F1: a plan change at the anchor is to the version in force there: a plan it lacks refused, another at its allowance", async () => {
    const plus = "  pro:\n    label: Pro";
    const files = {
      "v1.yaml": version(FLIPLET, "2026-10", "2026-10-01", [["included: 1000 ", "included: 1500 "]]),
      "v2.yaml": version(FLIPLET, "2026-11", "2026-11-01"),
      "v3.yaml": version(FLIPLET, "2026-12", "2026-12-15", [[plus, `  plus:\n    label: Plus\n    included: 5000\n    price: 40\n${plus}`]]),
      "pro.yaml": 'plan: free\nanchor: 2026-11-01\ntimezone: UTC\nchanges:\n  - { at: "2026-11-01", plan: pro }\n',
      "plus.yaml": 'plan: free\nanchor: 2026-11-01\ntimezone: UTC\nchanges:\n  - { at: "2026-11-01", plan: plus }\n',
      "u.csv": "timestamp,meter,quantity,project\n2026-11-02T00:00:00Z,data_read,1,alpha\n",
    };
    // Version 2026-11 is in force from the anchor: Pro's 1,000 credits, not the 1,500 of the version before it.
    const pro = await run(files, ["statement", "--card", "v1.yaml", "--card", "v2.yaml", "--account", "pro.yaml", "--usage", "u.csv", "--format", "json"]);
    expect([pro.code, pro.stderr]).toEqual([0, ""]);
    expect(cyclesOf(pro.stdout)[0]!.allowance).toBe("1000");
    const plusRun = await run(files, ["statement", "--card", "v2.yaml", "--card", "v3.yaml", "--account", "plus.yaml", "--usage", "u.csv", "--format", "json"]);
    expect(plusRun.code).toBe(2);
    expect(plusRun.stderr).toMatch(/plus\.yaml:5:5: plan plus is not in version 2026-11 of the card, in force at the change/);
  });

  it("red62b F2: an account the file does not name opens at the anchor on the version then, and is brought through a later switch", async () => {
    // Version 2026-10 gives Pro 1,000 credits; 2026-11m, from 16 November, 2,000, on a card that prorates upgrades: the
    // switch grants 1,000 x 15/30 = 500 of November's 30 days. The account's first row is on the 20th, after the switch.
    const prorated = (text: string) => text.replace("\nprecision:", "\nplan_changes: { upgrade: prorated }\n\nprecision:");
    const r = await run(
      {
        "r1.yaml": prorated(version(FLIPLET, "2026-10", "2026-10-01")),
        "r2.yaml": prorated(version(FLIPLET, "2026-11m", "2026-11-16", [["included: 1000 ", "included: 2000 "]])),
        "acct.yaml": "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n",
        "u.csv": "timestamp,meter,quantity,project\n2026-11-20T00:00:00Z,data_read,1,alpha\n",
      },
      ["statement", "--card", "r1.yaml", "--card", "r2.yaml", "--account", "acct.yaml", "--usage", "u.csv", "--format", "json"],
    );
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const [november] = cyclesOf(r.stdout);
    expect(november!.grants.find((g) => g.kind === "included")).toMatchObject({ opening: "1000", granted: "500" });
    expect(november!.timeline.map((t) => [t.at, t.change, t.from, t.to, t.granted])).toEqual([["2026-11-16T00:00:00Z", "allowance", "1000", "2000", "500"]]);
  });


  it("red62c F1: an overage price rise on a plan whose quota the cycle never passed is unmeasured, though another plan's was", async () => {
    // Free (1,000 requests) until 2 November: 10 requests. Then Pro (50,000): 60,000 more, 10,010 past Pro's quota. Free's
    // overage price rises; no request was billed at it, so no gate measures it, and --fail-on-unmeasured fails (exit 1).
    const r = await freeOverageRise({ bought: 100000, upgrade: "2026-11-02", rows: "2026-11-01T12:00:00Z,request,gpt-4o-mini,openai,1000,0,10\n2026-11-10T12:00:00Z,request,gpt-4o-mini,openai,1000,0,60000\n" }, "--fail-on-unmeasured");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).unmeasured_rises.map((c: { path: string }) => c.path)).toEqual(["plans.free.quota.overage_price"]);
  });

  it("red62c F2: a creator shown its rewards only, first seen after a version switch, shows no allowance change of a plan it is not on", async () => {
    const appbuilder = readFileSync(join(ROOT, "ratecards/appbuilder.yaml"), "utf8");
    const r = await run(
      {
        "v1.yaml": version(appbuilder, "2026-09", "2026-09-01"),
        "v2.yaml": version(appbuilder, "2026-11x", "2026-11-10", [["included: 2000", "included: 3000"]]),
        "a.yaml": "plan: standard\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  carol: { plan: super }\n",
        "u.csv": "timestamp,account,meter,app,creator,tier,input_tokens,output_tokens\n2026-11-13T09:00:00Z,carol,app_request,recipes,zed,standard,2000,1000\n",
      },
      ["statement", "--card", "v1.yaml", "--card", "v2.yaml", "--account", "a.yaml", "--usage", "u.csv", "--format", "json"],
    );
    expect(r.code, r.stderr).toBe(0);
    const zed = (JSON.parse(r.stdout).accounts as { account: string; rewards_only?: boolean; cycles: Cycle[] }[]).find((a) => a.account === "zed")!;
    expect(zed.rewards_only).toBe(true);
    expect(zed.cycles.map((c) => [c.allowance, c.timeline])).toEqual([["0", undefined]]);
  });

  it("red62c F3: a plan change at the anchor of a subscription ended by then is refused; one before the end is the first cycle's plan", async () => {
    const files = (end: string) => ({
      "acct.yaml": `plan: free\nanchor: 2026-11-01\ntimezone: UTC\nsubscription_end: ${end}\nchanges:\n  - { at: "2026-11-01", plan: pro }\n`,
      "u.csv": "timestamp,meter,quantity,project\n2026-11-02T00:00:00Z,data_read,1,alpha\n",
    });
    const args = ["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--account", "acct.yaml", "--usage", "u.csv", "--format", "json"];
    const ended = await run(files("2026-11-01T00:00:00Z"), args);
    expect(ended.code).toBe(2);
    expect(ended.stderr).toMatch(/acct\.yaml:6:5: plan change after the subscription ended/);
    // red62e F3: an allowance there too, even Pro's own 1,000, as an allowance after the end is.
    const allowance = await run({ ...files("2026-11-01T00:00:00Z"), "acct.yaml": 'plan: pro\nanchor: 2026-11-01\ntimezone: UTC\nsubscription_end: 2026-11-01T00:00:00Z\nchanges:\n  - { at: "2026-11-01", allowance: 1000 }\n' }, args);
    expect(allowance.code).toBe(2);
    expect(allowance.stderr).toMatch(/acct\.yaml:6:5: allowance change after the subscription ended/);
    // Ending on the 20th, Pro serves from the anchor: its 1,000 credits and 9 USD.
    const serving = await run(files("2026-11-20T00:00:00Z"), args);
    expect([serving.code, serving.stderr]).toEqual([0, ""]);
    expect(cyclesOf(serving.stdout)[0]).toMatchObject({ allowance: "1000", money: { plan: "9" } });
  });

  it("red62e F1: an overage price rise in a version that billed none of the cycle's overage is unmeasured", async () => {
    // Free's 1,500 requests of 2 November pass its 1,000 by 500, under version 2026-11a; 2026-11b, from the 15th, prices
    // none of them. A rise in 2026-11b's overage price is measured by nothing; one in 2026-11a's is the money's +1.00 USD.
    const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
    const rise = (text: string) => text.replace('requests: 1000, overage_price: "0.002"', 'requests: 1000, overage_price: "0.004"');
    const files = {
      "a.yaml": version(floopy, "2026-11a", "2026-11-01"),
      "b.yaml": version(floopy, "2026-11b", "2026-11-15"),
      "a-rise.yaml": rise(version(floopy, "2026-11a", "2026-11-01")),
      "b-rise.yaml": rise(version(floopy, "2026-11b", "2026-11-15")),
      "acct.yaml": 'plan: free\noverage: true\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01" }\n',
      "u.csv": "timestamp,meter,model,provider,input_tokens,output_tokens,quantity\n2026-11-02T12:00:00Z,request,gpt-4o-mini,openai,1000,0,1500\n",
    };
    const diff = (a: string, b: string) => run(files, ["diff", "--base", "a.yaml", "--base", "b.yaml", "--card", a, "--card", b, "--account", "acct.yaml", "--usage", "u.csv", "--format", "json", "--fail-on-unmeasured"]);
    const later = await diff("a.yaml", "b-rise.yaml");
    expect(later.code).toBe(1);
    expect(JSON.parse(later.stdout).unmeasured_rises.map((c: { path: string }) => c.path)).toEqual(["plans.free.quota.overage_price"]);
    // red62f F4: said of the version, as the earlier one billed Free's overage.
    expect(later.stderr).toContain("on plan free's overage under version 2026-11b, in force from 2026-11-15, which bills none of the usage's");
    const billing = await diff("a-rise.yaml", "b.yaml");
    expect(billing.code, billing.stderr).toBe(0);
    expect(JSON.parse(billing.stdout).unmeasured_rises).toEqual([]);
  });

  it("red62f F3: the Markdown ledger's separator row has as many cells as its head, with and without the Uncovered column", async () => {
    const r = await run(
      { "acct.yaml": "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n", "u.csv": "timestamp,meter,quantity,project\n2026-11-02T00:00:00Z,data_read,1,alpha\n" },
      ["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--account", "acct.yaml", "--usage", "u.csv", "--ledger", "--format", "markdown"],
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    const head = lines.findIndex((l) => l.startsWith("| At |"));
    const cells = (line: string) => line.split("|").length;
    expect(cells(lines[head + 1]!)).toBe(cells(lines[head]!));
  });
});

describe("red62 F6: what a card refuses of a token-priced meter is worth its rows' tokens", () => {
  // Floopy's Free with 1,000 cents bought; the new version cuts Free's quota from 1,000 requests to 500. Two gpt-4o-mini
  // rows at 0.000015 cents an input token: 900 requests of 1,000,000 tokens (15 cents), then 200 of 1,000 (0.015).
  // The base card serves the first and refuses the second (1,100 past 1,000); the new card refuses the first (900 past
  // 500) and serves the second. Refused, at the base card's prices: 0.015 → 15 cents. Before, the base card's refusal
  // was read at the meter's average, 15 / 900 x 200 = 3.3333, and the new card's as that plus the change, 18.3183.
  it("gives each card's refusals their own rows' worth, not the meter's average per request", async () => {
    const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
    const out = await run(
      {
        "base.yaml": floopy,
        "new.yaml": version(floopy, "2026-12", "2026-11-01", [["requests: 1000, overage_price", "requests: 500, overage_price"]]),
        "acct.yaml": "plan: free\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 1000, at: \"2026-11-01\" }\n",
        "u.csv": "timestamp,meter,model,provider,input_tokens,output_tokens,quantity\n2026-11-02T12:00:00Z,request,gpt-4o-mini,openai,1000000,0,900\n2026-11-03T12:00:00Z,request,gpt-4o-mini,openai,1000,0,200\n",
      },
      ["diff", "--base", "base.yaml", "--card", "new.yaml", "--account", "acct.yaml", "--usage", "u.csv", "--format", "json"],
    );
    const refused = JSON.parse(out.stdout).refused;
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ old_quantity: "200", new_quantity: "900", worth: { old: "0.015", new: "15", delta: "14.985", priced_by: "base" } });
  });
});
