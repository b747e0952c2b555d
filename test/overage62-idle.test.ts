import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { callCard } from "./helpers/payg.js";

// newcomer62 M3: `overage: true` acts on a plan's request quota alone. On a card whose plans have none (the app
// builder's) it was shown as "Overage billing off → on" and changed nothing: the requests were refused when the
// credits ran out, with no word why. It is warned of at the key, and the run is unchanged.

const APPBUILDER = join(ROOT, "ratecards/appbuilder.yaml");

/** The place of `value` on line `line` (1-based) of `text`: the column its first character is at. */
function place(text: string, line: number, value: string): string {
  return `${line}:${text.split("\n")[line - 1]!.indexOf(value) + 1}`;
}

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "overage62-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

// Standard tier: 400,000 input tokens at 0.002 and 200,000 output at 0.006 are 800 + 1,200 = 2,000 credits, all of
// Standard's 2,000 included: the first request takes them, the next two find none.
const USAGE = [
  "timestamp,meter,app,creator,tier,web_search,input_tokens,output_tokens,quantity",
  "2026-11-05T09:00:00Z,app_request,recipes,alice,standard,false,400000,200000,1",
  "2026-11-12T09:00:00Z,app_request,recipes,alice,standard,false,400000,200000,1",
  "2026-11-15T09:00:00Z,app_request,recipes,alice,standard,false,400000,200000,1",
  "",
].join("\n");

const PROBE = `card: ${APPBUILDER}\naccount: alice\nplan: standard\nanchor: 2026-11-01\noverage: false\nchanges:\n  - { at: 2026-11-10, overage: true }\n`;

const warning = (at: string, whose: string, others: string, pools: string, card: string) =>
  `burnrate: warning: account.yaml:${at}: overage: true bills nothing on ${card}: it lets requests past a plan's request quota (quota: in the card) through, billed in money, and ${whose} (${others}); usage past the credits follows its pool's when_exhausted: (${pools}), which overage: does not change`;

describe("overage: true on plans with no request quota", () => {
  it("is warned of at the dated change on the app builder's card, the run unchanged: 2 requests refused, no overage", async () => {
    const d = dir({ "account.yaml": PROBE, "usage.csv": USAGE });
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`${warning(place(PROBE, 7, "true"), 'plan "standard" has no quota', "no plan of the card has one", "ai: block", "appbuilder 2026-11")}\n`);
    const cycle = JSON.parse(r.stdout).accounts.find((a: { account: string }) => a.account === "alice").cycles[0];
    expect(cycle.rejected.map((x: { reason: string; events: number }) => [x.reason, x.events])).toEqual([["credits exhausted", 2]]);
    expect([cycle.overage.requests, cycle.overage.amount]).toEqual(["0", "0"]);
  });

  it("is warned of by diff, which reads the same account file", async () => {
    const d = dir({ "account.yaml": PROBE, "usage.csv": USAGE });
    const r = await burnrate(["diff", "--base", APPBUILDER, "--card", APPBUILDER, "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(warning(place(PROBE, 7, "true"), 'plan "standard" has no quota', "no plan of the card has one", "ai: block", "appbuilder 2026-11"));
  });

  // A card of two plans: Basic has no quota, Metered 2 requests a month at 0.5 USD each past it; a call is 1 credit.
  const TWO_PLANS = callCard({
    provider: "two",
    policy: "block",
    plan: 'basic: { label: Basic, included: 100, price: 0 }\n  metered: { label: Metered, included: 100, price: 0, quota: { meters: [call], requests: 2, overage_price: "0.5" } }',
    price: "1",
  });
  const calls = (accounts: string[]) => ["timestamp,meter,quantity,account", ...accounts.flatMap((a) => [1, 2, 3].map((day) => `2026-11-0${day}T10:00:00Z,call,1,${a}`)), ""].join("\n");

  it("names the card's plans that have a quota, and says nothing of an account on one of them", async () => {
    const account = "card: card.yaml\naccount: own\nplan: basic\nanchor: 2026-11-01\noverage: true\naccounts:\n  meter: { plan: metered, overage: true }\n";
    const d = dir({ "card.yaml": TWO_PLANS, "account.yaml": account, "usage.csv": calls(["own", "meter"]) });
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`${warning(place(account, 5, "true"), 'plan "basic" has no quota', 'the card\'s plans with one: "metered"', "p: block", "two 1")}\n`);
    // Metered's 3rd call is past its quota of 2 and billed, 1 x 0.5 USD: its overage is not idle.
    const meter = JSON.parse(r.stdout).accounts.find((a: { account: string }) => a.account === "meter").cycles[0];
    expect([meter.overage.requests, meter.overage.amount]).toEqual(["1", "0.5"]);
  });

  it("says nothing where the account moves to a plan with a quota, nor of overage: false", async () => {
    const account = "card: card.yaml\naccount: own\nplan: basic\nanchor: 2026-11-01\noverage: true\nchanges:\n  - { at: 2026-11-02, plan: metered }\naccounts:\n  off: { overage: false }\n";
    const d = dir({ "card.yaml": TWO_PLANS, "account.yaml": account, "usage.csv": calls(["own", "off"]) });
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: d });
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });

  it("gives one warning for several keys, at the first, with the others' places", async () => {
    const account = [
      "card: card.yaml",
      "account: own",
      "plan: basic",
      "anchor: 2026-11-01",
      "overage: true",
      "changes:",
      "  - { at: 2026-11-02, account: bob, overage: true }",
      "accounts:",
      "  bob: { plan: basic }",
      "  cleo: { overage: true }",
      "  dan: { overage: true }",
      "  eve: { overage: true }",
      "",
    ].join("\n");
    const d = dir({ "card.yaml": TWO_PLANS, "account.yaml": account, "usage.csv": calls(["own"]) });
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: d });
    expect(r.code).toBe(0);
    const others = `${place(account, 7, "true")}, ${place(account, 10, "true")}, ${place(account, 11, "true")} and 1 more`;
    expect(r.stderr).toBe(`${warning(place(account, 5, "true"), 'plan "basic" has no quota', 'the card\'s plans with one: "metered"', "p: block", "two 1")}; so does the file's overage: true at ${others}\n`);
  });

  it("says nothing on Floopy's card, whose plans have quotas", async () => {
    const r = await burnrate(["statement", "--account", "fixtures/floopy/account.yaml", "--usage", "fixtures/floopy/gateway.csv", "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });
});
