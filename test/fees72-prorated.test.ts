import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { callMeter, smallCard } from "./helpers/cards.js";

// newcomer72a M2 and L5: an invoice that prorates an upgrade's fee, and a fee billed after the subscription ended.
// Starter is 29 USD, Growth 99. acme upgrades on October 14 at 00:00 UTC: 13 of October's 31 days on Starter, 18 on
// Growth. Prorated by time: 29 x 13/31 + 99 x 18/31 = (377 + 1782) / 31 = 2159 / 31 = 69.645161..., billed 69.65.
const CARD = smallCard({
  provider: "quill", version: "1", effective: "2026-09-01", currency: "USD", top: ["plan_changes: { upgrade: prorated, downgrade: next_cycle }"],
  plans: ["starter: { label: Starter, included: 500, price: 29 }", "growth: { label: Growth, included: 2000, price: 99 }"],
  meters: [callMeter()],
});

const USAGE = "timestamp,meter,quantity\n2026-09-02T10:00:00Z,call,1\n2026-10-02T10:00:00Z,call,1\n2026-11-02T10:00:00Z,call,1\n";

function folder(bill: string, changes = "  - { at: 2026-10-14T00:00:00Z, plan: growth }\n"): string {
  const dir = mkdtempSync(join(tmpdir(), "fees72-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "account.yaml"), `card: card.yaml\naccount: acme\nplan: starter\nanchor: 2026-09-01\ntimezone: UTC\nchanges:\n${changes}`);
  writeFileSync(join(dir, "usage.csv"), USAGE);
  writeFileSync(join(dir, "bill.csv"), bill);
  writeFileSync(join(dir, "bill.csv.mapping.yaml"), "activities:\n  Plan fee: plan\n");
  return dir;
}

const reconcile = async (dir: string) => {
  const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
  return { ...r, json: JSON.parse(r.stdout) };
};

const fees = (october: string) => `period_start,account,activity,quantity,amount\n2026-09-01,acme,Plan fee,1,29\n2026-10-01,acme,Plan fee,1,${october}\n2026-11-01,acme,Plan fee,1,99\n`;

describe("a plan fee prorated by the bill (newcomer72a M2)", () => {
  it("says the bill prorates October's fees by the days each plan was in force: 13 days of 29 and 18 of 99, 69.645161 rounded to 69.65", async () => {
    const r = await reconcile(folder(fees("69.65")));
    expect(r.code).toBe(1);
    const [october] = r.json.differences;
    expect([october.class, october.bill_amount, october.computed_amount]).toEqual(["rate_drift", "69.65", "99"]);
    expect(october.explanation).toContain("the plan changed during the cycle (growth from 2026-10-14T00:00:00Z), and the bill prorates the fees by the time each plan was in force: starter's 29 for 13, growth's 99 for 18 of its 31 days, 69.645161 USD rounded");
    expect(october.explanation).not.toContain("out of date");
  });

  it("reads a fee the prorated one does not round to as before: 69.64 (cut, not rounded) and 70, the card out of date", async () => {
    expect((await reconcile(folder(fees("69.64")))).json.differences[0].explanation).not.toContain("prorates");
    const seventy = (await reconcile(folder(fees("70")))).json.differences[0];
    expect(seventy.explanation).not.toContain("prorates");
    expect(seventy.explanation).toContain("the card may be out of date");
  });

  it("says nothing of proration in a cycle whose plan did not change: September billed 20 is a drift of its own", async () => {
    const r = await reconcile(folder(fees("69.65").replace("2026-09-01,acme,Plan fee,1,29", "2026-09-01,acme,Plan fee,1,20")));
    const september = r.json.differences.find((d: { cycle: string }) => d.cycle.startsWith("2026-09"));
    expect(september.explanation).not.toContain("prorates");
  });
});

describe("what proration is not said of (red72a M3, M4, L3)", () => {
  it("a subscription that ended in the cycle: the plans served to its end, 29 x 13/31 + 99 x 6/31 = 971/31 = 31.32", async () => {
    const changes = "  - { at: 2026-10-14T00:00:00Z, plan: growth }\n  - { at: 2026-10-20T00:00:00Z, subscription_end: 2026-10-20T00:00:00Z }\n";
    const ended = (await reconcile(folder(fees("31.32"), changes))).json.differences.find((d: { cycle: string }) => d.cycle.startsWith("2026-10"));
    expect(ended.explanation).toContain("the bill prorates the fees by the time each plan was in force, to the subscription's end at 2026-10-20T00:00:00Z: starter's 29 for 13, growth's 99 for 6 of its 31 days");
    // The 69.65 of the plans to the cycle's end is no proration of a subscription that ended on the 20th.
    const whole = (await reconcile(folder(fees("69.65"), changes))).json.differences.find((d: { cycle: string }) => d.cycle.startsWith("2026-10"));
    expect(whole.explanation).not.toContain("prorates");
  });

  it("a bill of 0 is no prorated fee", async () => {
    const zero = (await reconcile(folder(fees("0")))).json.differences.find((d: { cycle: string }) => d.cycle.startsWith("2026-10"));
    expect(zero.explanation).not.toContain("prorates");
  });
});

describe("a fee billed after the subscription ended (newcomer72a L5)", () => {
  it("is missing_in_usage with its reason, and no note calls it a row dated in the wrong period for repeating the month before", async () => {
    const dir = folder(fees("99"), "  - { at: 2026-10-14T00:00:00Z, plan: growth }\n  - { at: 2026-10-20T00:00:00Z, subscription_end: 2026-10-20T00:00:00Z }\n");
    const r = await reconcile(dir);
    const november = r.json.differences.find((d: { cycle: string }) => d.cycle.startsWith("2026-11"));
    expect(november.class).toBe("missing_in_usage");
    expect(november.explanation).toContain("the subscription ended 2026-10-20T00:00:00Z, before this cycle: it owes no fee");
    expect(r.stderr).not.toContain("dated in the wrong period");
  });
});
