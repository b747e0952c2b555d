import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A client retries a refused event under its id: the repeat's quantity is the refused event's, and a
// bill that charged the event once is as far above the usage as the repeat. The refusal is named
// beside the repeats, not hidden by them (red15). Fliplet Free: 100 credits, no grace; data_write 0.05.
describe("reconcile: a refused event retried under its id", () => {
  it("names the refusal beside the repeats that match the gap", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-retried-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: free\nanchor: 2026-11-01\n`);
    // w1: 1000 x 0.05 = 50 credits, accepted; w2: 1001 x 0.05 = 50.05, past the 50 left, refused; then w2 again, a repeat.
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project,event_id\n2026-11-02T10:00:00Z,data_write,1000,alpha,w1\n2026-11-03T10:00:00Z,data_write,1001,alpha,w2\n2026-11-04T10:00:00Z,data_write,1001,alpha,w2\n");
    // The provider accepted both events: 2001 writes, 100.05 credits.
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,project,quantity,amount\n2026-11-01,data_write,alpha,2001,100.05\n");
    const run = await burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
    expect(run.code).toBe(1);
    const [difference] = JSON.parse(run.stdout).differences as { class: string; explanation: string }[];
    expect(difference!.class).toBe("duplicate_events");
    expect(difference!.explanation).toContain(`1 data_write event(s) of quantity 1001 in this cycle, refused (credits exhausted; the first at ${join(dir, "usage.csv")}:3, 2026-11-03T10:00:00Z)`);
  });
});
