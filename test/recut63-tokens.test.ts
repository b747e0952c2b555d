import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer63b H1: a bill whose cycles start on another day than the account's is reconciled against the usage re-cut
// at its periods, summed from the replay's ledger; a token-priced row's ledger entry gave its requests and credits
// only, so every input and output token line of a correct bill was "missing in usage", and none agreed.
describe("reconcile, a bill by token component cut on another day than the account's cycles (newcomer63b H1)", () => {
  // Floopy Pro, anchored on November 1, 1,000 cents bought; gpt-4o at 0.00025 a token in and 0.001 out, gpt-4o-mini
  // at 0.000015 and 0.00006. The bill's period starts on November 5.
  function files(bill: string): string[] {
    const dir = mkdtempSync(join(tmpdir(), "recut63-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${JSON.stringify(join(ROOT, "ratecards/floopy.yaml"))}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-06T10:00:00Z,request,gpt-4o,openai,1000000,100000\n2026-11-20T10:00:00Z,request,gpt-4o,openai,2000000,0\n2026-11-25T10:00:00Z,request,gpt-4o-mini,openai,4000000,200000\n");
    writeFileSync(join(dir, "bill.csv"), bill);
    return ["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"];
  }
  // By hand: gpt-4o 3,000,000 in x 0.00025 = 750 and 100,000 out x 0.001 = 100; gpt-4o-mini 4,000,000 x 0.000015 = 60
  // and 200,000 x 0.00006 = 12; the requests' own lines 0. The plan's 20 USD is the fee of the cycle starting in it.
  const lines = (gpt4oIn: string) => [
    "period_start,activity,model,provider,quantity,amount",
    `2026-11-05,request:input_tokens,gpt-4o,openai,3000000,${gpt4oIn}`,
    "2026-11-05,request:output_tokens,gpt-4o,openai,100000,100",
    "2026-11-05,request:input_tokens,gpt-4o-mini,openai,4000000,60",
    "2026-11-05,request:output_tokens,gpt-4o-mini,openai,200000,12",
  ].join("\n") + "\n";

  it("agrees, line by line, with the usage re-cut at its period", async () => {
    const r = await burnrate(files(lines("750")));
    const json = JSON.parse(r.stdout);
    expect(r.code).toBe(0);
    expect(json.boundary.class).toBe("boundary_shift");
    // The requests' own lines, 0 cents each, agree too.
    expect(json.lines.every((l: { status: string }) => l.status === "agrees")).toBe(true);
    const seen = json.lines.filter((l: { activity: string }) => l.activity.includes(":")).map((l: { activity: string; dimensions: { model: string }; computed_quantity: string; computed_amount: string; status: string }) => [l.activity, l.dimensions.model, l.computed_quantity, l.computed_amount, l.status]);
    expect(seen).toEqual([
      ["request:input_tokens", "gpt-4o", "3000000", "750", "agrees"],
      ["request:output_tokens", "gpt-4o", "100000", "100", "agrees"],
      ["request:input_tokens", "gpt-4o-mini", "4000000", "60", "agrees"],
      ["request:output_tokens", "gpt-4o-mini", "200000", "12", "agrees"],
    ]);
  });

  it("finds a token line billed at another price", async () => {
    // 800 for 750: 50 cents over, on gpt-4o's input tokens.
    const r = await burnrate(files(lines("800")));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/input_tokens/);
  });
});

describe("a re-cut token line's unit price is the card's, as the statement's (red63e M1)", () => {
  it("on a card that rounds each event: the bill at the card's own price is said to be the card's", async () => {
    // Floopy rounding each event to 0.01 cents: 1,001 input tokens of gpt-4o at 0.00025 make 0.25025, cut down to 0.25.
    const { readFileSync } = await import("node:fs");
    const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
    const rounded = floopy.replace(/^(\s*round_at:) none\b/m, "$1 event");
    expect(rounded).not.toBe(floopy);
    const dir = mkdtempSync(join(tmpdir(), "recut63-ev-"));
    writeFileSync(join(dir, "card.yaml"), rounded);
    writeFileSync(join(dir, "account.yaml"), `card: card.yaml\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-06T10:00:00Z,request,gpt-4o,openai,1001,0\n");
    // Billed at quantity x the card's price, 0.25025, where the statement cut the part down to 0.25.
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,model,provider,quantity,amount\n2026-11-05,request:input_tokens,gpt-4o,openai,1001,0.25025\n");
    const r = await burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
    const line = JSON.parse(r.stdout).lines.find((l: { activity: string }) => l.activity === "request:input_tokens");
    expect(line.card_unit_price).toBe("0.00025");
    expect(line.explanation).toContain("the bill charges the card's own 0.00025 per unit");
  });
});

describe("a re-cut bill's credits bought (red63e H1)", () => {
  it("are compared with the purchases in its periods: 500 cents bought on November 20 are 5 USD on the bill from the 5th", async () => {
    const dir = mkdtempSync(join(tmpdir(), "recut63-bought-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${JSON.stringify(join(ROOT, "ratecards/floopy.yaml"))}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 500, at: "2026-11-20T00:00:00Z" }\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-21T10:00:00Z,request,gpt-4o,openai,1000000,100000\n");
    // 1,000,000 x 0.00025 + 100,000 x 0.001 = 350 cents of the 500; Floopy's credit_price is 0.01 USD a cent.
    const bill = (bought: string) => `period_start,activity,model,provider,quantity,amount,currency\n2026-11-05,request:input_tokens,gpt-4o,openai,1000000,2.5,USD\n2026-11-05,request:output_tokens,gpt-4o,openai,100000,1,USD\n2026-11-05,credits_bought,,,,${bought},USD\n`;
    const run = async (bought: string) => {
      writeFileSync(join(dir, "bill.csv"), bill(bought));
      return burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
    };
    const right = await run("5");
    const line = JSON.parse(right.stdout).lines.find((l: { activity: string }) => l.activity === "credits_bought");
    expect([right.code, line.status]).toEqual([0, "agrees"]);
    const wrong = await run("10");
    expect(wrong.code).toBe(1);
  });
});
