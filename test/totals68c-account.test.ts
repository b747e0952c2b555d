import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { billRefusal, reconcileBill, TOTALS_EXPECTED as TOTALS } from "./helpers/bill-refusal.js";

// red68c L2: a customer's subtotal, the totals word in the account column and the activity empty, was refused as
// unknown activity "", where a totals word in the activity is named a totals row. The refusal comes as the bill is
// read, before any replay: the usage is one data read.
const ACME = "account: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n";
const refusal = (header: string, row: string) => billRefusal({ account: ACME, bill: `${header}\n${row}\n` });

const CANONICAL = "period_start,activity,account,project,quantity,amount\n2026-11-01,Data reads,acme,alpha,100,1";

describe("a bill's totals word in the account column", () => {
  it("is a totals row where the activity is empty, at the activity's cell", async () => {
    for (const word of ["Total", "Subtotal", "Grand total", "TOTAL:", "Total (USD)"]) {
      expect(await refusal(CANONICAL, `2026-11-01,,${word},,,1`), word).toBe(`burnrate: error: bill.csv:3:2: a totals row: its activity is empty, and its account says ${JSON.stringify(word)} ${TOTALS}, found an empty cell)\n`);
    }
  });

  it("is a totals row where the period is empty too, at the period's cell", async () => {
    expect(await refusal(CANONICAL, ",,Grand total,,,1")).toBe(`burnrate: error: bill.csv:3:1: a totals row: its period is empty, and its account says "Grand total" ${TOTALS}, found an empty cell)\n`);
  });

  it("is an account's name beside an activity, as a project's is: the period is empty", async () => {
    expect(await refusal(CANONICAL, ",Data reads,Total,alpha,100,1")).toBe("burnrate: error: bill.csv:3:1: empty period (expected the first day of one of the account's cycles, its start instant, a month or a date range, found an empty cell)\n");
  });

  it("is not read from a bill mapping's account: (a customer named so), whose rows of no activity stay unknown", async () => {
    const r = await reconcileBill({ account: ACME.replace("acme", "Total"), bill: "period_start,activity,project,quantity,amount\n2026-11-01,,alpha,100,1\n", mapping: "account: Total\n" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^burnrate: error: bill\.csv:2:2: unknown activity ""/);
  });

  it("is a totals row in a ledger's account column, at its type's cell", async () => {
    // Floopy's ledger (a header and 8 rows) and its mapping (columns: { account: org }), a subtotal row added as line 10.
    const dir = mkdtempSync(join(tmpdir(), "totals68c-"));
    writeFileSync(join(dir, "bill.csv"), `${readFileSync(join(ROOT, "fixtures/reconcile/floopy/ledger.csv"), "utf8")}2026-11-30T00:00:00Z,,-3055.6,Subtotal:,\n`);
    copyFileSync(join(ROOT, "fixtures/reconcile/floopy/ledger.csv.mapping.yaml"), join(dir, "bill.csv.mapping.yaml"));
    const r = await burnrate(["reconcile", "--account", join(ROOT, "fixtures/floopy/account.yaml"), "--usage", join(ROOT, "fixtures/floopy/gateway.csv"), "--bill", "bill.csv"], { cwd: dir });
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toBe(`burnrate: error: bill.csv:10:2: a totals row: its activity is empty, and its account says "Subtotal:" ${TOTALS}, found an empty cell)\n`);
  });
});
