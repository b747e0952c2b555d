import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A fleet on Fliplet (ratecards/fliplet.yaml) whose card starts a new cycle at an upgrade (`upgrade: new_cycle`):
// default on Pro (9 USD a month), bob on Free (no fee) upgraded to Pro on 2026-11-10, anchored 2026-10-01 in
// America/New_York. default keeps calendar months; bob's cycles are Oct 1-31, Nov 1-9 (Free), Nov 10-Dec 9 (Pro).
// data_read is 0.01 credits a read: default reads 100 on Nov 3 (1 credit); bob 200 on Nov 4 (2 credits, his Nov 1-9
// cycle) and 300 on Nov 14 (3 credits, his Nov 10 cycle). A bill naming accounts was compared at one calendar for all:
// bob billed at his own cycle start (Nov 10) was refused, and a bill by calendar month failed every fee, even
// default's, whose cycles are the bill's months (red team, stop 37).
const HEADER = "period_start,activity,project,quantity,amount,account";
const OWN_CYCLES = [
  "2026-11-01,data_read,alpha,100,1,default",
  "2026-11-01,plan,,,9,default",
  "2026-11-01,data_read,alpha,200,2,bob",
  "2026-11-10,data_read,alpha,300,3,bob",
  "2026-11-10,plan,,,9,bob",
];

function fleet(bill: readonly string[], card = (text: string) => text, withAccounts = true): string[] {
  const dir = mkdtempSync(join(tmpdir(), "rec19-"));
  writeFileSync(join(dir, "card.yaml"), card(`${readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8")}\nplan_changes: { upgrade: new_cycle }\n`));
  writeFileSync(
    join(dir, "account.yaml"),
    `card: card.yaml\nplan: pro\nanchor: 2026-10-01\ntimezone: America/New_York\naccounts:\n  bob: { plan: free, changes: [ { at: 2026-11-10, plan: pro } ] }\n`,
  );
  writeFileSync(
    join(dir, "usage.csv"),
    "timestamp,meter,quantity,event_id,project,account\n2026-11-03T14:00:00Z,data_read,100,r1,alpha,default\n2026-11-04T14:00:00Z,data_read,200,r2,alpha,bob\n2026-11-14T14:00:00Z,data_read,300,r3,alpha,bob\n",
  );
  writeFileSync(join(dir, "bill.csv"), `${withAccounts ? HEADER : HEADER.replace(",account", "")}\n${bill.join("\n")}\n`);
  return ["reconcile", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"];
}

type Line = { cycle: string; account: string; meter: string; status: string; bill_amount: string | null; computed_amount: string | null; class: string | null };
type Difference = { cycle: string; account: string; meter: string; class: string; delta: string; explanation: string };
const lines = (json: { lines: Line[] }) => json.lines.map((l) => [l.cycle, l.account, l.meter, l.computed_amount, l.status]);
const differences = (json: { differences: Difference[] }) => json.differences.map((d) => [d.cycle, d.account, d.meter, d.class, d.delta]);

// Midnight in America/New_York: EDT (UTC-4) until Nov 1, then EST (UTC-5).
const NOV1 = "2026-11-01T04:00:00Z";
const NOV10 = "2026-11-10T05:00:00Z";

describe("reconcile: a fleet bill where one account's cycles an upgrade moved", () => {
  it("compares each account at its own cycles: bob billed at his Nov 10 cycle start agrees, exit 0", async () => {
    const run = await burnrate(fleet(OWN_CYCLES));
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const json = JSON.parse(run.stdout);
    expect([json.status, json.boundary]).toEqual(["agrees", null]);
    // Credits: 1 (default) + 2 + 3 (bob); fees: default's Pro 9 + bob's Pro 9 from Nov 10, his Free Nov 1-9 owing none.
    expect([json.bill_total, json.computed_total, json.money]).toEqual(["6", "6", { currency: "USD", bill_total: "18", computed_total: "18", delta: "0" }]);
    expect(lines(json)).toEqual([
      [NOV1, "default", "plan", "9", "agrees"],
      [NOV1, "bob", "data_read", "2", "agrees"],
      [NOV1, "default", "data_read", "1", "agrees"],
      [NOV10, "bob", "plan", "9", "agrees"],
      [NOV10, "bob", "data_read", "3", "agrees"],
    ]);
    // Each account's own cycles: bob's Nov 1-9 and Nov 10-Dec 9, default's November.
    expect(json.cycles).toEqual([
      { start: NOV1, end: NOV10 },
      { start: NOV1, end: "2026-12-01T05:00:00Z" },
      { start: NOV10, end: "2026-12-10T05:00:00Z" },
    ]);
  });

  it.each([
    ["bob's Nov 10 reads", 3, "2026-11-10,data_read,alpha,300,4,bob", [NOV10, "bob", "data_read", "rate_drift", "1"]],
    ["bob's Nov 1-9 reads", 2, "2026-11-01,data_read,alpha,200,2.5,bob", [NOV1, "bob", "data_read", "rate_drift", "0.5"]],
    ["bob's Pro fee", 4, "2026-11-10,plan,,,12,bob", [NOV10, "bob", "plan", "rate_drift", "3"]],
    ["default's fee", 1, "2026-11-01,plan,,,10,default", [NOV1, "default", "plan", "rate_drift", "1"]],
  ])("flags a wrong amount on %s on that account's own cycle, exit 1", async (_what, row, wrong, expected) => {
    const bill = OWN_CYCLES.map((l, i) => (i === row ? wrong : l));
    const run = await burnrate(fleet(bill));
    expect(run.code).toBe(1);
    expect(differences(JSON.parse(run.stdout))).toEqual([expected]);
  });

  it("refuses a period that is no cycle start of its account, naming that account's own cycle starts", async () => {
    const bob = await burnrate(fleet(OWN_CYCLES.map((l) => l.replace("2026-11-10,data_read", "2026-11-12,data_read"))));
    expect(bob.code).toBe(2);
    expect(bob.stderr).toMatch(/bill\.csv:5:1: period is not a cycle start of account "bob" \(expected a cycle's first day in America\/New_York \(2026-11-01, 2026-11-10, 2026-12-10\), found "2026-11-12"\)/);
    // default's cycles are the calendar's: Nov 10 is none of its starts.
    const other = await burnrate(fleet(OWN_CYCLES.map((l) => l.replace("2026-11-01,plan,,,9,default", "2026-11-10,plan,,,9,default"))));
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/bill\.csv:3:1: period is not a cycle start of account "default" \(expected a cycle's first day in America\/New_York \(2026-10-01, 2026-11-01, 2026-12-01\), found "2026-11-10"\)/);
  });
});

describe("reconcile: the same fleet billed by calendar month", () => {
  // bob's November by calendar month: 200 + 300 reads = 5 credits; his fees, each owed where its cycle starts: Free
  // from Nov 1 (none) and Pro from Nov 10 (9).
  const CALENDAR = [
    "2026-11-01,data_read,alpha,100,1,default",
    "2026-11-01,plan,,,9,default",
    "2026-11-01,data_read,alpha,500,5,bob",
    "2026-11-01,plan,,,9,bob",
  ];

  it("compares default at its cycles, the bill's months, and bob re-cut at them, each fee owed: it agrees", async () => {
    const run = await burnrate(fleet(CALENDAR));
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const json = JSON.parse(run.stdout);
    expect(json.status).toBe("agrees");
    expect(json.lines.map((l: Line) => [l.account, l.meter, l.computed_amount, l.class])).toEqual([
      ["bob", "plan", "9", "boundary_shift"],
      ["default", "plan", "9", null],
      ["bob", "data_read", "5", "boundary_shift"],
      ["default", "data_read", "1", null],
    ]);
    expect(json.boundary).toMatchObject({ account_cycle_start: NOV10, bill_cycle_start: "2026-10-01T04:00:00Z" });
    expect(json.boundary.explanation).toContain("those of bob");
  });

  it("a month holding two of bob's cycles owes both fees: Free priced at 5 here, from Nov 1, and Pro (9) from Nov 10, 14", async () => {
    const paidFree = (text: string) => text.replace(/( {2}free:\n(?: {4}.*\n)*? {4}price: )0/, "$15");
    const run = await burnrate(fleet(CALENDAR, paidFree));
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    // 9 billed, 5 + 9 = 14 owed: 5 short. default's fee (Pro, 9) still agrees.
    expect(differences(json)).toEqual([[NOV1, "bob", "plan", "rate_drift", "-5"]]);
    expect(json.differences[0].explanation).toContain("the fees of the 2 cycles of the account that start in this period (free, pro) at 14 USD");
  });

  it("a bill without an account column owes every account's fees at the calendar's months: 9 + 9", async () => {
    const run = await burnrate(fleet(["2026-11-01,data_read,alpha,600,6", "2026-11-01,plan,,,18"], undefined, false));
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(JSON.parse(run.stdout).money).toEqual({ currency: "USD", bill_total: "18", computed_total: "18", delta: "0" });
  });
});

describe("reconcile: a bill cut at other days still compares no fee", () => {
  it("an off-anchor bill's fee line is missing_in_usage, saying it was re-cut", async () => {
    const bill = join(mkdtempSync(join(tmpdir(), "rec19-")), "off.csv");
    writeFileSync(bill, `${readFileSync(join(ROOT, "fixtures/reconcile/bill-off-anchor.csv"), "utf8").trimEnd()}\n2026-10-15,plan,,,9\n`);
    const run = await burnrate(["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", "fixtures/reconcile/usage.csv", "--bill", bill, "--format", "json"]);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.differences.map((d: Difference) => [d.meter, d.class])).toEqual([["plan", "missing_in_usage"]]);
    expect(json.differences[0].explanation).toContain("(re-cut), so no cycle's fee is compared");
  });
});
