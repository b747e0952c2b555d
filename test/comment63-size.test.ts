import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// GitHub refuses a comment of more than 65,536 characters, and the example workflow's step then posts nothing
// (newcomer63 M1: 1,500 customers made a comment of 308,150, its folded tables listing every account).
describe("diff --format markdown fits a pull-request comment (newcomer63 M1)", () => {
  it("cuts each table of 1,200 accounts to fit, says how many rows the JSON has more, and keeps the totals", async () => {
    const dir = mkdtempSync(join(tmpdir(), "comment63-"));
    const fliplet = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
    writeFileSync(join(dir, "base.yaml"), fliplet);
    // Maps calls 0.08 → 0.10 credits: each account's 5 calls cost 0.40 → 0.50.
    writeFileSync(join(dir, "new.yaml"), fliplet.replace('version: "2026-11"', 'version: "2026-12"').replace('price: "0.08"             # "Maps API calls (0.08 each)"', 'price: "0.10"'));
    writeFileSync(join(dir, "acct.yaml"), "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\nunnamed_accounts: top_level\n");
    const rows = ["timestamp,account,meter,quantity,project"];
    for (let i = 0; i < 1200; i++) rows.push(`2026-11-02T10:00:00Z,customer-with-a-long-name-${String(i).padStart(4, "0")},maps_call,5,p${String(i % 100).padStart(3, "0")}`);
    writeFileSync(join(dir, "u.csv"), `${rows.join("\n")}\n`);
    const args = ["diff", "--base", join(dir, "base.yaml"), "--card", join(dir, "new.yaml"), "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv")];
    const md = await burnrate([...args, "--format", "markdown"]);
    expect(md.code).toBe(0);
    expect(md.stdout.length).toBeLessThanOrEqual(60_000);
    expect(md.stdout).toMatch(/_1,1[0-9]{2} more rows in `burnrate diff --format json`\._/);
    // The whole change, 1,200 x 0.10 = 120 credits, stays in the By meter and By account tables' Total rows.
    expect(md.stdout).toMatch(/\| Total \| 480(\.00)? \| 600(\.00)? \| \+120/);
    expect(md.stdout).toContain("</details>");
    // The JSON keeps every account.
    const json = JSON.parse((await burnrate([...args, "--format", "json"])).stdout);
    expect(json.accounts.length).toBe(1200);
  });
});
