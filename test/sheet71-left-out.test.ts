import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { burnrate } from "./helpers/cli.js";

// newcomer71b M4: reconcile's CSV, the sheet finance signs, had no row for a customer the invoice left off: the table
// and the JSON named them (other_accounts), the sheet did not. Floopy's gateway fixture, whose ledger bill names acme
// alone. By hand (every68-account.test.ts): bolt's usage 108 cents, cove's 59.4.
describe("reconcile's CSV sheet and the accounts the bill leaves out", () => {
  const args = ["reconcile", "--account", "fixtures/floopy/account.yaml", "--usage", "fixtures/floopy/gateway.csv", "--bill", "fixtures/reconcile/floopy/ledger.csv", "--format", "csv"];
  const leftOut = (csv: string) => (parse(csv, { columns: true }) as Record<string, string>[]).filter((r) => r.status === "not_on_bill");

  it("has a row for each, with its charges, needing attention only under --every-account", async () => {
    const loose = await burnrate(args);
    expect(loose.code).toBe(0);
    expect(leftOut(loose.stdout).map((r) => [r.account, r.computed_amount, r.attention])).toEqual([["bolt", "108", "no"], ["cove", "59.4", "no"]]);
    const every = await burnrate([...args, "--every-account"]);
    expect(every.code).toBe(1);
    expect(leftOut(every.stdout).map((r) => [r.account, r.attention])).toEqual([["bolt", "yes"], ["cove", "yes"]]);
  });
});
