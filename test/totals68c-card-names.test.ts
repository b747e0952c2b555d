import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";
import { billRefusal, reconcileBill, TOTALS_EXPECTED as TOTALS, type BillCase } from "./helpers/bill-refusal.js";

// red68c L1: a card may name a line "Total" itself; a typo of it (TOTAL:) was refused as a totals row, without the
// did-you-mean an unknown activity gets. The card is Fliplet's with its email meter's label changed, and the usage a
// single data read of project alpha, billed on the bill's first row.
/** Fliplet's card with its email meter labelled `label`, and a bill of project alpha's data read, then `row`. */
const billOf = (label: string, row: string, mapping?: string): BillCase => ({
  card: readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8").replace("labels: [Email]", `labels: [${label}]`),
  account: "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n",
  bill: `period_start,activity,project,quantity,amount\n2026-11-01,Data reads,alpha,100,1\n${row}\n`,
  ...(mapping === undefined ? {} : { mapping }),
  flags: ["--format", "json"],
});
const reconcile = (label: string, row: string) => reconcileBill(billOf(label, row));
const refusal = (label: string, row: string, mapping?: string) => billRefusal(billOf(label, row, mapping));

const EXPECTED = "(expected a meter key or label of fliplet 2026-11, or an activities: entry in the bill mapping";

describe("a bill's totals word where the card names a line Total", () => {
  it("is a typo of the card's own name, with its did-you-mean, where it is a near miss of it", async () => {
    for (const word of ["TOTAL:", "Totals", "Total :"]) {
      expect(await refusal("Total", `2026-11-01,${word},alpha,1,0.1`), word).toBe(`burnrate: error: bill.csv:3:2: unknown activity ${JSON.stringify(word)}; did you mean "Total"? ${EXPECTED}, found ${JSON.stringify(word)})\n`);
    }
  });

  it("is the card's line where it is the card's name but for case and spaces", async () => {
    // The email line billed 1 recipient at 0.1 credits, which the usage has none of: a line missing in usage, exit 1.
    const r = await reconcile("Total", "2026-11-01,total ,alpha,1,0.1");
    expect(r.code).toBe(1);
    const lines = (JSON.parse(r.stdout) as { lines: { meter: string; activity: string; bill_amount: string }[] }).lines;
    expect(lines.find((l) => l.meter === "email")).toMatchObject({ activity: "total ", bill_amount: "0.1" });
  });

  it("is the card's name where the bill mapping's activities: name Total", async () => {
    expect(await refusal("Email", "2026-11-01,TOTAL:,alpha,1,0.1", "activities: { Total: email }\n")).toBe(`burnrate: error: bill.csv:3:2: unknown activity "TOTAL:"; did you mean "Total"? ${EXPECTED}, found "TOTAL:")\n`);
  });

  it("is the card's line, its period missing, where a row of no period names it", async () => {
    expect(await refusal("Total", ",Total,alpha,1,0.1")).toBe("burnrate: error: bill.csv:3:1: empty period (expected the first day of one of the account's cycles, its start instant, a month or a date range, found an empty cell)\n");
  });

  it("stays a totals row where it is no near miss of the card's name (Grand total beside Total)", async () => {
    expect(await refusal("Total", "2026-11-01,Grand total,,,1.1")).toBe(`burnrate: error: bill.csv:3:2: a totals row: its activity says "Grand total" ${TOTALS}, found "Grand total")\n`);
  });

  it("stays a totals row where the card's near name is no totals word (Tool beside Total)", async () => {
    expect(await refusal("Tool", "2026-11-01,Total,,,1.1")).toBe(`burnrate: error: bill.csv:3:2: a totals row: its activity says "Total" ${TOTALS}, found "Total")\n`);
    expect(await refusal("Tool", ",Total,,,1.1")).toBe(`burnrate: error: bill.csv:3:1: a totals row: its period is empty, and its activity says "Total" ${TOTALS}, found an empty cell)\n`);
  });
});
