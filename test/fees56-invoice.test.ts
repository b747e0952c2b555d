import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { PAYG_CARD } from "./helpers/payg.js";

// newcomer56 M5: a SaaS invoice lists each customer's plan fee and pay-as-you-go overage, never the usage the plan's
// allowance covers. Its every usage line was missing on the bill, 13,946 credits "undercharged" beside one real error.
// Solo: 12 USD a month, 1,500 credits; a call 100 credits; credits past zero 0.01 USD (when_exhausted: overage).
// acme: 16 calls, 1,600 credits, 100 past zero: 12 + 1.00. globex: 3 calls, 300 credits, all within the allowance: 12.

/** The invoice's rows reconciled against acme's 16 calls and globex's 3; with `packs`, acme's pack of 1,000 credits on November 1 and globex's of 500 on November 10. */
async function reconcile(lines: string[], packs = false, format = "json") {
  const dir = mkdtempSync(join(tmpdir(), "fees56-"));
  writeFileSync(join(dir, "card.yaml"), PAYG_CARD);
  const grants = packs ? 'grants:\n  - { kind: pack, amount: 1000, at: "2026-11-01T08:00:00Z", account: acme }\n  - { kind: pack, amount: 500, at: "2026-11-10T08:00:00Z", account: globex }\n' : "";
  writeFileSync(join(dir, "account.yaml"), `card: card.yaml\naccount: house\nplan: solo\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  acme: { plan: solo }\n  globex: { plan: solo }\n${grants}`);
  const calls = (account: string, n: number) => Array.from({ length: n }, (_, i) => `2026-11-${String(i + 2).padStart(2, "0")}T10:00:00Z,call,1,${account}`);
  writeFileSync(join(dir, "usage.csv"), ["timestamp,meter,quantity,account", ...calls("acme", 16), ...calls("globex", 3), ""].join("\n"));
  writeFileSync(join(dir, "invoice.csv"), ["period_start,customer,activity,quantity,amount,currency", ...lines, ""].join("\n"));
  writeFileSync(join(dir, "invoice.csv.mapping.yaml"), "columns: { account: customer }\nactivities:\n  Solo plan: plan\n  Pay-as-you-go: overage\n  Credit pack: credits_bought\n");
  return burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "invoice.csv", "--format", format], { cwd: dir });
}

const FEES = ["2026-11-01,acme,Solo plan,1,12.00,USD", "2026-11-01,acme,Pay-as-you-go,100,1.00,USD", "2026-11-01,globex,Solo plan,1,12.00,USD"];

describe("reconcile: an invoice of plan fees and overage alone", () => {
  it("compares the fees and the overage, not the usage its allowance covers, and says so: no difference", async () => {
    const r = await reconcile(FEES);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.differences).toEqual([]);
    expect(json.invoice).toMatchObject({ bill_total: "25", computed_total: "25", delta: "0" });
    expect(r.stderr).toContain("burnrate: note: the bill lists no usage, only money (plan fees, overage, credits bought): the usage in credits is not compared line by line");
  });

  it("opens its table with the money, not a total in credits the bill has none of (newcomer57 L4: \"Net difference 0 credits\" on an invoice 0.20 USD off)", async () => {
    const r = await reconcile(["2026-11-01,acme,Solo plan,1,12.00,USD", "2026-11-01,acme,Pay-as-you-go,100,1.20,USD", "2026-11-01,globex,Solo plan,1,12.00,USD"], false, "table");
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/Net difference|Bill total|Computed total/);
    // 12 + 1.20 + 12 billed, 12 + 1.00 + 12 owed.
    expect(r.stdout).toMatch(/bill 25\.2, computed 25, difference \+0\.2 USD/);
  });

  it("a bill of overage alone, no fee line, compares the usage as before: acme's fee unbilled is not passed in silence", async () => {
    const r = await reconcile(["2026-11-01,acme,Pay-as-you-go,100,1.00,USD"]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("the bill lists no usage");
  });

  it("says a money line's quantity without events of its own: 150 credits billed past zero where the usage has 100", async () => {
    const r = await reconcile(["2026-11-01,acme,Solo plan,1,12.00,USD", "2026-11-01,acme,Pay-as-you-go,150,1.50,USD", "2026-11-01,globex,Solo plan,1,12.00,USD"]);
    expect(r.code).toBe(1);
    const [difference] = JSON.parse(r.stdout).differences;
    // newcomer56 LOW 10: "usage has 100 from 0 event(s)" read as usage missing.
    expect(difference).toMatchObject({ meter: "overage", class: "quantity_mismatch", explanation: "the bill counts 150, usage has 100; both priced at the card's 0.01" });
  });

  it("finds a pay-as-you-go line billed at 0.012 a credit: 1.20 for 100 credits owed 1.00", async () => {
    const r = await reconcile(["2026-11-01,acme,Solo plan,1,12.00,USD", "2026-11-01,acme,Pay-as-you-go,100,1.20,USD", "2026-11-01,globex,Solo plan,1,12.00,USD"]);
    expect(r.code).toBe(1);
    const differences = JSON.parse(r.stdout).differences.map((d: { account: string; meter: string; class: string }) => [d.account, d.meter, d.class]).sort();
    expect(differences).toEqual([["acme", "overage", "rate_drift"]]);
  });
});

// newcomer55 M6, newcomer56 M5: an invoice's credit packs could not be checked (an unknown activity, or ignored), and
// a pack the account file records but the invoice leaves out was not flagged. A pack's credits at 0.01 USD each:
// acme's 1,000 on November 1 are 10.00, globex's 500 on November 10 are 5.00. acme's 1,600 credits draw 100 of its
// pack after the 1,500 included: nothing past zero.
describe("reconcile: credits bought on an invoice (credits_bought)", () => {
  it("compares each cycle's packs with the account file's, at the credit price: 10.00 and 5.00 agree; the invoice 39 = 39", async () => {
    const r = await reconcile(["2026-11-01,acme,Solo plan,1,12.00,USD", "2026-11-01,acme,Credit pack,1000,10.00,USD", "2026-11-01,globex,Solo plan,1,12.00,USD", "2026-11-01,globex,Credit pack,500,5.00,USD"], true);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.differences).toEqual([]);
    expect(json.invoice).toMatchObject({ bill_total: "39", computed_total: "39", delta: "0" });
    expect(json.lines.filter((l: { meter: string }) => l.meter === "credits_bought").map((l: { account: string; computed_quantity: string; computed_amount: string }) => [l.account, l.computed_quantity, l.computed_amount])).toEqual([["acme", "1000", "10"], ["globex", "500", "5"]]);
  });

  it("flags a pack billed at 0.012 a credit, and a pack the invoice leaves out", async () => {
    const r = await reconcile(["2026-11-01,acme,Solo plan,1,12.00,USD", "2026-11-01,acme,Credit pack,1000,12.00,USD", "2026-11-01,globex,Solo plan,1,12.00,USD"], true);
    expect(r.code).toBe(1);
    const differences = JSON.parse(r.stdout).differences.map((d: { account: string; meter: string; class: string }) => [d.account, d.meter, d.class]).sort();
    expect(differences).toEqual([["acme", "credits_bought", "rate_drift"], ["globex", "credits_bought", "missing_on_bill"]]);
  });
});
