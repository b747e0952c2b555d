import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A cycle's money across card versions and in diff's gates (red team, stop 36). Fliplet Pro is 9 USD a month
// (ratecards/fliplet.yaml); a second version prices it at 12.
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const v2 = (effective: string, extra = "") =>
  FLIPLET.replace('version: "2026-11"', 'version: "2026-12"').replace('effective: "2026-11-01"', `effective: "${effective}"${extra}`).replace(/^(\s+price: )9(\s)/m, "$112$2");

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "burnrate-moneyversions-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}
const USAGE = "timestamp,meter,quantity,project\n2026-11-05T10:00:00Z,data_read,100,alpha\n2026-12-05T10:00:00Z,data_read,100,alpha\n";
const plans = async (d: string) => {
  const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(d, "v2.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(d, "usage.csv"), "--format", "json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).accounts[0].cycles.map((c: { money: { plan: string } }) => c.money.plan);
};

describe("a cycle's fee is the card version's in force at its end", () => {
  it("a version from the instant a cycle ends prices the next cycle's fee, not the ending one's", async () => {
    expect(await plans(dir({ "v2.yaml": v2("2026-12-01"), "usage.csv": USAGE }))).toEqual(["9", "12"]);
  });

  it("a grandfathered version (applies: next_cycle) from inside November leaves November's fee at 9", async () => {
    expect(await plans(dir({ "v2.yaml": v2("2026-11-15", "\napplies: next_cycle"), "usage.csv": USAGE }))).toEqual(["9", "12"]);
  });

  it("a version applying at once from inside November makes November's fee 12", async () => {
    expect(await plans(dir({ "v2.yaml": v2("2026-11-15"), "usage.csv": USAGE }))).toEqual(["12", "12"]);
  });

  it("simulate prices each cycle's fee by the version in force at its end: 9 + 12 = 21 USD", async () => {
    const d = dir({ "v2.yaml": v2("2026-12-01"), "scenario.yaml": "plan: pro\nstart: 2026-11-01\ncycles: 2\nschedules:\n  - { meter: data_read, every: daily, quantity: 1, dimensions: { project: alpha } }\n" });
    const r = await burnrate(["simulate", join(d, "scenario.yaml"), "--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(d, "v2.yaml"), "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const own = JSON.parse(r.stdout).plans[0];
    expect(own.cycles.map((c: { money: string }) => c.money)).toEqual(["9", "12"]);
    expect(own.money).toBe("21");
  });
});

describe("diff: money gates a rate cannot be read for", () => {
  it("on a card without credit_price, --fail-over-amount trips on any money rise (the app builder's Standard 20 to 100)", async () => {
    const appbuilder = readFileSync(join(ROOT, "ratecards/appbuilder.yaml"), "utf8");
    const d = dir({ "new.yaml": appbuilder.replace('version: "2026-11"', 'version: "2026-12"').replace("price: 20                 # illustrative monthly price in USD", "price: 100") });
    const r = await burnrate(["diff", "--base", join(ROOT, "ratecards/appbuilder.yaml"), "--card", join(d, "new.yaml"), "--account", join(ROOT, "fixtures/appbuilder/account.yaml"), "--usage", join(ROOT, "fixtures/appbuilder/usage.csv"), "--fail-over-amount", "100", "--format", "json"]);
    // +80 USD a cycle on Standard: no credit price to read 100 credits in USD, so the gate fails closed.
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("money change(s) past --fail-over-amount 100 credits; largest: plan fee (USD) 20 → 100, +80 USD");
  });

  const fliplet = (card: string) => dir({ "new.yaml": card });
  const diff = (d: string, ...more: string[]) =>
    burnrate(["diff", "--base", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(d, "new.yaml"), "--account", join(ROOT, "fixtures/fliplet/account.yaml"), "--usage", join(ROOT, "fixtures/fliplet/usage.csv"), "--format", "json", ...more]);

  it("money in another currency fails --fail-on-unmeasured; without it, a warning", async () => {
    const d = fliplet(FLIPLET.replace('version: "2026-11"', 'version: "2026-12"').replace("currency: USD", "currency: EUR"));
    const closed = await diff(d, "--fail-on-unmeasured");
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain("the base card prices money in USD, the new card in EUR: no gate can compare their money, past --fail-on-unmeasured");
    const open = await diff(d);
    expect([open.code, open.stderr]).toEqual([0, "burnrate: warning: the base card prices money in USD, the new card in EUR: their money is not compared, and no gate judges it\n"]);
  });

  it("a credit price taken away, on usage that buys credits, is not compared as a fall: it fails --fail-on-unmeasured", async () => {
    // fixtures/fliplet/account.yaml buys top-ups (200 and 150 credits at 0.01 USD): without a credit price they cost no money.
    const d = fliplet(FLIPLET.replace('version: "2026-11"', 'version: "2026-12"').replace(/^credit_price: .*\n/m, ""));
    const r = await diff(d, "--fail-on-unmeasured");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the new card has no credit_price for the credits the usage buys: no gate can compare the money totals, past --fail-on-unmeasured");
    expect(JSON.parse(r.stdout).money.base_total).toBeNull();
  });
});

describe("a new cycle cut by an upgrade at a version's instant (red team, stop 36)", () => {
  it("the cycle the upgrade ends is priced by the version in force before the cut: Basic 5, then Pro under the new version 12", async () => {
    // Fliplet with upgrades that start a new cycle, and a plan Basic at 5; the new version from November 15 prices Basic
    // at 6 and Pro at 12. The account moves Basic to Pro at November 15, the new version's instant.
    const t1 = FLIPLET.replace(/^plans:\n/m, "plan_changes: { upgrade: new_cycle }\n\nplans:\n  basic:\n    label: Basic\n    included: 500\n    price: 5\n");
    const t2 = t1.replace('version: "2026-11"', 'version: "2026-12"').replace('effective: "2026-11-01"', 'effective: "2026-11-15"').replace("    price: 5\n", "    price: 6\n").replace(/^(\s+price: )9(\s)/m, "$112$2");
    const d = dir({ "t1.yaml": t1, "t2.yaml": t2, "account.yaml": "plan: basic\nanchor: 2026-11-01\ntimezone: UTC\nchanges:\n  - { at: 2026-11-15T00:00:00Z, plan: pro }\n", "usage.csv": "timestamp,meter,quantity,project\n2026-11-03T00:00:00Z,data_read,100,alpha\n2026-11-20T00:00:00Z,data_read,100,alpha\n" });
    const r = await burnrate(["statement", "--card", join(d, "t1.yaml"), "--card", join(d, "t2.yaml"), "--account", join(d, "account.yaml"), "--usage", join(d, "usage.csv"), "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).accounts[0].cycles.map((c: { start: string; money: { plan: string } }) => [c.start, c.money.plan])).toEqual([["2026-11-01T00:00:00Z", "5"], ["2026-11-15T00:00:00Z", "12"]]);
  });
});

describe("money across card versions in diff (red team, stop 36)", () => {
  const diffVersions = (next: string, ...more: string[]) => {
    const d = dir({ "next.yaml": next });
    return burnrate(["diff", "--base", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(d, "next.yaml"), "--account", join(ROOT, "fixtures/fliplet/account.yaml"), "--usage", join(ROOT, "fixtures/fliplet/usage.csv"), "--format", "json", ...more]);
  };
  const next = (effective: string) => FLIPLET.replace('version: "2026-11"', 'version: "2027-01"').replace('effective: "2026-11-01"', `effective: "${effective}"`);

  it("a plan's price raised by a version in force only after the corpus is not measured: it fails --fail-on-unmeasured", async () => {
    // The bundled usage ends in December 2026: no cycle is priced by a version from 2027-06-01.
    const r = await diffVersions(next("2027-06-01").replace(/^(\s+price: )9(\s)/m, "$190$2"), "--fail-over", "0", "--fail-on-unmeasured");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("plans.pro.price rises from 9 to 90");
  });

  it("a later version without a credit price leaves credits bought under it unpriced: not compared, and a finding under --fail-on-unmeasured", async () => {
    const r = await diffVersions(next("2026-11-15").replace(/^credit_price: .*\n/m, ""), "--fail-on-unmeasured");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the new card has no credit_price for the credits the usage buys");
  });

  it("versions in two currencies are refused at the later one's effective:", async () => {
    const d = dir({ "next.yaml": next("2026-12-01").replace("currency: USD", "currency: EUR") });
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(d, "next.yaml"), "--account", join(ROOT, "fixtures/fliplet/account.yaml"), "--usage", join(ROOT, "fixtures/fliplet/usage.csv")]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain(`next.yaml:9:12: versions of "fliplet"'s card in two currencies: "USD"`);
  });
});
