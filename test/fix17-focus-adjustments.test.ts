import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A FOCUS row of ChargeCategory Credit, Adjustment or Tax carries no ConsumedQuantity by the standard; one with an
// amount blanked its line's quantity, so the line read "the bill gives no quantity" (red team, stop 35). The bundled
// FOCUS bill gives project alpha's data reads as 300 + 260 reads (3 + 2.6 credits at 0.01), as the usage has them.
const FIX = join(ROOT, "fixtures/reconcile");
const BILL = readFileSync(join(FIX, "focus/bill.csv"), "utf8");

async function reconcile(category: string, cost: string, quantity = "", currency = "credits") {
  const dir = mkdtempSync(join(tmpdir(), "fix17-"));
  const row = `ACME-1,${currency},2026-11-01T04:00:00Z,2026-12-01T05:00:00Z,2026-11-01T05:00:00Z,2026-12-01T05:00:00Z,${category},${cost},${quantity},Reads,Data reads,FLP-DR,"{""fliplet-project"": ""alpha"", ""env"": ""prod""}"\n`;
  writeFileSync(join(dir, "bill.csv"), BILL + row);
  const run = await burnrate(["reconcile", "--account", join(FIX, "account.yaml"), "--usage", join(FIX, "usage.csv"), "--bill", join(dir, "bill.csv"), "--bill-mapping", join(FIX, "focus/mapping.yaml"), "--format", "json", "--all-lines"]);
  const line = JSON.parse(run.stdout).lines.find((l: { meter: string }) => l.meter === "data_read");
  return { run, line };
}

describe("FOCUS: a credit, adjustment or tax row without a quantity", () => {
  for (const [category, cost, amount] of [["Credit", "-0.1", "5.5"], ["Tax", "0.56", "6.16"], ["Adjustment", "0.2", "5.8"]] as const) {
    it(`${category} ${cost}: the line keeps its usage rows' 560 reads, and its amount is 5.6 ${cost.startsWith("-") ? "" : "+"}${cost} = ${amount}`, async () => {
      const { run, line } = await reconcile(category, cost);
      expect(run.code).toBe(1);
      expect([line.bill_quantity, line.bill_amount, line.computed_quantity, line.computed_amount]).toEqual(["560", amount, "560", "5.6"]);
    });
  }

  it("a usage row without a quantity still leaves the line's quantity unknown", async () => {
    const { line } = await reconcile("Usage", "0.1");
    expect(line.bill_quantity).toBeNull();
  });

  it("a credit that gives a quantity consumes nothing all the same: the line keeps its 560 reads", async () => {
    const { line } = await reconcile("Credit", "-0.5", "-50");
    expect([line.bill_quantity, line.bill_amount]).toEqual(["560", "5.1"]);
  });

  it("says the difference is the credit's where the usage rows agree, not a price", async () => {
    const { line } = await reconcile("Credit", "-0.1");
    expect([line.class, line.explanation]).toEqual(["unexplained", "the bill's usage rows come to 5.6 credits, as the usage does; its credit, adjustment or tax rows add -0.1: the difference is theirs, no price or count"]);
  });

  it("a tax under a cent, in USD, is the tax's difference, not the bill rounding to a cent (Fliplet: 0.01 USD a credit)", async () => {
    // 0.004 USD is 0.4 credits: 5.6 + 0.4 = 6, a whole cent, which read as "the bill rounds 5.6 to 6" and passed.
    const { run, line } = await reconcile("Tax", "0.004", "", "USD");
    expect(run.code).toBe(1);
    expect([line.class, line.bill_amount]).toEqual(["unexplained", "6"]);
  });

  it("a credit without its usage's tags is said to be a credit on a line of its own, not a charge", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    const row = `ACME-1,credits,2026-11-01T04:00:00Z,2026-12-01T05:00:00Z,2026-11-01T05:00:00Z,2026-12-01T05:00:00Z,Credit,-1,,Reads,Data reads,FLP-DR,"{""env"": ""prod""}"\n`;
    writeFileSync(join(dir, "bill.csv"), BILL + row);
    const run = await burnrate(["reconcile", "--account", join(FIX, "account.yaml"), "--usage", join(FIX, "usage.csv"), "--bill", join(dir, "bill.csv"), "--bill-mapping", join(FIX, "focus/mapping.yaml"), "--format", "json"]);
    expect(run.code).toBe(1);
    const [d] = JSON.parse(run.stdout).differences;
    expect([d.class, d.bill_amount, d.explanation]).toEqual(["missing_in_usage", "-1", "the bill's credit, adjustment or tax rows come to -1 credits on a line with no usage on either side: a credit, adjustment or tax written without its usage's tags (dimensions) lands on a line of its own: map it with ignore, or give it the tags of the line it adjusts"]);
  });
});

