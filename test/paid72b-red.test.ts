import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { folderMaker } from "./helpers/gateway-logs.js";

// red72b: faults found in stop 72's grant kinds given free (paid: false), and around them. Figures by hand from the
// card: Pro 99 USD with 1,000 credits included, a call 2 credits, a credit 0.012 USD; promo before the plan's credits,
// topup after them.
const folder = folderMaker("paid72b-");

/** The card as version `version` from `effective`, each grant kind's extra keys as given. */
function card(version: string, effective: string, promo = "", topup = ""): string {
  return `provider: gifts
version: "${version}"
effective: "${effective}"
unit: credits
currency: USD
credit_price: "0.012"
precision: { display: 2, rounding: half-even, round_at: none }
cycle: { period: monthly }
categories:
  c: { label: Calls }
pools:
  usage: { label: Usage, when_exhausted: block }
grant_kinds:
  included: { priority: 1, expires: cycle_end }
  promo: { priority: 0, expires: { after_months: 1 }${promo} }
  topup: { priority: 2, expires: never${topup} }
plans:
  pro: { label: Pro, included: 1000, price: 99 }
meters:
  call: { description: a call, aggregation: flow, category: c, pool: usage, price: "2" }
`;
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
