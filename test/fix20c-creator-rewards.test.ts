import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// App builder: Standard is 2,000 credits a month for 20 USD; a web extraction costs 8 credits; a creator earns 10% of
// what another account spends on their app (rewards: { share: "0.10", dimension: creator }). Red team, stop 38: a
// creator named only in the usage became an account billed Standard's fee, and `Alice` beside `alice` split without
// a word.
const CARD = join(ROOT, "ratecards/appbuilder.yaml");

async function statement(account: string, rows: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-fix20c-creator-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${CARD}\n${account}`);
  writeFileSync(join(dir, "u.csv"), `timestamp,account,meter,app,creator,quantity\n${rows.join("\n")}\n`);
  const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "u.csv"), "--format", "json"]);
  expect(r.code, r.stderr).toBe(0);
  type Cycle = { start: string; allowance: string; subscription_end?: string; grants: unknown[]; rewards: { earned: string }; money: { plan: string; total: string } };
  const accounts = JSON.parse(r.stdout).accounts as { account: string; cycles: Cycle[] }[];
  const of = (name: string) => accounts.find((a) => a.account === name)!.cycles[0]!;
  return { stderr: r.stderr, names: accounts.map((a) => a.account), of };
}

describe("a reward's creator the account file does not name (red team, stop 38)", () => {
  it("is shown their rewards and billed no subscription; Alice beside alice is warned about", async () => {
    // bob (the file's account): 100 + 10 extractions x 8 = 880 credits, of his 2,000; fee 20 USD.
    // alice earns 10% of 100 x 8 = 80 credits, Alice 10% of 10 x 8 = 8. Neither is named, neither used anything.
    const s = await statement("account: bob\nplan: standard\nanchor: 2026-11-01\ntimezone: UTC\n", [
      "2026-11-02T00:00:00Z,bob,web_extraction,recipes,alice,100",
      "2026-11-03T00:00:00Z,bob,web_extraction,recipes,Alice,10",
    ]);
    expect(s.names).toEqual(["Alice", "alice", "bob"]);
    for (const [name, earned] of [["alice", "80"], ["Alice", "8"]] as const) {
      const c = s.of(name);
      expect([c.rewards.earned, c.money.plan, c.money.total, c.allowance, c.grants, c.subscription_end]).toEqual([earned, "0", "0", "0", [], c.start]);
    }
    expect([s.of("bob").money.plan, s.of("bob").money.total]).toEqual(["20", "20"]);
    expect(s.stderr).toBe('burnrate: warning: usage accounts "alice" and "Alice" are not named in the account file and are one name but for case, spaces or separators: they are two accounts, each billed (or credited its rewards) apart; if they are one, map one onto the other, dimension_values: { account: { "alice": "Alice" } } in the usage mapping (--map value:account:Alice=alice), or name both under accounts:\n');
  });

  it("a creator the file names, or with usage of their own, is an account billed its plan, as before", async () => {
    // alice is the file's account; carol is named nowhere but spends 5 x 8 = 40 credits on her own app (no reward to
    // herself) and earns 10% of bob's 20 x 8 = 160, 16. Both are billed Standard's 20 USD; neither warning applies, and
    // carol, unnamed with usage of her own, is noted as billed on the top-level terms (stop 44).
    const s = await statement("account: alice\nplan: standard\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  bob: { plan: standard }\n", [
      "2026-11-02T00:00:00Z,bob,web_extraction,recipes,alice,100",
      "2026-11-02T00:00:00Z,bob,web_extraction,maps,carol,20",
      "2026-11-05T00:00:00Z,carol,web_extraction,maps,carol,5",
    ]);
    expect([s.of("alice").rewards.earned, s.of("alice").money.plan, s.of("alice").allowance]).toEqual(["80", "20", "2000"]);
    expect([s.of("carol").rewards.earned, s.of("carol").money.plan, s.of("carol").allowance, s.of("carol").subscription_end]).toEqual(["16", "20", "2000", undefined]);
    expect(s.stderr).toBe('burnrate: note: usage account "carol" is not named in the account file: billed on its top-level terms (plan standard); name it under accounts: for terms of its own, or write unnamed_accounts: top_level in the file where that is meant\n');
  });
});
