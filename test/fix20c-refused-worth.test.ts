import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Red team, stop 38: Fliplet Pro (1,000 credits; the build pool blocks), browser_inspection 0.2 -> 0.21 (+5%).
// 2,400 inspections, then a 10,000-fetch row, then a 1,000-fetch row (web_fetch 0.05 a fetch).
// Base: 2,400 x 0.2 = 480; + 10,000 x 0.05 = 500 -> 980; the 1,000 fetches (50) would make 1,030 > 1,000: refused.
// New: 2,400 x 0.21 = 504; + 500 = 1,004 > 1,000: the 10,000-fetch row is refused; + 50 = 554 charged.
// One event refused under each card, ten times the fetches: "credits fall 43%", and every gate passed.
const BASE = join(ROOT, "ratecards/fliplet.yaml");
const ROWS = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,browser_inspection,2400,alpha\n2026-11-10T10:00:00Z,web_fetch,10000,alpha\n2026-11-20T10:00:00Z,web_fetch,1000,alpha\n";

function inputs(price: string) {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-fix20c-refused-"));
  const text = readFileSync(BASE, "utf8");
  const line = 'price: "0.2"              # "inspecting a page with a real browser (0.2 per inspection)"';
  expect(text).toContain(line);
  writeFileSync(join(dir, "card.yaml"), text.replace(line, `price: "${price}"`));
  writeFileSync(join(dir, "acct.yaml"), "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n");
  writeFileSync(join(dir, "u.csv"), ROWS);
  return ["diff", "--base", BASE, "--card", join(dir, "card.yaml"), "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv")];
}

describe("diff: refused usage compared by quantity and worth, not events (red team, stop 38)", () => {
  it("names the usage refused more, worth at the base card's prices, and the usage both cards serve by quantity", async () => {
    const r = await burnrate([...inputs("0.21"), "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect([j.base_total, j.card_total]).toEqual(["980", "554"]);
    // Worth: the base card's web_fetch price in the cycle, 500 credits over 10,000 fetches = 0.05: 1,000 -> 50,
    // 10,000 -> 500, a rise of 450, 90% of the 500 it charged web_fetch.
    expect(j.refused).toEqual([{
      cycle: "2026-11-01T00:00:00Z", cycle_end: "2026-12-01T00:00:00Z", account: "default", meter: "web_fetch",
      old_quantity: "1000", new_quantity: "10000", old_events: 1, new_events: 1,
      worth: { old: "50", new: "500", delta: "450", delta_percent: "900", percent_of_base_credits: "90", priced_by: "base" }, base_credits: "500",
    }]);
    expect(j.refused_more).toEqual({ old: 1, new: 1 });
    // The share --fail-over judges: 450 of the 980 credits the base card charged.
    expect(j.refused_more_worth).toEqual({ old: "50", new: "500", delta: "450", delta_percent: "900", percent_of_base_credits: "45.92" });
    // Served by both: 2,400 inspections (480 -> 504) and 1,000 fetches (50 under each): 530 -> 554, +4.53%. As many
    // events refused was read as the same events served, and the whole 980 -> 554 as the prices' change.
    expect(j.served).toMatchObject({ old: "530", new: "554", delta: "24", delta_percent: "4.53" });
    expect(r.stderr).toContain("burnrate: warning: more usage refused under the new card, in 1 meter(s) of the accounts' cycles that refuse more of it (1 → 1 events, worth 50 → 500 credits at the base card's prices); largest: web_fetch 1000 → 10000 refused (1 → 1 events), worth 50 → 500 credits at the base card's prices, in the cycle from 2026-11-01, account default: charged nothing, no gate measured it\n");
  });

  it("--fail-over judges the worth as a share of the credits the base card charged: 450 of 980 is 45.92%", async () => {
    const tripped = await burnrate([...inputs("0.21"), "--fail-over", "10", "--fail-over-meter", "10", "--fail-over-line", "10", "--format", "json"]);
    expect(tripped.code, tripped.stderr).toBe(1);
    expect(JSON.parse(tripped.stdout).fail_over).toEqual({ percent: "10", exceeded: true, credits_exceeded: false, money_exceeded: false, paid_credits_exceeded: false, prices_exceeded: false, refused_exceeded: true, expired_exceeded: false });
    expect(tripped.stderr).toContain("burnrate: usage refused under the new card rises by more than --fail-over 10%: worth 50 → 500 credits at the base card's prices (+45.92% of the 980 credits it charged), in 1 meter(s) of the accounts' cycles; largest: web_fetch 1000 → 10000 refused");
    expect((await burnrate([...inputs("0.21"), "--fail-over", "45.92", "--format", "json"])).code).toBe(0);
    expect((await burnrate([...inputs("0.21"), "--fail-over", "45.91", "--format", "json"])).code).toBe(1);
    // --fail-on-unmeasured fails on it too, with the fetches and their worth.
    const unmeasured = await burnrate([...inputs("0.21"), "--fail-on-unmeasured", "--format", "json"]);
    expect(unmeasured.code).toBe(1);
    expect(unmeasured.stderr).toContain("(1 → 1 events, worth 50 → 500 credits at the base card's prices); largest: web_fetch 1000 → 10000 refused (1 → 1 events), worth 50 → 500 credits at the base card's prices, in the cycle from 2026-11-01, account default: charged nothing, past --fail-on-unmeasured\n");
  });

  it("the pull-request comment says it plainly, with a table of the refused usage", async () => {
    const md = (await burnrate([...inputs("0.21"), "--fail-over", "10", "--format", "markdown"])).stdout;
    expect(md).toContain("**Over the limit.** Failed: --fail-over. ");
    expect(md).toContain("The other -450.00 is the events one card serves and the other refuses (1 event refused in all under each, rows of other sizes): what the customer no longer gets, charged nothing.");
    expect(md).toContain("The new card refuses more of the usage, charged nothing: what the customer no longer gets is worth 50.00 → 500.00 credits at the base card's prices, in 1 meter of the accounts' cycles (1 → 1 events refused in those meters and cycles, of the 1 refused in all; for want of credits, a quota, a gate, a budget or a limit). Largest: web_fetch 1,000 → 10,000 refused, worth 50.00 → 500.00 at the base card's prices in the cycle from 2026-11-01, account default. --fail-over judges its worth, as a share of the credits the base card charged: +45.92% of the 980.00 here.");
    expect(md).toContain("| default | 2026-11-01 | web_fetch | 1,000 | 10,000 | 50.00 | 500.00 | 1 |");
  });

  it("a price cut that refuses the same fetches refuses nothing more", async () => {
    // 0.2 -> 0.19: 2,400 x 0.19 = 456; + 500 = 956; + 50 = 1,006 > 1,000: the same 1,000-fetch row refused.
    const r = await burnrate([...inputs("0.19"), "--fail-over", "0", "--fail-on-unmeasured", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect([j.refused, j.refused_more, j.refused_more_worth, j.fail_over.refused_exceeded]).toEqual([[], null, null, false]);
  });
});

describe("refused usage weighed across a cycle's meters (red team, stop 38)", () => {
  it("a price cut whose credits now reach a large row and refuse a small one of another meter refuses less, not more", async () => {
    // Base: browser_inspection at 0.21; new: Fliplet's 0.2 (a cut). Rows: 2,400 inspections, 10,000 fetches (500), 300
    // image saves (0.1 each, 30). Base: 504 + 500 = 1,004 > 1,000, the fetches refused; 504 + 30 = 534 served. New:
    // 480 + 500 = 980, then 980 + 30 = 1,010 > 1,000: the saves refused. Worth: the fetches 500 (the base card served
    // none, so the new card's 0.05 a fetch), the saves 30 (the base card's 0.1): 500 -> 30 refused, less.
    const dir = mkdtempSync(join(tmpdir(), "burnrate-fix20c-refused-"));
    const text = readFileSync(BASE, "utf8");
    writeFileSync(join(dir, "base.yaml"), text.replace('price: "0.2"              # "inspecting a page with a real browser (0.2 per inspection)"', 'price: "0.21"'));
    writeFileSync(join(dir, "acct.yaml"), "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n");
    writeFileSync(join(dir, "u.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,browser_inspection,2400,alpha\n2026-11-10T10:00:00Z,web_fetch,10000,alpha\n2026-11-20T10:00:00Z,image_save,300,alpha\n");
    const r = await burnrate(["diff", "--base", join(dir, "base.yaml"), "--card", BASE, "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv"), "--fail-over", "0", "--fail-on-unmeasured", "--format", "json"]);
    const j = JSON.parse(r.stdout);
    expect(j.refused.map((x: { meter: string; old_quantity: string; new_quantity: string; worth: { old: string; new: string } }) => [x.meter, x.old_quantity, x.new_quantity, x.worth.old, x.worth.new]))
      .toEqual([["image_save", "0", "300", "0", "30"], ["web_fetch", "10000", "0", "500", "0"]]);
    expect([j.refused_more, j.refused_more_worth, j.fail_over.refused_exceeded]).toEqual([null, null, false]);
    // 534 -> 980 credits charged: --fail-over 0 trips on the credits, as more of the usage is served; nothing else.
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("burnrate: total credits rise by more than --fail-over 0%\n");
  });
});
