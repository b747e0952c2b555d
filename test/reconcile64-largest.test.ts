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

describe("reconcile's Repeats line (newcomer63b M4, red64b L5)", () => {
  it("says the JSON lists the first 10,000 where more rows repeat an event_id", async () => {
    // 10,002 rows of one event id: the first priced, 10,001 repeats, 10,000 of them listed.
    const rows = Array.from({ length: 10_002 }, () => "2026-11-02T10:00:00Z,maps_call,1,p1,same-id");
    const dir = mkdtempSync(join(tmpdir(), "reconcile64-"));
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project,event_id\n${rows.join("\n")}\n`);
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,project,quantity,amount\n2026-11-01,maps_call,p1,1,0.08\n");
    const r = await burnrate(["reconcile", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--timezone", "UTC", "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "markdown"]);
    expect(r.stdout).toContain("- **Repeats**: 10,001 of the log's 10,002 usage row(s) counted once: their event_id was seen before, first same-id");
    expect(r.stdout).toContain("; --format json lists the first 10,000");
  });
});
