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
    expect(stderr).toBe("burnrate: 2 account(s) with usage in the bill's cycles are not on the bill (--every-account): their usage came to 167.4 cents (plan fees not counted); \"bolt\" (108 cents), \"cove\" (59.4 cents) (--format json lists each: other_accounts)\n");
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
    expect(lines[1]).toMatch(/^burnrate: 2 account\(s\) with usage in the bill's cycles are not on the bill \(--every-account\): their usage came to 167\.4 cents/);
  });

  it("without it, the bill of one account agrees (a reseller's bill for one customer)", async () => {
    const { code, stdout } = await burnrate([...args, "--format", "json"]);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { status: string }).status).toBe("agrees");
  });

  it("is no finding where the accounts the bill leaves off have no usage in its cycles", async () => {
    // acme's rows alone: bolt and cove, named by the account file, charged nothing.
    const dir = mkdtempSync(join(tmpdir(), "every68-"));
    const log = readFileSync("fixtures/floopy/gateway.csv", "utf8").split("\n").filter((l, i) => i === 0 || l.includes(",acme,")).join("\n");
    writeFileSync(join(dir, "acme.csv"), `${log}\n`);
    copyFileSync("fixtures/floopy/gateway.csv.mapping.yaml", join(dir, "acme.csv.mapping.yaml"));
    const { code, stdout, stderr } = await burnrate(["reconcile", "--account", "fixtures/floopy/account.yaml", "--usage", join(dir, "acme.csv"), "--bill", "fixtures/reconcile/floopy/ledger.csv", "--every-account", "--format", "json"]);
    expect(stderr).not.toContain("--every-account");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { status: string; other_accounts: { account: string; computed_amount: string }[] };
    expect(report.status).toBe("agrees");
    expect(report.other_accounts).toEqual([{ account: "bolt", computed_amount: "0" }, { account: "cove", computed_amount: "0" }]);
  });
  it("quotes the accounts it names, so a name with a comma stays one (red69 L1)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "every69-"));
    const rename = (text: string) => text.replaceAll("bolt", "Bolt, Inc.");
    const account = readFileSync("fixtures/floopy/account.yaml", "utf8").replaceAll("account: bolt", 'account: "bolt"').replace("  bolt: {", '  "bolt": {');
    writeFileSync(join(dir, "account.yaml"), rename(account).replace("card: ../../ratecards/floopy.yaml", `card: ${join(process.cwd(), "ratecards/floopy.yaml")}`));
    copyFileSync("fixtures/floopy/gateway.csv.mapping.yaml", join(dir, "gateway.csv.mapping.yaml"));
    writeFileSync(join(dir, "gateway.csv"), rename(readFileSync("fixtures/floopy/gateway.csv", "utf8")).replaceAll(",Bolt, Inc.,", ',"Bolt, Inc.",'));
    const { code, stderr } = await burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "gateway.csv"), "--bill", "fixtures/reconcile/floopy/ledger.csv", "--every-account", "--format", "json"]);
    expect(code).toBe(1);
    expect(stderr).toContain('; "Bolt, Inc." (108 cents), "cove" (59.4 cents) (--format json');
  });
});
