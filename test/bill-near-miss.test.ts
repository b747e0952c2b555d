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
    expect(run.stderr).toBe(`burnrate: error: ${bill}:1:5: bill header missing required column "amount"; did you mean "amt"? (expected a "amount" column (rename it, or --bill-map amount=amt), found "amt")\n`);
  });

  it("a header with nothing like the column still lists the header", async () => {
    const { bill, run } = await reconcile(["period_start,activity,project,quantity,total_due", "2026-11-01,Projects,alpha,1,0.5"]);
    expect(run.stderr).toBe(`burnrate: error: ${bill}:1:1: bill header missing required column "amount" (expected a "amount" column (or a mapping for it), found "period_start", "activity", "project", "quantity", "total_due")\n`);
  });

  it("an activity a letter away from a card label (Projets for Projects) names the label", async () => {
    const { bill, run } = await reconcile(["period_start,activity,project,quantity,amount", "2026-11-01,Projets,alpha,1,0.5"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^burnrate: error: ${bill.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:2: unknown activity "Projets"; did you mean "Projects"\\? \\(expected a meter key or label of fliplet`));
  });
});
