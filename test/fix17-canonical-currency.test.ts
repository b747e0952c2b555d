import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A canonical bill's optional `currency` column says what its amounts are counted in, as FOCUS's BillingCurrency does
// (newcomer, stop 34: a canonical bill in USD could not say so, and every line read as a rate drift). Floopy: cents,
// USD, credit_price 0.01; gpt-4o on openai 0.00025 a prompt token and 0.001 a completion token: 3 requests of 1,000 +
// 200 tokens are 3 x (0.25 + 0.2) = 1.35 cents, 0.0135 USD.
const USAGE = [1, 2, 3].map((n) => JSON.stringify({ timestamp: `2026-11-02T10:00:0${n}Z`, meter: "request", model: "gpt-4o", provider: "openai", input_tokens: 1000, output_tokens: 200 })).join("\n");

async function reconcile(bill: string) {
  const dir = mkdtempSync(join(tmpdir(), "fix17-"));
  writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n');
  writeFileSync(join(dir, "usage.jsonl"), `${USAGE}\n`);
  writeFileSync(join(dir, "bill.csv"), bill);
  return burnrate(["reconcile", "--card", join(ROOT, "ratecards/floopy.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.jsonl"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
}

const HEADER = "period_start,activity,model,provider,quantity,amount,currency\n";

describe("canonical bill: amounts in its currency column", () => {
  it("0.0135 USD is 1.35 cents at 0.01 USD a cent: the bill agrees", async () => {
    const run = await reconcile(`${HEADER}2026-11,request,gpt-4o,openai,3,0.0135,USD\n`);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const out = JSON.parse(run.stdout);
    expect([out.status, out.bill_total, out.computed_total]).toEqual(["agrees", "1.35", "1.35"]);
  });

  it("an empty cell or the card's unit is read as it is: 1.35 cents", async () => {
    const run = await reconcile(`${HEADER}2026-11,request,gpt-4o,openai,2,0.9,\n2026-11,request,gpt-4o,openai,1,0.45,cents\n`);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).bill_total).toBe("1.35");
  });

  it("finds an overcharge in dollars: 0.0145 USD is 1.45 cents, 0.1 over", async () => {
    const run = await reconcile(`${HEADER}2026-11,request,gpt-4o,openai,3,0.0145,USD\n`);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).differences.map((d: { delta: string }) => d.delta)).toEqual(["0.1"]);
  });

  it("refuses another currency at its cell", async () => {
    const run = await reconcile(`${HEADER}2026-11,request,gpt-4o,openai,3,0.0125,EUR\n`);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bill\.csv:2:7: currency "EUR" is not the card's unit \(expected cents \(the card's unit\), or USD at the card's credit price of 0\.01, found "EUR"\)/);
  });

  it("an overage line, billed in money: 50 cents is 0.50 USD at 0.01 USD a cent; USD as it is; another currency refused", async () => {
    const overage = (amount: string, currency: string) => reconcile(`${HEADER}2026-11,request,gpt-4o,openai,3,1.35,\n2026-11,overage,,,,${amount},${currency}\n`);
    const cents = await overage("50", "cents");
    expect(JSON.parse(cents.stdout).money.bill_total).toBe("0.5");
    const usd = await overage("0.5", "USD");
    expect(JSON.parse(usd.stdout).money.bill_total).toBe("0.5");
    const eur = await overage("50", "EUR");
    expect(eur.code).toBe(2);
    expect(eur.stderr).toMatch(/bill\.csv:3:7: currency "EUR" of an overage line is not the card's currency \(expected USD \(the card's currency, which overage is billed in\), or cents at the card's credit price of 0\.01, found "EUR"\)/);
  });

  it("a row the mapping ignores is counted in the card's unit: 25.00 USD of a support fee is 2,500 cents", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    const bill = join(dir, "bill.csv");
    writeFileSync(bill, `${HEADER}2026-11,request,gpt-4o,openai,3,0.0135,USD\n2026-11,Support fee,,,1,25.00,USD\n`);
    writeFileSync(`${bill}.mapping.yaml`, "activities: { Support fee: ignore }\n");
    writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n');
    writeFileSync(join(dir, "usage.jsonl"), `${USAGE}\n`);
    const run = await burnrate(["reconcile", "--card", join(ROOT, "ratecards/floopy.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.jsonl"), "--bill", bill, "--format", "json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).ignored).toEqual([{ cycle: "2026-11-01T00:00:00Z", activity: "Support fee", rows: 1, amount: "2500", unit: "cents" }]);
  });

  it("an amount in money is rounded to a cent of its currency: 1.35 cents billed as 0.01 USD is rounding, within tolerance", async () => {
    const run = await reconcile(`${HEADER}2026-11,request,gpt-4o,openai,3,0.01,USD\n`);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.differences.map((d: { class: string; delta: string; within_tolerance: boolean }) => [d.class, d.delta, d.within_tolerance])).toEqual([["rounding", "-0.35", true]]);
    expect(out.differences[0].explanation).toBe("the bill rounds 1.35 to 1 (step 1, half-even)");
  });

  it("a line of several rows in money, each rounded up to a cent, is rounding held to the tolerance: 3 x 0.01 USD for 1.35 cents fails the gate", async () => {
    const row = "2026-11,request,gpt-4o,openai,1,0.01,USD\n";
    const run = await reconcile(`${HEADER}${row}${row}${row}`);
    expect(run.code).toBe(1);
    const [d] = JSON.parse(run.stdout).differences;
    expect([d.class, d.delta, d.within_tolerance]).toEqual(["rounding", "1.65", false]);
    expect(d.explanation).toContain("the bill rounds each of its 3 rows to a cent of its currency (step 1), less than 3 in all; it is 1.65 off the usage's 1.35");
  });

  it("only rounding to the nearest cent counts: 1.35 cents billed 0.02 USD (rounded up, 48% over) is a rate drift, exit 1", async () => {
    const run = await reconcile(`${HEADER}2026-11,request,gpt-4o,openai,3,0.02,USD\n`);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).differences.map((d: { class: string; delta: string; within_tolerance: boolean }) => [d.class, d.delta, d.within_tolerance])).toEqual([["rate_drift", "0.65", false]]);
  });
});

