import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

const DIR = join(ROOT, "fixtures/reconcile");

/** The reconcile fixture's account and usage against a bill of these lines. */
async function reconcile(lines: string[]) {
  const bill = join(mkdtempSync(join(tmpdir(), "burnrate-bill-near-")), "bill.csv");
  writeFileSync(bill, `${lines.join("\n")}\n`);
  return { bill, run: await burnrate(["reconcile", "--account", join(DIR, "account.yaml"), "--usage", join(DIR, "usage.csv"), "--bill", bill]) };
}

describe("a bill's misspelt words get a did-you-mean", () => {
  it("a short form of a required column (amt for amount) is named at its own column, with the --bill-map that reads it", async () => {
    const { bill, run } = await reconcile(["period_start,activity,project,quantity,amt", "2026-11-01,Projects,alpha,1,0.5"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`burnrate: error: ${bill}:1:5: bill header missing required column "amount"; did you mean "amt"? (expected the column "amount" (rename it, or --bill-map amount=amt), found "amt")\n`);
  });

  it("a column named as invoices name it is offered with its flag (newcomer54 M7)", async () => {
    const { bill, run } = await reconcile(["billing_period,activity,project,quantity,amount", "2026-11-01,Projects,alpha,1,0.5"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`burnrate: error: ${bill}:1:1: bill header missing required column "period_start"; "billing_period" looks like it: --bill-map period_start=billing_period (expected the column "period_start" (or a mapping for it: columns: { period_start: COLUMN } in the bill mapping, --bill-map period_start=COLUMN), found "billing_period", "activity", "project", "quantity", "amount")\n`);
  });

  it("a customer column of a bill without an account column is offered as the account, not to be ignored (newcomer54 H1)", async () => {
    const { bill, run } = await reconcile(["period_start,org,activity,project,quantity,amount", "2026-11-01,acme,Projects,alpha,1,0.5"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`burnrate: error: ${bill}:1:2: bill column "org" is not a dimension of any meter; it is likely the account (expected the account where the usage's rows name theirs, columns: { account: org } in the bill mapping (--bill-map account=org), so that each account's lines are compared with its usage, which ignore_columns: would sum into one line a charge; or a dimension (channel, distribution, model, project, source), a dimensions: entry renaming it, or ignore_columns: in the bill mapping, found "org")\n`);
  });

  it("several columns named as invoices name it are named, none chosen; one with a space is quoted for a shell (red54b)", async () => {
    const several = await reconcile(["invoice_date,billing_period_start,activity,project,quantity,amount", "2026-11-20,2026-11-01,Projects,alpha,1,0.5"]);
    expect(several.run.code).toBe(2);
    expect(several.run.stderr).toContain(`${several.bill}:1:1: bill header missing required column "period_start"; "invoice_date" or "billing_period_start" may hold it: --bill-map period_start=COLUMN (expected`);
    const spaced = await reconcile(["Billing Period,activity,project,quantity,amount", "2026-11-01,Projects,alpha,1,0.5"]);
    expect(spaced.run.stderr).toContain(`bill header missing required column "period_start"; "Billing Period" looks like it: --bill-map 'period_start=Billing Period' (expected`);
    // The one column offered is said at its cell.
    const amount = await reconcile(["period_start,activity,project,quantity,cost", "2026-11-01,Projects,alpha,1,0.5"]);
    expect(amount.run.stderr).toContain(`${amount.bill}:1:5: bill header missing required column "amount"; "cost" looks like it: --bill-map amount=cost (expected`);
  });

  it("a header with nothing like the column still lists the header", async () => {
    const { bill, run } = await reconcile(["period_start,activity,project,quantity,total_due", "2026-11-01,Projects,alpha,1,0.5"]);
    expect(run.stderr).toBe(`burnrate: error: ${bill}:1:1: bill header missing required column "amount" (expected the column "amount" (or a mapping for it: columns: { amount: COLUMN } in the bill mapping, --bill-map amount=COLUMN), found "period_start", "activity", "project", "quantity", "total_due")\n`);
  });

  it("an activity a letter away from a card label (Projets for Projects) names the label", async () => {
    const { bill, run } = await reconcile(["period_start,activity,project,quantity,amount", "2026-11-01,Projets,alpha,1,0.5"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^burnrate: error: ${bill.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:2: unknown activity "Projets"; did you mean "Projects"\\? \\(expected a meter key or label of fliplet`));
  });
});
