import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomers 51 (#11) and 52: a statement of many customers had no total across them; the meter labels followed the
// last customer with no heading. Prices from ratecards/fliplet.yaml: data_read 0.01 a read, data_write 0.05 a write;
// Pro 9 USD a cycle, Free 0.
//   November: acme 1 read (0.01, Pro 9), beta 10 writes (0.5, Free 0), wonka 100 reads (1, Pro 9): 1.51 credits, 18 USD
//   December: acme 2 reads (0.02, Pro 9); beta and wonka, with no usage, are billed their plans (0, 9): 0.02 credits,
//   18 USD, as every account's cycles run to the replay's last
//   Burn-downs on the HTML page: one a cycle, 3 accounts of 2 cycles.
const USAGE = [
  "timestamp,meter,quantity,project,account",
  "2026-11-02T10:00:00Z,data_read,100,p1,wonka",
  "2026-11-02T10:01:00Z,data_read,1,p1,acme",
  "2026-11-02T10:02:00Z,data_write,10,p1,beta",
  "2026-12-03T10:00:00Z,data_read,2,p1,acme",
  "",
].join("\n");

async function statement(format: string, usage = USAGE, more: string[] = [], named = "accounts:\n  beta: { plan: free }\n") {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-fleet53-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\nunnamed_accounts: top_level\n${named}`);
  writeFileSync(join(dir, "usage.csv"), usage);
  const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", format, ...more], { cwd: dir });
  return { ...r, dir };
}

describe("a statement of several accounts ends with their totals by period", () => {
  it("in the table: accounts, credits charged, uncovered and money, each period's", async () => {
    const r = await statement("table");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const tail = r.stdout.slice(r.stdout.indexOf("fliplet 2026-11 · all 3 accounts"));
    expect(tail.split("\n").slice(0, 5)).toEqual([
      "fliplet 2026-11 · all 3 accounts",
      "  Totals by period",
      // Fliplet's pools have a grace buffer: the column is named as each account's section names it.
      "  Period                    Accounts  Charged (credits)  Uncovered (grace)  Money (USD)",
      "  2026-11-01 to 2026-11-30         3               1.51               0.00        18.00",
      "  2026-12-01 to 2026-12-31         3               0.02               0.00        18.00",
    ]);
    // The money split as each account's money table splits it (newcomer68 L5): the plans' fees 9 + 0 + 9 each month.
    expect(tail.split("\n").slice(5, 9)).toEqual([
      "  Money by period (USD)",
      "  Period                    Plan fees  Credits bought  Overage  Total",
      "  2026-11-01 to 2026-11-30      18.00            0.00     0.00  18.00",
      "  2026-12-01 to 2026-12-31      18.00            0.00     0.00  18.00",
    ]);
    // The meter labels come after the totals, under their own heading, not after the last customer's money.
    expect(tail).toContain("  Meters\n");
  });

  it("splits a period's money into fees and credits bought, which add up to its total", async () => {
    // acme buys a top-up of 150 credits in November at Fliplet's 0.01 USD a credit: 1.50 USD beside the 18 of fees.
    const r = await statement("table", USAGE, [], "accounts:\n  beta: { plan: free }\ngrants:\n  - { kind: topup, amount: 150, at: 2026-11-05T00:00:00Z, account: acme }\n");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const rows = r.stdout.split("\n").filter((line) => line.startsWith("  2026-11-01 to 2026-11-30  "));
    // The totals' row (its money 19.50), then the money's: 18.00 + 1.50 + 0.00 = 19.50.
    expect(rows.at(-1)).toBe("  2026-11-01 to 2026-11-30      18.00            1.50     0.00  19.50");
    expect(rows.at(-2)).toMatch(/ 19\.50$/);
  });

  it("in Markdown and HTML alike, the page drawing no burn-down for the totals", async () => {
    const md = await statement("markdown");
    expect(md.stdout).toMatch(/# fliplet 2026-11 · all 3 accounts[\s\S]*\| 2026-11-01 to 2026-11-30 \| 3 \| 1\.51 \| 0\.00 \| 18\.00 \|/);
    const html = await statement("html", USAGE, ["-o", "page.html"]);
    expect([html.code, html.stderr]).toEqual([0, ""]);
    const page = readFileSync(join(html.dir, "page.html"), "utf8");
    expect(page).toContain("fliplet 2026-11 · all 3 accounts");
    expect(page.match(/<figure class="burn">/g)).toHaveLength(6);
  });

  it("is not drawn for one account", async () => {
    const r = await statement("table", "timestamp,account,meter,quantity,project\n2026-11-02T10:01:00Z,acme,data_read,1,p1\n", [], "");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("Totals by period");
  });

  it("adds an account of unknown money by its priced parts, and counts it beside them", async () => {
    // ratecards/flikly.yaml gives no credit_price: studio's add-on pack has no money burnrate could know. Creator is
    // 15 USD a cycle (price: 15): studio's priced part 15 and its pack unknown, bob's 15: 30.00 and 1 unknown.
    const dir = mkdtempSync(join(tmpdir(), "burnrate-fleet53-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/flikly.yaml")}\naccount: studio\nplan: creator\nanchor: 2026-05-17\ntimezone: UTC\naccounts:\n  bob: { plan: creator }\ngrants:\n  - { kind: addon, amount: 20, at: "2026-05-20T15:00:00Z" }\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,account,meter,workflow,model,resolution,quantity\n2026-05-18T10:00:00Z,studio,generate,text_to_video,runway,720p,1\n2026-05-19T10:00:00Z,bob,generate,text_to_video,runway,720p,1\n");
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "table"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2026-05-17 to 2026-06-16 +2 +[\d.]+ +0\.00 +30\.00 and 1 unknown\n/);
  });
});
