import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// newcomer60 M2: a provider's price rise on one model also raises the overage of a customer past the allowance. The
// token line read rate_drift, and the overage "No reason found", which no tolerance passes: the analyst disputed two
// items for one cause. A token card of one model at 0.01 credits an output token, 1 credit = 0.01 USD, overage billed
// in USD past the 100 credits Starter includes.
const CARD = `provider: hub
version: "2026-11"
unit: credits
currency: USD
credit_price: "0.01"
precision: { display: 4, rounding: half-even, round_at: none }
cycle: { period: monthly }
categories: { llm: { label: LLM } }
pools: { usage: { label: Usage, when_exhausted: overage } }
grant_kinds: { included: { priority: 1, expires: cycle_end } }
plans: { starter: { label: Starter, included: 100, price: 29 } }
meters:
  request:
    aggregation: flow
    dimensions: [model]
    category: llm
    pool: usage
    price: "0"
    components:
      output_tokens: { by: [model], table: { m1: "0.01", m2: "0.02" } }
`;
// Three requests of m1, 10,000 output tokens each: 100 credits each, 300 in all; 200 past the allowance, 2.00 USD.
// One of m2, 1,000 tokens: 20 credits, 0.20 USD more: the overage is 2.20 USD.
const USAGE = "timestamp,meter,model,output_tokens\n2026-11-02T10:00:00Z,request,m1,10000\n2026-11-03T10:00:00Z,request,m1,10000\n2026-11-04T10:00:00Z,request,m1,10000\n2026-11-05T10:00:00Z,request,m2,1000\n";
const MAPPING = "currency: USD\nactivities: { Plan: plan, Output tokens: request:output_tokens, Overage: overage }\n";

function folder(bill: string): string {
  const dir = mkdtempSync(join(tmpdir(), "overage60-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "account.yaml"), "card: card.yaml\naccount: acme\nplan: starter\noverage: true\nanchor: 2026-11-01\ntimezone: UTC\n");
  writeFileSync(join(dir, "usage.csv"), USAGE);
  writeFileSync(join(dir, "bill.csv"), `period_start,activity,model,quantity,amount\n${bill}`);
  writeFileSync(join(dir, "bill.csv.mapping.yaml"), MAPPING);
  return dir;
}

const reconcile = (dir: string) => burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
type Line = { meter: string; class: string | null; explanation: string | null; dimensions: Record<string, string> };

describe("an overage that follows the bill's usage lines (newcomer60 M2)", () => {
  it("takes their reason where the overage's gap is theirs at the credit price", async () => {
    // The provider prices m1 at 0.011: 30,000 tokens 330 credits, 3.30 USD (+30 credits); its overage 230 + 20 = 250
    // credits, 2.50 USD (+0.30 USD, the 30 credits at 0.01).
    const r = await reconcile(folder("2026-11,Plan,,1,29\n2026-11,Output tokens,m1,30000,3.30\n2026-11,Output tokens,m2,1000,0.20\n2026-11,Overage,,,2.50\n"));
    expect(r.code, r.stderr).toBe(1);
    const lines = JSON.parse(r.stdout).lines as Line[];
    const tokens = lines.find((l) => l.meter === "request:output_tokens" && l.dimensions.model === "m1")!;
    const overage = lines.find((l) => l.meter === "overage")!;
    expect(tokens.class).toBe("rate_drift");
    expect(overage.class).toBe("rate_drift");
    expect(overage.explanation).toBe("the overage follows this account's usage lines on the bill: request:output_tokens model=m1 (rate_drift) charge +30 credits beside the usage, +0.3 USD past the allowance at 0.01 a credit; the bill's overage is +0.3 USD beside the usage's 2.2");
  });

  it("stays unexplained where its gap is not theirs", async () => {
    // The same drift, and an overage of 2.90 USD: 0.70 above, where the drift makes 0.30.
    const r = await reconcile(folder("2026-11,Plan,,1,29\n2026-11,Output tokens,m1,30000,3.30\n2026-11,Output tokens,m2,1000,0.20\n2026-11,Overage,,,2.90\n"));
    const overage = (JSON.parse(r.stdout).lines as Line[]).find((l) => l.meter === "overage")!;
    expect(overage.class).toBe("unexplained");
  });
});
