import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer37 F2: a bill row pasted twice, each row its tokens at the card's rate rounded to the cent, read as
// "quantity and price both differ". Floopy's gpt-4o output on openai is 0.001 cents a token: 2,690,185 tokens are
// 2,690.185 cents, billed 26.90 USD a row. The line's cent was dropped at its second row, so the two rows' 53.80 USD
// for 5,380,370 tokens (5,380.37 cents at the card's rate) were held to the card's step.
function files(rows: string[], charged: string[] = [], flags: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "dup48-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants: [{ kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }]\n`);
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens,event_id\n2026-11-02T09:00:00Z,request,gpt-4o,openai,400000,2690185,r2\n");
  const category = charged.length > 0 ? ",charge_category" : "";
  const usage = rows.map((r) => `${r}${charged.length > 0 ? "," : ""}`);
  writeFileSync(join(dir, "bill.csv"), `period_start,activity,model,provider,quantity,amount,currency${category}\n2026-11-01,request:input_tokens,gpt-4o,openai,400000,1.00,USD${charged.length > 0 ? "," : ""}\n${[...usage, ...charged].join("\n")}\n`);
  return burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json", ...flags]);
}

describe("a line of several money rows, each its own quantity at the card's rate to the cent (newcomer37 F2)", () => {
  it("is a quantity_mismatch, with the repeated row named", async () => {
    const out = await files(["2026-11-01,request:output_tokens,gpt-4o,openai,2690185,26.90,USD", "2026-11-01,request:output_tokens,gpt-4o,openai,2690185,26.90,USD"]);
    expect(out.code).toBe(1);
    const differences = JSON.parse(out.stdout).differences as { class: string; explanation: string }[];
    expect(differences.map((d) => d.class)).toEqual(["quantity_mismatch"]);
    expect(differences[0]!.explanation).toContain("both priced at the card's 0.001");
    expect(differences[0]!.explanation).toMatch(/bill\.csv:4 repeats .*bill\.csv:3 exactly/);
  });

  it("stays unexplained where a row is not its quantity at the card's rate (26.95 USD for 2,690.185 cents)", async () => {
    const out = await files(["2026-11-01,request:output_tokens,gpt-4o,openai,2690185,26.90,USD", "2026-11-01,request:output_tokens,gpt-4o,openai,2690185,26.95,USD"]);
    expect(out.code).toBe(1);
    expect((JSON.parse(out.stdout).differences as { class: string }[]).map((d) => d.class)).toEqual(["unexplained"]);
  });

  it("stays unexplained with a tax on the line, whatever the tolerance (red48b #1)", async () => {
    // 2,690,185 + 1,000,000 tokens billed at the card's rate to the cent (26.90 and 10.00 USD), and a tax of 3.00 USD:
    // 3,990 cents against the usage's 2,690.185. The gap is a count and a tax: no price explains it alone.
    const out = await files(["2026-11-01,request:output_tokens,gpt-4o,openai,2690185,26.90,USD", "2026-11-01,request:output_tokens,gpt-4o,openai,1000000,10.00,USD"], ["2026-11-01,request:output_tokens,gpt-4o,openai,,3.00,USD,Tax"], ["--tolerance-percent", "35"]);
    expect(out.code).toBe(1);
    expect((JSON.parse(out.stdout).differences as { class: string }[]).map((d) => d.class)).toEqual(["unexplained"]);
  });
});

describe("a note on an agreeing line of a bill that names accounts (newcomer49 F9)", () => {
  it("names the line's account, as the differences do", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dup48-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants: [{ kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }]\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens,event_id\n2026-11-02T09:00:00Z,request,gpt-4o,openai,400000,1000,r2\n");
    // 400,000 input tokens at 0.00025 = 100 cents, 1,000 output at 0.001 = 1 cent; the request itself is free, and not billed.
    writeFileSync(join(dir, "bill.csv"), "period_start,account,activity,model,provider,quantity,amount,currency\n2026-11-01,acme,request:input_tokens,gpt-4o,openai,400000,1.00,USD\n2026-11-01,acme,request:output_tokens,gpt-4o,openai,1000,0.01,USD\n");
    const out = await burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "markdown"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("2026-11-01 request (acme) model=gpt-4o provider=openai");
    expect(out.stdout).toContain("free in usage (quantity 1 for 0); the bill has no such line");
  });
});
