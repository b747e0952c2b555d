import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A creator the account file does not name, with no usage of its own, is on no plan: its statement says so, not
// "Subscription ended" at a start it never subscribed at (fix20c billed it no fee through a subscription end at each
// cycle's start; stop 38). App builder: bob's 100 web extractions of 8 credits on alice's app earn her 10%, 80.
async function run(format: string) {
  const dir = mkdtempSync(join(tmpdir(), "eng20e-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/appbuilder.yaml")}\naccount: bob\nplan: standard\nanchor: 2026-11-01\n`);
  writeFileSync(join(dir, "u.csv"), "timestamp,account,meter,app,creator,quantity\n2026-11-02T00:00:00Z,bob,web_extraction,recipes,alice,100\n");
  const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "u.csv", "--format", format, "--no-chart"], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe("a creator shown its rewards alone", () => {
  it("is marked rewards_only in the JSON, and its customer is not", async () => {
    const accounts = JSON.parse(await run("json")).accounts as { account: string; rewards_only?: boolean; cycles: { rewards: { earned: string } }[] }[];
    expect(accounts.map((a) => [a.account, a.rewards_only ?? false, a.cycles[0]!.rewards.earned])).toEqual([["alice", true, "80"], ["bob", false, "0"]]);
  });

  it("is headed as on no plan in the table, without a subscription that ended", async () => {
    const table = await run("table");
    expect(table).toContain("account alice · rewards only, on no plan");
    expect(table).toContain("account bob · plan Standard");
    const alice = table.slice(table.indexOf("account alice"), table.indexOf("account bob"));
    expect(alice).toContain("Creator rewards");
    expect(alice).not.toContain("Subscription");
  });
});
