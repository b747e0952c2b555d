import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { callMeter, smallCard } from "./helpers/cards.js";

// newcomer71b M3: a vendor's invoice of usage in credits, all of it, on a card whose pool bills usage past zero in
// money (when_exhausted: overage), had each customer past its allowance "missing" an overage line, and its dollar
// figures counted those credits twice: once on the usage lines at the credit price, once as overage. A bill without an
// overage line compares none, as a bill without plan fee lines compares no fee, and says what it leaves aside.
//
// A credit is a cent (credit_price 0.01); a call costs 60; 100 are included. acme makes 3 calls: 180, 80 past zero, 0.80
// USD. bolt makes 1: 60, none past zero. On Team, a quota of 2 requests at 0.002 past it: acme's third call 0.002 more.
const CARD = smallCard({
  provider: "payg", version: "1", effective: "2026-11-01", currency: "USD", pool: "overage",
  plans: ["starter: { label: Starter, included: 100, price: 0 }", 'team: { label: Team, included: 100, price: 39, quota: { meters: [call], requests: 2, overage_price: "0.002" } }'],
  meters: [callMeter({ price: "60" })],
});

const USAGE = "timestamp,meter,quantity,account\n2026-11-02T10:00:00Z,call,1,acme\n2026-11-03T10:00:00Z,call,1,acme\n2026-11-04T10:00:00Z,call,1,acme\n2026-11-05T10:00:00Z,call,1,bolt\n";

function folder(bill: string, plan = "starter"): string {
  const dir = mkdtempSync(join(tmpdir(), "overage72-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "account.yaml"), `card: card.yaml\nplan: ${plan}\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n${["acme", "bolt"].map((a) => `  ${a}: ${plan === "team" ? "{ overage: true }" : "{}"}\n`).join("")}`);
  writeFileSync(join(dir, "usage.csv"), USAGE);
  writeFileSync(join(dir, "bill.csv"), bill);
  return dir;
}

const reconcile = (dir: string, format = "json") => burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", format], { cwd: dir });

/** The invoice of usage alone, in credits: acme's 3 calls (180), bolt's 1 (60). */
const USAGE_BILL = "period_start,account,activity,quantity,amount\n2026-11-01,acme,call,3,180\n2026-11-01,bolt,call,1,60\n";

describe("a bill of usage in credits without an overage line (newcomer71b M3)", () => {
  it("agrees with the usage: the 80 cents past acme's allowance are on its call line, and their 0.80 USD are not compared again", async () => {
    const r = await reconcile(folder(USAGE_BILL));
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect([json.status, json.differences.length, json.bill_total, json.computed_total]).toEqual(["agrees", 0, "240", "240"]);
    expect(json.money).toBeNull();
    expect(json.overage_not_compared).toEqual({ currency: "USD", computed_total: "0.8", accounts: ["acme"] });
    expect(r.stderr).toContain('burnrate: note: the bill has no overage line, so the usage\'s overage is not compared: 0.8 USD in the bill\'s cycles, of account "acme" past its allowance. A bill of usage in credits lists the credits past the allowance among its usage lines');
  });

  it("says so on the table, beside the credits it agrees on", async () => {
    const r = await reconcile(folder(USAGE_BILL), "table");
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, " ")).toContain("Overage (USD) not compared: the bill has no overage line (usage 0.8 USD, 1 account(s) past the allowance)");
    expect(r.stdout).not.toContain("missing_on_bill");
  });

  it("compares a cycle with requests past a quota all the same: their 0.002 is on top of the credits, on no usage line (red72a M1)", async () => {
    const r = await reconcile(folder(USAGE_BILL, "team"));
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.overage_not_compared).toBeUndefined();
    // The cycle's whole overage, 80 credits at 0.01 and 1 request at 0.002: a bill of both kinds of overage in one cycle
    // counts the credits on its usage lines too (docs/reconcile.md).
    expect(json.differences.map((d: { class: string; account: string; computed_amount: string }) => [d.class, d.account, d.computed_amount])).toEqual([["missing_on_bill", "acme", "0.802"]]);
  });

  it("compares the overage where the bill has an overage line: one short of acme's 0.80 is a difference", async () => {
    const r = await reconcile(folder(`${USAGE_BILL}2026-11-01,acme,Overage,80,0.7\n`));
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.overage_not_compared).toBeUndefined();
    expect(json.money).toEqual({ currency: "USD", bill_total: "0.7", computed_total: "0.8", delta: "-0.1" });
  });

  it("compares it on a bill of plan fees without usage lines, whose overage line is the usage past the allowance: a missing one is missing", async () => {
    const r = await reconcile(folder("period_start,account,activity,quantity,amount\n2026-11-01,acme,plan,1,39\n2026-11-01,bolt,plan,1,39\n", "team"));
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.overage_not_compared).toBeUndefined();
    const missing = json.differences.filter((d: { class: string }) => d.class === "missing_on_bill");
    expect(missing.map((d: { account: string; computed_amount: string }) => [d.account, d.computed_amount])).toEqual([["acme", "0.802"]]);
  });

  it("is quiet where no account went past its allowance", async () => {
    const r = await reconcile(folder("period_start,account,activity,quantity,amount\n2026-11-01,bolt,call,1,60\n"));
    const json = JSON.parse(r.stdout);
    expect(json.overage_not_compared).toBeUndefined();
    expect(r.stderr).toBe("");
  });
});
