import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer62b M3: `--plan free` over an account file whose teams name Pro priced the file's own account on Free and
// the teams on Pro, without a word. Fliplet: Free's fee 0, Pro's 9 USD.
async function statement(entries: string, plan: string) {
  const dir = mkdtempSync(join(tmpdir(), "planflag62-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: search\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n${entries}`);
  writeFileSync(join(dir, "usage.csv"), "timestamp,account,meter,quantity,project\n2026-11-02T10:00:00Z,search,data_read,1,p1\n2026-11-02T11:00:00Z,support,data_read,1,p1\n2026-11-02T12:00:00Z,analytics,data_read,1,p1\n");
  return burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--plan", plan, "--format", "json"]);
}

describe("--plan over accounts that name plans of their own (newcomer62b M3)", () => {
  it("says which accounts stay on their own plans: the money is the file's terms, as before", async () => {
    const run = await statement("  support: { plan: pro }\n  analytics: { plan: pro }\n", "free");
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("burnrate: note: --plan \"free\" is the plan of the accounts that name none of their own; 2 accounts under accounts: name their own plans and stay on them (support: pro, analytics: pro): to price every account on one plan, leave plan: out of their entries\n");
    const money = (JSON.parse(run.stdout).accounts as { account: string; cycles: { money: { plan: string } }[] }[]).map((a) => [a.account, a.cycles[0]!.money.plan]);
    expect(money).toEqual([["analytics", "9"], ["search", "0"], ["support", "9"]]);
  });

  it("says nothing where no entry names a plan other than the one asked", async () => {
    const none = await statement("  support: {}\n  analytics: { plan: free }\n", "free");
    expect([none.code, none.stderr]).toEqual([0, ""]);
  });
});
