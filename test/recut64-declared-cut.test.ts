import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// red63e H2: a bill cut on the 5th at 00:00 UTC, for an account in New York, was re-cut at New York's midnight, with
// `cut: "00:00 UTC"` declared in its mapping, and its correct lines failed where a row fell between the two.
describe("reconcile re-cuts a bill cut on another day at the cut its mapping declares (red63e H2)", () => {
  // Floopy Free, in New York, anchored on November 1; gpt-4o at 0.00025 a token in. By hand: 1,000,000 tokens on Nov
  // 10 (250), 400,000 at 2026-12-05T02:00Z (100: December 5 in UTC, still December 4 in New York), 200,000 on Dec 10
  // (50). At 00:00 UTC the period from November 5 holds 1,000,000 (250), the one from December 5 600,000 (150).
  function args(mapping: string | undefined): string[] {
    const dir = mkdtempSync(join(tmpdir(), "recut64-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${JSON.stringify(join(ROOT, "ratecards/floopy.yaml"))}\nplan: free\nanchor: 2026-11-01\ntimezone: America/New_York\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01" }\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-10T10:00:00Z,request,gpt-4o,openai,1000000,0\n2026-12-05T02:00:00Z,request,gpt-4o,openai,400000,0\n2026-12-10T10:00:00Z,request,gpt-4o,openai,200000,0\n");
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,model,provider,quantity,amount\n2026-11-05,request:input_tokens,gpt-4o,openai,1000000,250\n2026-12-05,request:input_tokens,gpt-4o,openai,600000,150\n");
    const out = ["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"];
    if (mapping === undefined) return out;
    writeFileSync(join(dir, "bill.mapping.yaml"), mapping);
    return [...out, "--bill-mapping", join(dir, "bill.mapping.yaml")];
  }
  const inputLines = (stdout: string) =>
    JSON.parse(stdout)
      .lines.filter((l: { activity: string }) => l.activity === "request:input_tokens")
      .map((l: { cycle: string; computed_quantity: string; computed_amount: string; status: string }) => [l.cycle.slice(0, 10), l.computed_quantity, l.computed_amount, l.status]);

  it("agrees at 00:00 UTC, declared", async () => {
    const r = await burnrate(args('cut: "00:00 UTC"\n'));
    expect(inputLines(r.stdout)).toEqual([
      ["2026-11-05", "1000000", "250", "agrees"],
      ["2026-12-05", "600000", "150", "agrees"],
    ]);
    expect(r.code).toBe(0);
  });

  it("is re-cut at New York's midnight where nothing is declared, and the row between moves", async () => {
    const r = await burnrate(args(undefined));
    expect(r.code).toBe(1);
    expect(inputLines(r.stdout).map((l: string[]) => l.slice(0, 3))).toEqual([
      ["2026-11-05", "1400000", "350"],
      ["2026-12-05", "200000", "50"],
    ]);
  });
});
