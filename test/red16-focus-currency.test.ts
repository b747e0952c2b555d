import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A FOCUS bill's BilledCost is counted in its BillingCurrency: the card's unit as it is, the card's currency through
// its credit price, anything else refused at the cell (red team, stop 34: a bill in USD was read as cents, and the
// right bill reported as a rate drift). Floopy: cents, USD, credit_price 0.01; gpt-4o on openai 0.00025 a prompt
// token and 0.001 a completion token: 3 requests of 1,000 + 200 tokens are 3 x 0.45 = 1.35 cents, 0.0135 USD.
const USAGE = [1, 2, 3].map((n) => JSON.stringify({ timestamp: `2026-11-02T10:00:0${n}Z`, meter: "request", model: "gpt-4o", provider: "openai", input_tokens: 1000, output_tokens: 200 })).join("\n");

async function reconcile(currency: string, cost: string) {
  const dir = mkdtempSync(join(tmpdir(), "red16-"));
  writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n');
  writeFileSync(join(dir, "usage.jsonl"), `${USAGE}\n`);
  writeFileSync(
    join(dir, "bill.csv"),
    "BillingAccountId,BillingCurrency,BillingPeriodStart,ChargePeriodStart,BilledCost,ConsumedQuantity,ChargeDescription,Tags\n" +
      `acme,${currency},2026-11-01T00:00:00Z,2026-11-02T00:00:00Z,${cost},3,request,"{""model"": ""gpt-4o"", ""provider"": ""openai""}"\n`,
  );
  return burnrate(["reconcile", "--card", join(ROOT, "ratecards/floopy.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.jsonl"), "--bill", join(dir, "bill.csv"), "--bill-layout", "focus", "--format", "json"]);
}

describe("FOCUS: BilledCost in its BillingCurrency", () => {
  it("0.0135 USD is 1.35 cents at 0.01 USD a cent: the bill agrees", async () => {
    const run = await reconcile("USD", "0.0135");
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const out = JSON.parse(run.stdout);
    expect([out.status, out.bill_total, out.computed_total]).toEqual(["agrees", "1.35", "1.35"]);
  });

  it("1.35 in the card's own unit (cents) is read as it is", async () => {
    const run = await reconcile("cents", "1.35");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).bill_total).toBe("1.35");
  });

  it("refuses another currency at its cell", async () => {
    const run = await reconcile("EUR", "0.0125");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bill\.csv:2:2: BillingCurrency "EUR" is not the card's unit \(expected cents \(the card's unit\), or USD at the card's credit price of 0\.01/);
  });
});
