import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A bill that lists every customer's plan, the free ones at 0 (newcomer, stop 44): the statement bills no fee line for a
// plan of no price, and each such row agreed with a note blaming the usage's events, without naming its account, 96 times.
describe("reconcile: a free plan's fee row of 0 on a bill that names accounts", () => {
  it("agrees, with a note naming the plan and the account", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newcomer27-free-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: a\nplan: free\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  b: { plan: pro }\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,account,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,a,request,gpt-4o,openai,1000,100\n2026-11-03T10:00:00Z,b,request,gpt-4o,openai,1000,100\n");
    // Pro's fee is 20 USD; Free's is none.
    writeFileSync(join(dir, "bill.csv"), "period_start,account,activity,model,provider,quantity,amount,currency\n2026-11,a,plan,,,1,0,USD\n2026-11,b,plan,,,1,20,USD\n");
    const out = await burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
    expect(out.code).toBe(0);
    const lines = (JSON.parse(out.stdout) as { lines: { account: string; meter: string; status: string; note: string | null }[] }).lines;
    expect(lines.filter((l) => l.meter === "plan").map((l) => [l.account, l.status, l.note])).toEqual([
      ["a", "agrees", "the bill shows a fee of 0 for plan free of account a, which has no price: the statement bills no fee line for it"],
      ["b", "agrees", null],
    ]);
  });
});
