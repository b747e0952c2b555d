import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A bill's dimension value that the usage writes otherwise but for case ("CRM" for "crm") made a line missing on each
// side, hiding what differs (newcomer, stop 34): the missing line now names the usage's value and the flag that reads
// one as the other. Fliplet: data_read 0.01; usage 100 reads of crm (1.00); the bill 120 reads of CRM (1.20).
async function reconcile(...extra: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "nc16-"));
  writeFileSync(join(dir, "account.yaml"), "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n");
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,100,crm\n");
  writeFileSync(join(dir, "bill.csv"), "period_start,activity,project,quantity,amount\n2026-11-01,data_read,CRM,120,1.2\n");
  const run = await burnrate(["reconcile", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json", ...extra]);
  return (JSON.parse(run.stdout) as { differences: { class: string; delta: string; explanation: string }[] }).differences;
}

describe("reconcile: a bill's value that differs from the usage's only by case", () => {
  it("is named on the line missing in usage, with the flag that reads one as the other", async () => {
    const differences = await reconcile();
    const missing = differences.find((d) => d.class === "missing_in_usage")!;
    expect(missing.explanation).toMatch(/; the usage has project "crm", the bill's "CRM" but for case: dimension_values: in the bill mapping reads one as the other \(--bill-map value:project:crm=CRM\)$/);
  });

  it("read so, the two lines are one: 20 reads more on the bill, a quantity mismatch of 0.2", async () => {
    const differences = await reconcile("--bill-map", "value:project:crm=CRM");
    expect(differences.map((d) => [d.class, d.delta])).toEqual([["quantity_mismatch", "0.2"]]);
  });
});
