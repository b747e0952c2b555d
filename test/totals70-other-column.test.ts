import { describe, expect, it } from "vitest";
import { billRefusal, TOTALS_EXPECTED as TOTALS } from "./helpers/bill-refusal.js";

// newcomer70 L1: an invoice's totals row writes "Total" in a column the bill mapping does not read (its description,
// beside the amount), the period and the activity empty. It was refused as an "empty period"; it is named a totals row,
// with the column that says so. The refusal comes as the bill is read: the usage is one data read.
const ACME = "account: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n";
const HEADER = "invoice,period_start,activity,account,project,quantity,note,amount";

describe("a bill's totals word in a column the mapping does not read", () => {
  it("is a totals row where the period and the activity are empty, naming the column", async () => {
    const bill = `${HEADER}\nINV-1,2026-11-01,Data reads,acme,alpha,100,,1\nINV-1,,,,,,Total,1\n`;
    const stderr = await billRefusal({ account: ACME, bill, mapping: "ignore_columns: [invoice, note]\n" });
    expect(stderr).toBe(`burnrate: error: bill.csv:3:2: a totals row: its period and activity are empty, and its column "note" says "Total" ${TOTALS}, found an empty cell)\n`);
  });

  it("is not a totals row where the row names an activity: its period is what is missing", async () => {
    const bill = `${HEADER}\nINV-1,2026-11-01,Data reads,acme,alpha,100,,1\nINV-1,,Data reads,acme,alpha,100,Total,1\n`;
    const stderr = await billRefusal({ account: ACME, bill, mapping: "ignore_columns: [invoice, note]\n" });
    expect(stderr).toBe("burnrate: error: bill.csv:3:2: empty period (expected the first day of one of the account's cycles, its start instant, a month or a date range, found an empty cell)\n");
  });

  it("is read from a dimension's column too, where the period and the activity are empty (red70d L1)", async () => {
    // With no period and no activity the row is no line of a project named Total; red70c L3 had it a bare empty period.
    const bill = `${HEADER}\nINV-1,2026-11-01,Data reads,acme,alpha,100,,1\nINV-1,,,,Total,,,1\n`;
    const stderr = await billRefusal({ account: ACME, bill, mapping: "ignore_columns: [invoice, note]\n" });
    expect(stderr).toBe(`burnrate: error: bill.csv:3:2: a totals row: its period and activity are empty, and its column "project" says "Total" ${TOTALS}, found an empty cell)\n`);
  });
});
