import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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

// red63e M2: a bill by calendar month for an account whose cycles an upgrade moved (`new_cycle`) owes, each month, the
// fees of the cycles that start in it; a cycle that starts after the log's last row was never replayed, and December's
// fee was "missing in usage".
describe("reconcile compares the fee of a moved cycle that starts after the log's last row (red63e M2)", () => {
  // Floopy Free from November 1, Pro (20 USD) from November 10 starting a cycle of its own: cycles Nov 10 to Dec 10 and
  // Dec 10 to Jan 10. The log's last row is on December 8. November owes Pro's first fee, December its second.
  function args(bill: string): string[] {
    const dir = mkdtempSync(join(tmpdir(), "recut64-"));
    writeFileSync(join(dir, "card.yaml"), `${readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8")}\nplan_changes: { upgrade: new_cycle }\n`);
    writeFileSync(join(dir, "account.yaml"), 'plan: free\nanchor: 2026-11-01\ntimezone: UTC\nchanges:\n  - { at: 2026-11-10, plan: pro }\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01" }\n');
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-20T10:00:00Z,request,gpt-4o,openai,1000,0\n2026-12-08T10:00:00Z,request,gpt-4o,openai,1000,0\n");
    writeFileSync(join(dir, "bill.csv"), `period_start,activity,model,provider,quantity,amount,currency\n${bill}`);
    return ["reconcile", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"];
  }

  // Each month's row: 1,000 tokens of gpt-4o in at 0.00025 cents, 0.25 cents, 0.0025 USD.
  const usage = "2026-11-01,request:input_tokens,gpt-4o,openai,1000,0.0025,USD\n2026-12-01,request:input_tokens,gpt-4o,openai,1000,0.0025,USD\n";

  it("agrees with both months' fees", async () => {
    const r = await burnrate(args(`2026-11-01,plan,,,,20,USD\n2026-12-01,plan,,,,20,USD\n${usage}`));
    const plans = JSON.parse(r.stdout).lines.filter((l: { activity: string }) => l.activity === "plan");
    expect(plans.map((l: { cycle: string; status: string }) => [l.cycle.slice(0, 10), l.status])).toEqual([
      ["2026-11-01", "agrees"],
      ["2026-12-01", "agrees"],
    ]);
    expect(r.code).toBe(0);
  });

  it("finds December's fee left off the bill", async () => {
    const r = await burnrate(args(`2026-11-01,plan,,,,20,USD\n${usage}`));
    expect(r.code).toBe(1);
    const december = JSON.parse(r.stdout).lines.find((l: { activity: string; cycle: string }) => l.activity === "plan" && l.cycle.startsWith("2026-12-01"));
    expect(december).toMatchObject({ status: "only_in_usage", class: "missing_on_bill" });
  });
});
