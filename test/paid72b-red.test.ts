import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { giftsCard } from "./helpers/cards.js";
import { folderMaker } from "./helpers/gateway-logs.js";

// red72b: faults found in stop 72's grant kinds given free (paid: false), and around them. Figures by hand from the
// card: Pro 99 USD with 1,000 credits included, a call 2 credits, a credit 0.012 USD; promo before the plan's credits,
// topup after them.
const folder = folderMaker("paid72b-");

/** The card as version `version` from `effective`, each grant kind's extra keys as given. */
function card(version: string, effective: string, promo = "", topup = ""): string {
  return giftsCard({ version, effective, promo, topup });
}

type Line = { cycle: string; meter: string; computed_quantity: string | null; computed_amount: string | null; bill_amount: string | null; class: string };

describe("reconcile with card versions, the bill's periods re-cut (red72b H1)", () => {
  // Account anchored on the 15th, bill by calendar month: the usage is re-cut at the bill's periods. v1 sells the
  // promo, v2 (from Dec 1) gives it free. Bought: Nov 20 topup 300 and Nov 22 promo 200 under v1, 500 x 0.012 = 6.00 in
  // November's period; Dec 5 topup 100 under v2, 100 x 0.012 = 1.20 in December's; the Dec 6 promo 50 is v2's gift.
  // Every credit bought read as none once versions were given: November's 6.00 "missing in usage", December's gone.
  const files = {
    "v1.yaml": card("1", "2026-11-01"),
    "v2.yaml": card("2", "2026-12-01", ", paid: false"),
    "account.yaml": `card: v1.yaml\naccount: acme\nplan: pro\nanchor: 2026-11-15\ntimezone: UTC\ngrants:
  - { account: acme, kind: topup, amount: 300, at: "2026-11-20T00:00:00Z" }
  - { account: acme, kind: promo, amount: 200, at: "2026-11-22T00:00:00Z" }
  - { account: acme, kind: topup, amount: 100, at: "2026-12-05T00:00:00Z" }
  - { account: acme, kind: promo, amount: 50, at: "2026-12-06T00:00:00Z" }\n`,
    "usage.csv": "timestamp,meter,quantity\n2026-11-25T10:00:00Z,call,100\n2026-12-06T10:00:00Z,call,10\n",
    "bill.csv": "period_start,activity,quantity,amount\n2026-11-01,Calls,100,200\n2026-11-01,Top-up,500,6\n2026-12-01,Calls,10,20\n",
    "bill.csv.mapping.yaml": "activities: { Calls: call, Top-up: credits_bought }\n",
    "none.csv": "period_start,activity,quantity,amount\n2026-11-01,Calls,100,200\n2026-12-01,Calls,10,20\n2026-12-01,Top-up,0,0\n",
    "none.csv.mapping.yaml": "activities: { Calls: call, Top-up: credits_bought }\n",
  };
  const args = ["reconcile", "--card", "v1.yaml", "--card", "v2.yaml", "--account", "account.yaml", "--usage", "usage.csv"];

  it("November's 6.00 agrees with the bill; December's 1.20 is missing on it", async () => {
    const dir = folder(files);
    const r = await burnrate([...args, "--bill", "bill.csv", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    const bought = out.lines.filter((l: Line) => l.meter === "credits_bought").map((l: Line) => [l.cycle.slice(0, 10), l.computed_quantity, l.computed_amount, l.bill_amount, l.class]);
    expect(bought).toEqual([
      ["2026-11-01", "500", "6", "6", "boundary_shift"],
      ["2026-12-01", "100", "1.2", null, "missing_on_bill"],
    ]);
    expect(out.money).toEqual({ currency: "USD", bill_total: "6", computed_total: "7.2", delta: "-1.2" });
  });

  it("a bill that bills no purchase is 7.20 short, not agreeing", async () => {
    const dir = folder(files);
    const r = await burnrate([...args, "--bill", "none.csv", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect([out.status, out.money.bill_total, out.money.computed_total]).toEqual(["attention", "0", "7.2"]);
  });
});

describe("reconcile and a grant kind given free (red72b M5, M3)", () => {
  // Fliplet's ledger fixture, its card given a promo kind the provider gives free, and the account a promo of 300 on
  // Nov 5 beside its top-up of 500 on Nov 3. The ledger's Payment rows are credits bought: 500, the top-up's; the promo
  // is no payment. It was asked of the ledger as one: "800 granted (topup 500, promo 300)", exit 1 on a correct ledger.
  const fixture = (name: string) => readFileSync(join("fixtures/reconcile/ledger", name), "utf8");
  const fliplet = readFileSync("ratecards/fliplet.yaml", "utf8").replace(/^grant_kinds:\n/m, "grant_kinds:\n  promo: { priority: 0, expires: never, paid: false }\n");
  const files = (ledger: string) => ({
    "fliplet.yaml": fliplet,
    "account.yaml": fixture("account.yaml").replace(/^card: .*$/m, "card: fliplet.yaml") + "  - { kind: promo, amount: 300, at: 2026-11-05T09:00:00Z }\n",
    "usage.csv": fixture("usage.csv"),
    "ledger.csv": ledger,
    "ledger.csv.mapping.yaml": fixture("ledger.csv.mapping.yaml"),
  });
  const args = ["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "ledger.csv", "--format", "json"];

  it("a ledger whose one payment is the top-up of 500 agrees: 500 paid, 500 bought", async () => {
    const dir = folder(files(fixture("ledger.csv")));
    const r = await burnrate(args, { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).payments).toEqual({ rows: 1, bill: "500", granted: "500" });
  });

  it("a payment of 200 more differs, the promo said apart as given free", async () => {
    const dir = folder(files(`${fixture("ledger.csv")}tx-1008,2026-11-26T09:00:00Z,Payment,200,top-up\n`));
    const r = await burnrate(args, { cwd: dir });
    expect([r.code, r.stderr]).toEqual([1, "burnrate: the bill's payments differ from the grants in the account file: 2 payment row(s) of 700 credits on the bill; 500 granted by the account file in these cycles (topup 500); not compared, given free by the card (paid: false): promo 300\n"]);
  });

  it("a billed promo the card gives free is said to bill a gift, not a purchase missing from the grants", async () => {
    // The card's promo is paid: false; the bill charges 300 x 0.012 = 3.60 for it. Computed: nothing bought, so the
    // line is +3.60 missing in the usage, and the account file does grant the 300, free.
    const dir = folder({
      "card.yaml": card("1", "2026-11-01", ", paid: false"),
      "account.yaml": 'card: card.yaml\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { account: acme, kind: promo, amount: 300, at: "2026-11-05T00:00:00Z" }\n',
      "usage.csv": "timestamp,meter,quantity\n2026-11-10T10:00:00Z,call,100\n",
      "bill.csv": "period_start,activity,quantity,amount\n2026-11-01,Calls,100,200\n2026-11-01,Pro plan,1,99\n2026-11-01,Promo credits,300,3.6\n",
      "bill.csv.mapping.yaml": "activities: { Calls: call, Pro plan: plan, Promo credits: credits_bought }\n",
    });
    const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    const [d] = JSON.parse(r.stdout).differences;
    expect([d.meter, d.delta, d.class, d.explanation]).toEqual([
      "credits_bought", "3.6", "missing_in_usage",
      "the bill charges 3.6 USD for credits bought, quantity 300; the account file grants 300 promo credits in this cycle, which the card gives free (paid: false): the invoice bills a gift, or the card is wrong to give it?",
    ]);
  });
});

describe("simulate and a purchase kind a later version gives free (red72b M2)", () => {
  // 10 users x 60 calls a cycle = 600 calls = 1,200 credits on Pro's 1,000. v1 sells top-ups; v2, from Dec 1, gives
  // them free (paid: false), so sells none. November buys 200 x 0.012 = 2.40: 101.40. December buys nothing: 200
  // credits short, 100 calls refused, 99.00. Total 200.40. It bought nothing in either cycle (198.00) and said "Pro
  // cannot buy top-ups".
  const files = {
    "v1.yaml": card("1", "2026-11-01"),
    "v2.yaml": card("2", "2026-12-01", "", ", paid: false"),
    "sc.yaml": "name: heavy\ncard: v1.yaml\nplan: pro\nstart: 2026-11-01\ncycles: 2\npopulations:\n  - name: u\n    users: 10\n    per_user:\n      - { meter: call, quantity: 60 }\n",
  };

  it("buys November's 200 top-ups under v1 and none in December: 200.40", async () => {
    const dir = folder(files);
    const [plan] = (await json(["simulate", "sc.yaml", "--card", "v1.yaml", "--card", "v2.yaml"], dir)).plans;
    expect([plan.money, plan.topup_needed, plan.without_topups.money]).toEqual(["200.4", "200", "198"]);
    expect(plan.cycles.map((c: { topup_needed: string; money: string; rejected_with_topups: { events: number }[] }) => [c.topup_needed, c.money, c.rejected_with_topups.map((r) => r.events)])).toEqual([
      ["200", "101.4", []],
      ["0", "99", [100]],
    ]);
    // The note names the cycle that cannot buy, and why.
    const table = await burnrate(["simulate", "sc.yaml", "--card", "v1.yaml", "--card", "v2.yaml", "--format", "table"], { cwd: dir });
    expect(table.stdout.replace(/\s+/g, " ")).toContain('Pro in cycle 2 cannot buy top-ups (card version "2" gives topup free: paid: false, sold by none): refused usage stays refused.');
  });

  it("says why where the later version declares no top-ups at all (red72d L1): the same 200.40", async () => {
    const dir = folder({ ...files, "v2.yaml": card("2", "2026-12-01").replace(/^ {2}topup: .*\n/m, "") });
    const [plan] = (await json(["simulate", "sc.yaml", "--card", "v1.yaml", "--card", "v2.yaml"], dir)).plans;
    expect(plan.money).toBe("200.4");
    const table = await burnrate(["simulate", "sc.yaml", "--card", "v1.yaml", "--card", "v2.yaml", "--format", "table"], { cwd: dir });
    expect(table.stdout.replace(/\s+/g, " ")).toContain('Pro in cycle 2 cannot buy top-ups (card version "2" declares no topup): refused usage stays refused.');
  });
});

async function json(args: string[], cwd: string) {
  const r = await burnrate([...args, "--format", "json"], { cwd });
  expect([r.code, r.stderr]).toEqual([0, ""]);
  return JSON.parse(r.stdout);
}

describe("a later card version that drops a grant kind the account still grants (red72b H4)", () => {
  // v2, from Nov 15, has no promo kind. A promo granted on Nov 20 crashed the replay ("reading 'expires'"). Now refused
  // at the grant, naming the version; a promo on Nov 5, under v1, is priced as before (free: 99.00).
  const v2 = card("2", "2026-11-15").replace(/^ {2}promo: .*\n/m, "");
  const account = (grants: string) => `card: v1.yaml\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n${grants}`;
  const usage = "timestamp,meter,quantity\n2026-11-10T10:00:00Z,call,100\n";

  it("refuses the Nov 20 grant at its place, exit 2; the Nov 5 one alone is priced", async () => {
    const dir = folder({
      "v1.yaml": card("1", "2026-11-01", ", paid: false"),
      "v2.yaml": v2,
      "late.yaml": account('grants:\n  - { account: acme, kind: promo, amount: 100, at: "2026-11-20T00:00:00Z" }\n'),
      "early.yaml": account('grants:\n  - { account: acme, kind: promo, amount: 100, at: "2026-11-05T00:00:00Z" }\n'),
      "usage.csv": usage,
    });
    const r = await burnrate(["statement", "--card", "v1.yaml", "--card", "v2.yaml", "--account", "late.yaml", "--usage", "usage.csv"], { cwd: dir });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, "", 'burnrate: error: late.yaml:7:5: grant kind "promo" is not on card version "2" (v2.yaml), in force at 2026-11-20T00:00:00Z when the grant is made (expected a grant kind of card version "2": included, topup; or the kind kept in that version, found "promo")\n']);
    const [cycle] = (await json(["statement", "--card", "v1.yaml", "--card", "v2.yaml", "--account", "early.yaml", "--usage", "usage.csv"], dir)).accounts[0].cycles;
    expect(cycle.money.total).toBe("99");
  });

  it("refuses a recurring grant of the kind at the version that lacks it, exit 2", async () => {
    // The promo recurs each cycle start: Nov 1 under v1, Dec 1 under v2, which has no promo kind.
    const dir = folder({ "v1.yaml": card("1", "2026-11-01"), "v2.yaml": v2, "account.yaml": account("recurring_grants:\n  - { kind: promo, amount: 100 }\nthrough: 2026-12-15\n"), "usage.csv": usage });
    const r = await burnrate(["statement", "--card", "v1.yaml", "--card", "v2.yaml", "--account", "account.yaml", "--usage", "usage.csv"], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([2, 'burnrate: error: v2.yaml:3:12: card version "2" has no grant kind "promo", which the account\'s recurring_grants grant at the cycle start 2026-12-01T00:00:00Z (expected grant_kinds: "promo" in card version "2", or recurring grants of the kinds it has: included, topup, found none)\n']);
  });
});

describe("diff --fail-on-unmeasured and a kind made paid again between two cards (red72b H3)", () => {
  // The base gives the promo free, the new card sells it (paid: false removed). An account that grants no promo cannot
  // measure that: named, exit 1, as the same change in a later version is. One that grants 300 measures it: the money
  // rises 300 x 0.012 = 3.60 (99 to 102.6), nothing unmeasured.
  const files = {
    "free.yaml": card("1", "2026-11-01", ", paid: false"),
    "paid.yaml": card("1", "2026-11-01"),
    "none.yaml": "card: free.yaml\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n",
    "promo.yaml": 'card: free.yaml\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { account: acme, kind: promo, amount: 300, at: "2026-11-05T00:00:00Z" }\n',
    "usage.csv": "timestamp,meter,quantity\n2026-11-10T10:00:00Z,call,100\n",
  };
  const args = (account: string) => ["diff", "--base", "free.yaml", "--card", "paid.yaml", "--account", account, "--usage", "usage.csv", "--fail-on-unmeasured", "--format", "json"];

  it("names grant_kinds.promo.paid where no cycle holds a promo, exit 1", async () => {
    const dir = folder(files);
    const r = await burnrate(args("none.yaml"), { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).unmeasured_rises.map((u: { path: string; change: string; old: string }) => [u.path, u.change, u.old])).toEqual([["grant_kinds.promo.paid", "removed", "false"]]);
    expect(r.stderr).toContain("grant_kinds.promo.paid is removed (was false), on grant kind promo, made paid, whose credits no cycle of the usage holds, past --fail-on-unmeasured");
  });

  it("measures it where the corpus grants a promo: 99 to 102.6, nothing unmeasured", async () => {
    const dir = folder(files);
    const r = await burnrate(args("promo.yaml"), { cwd: dir });
    const out = JSON.parse(r.stdout);
    expect([r.code, out.unmeasured_rises, out.money.base_total, out.money.card_total]).toEqual([0, [], "99", "102.6"]);
  });
});

describe("check's gift-kind-billed reads plurals, digits and a word split at _ (red72b L2)", () => {
  it("warns of promos, promo2026, sign_up, voucher and coupon; not of bonus, promotional or topups", async () => {
    const kinds = ["promos", "promo2026", "sign_up", "voucher", "coupon", "bonus", "promotional", "topups"].map((k) => `  ${k}: { priority: 3, expires: never }\n`).join("");
    const dir = folder({ "card.yaml": card("1", "2026-11-01", ", paid: false").replace("plans:\n", `${kinds}plans:\n`) });
    const r = await burnrate(["check", "card.yaml", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(0);
    const named = JSON.parse(r.stdout).files[0].findings.filter((f: { rule: string }) => f.rule === "gift-kind-billed").map((f: { message: string }) => f.message.split('"')[1]);
    expect(named).toEqual(["promos", "promo2026", "sign_up", "voucher", "coupon"]);
  });
});
