import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// newcomer66 M4: a bill cut at midnight in the customer's zone, reconciled with the account in another, was offered only
// the bill mapping's cut:, which passes the bill and leaves every statement cut in the wrong zone. The fixture's bill is
// the New York account's; run in UTC (--timezone, red66b M14), the account's zone is named as a cause too.
describe("reconcile: a boundary shift at midnight in another zone than the run's", () => {
  it("names the account's zone as a cause beside the bill mapping's cut", async () => {
    const r = await burnrate(["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", "fixtures/reconcile/usage.csv", "--bill", "fixtures/reconcile/bill-clean.csv", "--timezone", "UTC", "--format", "json"]);
    expect(r.code).toBe(1);
    const explanations = (JSON.parse(r.stdout).differences as { explanation: string }[]).map((d) => d.explanation);
    expect(explanations.length).toBeGreaterThan(0);
    for (const e of explanations) {
      expect(e).toContain('cut: "00:00 America/New_York" in the bill mapping says so; or, where the customer\'s cycles start at midnight in America/New_York, the run\'s zone is wrong (UTC): timezone: America/New_York in the account file, with no --timezone of another, cuts the statements there too');
    }
  });

  it("says nothing of the account's zone where the bill cuts at UTC's midnight, the providers' own", async () => {
    const r = await burnrate(["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", "fixtures/reconcile/usage.csv", "--bill", "fixtures/reconcile/bill-boundary.csv", "--format", "json"]);
    // The fixture's bill is cut at 00:00 UTC, the New York account's cycles at New York's midnight.
    expect(JSON.parse(r.stdout).boundary_shift?.cut ?? r.stdout).toContain("00:00 UTC");
    expect(r.stdout).not.toContain("zone is wrong");
  });
});
