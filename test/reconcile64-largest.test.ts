import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer63b L5: the finding's line named the first difference in the report's order, a 0.83-cent cut beside a
// 5,729-cent one.
describe("reconcile's finding names the largest difference", () => {
  it("of two rate drifts, the 4 credits on web fetches, not the 0.1 on a project listed before it", async () => {
    // The clean bill, with a project billed 0.6 for 0.5 and 8 web fetches 4.4 for 0.4.
    const clean = readFileSync(join(ROOT, "fixtures/reconcile/bill-clean.csv"), "utf8");
    const bill = clean.replace("2026-11-01,Projects,alpha,1,0.5\n", "2026-11-01,Projects,alpha,1,0.6\n").replace("2026-11-01,Web fetches,beta,8,0.4\n", "2026-11-01,Web fetches,beta,8,4.4\n");
    expect(bill).not.toBe(clean);
    const dir = mkdtempSync(join(tmpdir(), "reconcile64-"));
    writeFileSync(join(dir, "bill.csv"), bill);
    const r = await burnrate(["reconcile", "--account", join(ROOT, "fixtures/reconcile/account.yaml"), "--usage", join(ROOT, "fixtures/reconcile/usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).differences.map((d: { meter: string }) => d.meter)).toEqual(["project_created", "web_fetch"]);
    expect(r.stderr).toContain("burnrate: 2 bill difference(s) need attention; largest: 2026-11-01T04:00:00Z web_fetch rate_drift, over tolerance\n");
  });
});
