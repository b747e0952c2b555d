import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { PAYG_CARD } from "./helpers/payg.js";

// newcomer56 H1: a pay-as-you-go invoice (the plan's fee and the credits past the allowance, in USD) was read 89 USD
// short: its computed total counted every usage credit at the credit price, those the allowance covers and, a second
// time, those the overage line bills. Solo: 12 USD a month with 1,500 credits; a call costs 100 credits; credits past
// zero are billed at 0.01 USD (when_exhausted: overage). 16 calls = 1,600 credits: 100 past zero, 1.00 USD.
//   the invoice: plan 12.00 + pay-as-you-go 1.00 = 13.00 USD; burnrate for the same rows: 12 + 1 = 13; difference 0.

async function reconcile(payg: string, quantity = "100", price = "100") {
  const dir = mkdtempSync(join(tmpdir(), "invoice56-"));
  writeFileSync(join(dir, "card.yaml"), PAYG_CARD.replace('price: "100"', `price: "${price}"`));
  writeFileSync(join(dir, "account.yaml"), "card: card.yaml\naccount: acme\nplan: solo\nanchor: 2026-11-01\ntimezone: UTC\n");
  const rows = Array.from({ length: 16 }, (_, i) => `2026-11-${String(i + 2).padStart(2, "0")}T10:00:00Z,call,1`);
  writeFileSync(join(dir, "usage.csv"), ["timestamp,meter,quantity", ...rows, ""].join("\n"));
  writeFileSync(join(dir, "invoice.csv"), ["period_start,activity,quantity,amount,currency", "2026-11-01,Solo plan,1,12.00,USD", `2026-11-01,Pay-as-you-go,${quantity},${payg},USD`, ""].join("\n"));
  writeFileSync(join(dir, "invoice.csv.mapping.yaml"), "activities:\n  Solo plan: plan\n  Pay-as-you-go: overage\n");
  const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "invoice.csv", "--format", "json"], { cwd: dir });
  const json = JSON.parse(r.stdout);
  return { r, invoice: json.invoice, overage: json.lines.find((l: { meter: string }) => l.meter === "overage") };
}

describe("reconcile: an invoice of the plan's fee and pay-as-you-go", () => {
  it("computes the invoice's rows as billed: 12 + 1 = 13 USD, no difference, the usage the allowance covers in no money figure", async () => {
    const { invoice } = await reconcile("1.00");
    expect(invoice).toMatchObject({ currency: "USD", bill_total: "13", compared: "13", computed_total: "13", delta: "0" });
  });

  it("finds a pay-as-you-go line billed at 0.012 a credit: 1.20 where 1.00 is owed, +0.20", async () => {
    const { invoice } = await reconcile("1.20");
    expect(invoice).toMatchObject({ bill_total: "13.2", computed_total: "13", delta: "0.2" });
  });

  // newcomer56 M6, M7: a call at 100.003 credits: 16 calls, 1,600.048 credits, 100.048 past zero, 1.00048 USD. The
  // invoice prints the credits to two places, 100.05.
  it("reads a quantity the bill prints to fewer places as the usage's: 100.05 for 100.048, its 1.00 a rounding of 1.00048", async () => {
    const { r, overage } = await reconcile("1.00", "100.05", "100.003");
    expect(r.code).toBe(0);
    expect(overage).toMatchObject({ class: "rounding" });
  });

  it("blames the rate, not the count, where such a line is billed at 0.012 a credit: 1.20 for 100.05", async () => {
    const { r, overage } = await reconcile("1.20", "100.05", "100.003");
    expect(r.code).toBe(1);
    expect(overage).toMatchObject({ class: "rate_drift" });
    // The bill's figure as it prints it, beside the usage's (newcomer57 L5: the usage's alone read as the bill's).
    expect((overage as { explanation: string }).explanation).toContain("same quantity (the bill's 100.05, rounded from the usage's 100.048)");
  });
});
