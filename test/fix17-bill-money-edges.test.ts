import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Two edges of bills in money and ledgers (red team, stop 35).
const FLOOPY = join(ROOT, "fixtures/reconcile/floopy");

describe("reconcile: a ledger's ignored row", () => {
  it("is counted as the charges are, positive: a support fee of -2500 in the ledger is 2,500 cents", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    const bill = join(dir, "ledger.csv");
    writeFileSync(bill, `${readFileSync(join(FLOOPY, "ledger.csv"), "utf8").trimEnd()}\n2026-11-07T11:00:00Z,Support fee,-2500,acme,monthly support\n`);
    writeFileSync(`${bill}.mapping.yaml`, `${readFileSync(join(FLOOPY, "ledger.csv.mapping.yaml"), "utf8").trimEnd()}\nactivities: { Support fee: ignore }\n`);
    const run = await burnrate(["reconcile", "--account", join(ROOT, "fixtures/floopy/account.yaml"), "--usage", join(ROOT, "fixtures/floopy/gateway.csv"), "--bill", bill, "--format", "json"]);
    expect(run.code).toBeLessThan(2);
    // The ledger names its organization; its row of 2026-11-07 is in acme's cycle from 2026-11-01 (UTC).
    expect(JSON.parse(run.stdout).ignored).toEqual([{ cycle: "2026-11-01T00:00:00Z", account: "acme", activity: "Support fee", rows: 1, amount: "2500", unit: "cents" }]);
  });
});

describe("reconcile: a bill in money on a card whose credit price does not divide it", () => {
  it("is refused saying so: 0.01 USD at 0.003 USD a credit is no exact number of credits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    writeFileSync(join(dir, "card.yaml"), readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8").replace('credit_price: "0.01"', 'credit_price: "0.003"'));
    writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n');
    writeFileSync(join(dir, "usage.jsonl"), `${JSON.stringify({ timestamp: "2026-11-02T10:00:00Z", meter: "request", model: "gpt-4o", provider: "openai", input_tokens: 1000, output_tokens: 200 })}\n`);
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,model,provider,quantity,amount,currency\n2026-11,request,gpt-4o,openai,1,0.01,USD\n");
    const run = await burnrate(["reconcile", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.jsonl"), "--bill", join(dir, "bill.csv")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bill.csv:2:7: "0.01" USD is no exact number of cents at the card\'s credit price of 0.003');
  });
});
