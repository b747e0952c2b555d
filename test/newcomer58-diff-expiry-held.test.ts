import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer58b H1: a top-up's expiry shortened from never to 12 months passed every gate, --fail-on-unmeasured included,
// on a corpus that ends before the credits would lapse. Fliplet Pro: 1,000 credits a month; data_read 0.01 a read.
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const TOPUP = "topup: { priority: 2, expires: never, counts_toward_allowance: false }";
const expiring = (rule: string) => FLIPLET.replace('version: "2026-11"', 'version: "2026-12"').replace(TOPUP, `topup: { priority: 2, expires: ${rule}, counts_toward_allowance: false }`);

/** A 500-credit top-up on November 5th; 110,000 reads in November (1,100 credits: 100 from the top-up), none after. */
const ACCOUNT = 'plan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: topup, amount: 500, at: "2026-11-05T00:00:00Z" }\n';
const USAGE = "timestamp,meter,quantity,project\n2026-11-10T10:00:00Z,data_read,110000,alpha\n2026-12-10T10:00:00Z,data_read,1000,alpha\n";

async function diff(card: string, ...more: string[]) {
  const d = mkdtempSync(join(tmpdir(), "newcomer58-"));
  for (const [name, text] of Object.entries({ "new.yaml": card, "acct.yaml": ACCOUNT, "u.csv": USAGE })) writeFileSync(join(d, name), text);
  return burnrate(["diff", "--base", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(d, "new.yaml"), "--account", join(d, "acct.yaml"), "--usage", join(d, "u.csv"), "--fail-over", "10", "--format", "json", ...more]);
}

describe("a shorter expiry of credits the usage still holds at its end", () => {
  it("never to 12 months: 400 top-up credits held at December's end lapse after the corpus, named and failing --fail-on-unmeasured", async () => {
    const r = await diff(expiring("{ after_months: 12 }"), "--fail-on-unmeasured");
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout);
    // Nothing lapses within November and December under either card: no credit changes.
    expect(json.expired).toEqual([]);
    // Told by the new rule the card writes, not the `never` it removes.
    expect(json.unmeasured_rises.map((c: { path: string; new: string }) => [c.path, c.new])).toEqual([["grant_kinds.topup.expires.after_months", "12"]]);
    expect(r.stderr).toContain("on the expiry of grant kind topup, whose credits the usage still holds at its end, to lapse after it (a later --through measures them), past --fail-on-unmeasured");
  });

  it("without --fail-on-unmeasured it is named on standard error and the run passes", async () => {
    const r = await diff(expiring("{ after_months: 12 }"));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).unmeasured_rises).toHaveLength(1);
  });

  it("cycle_end: the 400 credits lapse at November's end, inside the corpus, measured and not named", async () => {
    const r = await diff(expiring("cycle_end"), "--fail-on-unmeasured");
    const json = JSON.parse(r.stdout);
    expect(json.unmeasured_rises).toEqual([]);
    expect(r.stderr).not.toContain("still holds at its end");
    // 500 bought, 100 drawn in November: 400 lost at its end, under the new card alone.
    expect(json.expired.map((e: { kind: string; new: string; old: string }) => [e.kind, e.old, e.new])).toEqual([["topup", "0", "400"]]);
  });
});

// red58, on the naming above.
describe("a shorter expiry of credits held at the usage's end: what red58 found", () => {
  it("F2: a top-up made cycle_end, its 400 credits held through the last cycle, lapse at the next one's start: named", async () => {
    const usage = "timestamp,meter,quantity,project\n2026-11-10T10:00:00Z,data_read,110000,alpha\n";
    const d = mkdtempSync(join(tmpdir(), "newcomer58-"));
    for (const [name, text] of Object.entries({ "new.yaml": expiring("cycle_end"), "acct.yaml": ACCOUNT, "u.csv": usage })) writeFileSync(join(d, name), text);
    const r = await burnrate(["diff", "--base", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(d, "new.yaml"), "--account", join(d, "acct.yaml"), "--usage", join(d, "u.csv"), "--fail-on-unmeasured", "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).unmeasured_rises.map((c: { path: string }) => c.path)).toEqual(["grant_kinds.topup.expires"]);
  });

  it("F4: a lengthened expiry, 12 months made never (a setting removed and one added), is not named", async () => {
    const d = mkdtempSync(join(tmpdir(), "newcomer58-"));
    for (const [name, text] of Object.entries({ "base.yaml": expiring("{ after_months: 12 }"), "acct.yaml": ACCOUNT, "u.csv": USAGE })) writeFileSync(join(d, name), text);
    const r = await burnrate(["diff", "--base", join(d, "base.yaml"), "--card", join(ROOT, "ratecards/fliplet.yaml"), "--account", join(d, "acct.yaml"), "--usage", join(d, "u.csv"), "--fail-on-unmeasured", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).unmeasured_rises).toEqual([]);
  });

  it("F1: between sets of card versions, the same change is named too", async () => {
    const d = mkdtempSync(join(tmpdir(), "newcomer58-"));
    const later = (text: string) => text.replace('version: "2026-11"', 'version: "2026-12"').replace('effective: "2026-11-01"', 'effective: "2026-12-01"');
    const files = { "a1.yaml": FLIPLET, "a2.yaml": later(FLIPLET), "b1.yaml": expiring("{ after_months: 12 }").replace('version: "2026-12"', 'version: "2026-11"'), "b2.yaml": later(expiring("{ after_months: 12 }").replace('version: "2026-12"', 'version: "2026-11"')), "acct.yaml": ACCOUNT, "u.csv": USAGE };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
    const r = await burnrate(["diff", "--base", join(d, "a1.yaml"), "--base", join(d, "a2.yaml"), "--card", join(d, "b1.yaml"), "--card", join(d, "b2.yaml"), "--account", join(d, "acct.yaml"), "--usage", join(d, "u.csv"), "--fail-on-unmeasured", "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain("on the expiry of grant kind topup, whose credits the usage still holds at its end");
  });
});
