import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A bill's money figures read in the unit of the line they are compared with, and a bill mapping's currency:
// (newcomer, stop 37, findings 3 and 6). The Floopy card: unit cents, currency USD, credit_price 0.01 USD a cent;
// gpt-4o on openai at 0.00025 cents an input token and 0.001 an output token; plan pro 20 USD a month.
const CARD = join(ROOT, "ratecards/floopy.yaml");

// Two requests of gpt-4o on openai: input 10,000 + 20,000 = 30,000 tokens x 0.00025 = 7.5 cents (0.075 USD);
// output 2,000 + 4,000 = 6,000 tokens x 0.001 = 6 cents (0.06 USD).
const USAGE = [
  { timestamp: "2026-11-02T10:00:00Z", meter: "request", model: "gpt-4o", provider: "openai", input_tokens: 10000, output_tokens: 2000 },
  { timestamp: "2026-11-03T10:00:00Z", meter: "request", model: "gpt-4o", provider: "openai", input_tokens: 20000, output_tokens: 4000 },
];
const ACTIVITIES = "activities: { Input tokens: request:input_tokens, Output tokens: request:output_tokens, Pro plan: plan }\n";

function folder(bill: string, mapping: string | undefined, account = "account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 100000, at: \"2026-11-01T00:00:00Z\" }\n") {
  const dir = mkdtempSync(join(tmpdir(), "bill19-"));
  writeFileSync(join(dir, "account.yaml"), account);
  writeFileSync(join(dir, "usage.jsonl"), USAGE.map((u) => JSON.stringify(u)).join("\n") + "\n");
  writeFileSync(join(dir, "bill.csv"), bill);
  if (mapping !== undefined) writeFileSync(join(dir, "bill.csv.mapping.yaml"), mapping);
  return dir;
}

const reconcile = (dir: string, ...more: string[]) =>
  burnrate(["reconcile", "--card", CARD, "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.jsonl"), "--bill", join(dir, "bill.csv"), ...more]);

interface Line { activity: string; class?: string; explanation?: string; bill_unit_price?: string; card_unit_price?: string }
const differences = (stdout: string): Line[] => JSON.parse(stdout).differences;

describe("reconcile: a unit price in the bill's currency", () => {
  it("is compared with the card's in the card's unit: 0.000003 USD a token is 0.0003 cents, 20% above the card's 0.00025", async () => {
    // The input line bills 30,000 tokens at 0.000003 USD = 0.09 USD (9 cents, against the usage's 7.5); the output line
    // 6,000 at 0.00001 USD = 0.06 USD, 6 cents, as the usage. The unit price 0.000003 USD / 0.01 USD a cent = 0.0003 cents.
    const dir = folder(
      "period_start,activity,model,provider,quantity,unit_price,amount,currency\n" +
        "2026-11,Input tokens,gpt-4o,openai,30000,0.000003,0.09,USD\n" +
        "2026-11,Output tokens,gpt-4o,openai,6000,0.00001,0.06,USD\n",
      ACTIVITIES,
    );
    const run = await reconcile(dir, "--format", "json");
    expect(run.code).toBe(1);
    const [drift, ...rest] = differences(run.stdout);
    expect(rest).toEqual([]);
    expect(drift).toMatchObject({ activity: "Input tokens", class: "rate_drift", bill_unit_price: "0.0003", card_unit_price: "0.00025" });
    expect(drift!.explanation).toContain("the bill charges 0.0003 per unit and the card 0.00025");
  });

  it("on an overage line in the card's unit is turned into money: 0.3 cents a request is 0.003 USD against the card's 0.002", async () => {
    // Free: 1,000 requests a month, then 0.002 USD a request with overage on. 1,002 requests of 1,000 gpt-4o-mini input
    // tokens: 2 over, owing 2 x 0.002 = 0.004 USD. The bill: 2 at 0.3 cents, 0.6 cents = 0.006 USD; 0.3 cents x 0.01 = 0.003 USD.
    const dir = folder(
      "period_start,activity,quantity,unit_price,amount,currency\n2026-11,Overage,2,0.3,0.6,cents\n",
      undefined,
      "account: acme\nplan: free\noverage: true\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 100000, at: \"2026-11-01T00:00:00Z\" }\n",
    );
    const rows = Array.from({ length: 1002 }, (_, i) => JSON.stringify({ timestamp: `2026-11-02T10:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z`, meter: "request", model: "gpt-4o-mini", provider: "openai", input_tokens: 1000, output_tokens: 0 }));
    writeFileSync(join(dir, "usage.jsonl"), rows.join("\n") + "\n");
    const run = await reconcile(dir, "--format", "json");
    expect(run.code).toBe(1);
    const overage = differences(run.stdout).find((d) => d.activity === "Overage");
    expect(overage).toMatchObject({ class: "rate_drift", bill_unit_price: "0.003", card_unit_price: "0.002" });
  });
});

describe("reconcile: a bill mapping's currency:", () => {
  // A dollar invoice without a currency column: input 0.075 USD (7.5 cents), output 0.06 USD (6 cents), the plan 20 USD.
  const DOLLARS = "period_start,activity,model,provider,quantity,unit_price,amount\n" +
    "2026-11,Pro plan,,,1,20,20\n" +
    "2026-11,Input tokens,gpt-4o,openai,30000,0.0000025,0.075\n" +
    "2026-11,Output tokens,gpt-4o,openai,6000,0.00001,0.06\n";

  it("reads a dollar invoice without a currency column in dollars: every line agrees, exit 0", async () => {
    const dir = folder(DOLLARS, `${ACTIVITIES}currency: USD\n`);
    const run = await reconcile(dir, "--format", "json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.differences).toEqual([]);
    // The usage lines in cents: 0.075 / 0.01 + 0.06 / 0.01 = 7.5 + 6 = 13.5; the plan's 20 USD in money.
    expect(out.bill_total).toBe("13.5");
    expect(out.money).toMatchObject({ currency: "USD", bill_total: "20", computed_total: "20" });
  });

  it("without it, says on every usage line that the bill's amounts are the usage's in USD, and names the key", async () => {
    // 0.075 read as cents is 7.5 cents x 0.01; 0.06 is 6 cents x 0.01: both lines off by exactly the credit price.
    const dir = folder(DOLLARS, ACTIVITIES);
    const run = await reconcile(dir, "--format", "json");
    expect(run.code).toBe(1);
    const lines = differences(run.stdout);
    expect(lines.map((l) => l.activity)).toEqual(["Input tokens", "Output tokens"]);
    expect(lines[0]!.explanation).toContain("the bill's 0.075 is the usage's 7.5 cents in USD at the card's credit price of 0.01 (0.075)");
    for (const line of lines) {
      expect(line.explanation).toContain("currency: USD in the bill mapping (or a currency column)");
      expect(line.explanation).not.toContain("the card may be out of date");
    }
  });

  it("is not offered where the bill is in cents and a price differs, nor where one usage line is not the usage in USD", async () => {
    // In cents: input 9 for 7.5 (a rate drift, not 100 times off). Then 0.075 USD-like on input, but output 9 (not 0.06).
    for (const [input, output] of [["9", "6"], ["0.075", "9"]]) {
      const dir = folder(`period_start,activity,model,provider,quantity,amount\n2026-11,Input tokens,gpt-4o,openai,30000,${input}\n2026-11,Output tokens,gpt-4o,openai,6000,${output}\n`, ACTIVITIES);
      const run = await reconcile(dir, "--format", "json");
      expect(run.code).toBe(1);
      for (const line of differences(run.stdout)) expect(line.explanation).not.toContain("currency: USD in the bill mapping");
    }
  });

  it("fills a row whose currency cell is empty, and a cell that names the same currency agrees with it", async () => {
    // The plan row says USD, the token rows leave the cell empty: all in USD, as the mapping says.
    const dir = folder(
      "period_start,activity,model,provider,quantity,amount,currency\n2026-11,Pro plan,,,1,20,usd\n2026-11,Input tokens,gpt-4o,openai,30000,0.075,\n2026-11,Output tokens,gpt-4o,openai,6000,0.06,\n",
      `${ACTIVITIES}currency: USD\n`,
    );
    const run = await reconcile(dir, "--format", "json");
    expect(run.code).toBe(0);
  });

  it("reads a FOCUS export without BillingCurrency in dollars", async () => {
    const dir = folder(
      "BillingPeriodStart,ChargeDescription,ConsumedQuantity,BilledCost,Tags\n" +
        '2026-11-01T00:00:00Z,Input tokens,30000,0.075,"{""model"":""gpt-4o"",""provider"":""openai""}"\n' +
        '2026-11-01T00:00:00Z,Output tokens,6000,0.06,"{""model"":""gpt-4o"",""provider"":""openai""}"\n',
      `layout: focus\n${ACTIVITIES}currency: USD\n`,
    );
    const run = await reconcile(dir, "--format", "json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("is refused where it is neither the card's unit nor its currency, where a row's cell names another, and on a ledger", async () => {
    const euro = folder(DOLLARS, `${ACTIVITIES}currency: EUR\n`);
    let run = await reconcile(euro);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`bill.csv.mapping.yaml:2:11: bill currency "EUR" is neither the card's unit nor its currency (expected cents (the card's unit), or USD (its currency, at the credit price of 0.01)`);

    const mixed = folder("period_start,activity,model,provider,quantity,amount,currency\n2026-11,Input tokens,gpt-4o,openai,30000,7.5,cents\n", `${ACTIVITIES}currency: USD\n`);
    run = await reconcile(mixed);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bill\.csv:2:7: currency "cents" is not the bill mapping's currency: USD \(.*bill\.csv\.mapping\.yaml:2:11\)/);

    const ledger = folder("timestamp,type,amount\n2026-11-02T10:00:00Z,Request,-0.135\n", "layout: ledger\ncurrency: USD\n");
    run = await reconcile(ledger);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("bill.csv.mapping.yaml:2:11: a ledger is in cents, not USD");
  });
});

// newcomer50 F6: a bill in cents throughout, with no currency column nor currency: key, read its plan fee as dollars:
// "the bill charges 2000 USD as plan fees ... the card may be out of date", where it was the 20 USD fee in cents.
describe("reconcile: a bill in the card's unit throughout that does not say so", () => {
  it("says a fee row that is the fee in cents is read as dollars, with the key that reads the whole bill in cents", async () => {
    // The usage lines in cents agree: 7.5 and 6. The Pro plan's 20 USD written as 2000 (cents) is read as 2000 USD.
    const bill = "period_start,activity,model,provider,quantity,amount\n2026-11,Input tokens,gpt-4o,openai,30000,7.5\n2026-11,Output tokens,gpt-4o,openai,6000,6\n2026-11,Pro plan,,,1,2000\n";
    const run = await reconcile(folder(bill, ACTIVITIES), "--format", "json");
    expect(run.code).toBe(1);
    const [fee, ...rest] = differences(run.stdout);
    expect(rest).toEqual([]);
    // 20 USD / 0.01 USD a cent = 2000 cents.
    expect(fee).toMatchObject({ activity: "Pro plan", class: "rate_drift" });
    expect(fee!.explanation).toBe(
      "the bill's 2000 is the 20 USD computed, in cents at the card's credit price of 0.01, as the bill's usage lines are in cents: its money rows are read as USD because the bill does not say what they are in; currency: cents in the bill mapping reads every row in cents",
    );
    // Said so, the bill agrees.
    const fixed = await reconcile(folder(bill, `${ACTIVITIES}currency: cents\n`), "--format", "json");
    expect(fixed.code).toBe(0);
  });

  it("blames the card as before where a fee row is not the fee in cents, or a row says what it is in", async () => {
    const other = "period_start,activity,model,provider,quantity,amount\n2026-11,Input tokens,gpt-4o,openai,30000,7.5\n2026-11,Output tokens,gpt-4o,openai,6000,6\n2026-11,Pro plan,,,1,25\n";
    const [fee] = differences((await reconcile(folder(other, ACTIVITIES), "--format", "json")).stdout);
    expect(fee!.explanation).not.toContain("currency: cents");
    const stated = "period_start,activity,model,provider,quantity,amount,currency\n2026-11,Input tokens,gpt-4o,openai,30000,7.5,cents\n2026-11,Output tokens,gpt-4o,openai,6000,6,cents\n2026-11,Pro plan,,,1,2000,USD\n";
    const [said] = differences((await reconcile(folder(stated, ACTIVITIES), "--format", "json")).stdout);
    expect(said!.explanation).not.toContain("currency: cents");
  });
});

// newcomer66 M5, L7: a plan fee billed at another price was "the card may be out of date, or the account on another
// plan" whatever the price; where it is another plan's fee on the card, or the fee times 100, the likelier cause is said.
describe("reconcile: a plan fee billed at another price", () => {
  const usageLines = "period_start,activity,model,provider,quantity,amount,currency\n2026-11,Input tokens,gpt-4o,openai,30000,7.5,cents\n2026-11,Output tokens,gpt-4o,openai,6000,6,cents\n";
  const feeOf = async (fee: string) => {
    const [line, ...rest] = differences((await reconcile(folder(`${usageLines}2026-11,Pro plan,,,1,${fee},USD\n`, ACTIVITIES), "--format", "json")).stdout);
    expect(rest).toEqual([]);
    return line!;
  };

  it("names the plan whose fee it is: 500 USD is Enterprise's, where the account is on Pro (20 USD)", async () => {
    expect((await feeOf("500")).explanation).toBe(
      "the bill charges 500 USD as plan fees, where the card prices plan pro's fee at 20 USD: 500 USD is plan enterprise's fee on the card: the account on enterprise in this cycle, a plan change the account file does not have (changes:)? The usage refused on other lines would then be priced",
    );
  });

  it("names a fee 100 times the card's as written in cents: 2000 for 20 USD", async () => {
    expect((await feeOf("2000")).explanation).toBe("the bill charges 2000 USD as plan fees, where the card prices plan pro's fee at 20 USD: 2000 is 20 times 100: the bill's fees in cents, where the card's are in USD?");
  });

  it("blames the card or the plan as before for another price", async () => {
    expect((await feeOf("25")).explanation).toBe("the bill charges 25 USD as plan fees, where the card prices plan pro's fee at 20 USD: the card may be out of date, or the account on another plan");
  });
});

// red66b M15: a fee billed at 0 where the account's plan costs 20 is Free's fee.
describe("reconcile: a plan fee billed at nothing", () => {
  it("names the free plan", async () => {
    const bill = "period_start,activity,model,provider,quantity,amount,currency\n2026-11,Input tokens,gpt-4o,openai,30000,7.5,cents\n2026-11,Output tokens,gpt-4o,openai,6000,6,cents\n2026-11,Pro plan,,,1,0,USD\n";
    const [fee, ...rest] = differences((await reconcile(folder(bill, ACTIVITIES), "--format", "json")).stdout);
    expect(rest).toEqual([]);
    expect(fee!.explanation).toBe(
      "the bill charges 0 USD as plan fees, where the card prices plan pro's fee at 20 USD: 0 USD is plan free's fee on the card: the account on free in this cycle, a plan change the account file does not have (changes:)? The usage refused on other lines would then be priced",
    );
  });
});
