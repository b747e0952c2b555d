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
  const json = JSON.parse(run.stdout);
  const line = json.lines.find((l: { meter: string }) => l.meter === "data_read");
  return { run, line, credits: json.credits };
}

describe("FOCUS: a credit, adjustment or tax row without a quantity", () => {
  for (const [category, cost, amount] of [["Tax", "0.56", "6.16"], ["Adjustment", "0.2", "5.8"]] as const) {
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

  // Changed on purpose (newcomer, stop 38): a credit was summed into its line, whose difference was then "unexplained"
  // and failed the run; it is money back, listed and totalled apart, and the line is compared without it.
  it("Credit -0.1: listed apart; the line keeps its usage rows' 560 reads and 5.6, and agrees", async () => {
    const { run, line, credits } = await reconcile("Credit", "-0.1");
    expect(run.code).toBe(0);
    expect([line.bill_quantity, line.bill_amount, line.status]).toEqual(["560", "5.6", "agrees"]);
    expect(credits).toEqual({ rule: "pass", amount: "-0.1", money: "0", rows: [expect.objectContaining({ meters: ["data_read"], activity: "FLP-DR", dimensions: { project: "alpha" }, amount: "-0.1", unit: "credits" })] });
  });

  it("a credit that gives a quantity consumes nothing all the same: the line keeps its 560 reads", async () => {
    const { line, credits } = await reconcile("Credit", "-0.5", "-50");
    expect([line.bill_quantity, line.bill_amount]).toEqual(["560", "5.6"]);
    expect(credits.amount).toBe("-0.5");
  });

  it("a tax under a cent, in USD, is the tax's difference, not the bill rounding to a cent (Fliplet: 0.01 USD a credit)", async () => {
    // 0.004 USD is 0.4 credits: 5.6 + 0.4 = 6, a whole cent, which read as "the bill rounds 5.6 to 6" and passed.
    const { run, line } = await reconcile("Tax", "0.004", "", "USD");
    expect(run.code).toBe(1);
    expect([line.class, line.bill_amount]).toEqual(["unexplained", "6"]);
  });

  it("a credit without its usage's tags is listed as a credit, on no line of its own", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    const row = `ACME-1,credits,2026-11-01T04:00:00Z,2026-12-01T05:00:00Z,2026-11-01T05:00:00Z,2026-12-01T05:00:00Z,Credit,-1,,Reads,Data reads,FLP-DR,"{""env"": ""prod""}"\n`;
    writeFileSync(join(dir, "bill.csv"), BILL + row);
    const run = await burnrate(["reconcile", "--account", join(FIX, "account.yaml"), "--usage", join(FIX, "usage.csv"), "--bill", join(dir, "bill.csv"), "--bill-mapping", join(FIX, "focus/mapping.yaml"), "--format", "json"]);
    // Changed on purpose (newcomer, stop 38): it was a missing_in_usage line of -1, failing the run.
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.differences).toEqual([]);
    expect(json.credits.rows).toEqual([expect.objectContaining({ meters: ["data_read"], dimensions: {}, amount: "-1", unit: "credits" })]);
  });
});

