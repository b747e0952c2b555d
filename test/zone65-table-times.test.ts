import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer65 M4: a Berlin subscription that ended at its midnight read "2027-03-15 00:00" in one row of the table and
// "2027-03-14T23:00:00Z" in the next (the Changes table's To, the Rejected table's reason).
describe("a subscription's end in the tables of an account in New York", () => {
  it("is written in the account's zone, as every other time of the table, and stays an instant in UTC in the JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zone65-"));
    writeFileSync(join(dir, "acct.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: America/New_York\nchanges:\n  - { at: 2026-11-05, subscription_end: 2026-11-20 }\n`);
    // A read before the end, and one after it: refused, the subscription having ended at New York's midnight, 05:00 UTC.
    writeFileSync(join(dir, "u.csv"), "timestamp,meter,quantity,project\n2026-11-03T15:00:00Z,data_read,100,p\n2026-11-25T15:00:00Z,data_read,100,p\n");
    const args = ["statement", "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv")];
    const md = await burnrate([...args, "--format", "markdown"]);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain("| 2026-11-05 00:00 | Subscription end | none | 2026-11-20 00:00 | ");
    expect(md.stdout).toMatch(/\| data_read \| subscription ended 2026-11-20 00:00 \| 1 \|/);
    expect(md.stdout).not.toContain("2026-11-20T05:00:00Z");
    const json = JSON.parse((await burnrate([...args, "--format", "json"])).stdout);
    const cycle = json.accounts[0].cycles[0];
    expect(cycle.rejected[0].reason).toBe("subscription ended 2026-11-20T05:00:00Z");
    expect(cycle.timeline[0].to).toBe("2026-11-20T05:00:00Z");
  });
});
