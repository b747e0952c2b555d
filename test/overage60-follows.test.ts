import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer60 M2: a provider's price rise on one model also raises the overage of a customer past the allowance. The
// token line read rate_drift, and the overage "No reason found", which no tolerance passes: the analyst disputed two
// items for one cause. Floopy's card (ratecards/floopy.yaml, 1 cent a credit), its pool billing overage in USD past
// the Pro plan's 0 included cents: gpt-4o on openai at 0.001 cents an output token, claude-sonnet-4 on anthropic at
// 0.0015.
const CARD = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8").replace("credits: { label: Credits, when_exhausted: block }", "credits: { label: Credits, when_exhausted: overage }");
// Three gpt-4o requests of 10,000 output tokens (no input): 10 cents each, 30 in all; one claude request of 1,000: 1.5 cents.
// Everything is past the allowance: an overage of 31.5 cents, 0.315 USD.
const USAGE = "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,gpt-4o,openai,0,10000\n2026-11-03T10:00:00Z,request,gpt-4o,openai,0,10000\n2026-11-04T10:00:00Z,request,gpt-4o,openai,0,10000\n2026-11-05T10:00:00Z,request,claude-sonnet-4,anthropic,0,1000\n";
const MAPPING = "currency: USD\nactivities: { Plan: plan, Output tokens: request:output_tokens, Overage: overage }\n";

function folder(bill: string): string {
  const dir = mkdtempSync(join(tmpdir(), "overage60-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "account.yaml"), "card: card.yaml\naccount: acme\nplan: pro\noverage: true\nanchor: 2026-11-01\ntimezone: UTC\n");
  writeFileSync(join(dir, "usage.csv"), USAGE);
  writeFileSync(join(dir, "bill.csv"), `period_start,activity,model,provider,quantity,amount\n${bill}`);
  writeFileSync(join(dir, "bill.csv.mapping.yaml"), MAPPING);
  return dir;
}

const reconcile = (dir: string) => burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
type Line = { meter: string; class: string | null; explanation: string | null; dimensions: Record<string, string> };

describe("an overage that follows the bill's usage lines (newcomer60 M2)", () => {
  it("takes their reason where the overage's gap is theirs at the credit price", async () => {
    // The provider prices gpt-4o output at 0.0011: 30,000 tokens 33 cents, billed 0.33 USD (+3 cents); claude's 1.5
    // cents billed 0.02 (rounding). Its overage 33 + 1.5 = 34.5 cents, billed 0.35 USD: +0.035 beside 0.315, where the
    // drift makes +0.03, within a cent each of the drifted line and the overage, rounded apart.
    const r = await reconcile(folder("2026-11,Plan,,,1,20\n2026-11,Output tokens,gpt-4o,openai,30000,0.33\n2026-11,Output tokens,claude-sonnet-4,anthropic,1000,0.02\n2026-11,Overage,,,,0.35\n"));
    expect(r.code, r.stderr).toBe(1);
    const lines = JSON.parse(r.stdout).lines as Line[];
    const tokens = lines.find((l) => l.meter === "request:output_tokens" && l.dimensions.model === "gpt-4o")!;
    const overage = lines.find((l) => l.meter === "overage")!;
    expect(tokens.class).toBe("rate_drift");
    expect(overage.class).toBe("rate_drift");
    expect(overage.explanation).toBe("the overage follows this account's usage lines on the bill: request:output_tokens model=gpt-4o provider=openai (rate_drift) charge +3 cents beside the usage, +0.03 USD past the allowance at 0.01 a credit; the bill's overage is +0.035 USD beside the usage's 0.315");
  });

  it("stays unexplained past what the bill's rounding leaves: half a cent for the drifted row and for the overage (red60b F1)", async () => {
    // Overage billed 0.36: +0.045 beside 0.315, the drift +0.03: 0.015 apart, past 0.005 + 0.005. A cent a line had
    // let sixteen drifted lines explain an overage twice their drift.
    const r = await reconcile(folder("2026-11,Plan,,,1,20\n2026-11,Output tokens,gpt-4o,openai,30000,0.33\n2026-11,Output tokens,claude-sonnet-4,anthropic,1000,0.02\n2026-11,Overage,,,,0.36\n"));
    const overage = (JSON.parse(r.stdout).lines as Line[]).find((l) => l.meter === "overage")!;
    expect(overage.class).toBe("unexplained");
  });

  it("stays unexplained where its gap is not theirs", async () => {
    // The same drift, and an overage of 0.90 USD: +0.585, where the drift makes +0.03.
    const r = await reconcile(folder("2026-11,Plan,,,1,20\n2026-11,Output tokens,gpt-4o,openai,30000,0.33\n2026-11,Output tokens,claude-sonnet-4,anthropic,1000,0.02\n2026-11,Overage,,,,0.90\n"));
    const overage = (JSON.parse(r.stdout).lines as Line[]).find((l) => l.meter === "overage")!;
    expect(overage.class).toBe("unexplained");
  });
});
