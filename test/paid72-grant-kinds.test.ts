import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { giftsCard } from "./helpers/cards.js";
import { folderMaker } from "./helpers/gateway-logs.js";

// newcomer72a H1: a support engineer's goodwill promo of 300 credits was billed at the card's credit_price as credits
// bought: acme's November read 102.60 where Pro's fee alone is 99.00 (300 x 0.012 = 3.60), with no word. A grant kind
// now says `paid: false` when its credits are given, not sold. Every figure below is worked out by hand from the card:
// Pro 99 USD with 1,000 credits included, a call 2 credits, a credit 0.012 USD.
const folder = folderMaker("paid72-");

/** The card, its promo given free (`paid: false`) or left to the default (paid), with other grant kinds after it. */
function card(promo = "paid: false", more = ""): string {
  return giftsCard({ promo: promo === "" ? "" : `, ${promo}`, more });
}

const PROMO = '  - { account: acme, kind: promo, amount: 300, at: "2026-11-05T00:00:00Z" }\n';
const TOPUP = '  - { account: acme, kind: topup, amount: 200, at: "2026-11-06T00:00:00Z" }\n';

function account(grants = PROMO, cardFile = "card.yaml"): string {
  return `card: ${cardFile}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n${grants}`;
}

// 100 calls on Nov 10: 200 credits, drawn from the promo first (priority 0), which keeps 100.
const USAGE = "timestamp,meter,quantity\n2026-11-10T10:00:00Z,call,100\n";

async function json(args: string[], cwd: string) {
  const r = await burnrate([...args, "--format", "json"], { cwd });
  expect([r.code, r.stderr]).toEqual([0, ""]);
  return JSON.parse(r.stdout);
}

describe("a grant kind given free (paid: false)", () => {
  it("bills acme Pro's 99.00, not 102.60: the 300 promo credits are no credits bought", async () => {
    const dir = folder({ "card.yaml": card(), "account.yaml": account(), "usage.csv": USAGE });
    const [cycle] = (await json(["statement", "--account", "account.yaml", "--usage", "usage.csv"], dir)).accounts[0].cycles;
    expect(cycle.money).toEqual({ currency: "USD", plan: "99", credits_bought: "0", bought: "0", overage: "0", total: "99" });
    // Its credits are spent as any grant's: 300 granted, 200 drawn, 100 left.
    expect(cycle.grants.find((g: { kind: string }) => g.kind === "promo")).toEqual({ kind: "promo", opening: "0", granted: "300", consumed: "200", expired: "0", closing: "100" });
    // The table and the CSV have no "Credits bought" row: 99.00 is the whole of the money.
    const table = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "table", "--no-chart"], { cwd: dir });
    expect(table.stdout).not.toContain("Credits bought");
    expect(table.stdout).toMatch(/Money \(USD\)\n\s+Item\s+Credits\s+Amount\n\s+Plan\s+99\.00\n\s+Total\s+99\.00\n/);
    // Nor do the CSV, the Markdown and the HTML report, which have the row where the promo is left paid (below).
    const paid = folder({ "card.yaml": card(""), "account.yaml": account(), "usage.csv": USAGE });
    for (const format of ["csv", "markdown", "html"]) {
      const given = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", format], { cwd: dir });
      const sold = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", format], { cwd: paid });
      expect([format, /credits.bought/i.test(given.stdout), /credits.bought/i.test(sold.stdout)]).toEqual([format, false, true]);
    }
  });

  it("beside a top-up that is bought: 200 x 0.012 = 2.40, 101.40 in all (with the promo paid, 500 x 0.012 = 6.00, 105.00)", async () => {
    const dir = folder({ "card.yaml": card(), "paid.yaml": card(""), "account.yaml": account(PROMO + TOPUP), "account-paid.yaml": account(PROMO + TOPUP, "paid.yaml"), "usage.csv": USAGE });
    const free = (await json(["statement", "--account", "account.yaml", "--usage", "usage.csv"], dir)).accounts[0].cycles[0].money;
    expect([free.credits_bought, free.bought, free.total]).toEqual(["200", "2.4", "101.4"]);
    // The default is paid, as before: what the card says without paid:.
    const paid = (await json(["statement", "--account", "account-paid.yaml", "--usage", "usage.csv"], dir)).accounts[0].cycles[0].money;
    expect([paid.credits_bought, paid.bought, paid.total]).toEqual(["500", "6", "105"]);
  });

  it("is judged by the version in force when granted: 300 under a version that sells it (3.60), 100 under one that gives it (nothing)", async () => {
    // Version 2 from Nov 15 gives the promo free; the cycle ends under it, but the Nov 5 grant was sold under version 1.
    const v2 = card().replace('version: "1"', 'version: "2"').replace('effective: "2026-11-01"', 'effective: "2026-11-15"');
    const grants = `${PROMO}  - { account: acme, kind: promo, amount: 100, at: "2026-11-20T00:00:00Z" }\n`;
    const dir = folder({ "v1.yaml": card(""), "v2.yaml": v2, "account.yaml": account(grants, "v1.yaml"), "usage.csv": USAGE });
    const money = (await json(["statement", "--card", "v1.yaml", "--card", "v2.yaml", "--account", "account.yaml", "--usage", "usage.csv"], dir)).accounts[0].cycles[0].money;
    expect([money.credits_bought, money.bought, money.total]).toEqual(["300", "3.6", "102.6"]);
  });
});

describe("reconcile: a bill that itemises the top-up and not the promo", () => {
  it("agrees: computed credits bought are the top-up's 200 at 0.012 = 2.40, as billed, the promo's 300 not among them", async () => {
    // The invoice: 100 calls (200 credits), Pro's fee, and the top-up: 200 credits for 2.40 USD. No line for the promo.
    const bill = "period_start,activity,quantity,amount\n2026-11-01,Calls,100,200\n2026-11-01,Pro plan,1,99\n2026-11-01,Top-up,200,2.4\n";
    const dir = folder({ "card.yaml": card(), "account.yaml": account(PROMO + TOPUP), "usage.csv": USAGE, "bill.csv": bill, "bill.csv.mapping.yaml": "activities: { Calls: call, Pro plan: plan, Top-up: credits_bought }\n" });
    const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const out = JSON.parse(r.stdout);
    expect(out.differences).toEqual([]);
    expect(out.status).toBe("agrees");
  });
});

describe("diff of a card that turns paid: false on", () => {
  it("drops the money by exactly the promo's worth, 300 x 0.012 = 3.60: 102.60 to 99.00, and the 200 credits drawn from it are no longer paid ones", async () => {
    const dir = folder({ "old.yaml": card(""), "new.yaml": card(), "account.yaml": account(PROMO, "old.yaml"), "usage.csv": USAGE });
    const d = await json(["diff", "--base", "old.yaml", "--card", "new.yaml", "--account", "account.yaml", "--usage", "usage.csv"], dir);
    expect([d.money.base_total, d.money.card_total, d.money.total_delta]).toEqual(["102.6", "99", "-3.6"]);
    expect(d.money.changes.find((c: { item: string }) => c.item === "bought")).toMatchObject({ old: "3.6", new: "0", delta: "-3.6" });
    // 200 promo credits drawn, worth 200 x 0.012 = 2.40 as bought, nothing as given.
    expect(d.money.paid_credits_drawn).toMatchObject({ old: "200", new: "0" });
    expect(d.money.paid_credits_worth).toMatchObject({ old: "2.4", new: "0" });
  });

  it("counts a free kind's credits lost to a shorter expiry as no paid credits, worth nothing", async () => {
    // Both cards give the promo free; the new one ends it with its cycle. November: 300 - 200 = 100 lapse on Dec 1
    // under the new card, none under the old (after_months: 1, from Nov 5 to Dec 5). Read as bought, they were
    // 100 paid credits worth 100 x 0.012 = 1.20.
    const usage = `${USAGE}2026-12-02T10:00:00Z,call,1\n`;
    const short = card().replace("expires: { after_months: 1 }, paid: false", "expires: cycle_end, paid: false");
    const dir = folder({ "old.yaml": card(), "new.yaml": short, "account.yaml": account(PROMO, "old.yaml"), "usage.csv": usage });
    const r = await burnrate(["diff", "--base", "old.yaml", "--card", "new.yaml", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.credits_lost).toMatchObject({ old: "0", new: "100", paid: { old: "0", new: "0" }, paid_worth: { old: "0", new: "0" } });
    expect(d.expired[0]).toMatchObject({ kind: "promo", paid: false, old: "0", new: "100", worth: null });
  });
});

describe("diff of a later version that makes a kind free or paid, which prices none of the usage", () => {
  // Version 2 from Dec 15, after the usage's one row on Nov 10: the replay measures nothing of it.
  const later = (text: string) => text.replace('version: "1"', 'version: "2"').replace('effective: "2026-11-01"', 'effective: "2026-12-15"');

  it("passes --fail-on-unmeasured where the kind is made free (it gives more), and names the kind made paid again (it bills more)", async () => {
    const dir = folder({ "paid.yaml": card(""), "free.yaml": card(), "v2-free.yaml": later(card()), "v2-paid.yaml": later(card("")), "account.yaml": account(PROMO, "paid.yaml"), "usage.csv": USAGE });
    const free = await burnrate(["diff", "--base", "paid.yaml", "--card", "paid.yaml", "--card", "v2-free.yaml", "--account", "account.yaml", "--usage", "usage.csv", "--fail-on-unmeasured", "--format", "json"], { cwd: dir });
    expect([free.code, JSON.parse(free.stdout).unmeasured_rises]).toEqual([0, []]);
    const paid = await burnrate(["diff", "--base", "free.yaml", "--card", "free.yaml", "--card", "v2-paid.yaml", "--account", "account.yaml", "--usage", "usage.csv", "--fail-on-unmeasured", "--format", "json"], { cwd: dir });
    expect(paid.code).toBe(1);
    expect(JSON.parse(paid.stdout).unmeasured_rises).toMatchObject([{ change: "removed", path: "grant_kinds.promo.paid", old: "false", card_version: "2" }]);
  });
});

describe("simulate never buys a kind given free", () => {
  // Flowly-like: bonus is the only kind a customer could buy. An hourly call through November is 720 calls, 1,440
  // credits; Pro's 1,000 cover 500 of them.
  const bonusCard = (paid: string) => card().replace("  promo: { priority: 0, expires: { after_months: 1 }, paid: false }\n  topup: { priority: 2, expires: never }\n", `  bonus: { priority: 2, expires: never${paid} }\n`);
  const scenario = (cardFile: string) => `name: hourly sync\ncard: ${cardFile}\nplan: pro\nstart: 2026-11-01\ncycles: 1\ntimezone: UTC\nschedules:\n  - { name: sync, meter: call, every: hour }\n`;

  it("leaves the 220 calls past the allowance refused, and the money Pro's 99, where bonus says paid: false; bought where it is paid", async () => {
    const dir = folder({ "card.yaml": bonusCard(", paid: false"), "s.yaml": scenario("card.yaml") });
    const [pro] = (await json(["simulate", "s.yaml"], dir)).plans;
    expect([pro.purchase, pro.money, pro.topup_needed]).toEqual([null, "99", "0"]);
    expect(pro.cycles[0].rejected).toMatchObject([{ meter: "call", events: 220 }]);
    // Paid (the default): the 440 credits short are bought as bonus credits, 440 x 0.012 = 5.28, 104.28 in all.
    const sold = folder({ "card.yaml": bonusCard(""), "s.yaml": scenario("card.yaml") });
    const [buying] = (await json(["simulate", "s.yaml"], sold)).plans;
    expect([buying.purchase?.kind, buying.topup_needed, buying.money]).toEqual(["bonus", "440", "104.28"]);
  });
});

describe("the card loader and check", () => {
  it("refuses paid: on included at its key, exit 2", async () => {
    const text = card().replace("  included: { priority: 1, expires: cycle_end }", "  included: { priority: 1, expires: cycle_end, paid: true }");
    const dir = folder({ "card.yaml": text, "usage.csv": USAGE });
    const r = await burnrate(["statement", "--card", "card.yaml", "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv"], { cwd: dir });
    expect(r.code).toBe(2);
    // Line 14 is included's; "  included: { priority: 1, expires: cycle_end, " is 47 characters, so paid: is at column 48.
    expect(r.stderr).toMatch(/^burnrate: error: card\.yaml:14:48: grant kind "included" is given by the plan, with its fee: paid: does not apply to it \(expected no paid: on a kind the plan gives \(included, onetime\); .*, found paid: true\)\n$/);
  });

  it("warns of a kind named as a gift that says nothing of paid:, and not of bonus, which is bought", async () => {
    const more = "  bonus: { priority: 2, expires: never }\n  signup_credit: { priority: 2, expires: never }\n  promotional: { priority: 2, expires: never }\n";
    const dir = folder({ "card.yaml": card("", more) });
    const r = await burnrate(["check", "card.yaml", "--format", "json"], { cwd: dir });
    // A warning: check passes (exit 0) without --strict.
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.stdout).files[0].findings.filter((f: { rule: string }) => f.rule === "gift-kind-billed");
    // promo (line 15, its value at column 10) and signup_credit (a part of its key, line 18), not bonus nor promotional (promo only inside a word).
    expect(findings.map((f: { line: number; column: number; severity: string }) => [f.line, f.column, f.severity])).toEqual([[15, 10, "warning"], [18, 18, "warning"]]);
    expect(findings[0].message).toBe('grant kind "promo" reads as given free, but the card does not say paid: its credits are billed at credit_price (0.012 USD a credit) as credits bought in the statement\'s money, reconcile, diff and simulate');
    expect(findings[0].fix).toBe("a kind given free says paid: false (grant_kinds: { promo: { ..., paid: false } }); one sold says paid: true");
    const strict = await burnrate(["check", "card.yaml", "--strict"], { cwd: dir });
    expect(strict.code).toBe(1);
    // Said either way, paid: true or false, the kind is no longer a guess.
    const said = folder({ "card.yaml": card("paid: true", more.replace("signup_credit: { priority: 2, expires: never }", "signup_credit: { priority: 2, expires: never, paid: false }")) });
    const quiet = await burnrate(["check", "card.yaml", "--format", "json"], { cwd: said });
    expect(JSON.parse(quiet.stdout).files[0].findings.filter((f: { rule: string }) => f.rule === "gift-kind-billed")).toEqual([]);
  });
});
