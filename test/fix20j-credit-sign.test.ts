import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A row marked Credit that charges (a positive amount) is no money back (red team, stop 38 #1): it was set apart as a
// credit and the bill agreed, exit 0. The clean November bill agrees with the usage line by line (its total 32.269
// credits); on alpha's Data reads line (560 reads x 0.01 = 5.6 credits) a "Credit" row is added.
//   a credit of +100: the line is billed 5.6 + 100 = 105.6 against the usage's 5.6, +100: a difference, exit 1
//   a credit of -0.5 on beta's Email line: money back, listed apart; the line compared without it agrees, exit 0

const fixture = (f: string) => join(ROOT, "fixtures/reconcile", f);
const base = ["reconcile", "--account", fixture("account.yaml"), "--usage", fixture("usage.csv")];

function canonical(extra: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "fix20j-"));
  const lines = readFileSync(fixture("bill-clean.csv"), "utf8").trim().split("\n");
  const rows = [`${lines[0]},charge_category`, ...lines.slice(1).map((l) => `${l},Usage`), ...extra];
  const bill = join(dir, "bill.csv");
  writeFileSync(bill, rows.join("\n") + "\n");
  return bill;
}

function focus(billedCost: string): string {
  const dir = mkdtempSync(join(tmpdir(), "fix20j-"));
  const bill = join(dir, "focus.csv");
  const credit = `ACME-1,credits,2026-11-01T04:00:00Z,2026-12-01T05:00:00Z,2026-11-01T05:00:00Z,2026-11-02T05:00:00Z,Credit,${billedCost},,Reads,Data reads,FLP-DR,"{""fliplet-project"": ""alpha"", ""env"": ""prod""}"`;
  writeFileSync(bill, readFileSync(fixture("focus/bill.csv"), "utf8").trimEnd() + "\n" + credit + "\n");
  return bill;
}

describe("reconcile: a Credit row that charges is compared on its line (red team, stop 38 #1)", () => {
  it("canonical: a Credit of +100 on Data reads is a +100 difference on that line, exit 1; a Credit of -0.5 stays money back", async () => {
    const run = await burnrate([...base, "--bill", canonical(["2026-11-01,Data reads,alpha,,100,Credit", "2026-11-01,Email,beta,,-0.5,Credit"]), "--format", "json"]);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    // 5.6 + 100 billed against 5.6 computed.
    const line = json.lines.find((l: { meter: string }) => l.meter === "data_read");
    expect(line).toMatchObject({ bill_amount: "105.6", computed_amount: "5.6", delta: "100", attention: true });
    expect(line.explanation).toContain("marked Credit on this line");
    expect(line.explanation).toContain("charge +100 credits: a credit is money back, a negative amount");
    // Only the negative one is a credit: -0.5.
    expect(json.credits.amount).toBe("-0.5");
    expect(json.credits.rows.map((r: { amount: string }) => r.amount)).toEqual(["-0.5"]);
    // The clean bill's 32.269 and the +100 are compared: 132.269 against 32.269.
    expect(json.invoice).toMatchObject({ compared: "132.269", computed_total: "32.269", compared_delta: "100", credits: "-0.5" });
  });

  it("canonical: a negative Credit alone is money back, and the bill agrees, exit 0", async () => {
    const run = await burnrate([...base, "--bill", canonical(["2026-11-01,Data reads,alpha,,-100,Credit"]), "--format", "json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).credits.amount).toBe("-100");
  });

  it("FOCUS: a ChargeCategory Credit row of BilledCost +250 is a +250 difference on its line, exit 1", async () => {
    const run = await burnrate([...base, "--bill", focus("250"), "--bill-mapping", fixture("focus/mapping.yaml"), "--format", "json"]);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    // Data reads 5.6 + 250 billed against 5.6.
    expect(json.lines.find((l: { meter: string }) => l.meter === "data_read")).toMatchObject({ bill_amount: "255.6", computed_amount: "5.6", delta: "250", attention: true });
    expect(json.credits.rows).toEqual([]);
    expect(run.stderr).toContain("data_read unexplained");
  });

  it("FOCUS: the same row at BilledCost -250 is a credit, listed apart, exit 0", async () => {
    const run = await burnrate([...base, "--bill", focus("-250"), "--bill-mapping", fixture("focus/mapping.yaml"), "--format", "json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).credits).toMatchObject({ amount: "-250", rows: [expect.objectContaining({ amount: "-250", bill_line: 18 })] });
  });
});
