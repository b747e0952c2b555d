import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer52 M1: floopy.yaml shows amounts to 4 places (precision.display) and rounds at a cent (its step, 0.01,
// the default). A bill that wrote each line's exact amount rounded to 4 places had every right line classed
// rate_drift, exit 1, and the one wrong line was lost among them. A bill's amount is exact only to the places it
// writes: within half of its last place of the usage's, and rounding there gives it, it is a rounding.
// Prices from ratecards/floopy.yaml, in cents: gpt-4o on openai 0.00025 an input token and 0.001 an output token;
// gpt-4o-mini 0.000015 and 0.00006.
//   gpt-4o:      1,111 x 0.00025 + 333 x 0.001 = 0.27775 + 0.333 = 0.61075, half-even at 0.0001: 0.6108
//   gpt-4o-mini: twice 1,234 x 0.000015 + 567 x 0.00006 = 0.01851 + 0.03402 = 0.05253, so 0.10506: 0.1051
const USAGE = [
  "timestamp,meter,event_id,model,provider,input_tokens,output_tokens",
  "2026-11-02T10:00:00Z,request,r1,gpt-4o,openai,1111,333",
  "2026-11-03T10:00:00Z,request,r2,gpt-4o-mini,openai,1234,567",
  "2026-11-04T10:00:00Z,request,r3,gpt-4o-mini,openai,1234,567",
  "",
].join("\n");

async function reconcile(rows: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-display53-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }\n`);
  writeFileSync(join(dir, "usage.csv"), USAGE);
  writeFileSync(join(dir, "bill.csv"), ["period_start,activity,model,provider,quantity,amount", ...rows, ""].join("\n"));
  const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
  return { ...r, json: JSON.parse(r.stdout) as { differences: { model?: string; class: string; explanation: string; delta: string }[] } };
}

describe("a bill that writes each line's amount to the card's display places", () => {
  it("is a rounding on every line, exit 0", async () => {
    const r = await reconcile(["2026-11-01,Request,gpt-4o,openai,1,0.6108", "2026-11-01,Request,gpt-4o-mini,openai,2,0.1051"]);
    expect(r.code).toBe(0);
    expect(r.json.differences.map((d) => [d.class, d.delta])).toEqual([["rounding", "0.00005"], ["rounding", "0.00004"]]);
    expect(r.json.differences[0]!.explanation).toBe("the bill rounds 0.61075 to 0.6108 (step 0.0001, the places the bill writes, half-even)");
  });

  it("still finds the one line whose price differs by more than its last place", async () => {
    // 0.6118 is 0.00105 over the usage's 0.61075: more than half of the bill's last place (0.00005).
    const r = await reconcile(["2026-11-01,Request,gpt-4o,openai,1,0.6118", "2026-11-01,Request,gpt-4o-mini,openai,2,0.1051"]);
    expect(r.code).toBe(1);
    expect(r.json.differences.map((d) => d.class)).toEqual(["rate_drift", "rounding"]);
  });

  it("names the mode the bill rounds in, and is no rounding where no mode gives the bill's amount", async () => {
    // 0.61075 to 4 places: 0.6108 to the nearest (half-even or half-up) or up, 0.6107 down; 0.6106 is none of them.
    const down = await reconcile(["2026-11-01,Request,gpt-4o,openai,1,0.6107", "2026-11-01,Request,gpt-4o-mini,openai,2,0.1051"]);
    expect(down.code).toBe(0);
    expect(down.json.differences[0]!.explanation).toBe("the bill rounds 0.61075 to 0.6107 (step 0.0001, the places the bill writes, down)");
    // Its trailing zero counted (newcomer53 L1): 0.1050 is written to 4 places, 0.10506 rounded down there.
    const zero = await reconcile(["2026-11-01,Request,gpt-4o,openai,1,0.6108", "2026-11-01,Request,gpt-4o-mini,openai,2,0.1050"]);
    expect(zero.json.differences[1]!.explanation).toBe("the bill rounds 0.10506 to 0.105 (step 0.0001, the places the bill writes, down)");
    // red53b #1: read without its trailing zeros, 0.6110 (2.5 of its last place over) and 0.1060 (9 over) passed as
    // roundings at 0.001, and 0.6110000000 (10 places, 0.00025 over) too, where 0.6109000000 (nearer) did not.
    for (const [gpt4o, mini] of [["0.6110", "0.1051"], ["0.6110000000", "0.1051"], ["0.6108", "0.1060"]]) {
      const over = await reconcile([`2026-11-01,Request,gpt-4o,openai,1,${gpt4o}`, `2026-11-01,Request,gpt-4o-mini,openai,2,${mini}`]);
      expect(over.code).toBe(1);
      expect(over.json.differences.map((d) => d.class)).toEqual(gpt4o === "0.6108" ? ["rounding", "rate_drift"] : ["rate_drift", "rounding"]);
    }
    const none = await reconcile(["2026-11-01,Request,gpt-4o,openai,1,0.6106", "2026-11-01,Request,gpt-4o-mini,openai,2,0.1051"]);
    expect(none.code).toBe(1);
    expect(none.json.differences.map((d) => d.class)).toEqual(["rate_drift", "rounding"]);
  });
});

// newcomer53 M3: a bill line that counts rows skip_rows: leaves out was matched within the card's step (a cent), where
// the bill writes 4 places: 3 failed calls explained a gap that was another account's, by a coincidence of counts.
// With r4 failed (skipped): usage 0.10506, r4 0.05253, with it 0.15759, which is 0.1576 at 4 places.
describe("a bill that counts rows skip_rows: leaves out, written to 4 places", () => {
  async function reconcileSkipped(amount: string) {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-display53-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }\n`);
    writeFileSync(join(dir, "usage.csv"), [
      "timestamp,meter,event_id,model,provider,input_tokens,output_tokens,status",
      "2026-11-03T10:00:00Z,request,r2,gpt-4o-mini,openai,1234,567,ok",
      "2026-11-04T10:00:00Z,request,r3,gpt-4o-mini,openai,1234,567,ok",
      "2026-11-05T10:00:00Z,request,r4,gpt-4o-mini,openai,1234,567,failed",
      "",
    ].join("\n"));
    writeFileSync(join(dir, "usage.csv.mapping.yaml"), "skip_rows: { status: [failed] }\n");
    writeFileSync(join(dir, "bill.csv"), `period_start,activity,model,provider,quantity,amount\n2026-11-01,Request,gpt-4o-mini,openai,3,${amount}\n`);
    const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
    return (JSON.parse(r.stdout) as { differences: { explanation: string }[] }).differences[0]!.explanation;
  }

  it("is matched within the bill's last place", async () => {
    expect(await reconcileSkipped("0.1576")).toContain("the usage with them comes to 0.15759, the bill's 0.1576 within the places the bill writes (0.0001)");
  });

  it("is not matched 0.0074 off, within a cent but not the bill's places", async () => {
    expect(await reconcileSkipped("0.165")).not.toContain("skip_rows: leaves out");
  });
});
