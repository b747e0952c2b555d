import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// reconcile --every-account: a bill that invoices every account, where one with usage left off is revenue not billed
// (red68 M2: a bill of 1,000 of 20,003 customers read "the bill agrees", exit 0). Floopy's gateway fixture: the ledger
// names acme alone. By hand, at the Floopy card's gpt-4o-mini prices: bolt (openai, overage on) 2 rows of 2,000,000
// input tokens at 0.000015 and 400,000 output at 0.00006 = 30 + 24 = 54 cents each, 108; cove (azure, Free's 1,000
// requests and no overage) its first row of 600 requests, 33 + 26.4 = 59.4 cents, the second refused past the quota.
describe("reconcile --every-account", () => {
  const args = ["reconcile", "--account", "fixtures/floopy/account.yaml", "--usage", "fixtures/floopy/gateway.csv", "--bill", "fixtures/reconcile/floopy/ledger.csv"];

  it("is a finding where an account with usage is not on the bill", async () => {
    const { code, stdout, stderr } = await burnrate([...args, "--every-account", "--format", "json"]);
    expect(code).toBe(1);
    // What they owe (red68c M2), by hand: each bought a 3,000-cent pack on Nov 1 at the card's 0.01 USD a cent, 30 USD;
    // bolt's 1,200 requests are 200 past Free's 1,000, at 0.002 USD each, 0.4 USD of overage. 30.4 + 30 = 60.4 USD.
    expect(stderr).toBe("burnrate: 2 account(s) with usage or money owed in the bill's cycles are not on the bill (--every-account): their usage came to 167.4 cents and they owe 60.4 USD (plan fees, credits bought, overage); bolt (108 cents, owes 30.4 USD), cove (59.4 cents, owes 30 USD) (--format json lists each: other_accounts)\n");
    // The report says what the exit says (red68c M1: "agrees" beside exit 1).
    expect((JSON.parse(stdout) as { status: string }).status).toBe("attention");
    const table = await burnrate([...args, "--every-account", "--format", "table"]);
    expect(table.stdout).toContain("Status            needs attention (2 account(s) not on the bill, --every-account)");
  });

  it("is said beside a bill difference, not behind it (red68c M6)", async () => {
    // The overcharged ledger, read with the fixture's ledger mapping beside it: acme's request line billed above usage.
    const dir = mkdtempSync(join(tmpdir(), "every68-"));
    copyFileSync("fixtures/reconcile/floopy/ledger-overcharged.csv", join(dir, "bill.csv"));
    copyFileSync("fixtures/reconcile/floopy/ledger.csv.mapping.yaml", join(dir, "bill.csv.mapping.yaml"));
    const { code, stderr } = await burnrate(["reconcile", "--account", "fixtures/floopy/account.yaml", "--usage", "fixtures/floopy/gateway.csv", "--bill", join(dir, "bill.csv"), "--every-account", "--format", "json"]);
    expect(code).toBe(1);
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^burnrate: 1 bill difference\(s\) need attention; first: 2026-11-01T00:00:00Z request \(acme\)/);
    expect(lines[1]).toMatch(/^burnrate: 2 account\(s\) with usage or money owed in the bill's cycles are not on the bill \(--every-account\): their usage came to 167\.4 cents and they owe 60\.4 USD/);
  });

  it("without it, the bill of one account agrees (a reseller's bill for one customer)", async () => {
    const { code, stdout } = await burnrate([...args, "--format", "json"]);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { status: string }).status).toBe("agrees");
  });

  // acme's rows alone: bolt and cove, named by the account file, used nothing.
  function acmeOnly(account: string): string {
    const dir = mkdtempSync(join(tmpdir(), "every68-"));
    const log = readFileSync("fixtures/floopy/gateway.csv", "utf8").split("\n").filter((l, i) => i === 0 || l.includes(",acme,")).join("\n");
    writeFileSync(join(dir, "acme.csv"), `${log}\n`);
    copyFileSync("fixtures/floopy/gateway.csv.mapping.yaml", join(dir, "acme.csv.mapping.yaml"));
    writeFileSync(join(dir, "account.yaml"), account);
    return dir;
  }
  const reconcileAcme = (dir: string) => burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "acme.csv"), "--bill", "fixtures/reconcile/floopy/ledger.csv", "--every-account", "--format", "json"]);
  const fixtureAccount = readFileSync("fixtures/floopy/account.yaml", "utf8").replace("card: ../../ratecards/", `card: ${join(process.cwd(), "ratecards")}/`);

  it("is no finding where the accounts the bill leaves off have no usage in its cycles and owe nothing", async () => {
    // The fixture's account file without bolt's and cove's packs: on Free, of no fee, they owe nothing.
    const dir = acmeOnly(fixtureAccount.split("\n").filter((l) => !/account: (bolt|cove) \}/.test(l)).join("\n"));
    const { code, stdout, stderr } = await reconcileAcme(dir);
    expect(stderr).not.toContain("--every-account");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { status: string; other_accounts: unknown[] };
    expect(report.status).toBe("agrees");
    expect(report.other_accounts).toEqual([{ account: "bolt", computed_amount: "0", owed: "0", unpriced_credits: "0" }, { account: "cove", computed_amount: "0", owed: "0", unpriced_credits: "0" }]);
  });

  it("is a finding where they used nothing but owe money: a 3,000-cent pack each, 30 USD at 0.01 (red68c M2)", async () => {
    const { code, stdout, stderr } = await reconcileAcme(acmeOnly(fixtureAccount));
    expect(code).toBe(1);
    expect(stderr).toBe("burnrate: 2 account(s) with usage or money owed in the bill's cycles are not on the bill (--every-account): their usage came to 0 cents and they owe 60 USD (plan fees, credits bought, overage); bolt (owes 30 USD), cove (owes 30 USD) (--format json lists each: other_accounts)\n");
    const report = JSON.parse(stdout) as { status: string; other_accounts: unknown[] };
    expect(report.status).toBe("attention");
    expect(report.other_accounts).toEqual([{ account: "bolt", computed_amount: "0", owed: "30", unpriced_credits: "0" }, { account: "cove", computed_amount: "0", owed: "30", unpriced_credits: "0" }]);
  });
});
