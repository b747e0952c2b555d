import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer61 M1: a card that rounds each event cuts each token line down to the step an event and puts the rest on the
// request's own line; an invoice written as quantity x unit price read "the bill charges 0.0036 per unit and the card
// 0.0036: the card may be out of date". Floopy's gpt-4o-mini on openai: 1000 input tokens x 0.000015 = 0.015 and 250
// output tokens x 0.00006 = 0.015, 0.03 an event, which a step of 0.01 half-up keeps; each token part is cut down to
// 0.01, the request's own line takes 0.01. Two such requests: lines of 0.02 each, 0.06 in all.
const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
const rounded = floopy.replace(/rounding: [a-z-]+/, "rounding: half-up").replace("  round_at: none", '  round_at: event\n  step: "0.01"');
const USAGE = "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T00:00:00Z,request,gpt-4o-mini,openai,1000,250\n2026-11-03T00:00:00Z,request,gpt-4o-mini,openai,1000,250\n";

async function reconcile(bill: string[], given: { card: string; usage: string } = { card: rounded, usage: USAGE }) {
  const dir = mkdtempSync(join(tmpdir(), "round61-"));
  writeFileSync(join(dir, "card.yaml"), given.card);
  writeFileSync(join(dir, "account.yaml"), `card: ${join(dir, "card.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 100, at: 2026-11-01 }\n`);
  writeFileSync(join(dir, "usage.csv"), given.usage);
  writeFileSync(join(dir, "bill.csv"), `${["period_start,activity,model,provider,quantity,amount", ...bill].join("\n")}\n`);
  const run = await burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
  const lines = (JSON.parse(run.stdout) as { lines: { meter: string; class: string | null; explanation: string | null }[] }).lines;
  return { run, line: (meter: string) => lines.find((l) => l.meter === meter) };
}

describe("a bill by token at the card's unit price, where the card rounds each event (newcomer61 M1)", () => {
  it("says the bill charges the card's own price and the line is cut down to the step, and still holds it a difference", async () => {
    // 2000 x 0.000015 = 0.03 and 500 x 0.00006 = 0.03 billed; the usage's lines 0.02 each, the rest on the request's own line.
    const { run, line } = await reconcile(["2026-11-01,request:input_tokens,gpt-4o-mini,openai,2000,0.03", "2026-11-01,request:output_tokens,gpt-4o-mini,openai,500,0.03"]);
    const input = line("request:input_tokens")!;
    expect(input.class).toBe("rate_drift");
    expect(input.explanation).toBe("same quantity (2000), but the bill charges the card's own 0.000015 per unit (50% over the usage's amount): the card rounds each event (round_at: event), and this line holds each of its 2 events' part cut down to the step 0.01, the rest of each event on the meter's own line; a bill of quantity x unit price differs so, and is right only where it leaves that rest out");
    expect(run.code).toBe(1);
  });

  it("fails a bill that charges the rest twice, on the request's own line and in its token lines (red61c F1)", async () => {
    // The request's own line 0.02 as the statement has it, and the token lines at quantity x price: 0.08 for 0.06.
    const { run } = await reconcile(["2026-11-01,request,gpt-4o-mini,openai,2,0.02", "2026-11-01,request:input_tokens,gpt-4o-mini,openai,2000,0.03", "2026-11-01,request:output_tokens,gpt-4o-mini,openai,500,0.03"]);
    expect(run.code).toBe(1);
  });

  it("is still a price where the bill's unit price is not the card's, and a count where the gap passes a step an event", async () => {
    // 2000 x 0.00002 = 0.04: another price.
    const drift = await reconcile(["2026-11-01,request:input_tokens,gpt-4o-mini,openai,2000,0.04"]);
    expect(drift.line("request:input_tokens")!.class).toBe("rate_drift");
    // 0.05 at the card's price would be 3,333.33 tokens: not the card's price on 2000, and 0.03 past the usage's 0.02.
    const far = await reconcile(["2026-11-01,request:input_tokens,gpt-4o-mini,openai,2000,0.05"]);
    expect(far.line("request:input_tokens")!.class).not.toBe("rounding");
  });

  it("says a price gap under a hundredth of a percent so, not 0% (newcomer61 L3)", async () => {
    // Floopy as shipped (no rounding): 2,000,000 input tokens x 0.000015 = 30 cents; billed 30.001, 0.0033% over.
    const usage = "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T00:00:00Z,request,gpt-4o-mini,openai,2000000,0\n";
    const { line } = await reconcile(["2026-11-01,request:input_tokens,gpt-4o-mini,openai,2000000,30.001"], { card: floopy, usage });
    expect(line("request:input_tokens")!.explanation).toContain("(less than 0.01% over the usage's amount)");
  });
});
