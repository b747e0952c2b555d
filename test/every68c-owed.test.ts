import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// red68c M2: reconcile --every-account counted an account left off the bill by the credits its usage was charged, so
// one owing its plan's fee alone (no usage, or usage charged nothing) was not counted, though it is money not billed.
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "every68c-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const reconcile = (dir: string, ...more: string[]) => burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", ...more], { cwd: dir });

// Fliplet: Pro is 9 USD a month, Free nothing; a data read 0.01 credits. a reads 100 times (1 credit), billed so; b (Pro)
// used nothing; d (Pro) read with a quantity of 0, charged nothing; c (Free) used nothing and owes nothing.
const FLIPLET = {
  "account.yaml": `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: a\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  b: { plan: pro }\n  c: { plan: free }\n  d: { plan: pro }\n`,
  "usage.csv": "timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,alpha,a\n2026-11-03T10:00:00Z,data_read,0,alpha,d\n",
  "bill.csv": "period_start,activity,account,project,quantity,amount\n2026-11-01,Data reads,a,alpha,100,1\n",
};

interface Other { account: string; computed_amount: string; owed: string; unpriced_credits: string }

describe("reconcile --every-account: an account off the bill that owes money", () => {
  it("owing its plan's fee alone needs attention: b and d, 9 USD each, 18 in all; c, owing nothing, does not", async () => {
    const dir = folder(FLIPLET);
    const { code, stdout, stderr } = await reconcile(dir, "--every-account", "--format", "json");
    expect(code).toBe(1);
    expect(stderr).toBe("burnrate: 2 account(s) with usage or money owed in the bill's cycles are not on the bill (--every-account): their usage came to 0 credits and they owe 18 USD (plan fees, credits bought, overage); b (owes 9 USD), d (owes 9 USD) (--format json lists each: other_accounts)\n");
    const report = JSON.parse(stdout) as { status: string; other_accounts: Other[] };
    expect(report.status).toBe("attention");
    expect(report.other_accounts).toEqual([
      { account: "b", computed_amount: "0", owed: "9", unpriced_credits: "0" },
      { account: "c", computed_amount: "0", owed: "0", unpriced_credits: "0" },
      { account: "d", computed_amount: "0", owed: "9", unpriced_credits: "0" },
    ]);
  });

  it("is said in the report's summary and notes, and counted by its status", async () => {
    const { stdout } = await reconcile(folder(FLIPLET), "--every-account", "--format", "table");
    const text = stdout.split("\n").map((l) => l.trim()).join(" ").replace(/\s+/g, " ");
    expect(text).toContain("Not on the bill 2 account(s) with usage or money owed in these cycles: b (owes 9 USD), d (owes 9 USD); not compared");
    expect(text).toContain("Status needs attention (2 account(s) not on the bill, --every-account)");
    expect(text).toContain("Account b is not on the bill, not compared: owes 9 USD in these cycles. Account c is not on the bill, not compared: 0 credits in these cycles. Account d is not on the bill, not compared: owes 9 USD in these cycles.");
  });

  it("without --every-account, is listed and the bill of one account agrees", async () => {
    const { code, stdout } = await reconcile(folder(FLIPLET), "--format", "json");
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { status: string }).status).toBe("agrees");
  });

  it("owing the fee of a cycle that starts in a bill period cut at other days: the bill's Nov 5 to Dec 5 owes December's", async () => {
    // The bill re-cut at the 5th: b's and d's own cycles of Nov 1 start before its period, of Dec 1 in it: 9 USD each.
    const dir = folder({ ...FLIPLET, "usage.csv": "timestamp,meter,quantity,project,account\n2026-11-10T10:00:00Z,data_read,100,alpha,a\n", "bill.csv": "period_start,activity,account,project,quantity,amount\n2026-11-05,Data reads,a,alpha,100,1\n" });
    const { code, stdout, stderr } = await reconcile(dir, "--every-account", "--format", "json");
    expect(code).toBe(1);
    expect(stderr).toContain("burnrate: 2 account(s) with usage or money owed in the bill's cycles are not on the bill (--every-account): their usage came to 0 credits and they owe 18 USD (plan fees, credits bought, overage); b (owes 9 USD), d (owes 9 USD)");
    expect((JSON.parse(stdout) as { other_accounts: Other[] }).other_accounts.map((a) => [a.account, a.owed])).toEqual([["b", "9"], ["c", "0"], ["d", "9"]]);
  });

  it("bought credits at no credit price (Flikly gives none): counted, the credits said, its fee beside them", async () => {
    // Flikly: Creator 15 a month; pika text-to-video at 720p 0.2 credits a second. a's 10 seconds, 2 credits, billed so; x
    // (Creator) used nothing and bought a 20-credit add-on pack, whose money the card does not give.
    const dir = folder({
      "account.yaml": `card: ${join(ROOT, "ratecards/flikly.yaml")}\naccount: a\nplan: creator\nanchor: 2026-05-17\ntimezone: UTC\naccounts:\n  x: { plan: creator }\ngrants:\n  - { kind: addon, amount: 20, at: "2026-05-20T15:00:00Z", account: x }\n`,
      "usage.csv": "timestamp,account,meter,workflow,model,resolution,quantity\n2026-05-18T10:00:00Z,a,generate,text_to_video,pika,720p,10\n",
      "bill.csv": "period_start,activity,account,workflow,model,resolution,quantity,amount\n2026-05-17,Generate,a,text_to_video,pika,720p,10,2\n",
    });
    const { code, stdout, stderr } = await reconcile(dir, "--every-account", "--format", "json");
    expect(code).toBe(1);
    expect(stderr).toBe("burnrate: 1 account(s) with usage or money owed in the bill's cycles are not on the bill (--every-account): their usage came to 0 credits and they owe 15 USD (plan fees, credits bought, overage), and bought 20 credits at no credit price; x (owes 15 USD, 20 credits bought at no credit price) (--format json lists each: other_accounts)\n");
    expect((JSON.parse(stdout) as { other_accounts: Other[] }).other_accounts).toEqual([{ account: "x", computed_amount: "0", owed: "15", unpriced_credits: "20" }]);
  });
});
