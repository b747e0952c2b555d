import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer66 M6, red66b M13: a spreadsheet's totals row kept in a saved bill, in its forms; a project named "Total" is
// no totals row, and a row of empty cells is a blank row.
async function refusal(row: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "totals66-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`);
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,100,alpha\n");
  writeFileSync(join(dir, "bill.csv"), `period_start,activity,project,quantity,amount\n2026-11-01,Data reads,alpha,100,1\n${row}\n`);
  const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv"], { cwd: dir });
  expect([r.code, r.stdout]).toEqual([2, ""]);
  return r.stderr;
}

const TOTALS = "(expected the row left out of the bill: a totals row sums the rows above it, which are compared each";

describe("a bill's totals row", () => {
  it("is named so where its activity says Total, Sub total or Total (USD)", async () => {
    for (const word of ["Total", "Sub total", "Subtotal", "Grand total", "Total (USD)", "TOTAL:", "Total USD", "Subtotal (USD):"]) {
      expect(await refusal(`,${word},,,1`), word).toBe(`burnrate: error: bill.csv:3:1: a totals row: its period is empty, and its activity says ${JSON.stringify(word)} ${TOTALS}, found an empty cell)\n`);
    }
  });

  it("is named so where the word is in the period's column", async () => {
    expect(await refusal("Total,,,,1")).toBe(`burnrate: error: bill.csv:3:1: a totals row: its period says "Total" ${TOTALS}, found "Total")\n`);
  });

  it("is not where a dimension's value is Total: the period is empty", async () => {
    expect(await refusal(",Data reads,Total,100,1")).toBe("burnrate: error: bill.csv:3:1: empty period (expected the first day of one of the account's cycles, its start instant, a month or a date range, found an empty cell)\n");
  });

  it("is not where the activity only begins with the word (Total requests, Total tax), an activity of its own", async () => {
    expect(await refusal(",Total tax,alpha,100,1")).toBe("burnrate: error: bill.csv:3:1: empty period (expected the first day of one of the account's cycles, its start instant, a month or a date range, found an empty cell)\n");
    expect(await refusal(",Total requests,alpha,100,1")).toBe("burnrate: error: bill.csv:3:1: empty period (expected the first day of one of the account's cycles, its start instant, a month or a date range, found an empty cell)\n");
  });

  it("a row of empty cells is a blank row", async () => {
    expect(await refusal(",,,,")).toBe("burnrate: error: bill.csv:3:1: a blank row: every cell of it is empty (expected the row left out of the bill, found an empty row)\n");
  });
});
