import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Field report 11: on a token-priced meter (Floopy's request: a price per input and per output token,
// none of its own), a bill that charged a retried request twice was "unexplained: quantity and price
// both differ", and a bill line pasted twice the same. Prices from ratecards/floopy.yaml, in cents:
// gpt-4o on openai 0.00025 an input token and 0.001 an output token; gpt-4o-mini 0.000015 and 0.00006.
//   r1: 1,000 x 0.00025 + 200 x 0.001 = 0.45 (and again, under the same event_id: a repeat)
//   r2: 4,000 x 0.00025 + 1,000 x 0.001 = 2, so gpt-4o's usage is 2 requests for 2.45
//   r3: 10,000 x 0.000015 + 1,000 x 0.00006 = 0.21
const USAGE = [
  "timestamp,meter,event_id,model,provider,input_tokens,output_tokens",
  "2026-11-02T10:00:00Z,request,r1,gpt-4o,openai,1000,200",
  "2026-11-02T10:00:05Z,request,r1,gpt-4o,openai,1000,200",
  "2026-11-03T10:00:00Z,request,r2,gpt-4o,openai,4000,1000",
  "2026-11-04T10:00:00Z,request,r3,gpt-4o-mini,openai,10000,1000",
  "",
].join("\n");
const BILL = [
  "period_start,activity,model,provider,quantity,amount",
  "2026-11-01,Request,gpt-4o,openai,3,2.9",
  "2026-11-01,Request,gpt-4o-mini,openai,1,0.21",
  "2026-11-01,Request,gpt-4o-mini,openai,1,0.21",
  "",
].join("\n");

async function reconcile(bill = BILL) {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-field11-tokens-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }\n`);
  writeFileSync(join(dir, "usage.csv"), USAGE);
  writeFileSync(join(dir, "bill.csv"), bill);
  return burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
}

describe("reconcile on a token-priced meter", () => {
  it("a retried request billed twice is duplicate_events: the extra is what the repeat costs", async () => {
    const r = await reconcile();
    expect(r.code).toBe(1);
    const [tokens] = JSON.parse(r.stdout).differences;
    expect([tokens.bill_quantity, tokens.bill_amount, tokens.computed_quantity, tokens.computed_amount, tokens.delta]).toEqual(["3", "2.9", "2", "2.45", "0.45"]);
    expect(tokens.class).toBe("duplicate_events");
    expect(tokens.explanation).toBe("the bill charges 0.45 cents more than usage and counts 1 more: exactly what the events the log repeats under an existing event_id cost (counted once by burnrate); the first repeat at usage.csv:3:1, event_id \"r1\"");
  });

  it("a bill line given twice is named at both rows, and the line's several prices are said as such", async () => {
    const r = await reconcile();
    const [, pasted] = JSON.parse(r.stdout).differences;
    expect([pasted.bill_quantity, pasted.bill_amount, pasted.computed_quantity, pasted.computed_amount, pasted.bill_rows]).toEqual(["2", "0.42", "1", "0.21", 2]);
    expect(pasted.class).toBe("unexplained");
    expect(pasted.explanation).toBe(
      "the quantity differs, and the line has several prices (components, surcharges or rates by dimension), so the bill's quantity has no one price to check: the bill has 2 for 0.42, usage 1 from 1 event(s) for 0.21; the bill gives this line on 2 rows, and bill.csv:4 repeats bill.csv:3 exactly (quantity and amount)",
    );
    // The largest of the two: the repeat's 0.45 cents, beside the pasted row's 0.21.
    expect(r.stderr).toBe("burnrate: 2 bill difference(s) need attention; largest: 2026-11-01T00:00:00Z request duplicate_events, over tolerance\n");
  });

  it("a bill's account the usage never names gets the near miss it probably is", async () => {
    const r = await reconcile("period_start,account,activity,model,provider,quantity,amount\n2026-11-01,acme,Request,gpt-4o,openai,2,2.45\n2026-11-01,Acme,Request,gpt-4o-mini,openai,1,0.21\n");
    expect(r.code).toBe(1);
    const differences = JSON.parse(r.stdout).differences;
    expect(differences.map((d: { account: string; class: string }) => [d.account, d.class])).toEqual([["Acme", "missing_in_usage"], ["acme", "missing_on_bill"]]);
    expect(differences[0].explanation).toBe('the bill charges 0.21 cents for quantity 1; the usage log has no such events; the usage has no account "Acme" at all (did you mean "acme"?)');
  });
});
