import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { callMeter, smallCard } from "./helpers/cards.js";
import { burnrate } from "./helpers/cli.js";

// Newcomer, stop 38 (#1): a pull request that makes paid packs expire (`expires: never` -> `cycle_end`) passed every
// gate with "No change in credits": the diff compared the credits charged, not the credits customers lose.
const CARD = smallCard({
  provider: "packs",
  version: "1",
  effective: "2026-11-01",
  currency: "USD",
  display: 0,
  included: "INCLUDED",
  kinds: ["pack: { priority: 2, expires: PACK, counts_toward_allowance: false }"],
  plans: ["basic: { label: Basic, included: 100, price: 10 }"],
  meters: [callMeter({ price: "PRICE" })],
});

interface CardSettings {
  included?: string;
  pack?: string;
  price?: string;
}

function card(dir: string, name: string, s: CardSettings): string {
  const path = join(dir, name);
  writeFileSync(path, CARD.replace("INCLUDED", s.included ?? "cycle_end").replace("PACK", s.pack ?? "never").replace("PRICE", s.price ?? "1"));
  return path;
}

// A 500-credit pack bought on Nov 10 (500 x 0.01 = 5 USD); 100 calls on Nov 5 spend the allowance, 200 on Nov 15
// come from the pack (300 left), 90 on Dec 5 from December's allowance. Charged: 100 + 200 + 90 = 390 credits.
const PACK_ACCOUNT = 'plan: basic\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: pack, amount: 500, at: "2026-11-10T00:00:00Z" }\n';
const PACK_USAGE = "timestamp,meter,quantity\n2026-11-05T00:00:00Z,call,100\n2026-11-15T00:00:00Z,call,200\n2026-12-05T00:00:00Z,call,90\n";

function packDiff(base: CardSettings, next: CardSettings, account = PACK_ACCOUNT): string[] {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-fix20h-expiry-"));
  writeFileSync(join(dir, "acct.yaml"), account);
  writeFileSync(join(dir, "u.csv"), PACK_USAGE);
  return ["diff", "--base", card(dir, "base.yaml", base), "--card", card(dir, "new.yaml", next), "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv")];
}

describe("diff: credits customers lose to a changed expiry (newcomer, stop 38)", () => {
  it("a pack made to end with its cycle loses its 300 credits left (3 USD), though the credits charged do not move", async () => {
    const r = await burnrate([...packDiff({}, { pack: "cycle_end" }), "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect([j.base_total, j.card_total]).toEqual(["390", "390"]);
    // Under the base card the 300 carry into December; under the new one they expire on Dec 1, in November:
    // 300 x 0.01 = 3 USD.
    expect(j.expired).toEqual([{
      cycle: "2026-11-01T00:00:00Z", cycle_end: "2026-12-01T00:00:00Z", account: "default", kind: "pack", paid: true,
      old_expiry: "never", new_expiry: "cycle_end", old: "0", new: "300", delta: "300", delta_percent: null,
      worth: { old: "0", new: "3", delta: "3", delta_percent: null },
    }]);
    // 300 of the 390 credits charged: 76.923...% -> 76.92.
    expect(j.credits_lost).toEqual({
      old: "0", new: "300", delta: "300", delta_percent: null, percent_of_base_credits: "76.92",
      paid: { old: "0", new: "300", delta: "300", delta_percent: null }, paid_worth: { old: "0", new: "3", delta: "3", delta_percent: null },
    });
    // Per cycle, as the gates judge it: 300 of November's 300 credits charged is 100%.
    expect(j.money.changes.filter((m: { item: string }) => m.item === "expired_credits")).toEqual([{
      cycle: "2026-11-01T00:00:00Z", cycle_end: "2026-12-01T00:00:00Z", account: "default", item: "expired_credits",
      old: "0", new: "300", delta: "300", delta_percent: null, percent_of_base_credits: "100",
    }]);
    expect(r.stderr).toContain("burnrate: warning: customers lose 300 credits that did not expire before (0 → 300; 300 of them paid, worth 3 USD); largest: pack (expiry never → cycle_end) 0 → 300 credits lost in the cycle from 2026-11-01, account default: no --fail-over to judge it\n");
  });

  it("says it in the headline and the pull-request comment, with a table per account, cycle and grant kind", async () => {
    const md = (await burnrate([...packDiff({}, { pack: "cycle_end" }), "--format", "markdown"])).stdout;
    expect(md).toContain("No change in credits: 390 under both cards, for 1 account over 2 cycles. Customers lose 300 paid credits (3.00 USD) that did not expire before (76.92% of the 390 credits the base card charged), in 1 of the accounts' cycles (expiry pack never → cycle_end). Largest: pack 0 → 300 credits lost in the cycle from 2026-11-01, account default.");
    expect(md).toContain("| default | 2026-11-01 | pack | never → cycle_end | 0 | 300 | +300 (new) | 0.00 → 3.00 |");
    expect(md).toContain("| default | 2026-11-01 | credits lost to a changed expiry | 0 | 300 | +300 (+100.00% of 300 credits) |");
    const table = (await burnrate([...packDiff({}, { pack: "cycle_end" }), "--format", "table"])).stdout;
    expect(table).toContain("Customers lose 300 paid credits (3.00 USD) that did not expire before");
  });

  it("--fail-over judges the credits lost as a share of the credits the base card charged: 300 of 390 is 76.923...%", async () => {
    // Judged exactly (newcomer64 H1): 76.92 is passed, 76.93 is not.
    const tripped = await burnrate([...packDiff({}, { pack: "cycle_end" }), "--fail-over", "76.92", "--format", "json"]);
    expect(tripped.code, tripped.stderr).toBe(1);
    expect(JSON.parse(tripped.stdout).fail_over).toEqual({ percent: "76.92", exceeded: true, credits_exceeded: false, money_exceeded: false, paid_credits_exceeded: false, prices_exceeded: false, refused_exceeded: false, expired_exceeded: true });
    expect(tripped.stderr).toContain("burnrate: credits customers lose to a changed expiry rise by more than --fail-over 76.92% of the 390 credits the base card charged: customers lose 300 credits");
    const within = await burnrate([...packDiff({}, { pack: "cycle_end" }), "--fail-over", "76.93", "--format", "markdown"]);
    expect(within.code, within.stderr).toBe(0);
    expect(within.stderr).toContain(": within --fail-over 76.93%\n");
    // The per-cycle gates read it as a money item in credits: +300, 100% of November's 300.
    expect((await burnrate([...packDiff({}, { pack: "cycle_end" }), "--fail-over-amount", "299"])).code).toBe(1);
    expect((await burnrate([...packDiff({}, { pack: "cycle_end" }), "--fail-over-amount", "300"])).code).toBe(0);
    expect((await burnrate([...packDiff({}, { pack: "cycle_end" }), "--fail-over-meter", "99"])).code).toBe(1);
  });

  it("a price cut under the same expiry leaves more of a pack to expire, which is no loss: nothing reported", async () => {
    // Both cards end packs with their cycle. At 0.5 a call November charges 50 + 100 = 150: the allowance pays 50 and
    // then 50 of the 100, the pack the other 50 and keeps 450 (not 300), which expire in November under both cards;
    // December 90 x 0.5 = 45, 195 in all. Less charged, not more lost.
    const r = await burnrate([...packDiff({ pack: "cycle_end" }, { pack: "cycle_end", price: "0.5" }), "--fail-over", "0", "--format", "json"]);
    const j = JSON.parse(r.stdout);
    expect([j.base_total, j.card_total]).toEqual(["390", "195"]);
    expect(j.expired).toEqual([]);
    expect(j.credits_lost).toBeNull();
    expect(r.code, r.stderr).toBe(0);
  });

  it("the plan's allowance is a loss only where its rule changed: a rollover removed loses what would have carried", async () => {
    // Base: included { after_months: 2 } rolls over; new: cycle_end, lapsing at each cycle's end. 60 calls in November
    // leave 40 of its 100 (lost under the new card), 30 in December leave 70 of its 100 (lost too): 40 + 70 = 110,
    // which is 122.22% of the 90 credits charged (110 / 90 = 1.2222...).
    const dir = mkdtempSync(join(tmpdir(), "burnrate-fix20h-rollover-"));
    writeFileSync(join(dir, "acct.yaml"), "plan: basic\nanchor: 2026-11-01\ntimezone: UTC\n");
    writeFileSync(join(dir, "u.csv"), "timestamp,meter,quantity\n2026-11-05T00:00:00Z,call,60\n2026-12-05T00:00:00Z,call,30\n");
    const args = ["--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv"), "--format", "json"];
    const r = await burnrate(["diff", "--base", card(dir, "roll.yaml", { included: "{ after_months: 2 }" }), "--card", card(dir, "reset.yaml", {}), ...args, "--fail-over", "100"]);
    expect(r.code, r.stderr).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.expired.map((e: { cycle: string; kind: string; old_expiry: string; new_expiry: string; old: string; new: string; worth: unknown }) => [e.cycle, e.kind, e.old_expiry, e.new_expiry, e.old, e.new, e.worth])).toEqual([
      ["2026-11-01T00:00:00Z", "included", "after_months: 2", "cycle_end", "0", "40", null],
      ["2026-12-01T00:00:00Z", "included", "after_months: 2", "cycle_end", "0", "70", null],
    ]);
    expect(j.credits_lost).toMatchObject({ old: "0", new: "110", percent_of_base_credits: "122.22", paid: { delta: "0" } });
    // The same rule under both cards: the allowance lapses every cycle as it always did, and nothing is lost.
    const same = await burnrate(["diff", "--base", card(dir, "a.yaml", {}), "--card", card(dir, "b.yaml", { price: "0.5" }), ...args, "--fail-over", "0"]);
    expect(JSON.parse(same.stdout).expired).toEqual([]);
    expect(same.code, same.stderr).toBe(0);
  });

  it("a corpus that holds no credits of the kind cannot measure its expiry: --fail-on-unmeasured fails; a longer expiry does not", async () => {
    const noPack = "plan: basic\nanchor: 2026-11-01\ntimezone: UTC\n";
    const r = await burnrate([...packDiff({}, { pack: "cycle_end" }, noPack), "--fail-on-unmeasured", "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).unmeasured_rises).toMatchObject([{ change: "changed", what: "setting", path: "grant_kinds.pack.expires", old: "never", new: "cycle_end" }]);
    expect(r.stderr).toMatch(/new\.yaml:\d+:\d+: grant_kinds\.pack\.expires changes from never to cycle_end, on the expiry of grant kind pack, whose credits no cycle of the usage holds, past --fail-on-unmeasured/);
    // Packs that no longer expire give customers more: nothing to measure.
    const longer = await burnrate([...packDiff({ pack: "cycle_end" }, {}, noPack), "--fail-on-unmeasured", "--format", "json"]);
    expect(longer.code, longer.stderr).toBe(0);
    expect(JSON.parse(longer.stdout).unmeasured_rises).toEqual([]);
    // With the pack bought, the corpus measures it: a figure, not an unmeasured change.
    const measured = await burnrate([...packDiff({}, { pack: "cycle_end" }), "--fail-on-unmeasured", "--format", "json"]);
    expect(JSON.parse(measured.stdout).unmeasured_rises).toEqual([]);
    expect(measured.code, measured.stderr).toBe(0);
  });

  it("a later version's expiry, which the replay does not apply (a set of versions takes the earliest's grant kinds), is named, not passed", async () => {
    // Version 2 from Dec 1 makes packs end with their cycle; a pack bought on Dec 2 keeps all its 500 credits in the
    // statement of the set, as the replay applies version 1's grant kinds: no loss measured, so none may be claimed.
    const dir = mkdtempSync(join(tmpdir(), "burnrate-fix20h-versions-"));
    writeFileSync(join(dir, "acct.yaml"), `${PACK_ACCOUNT}  - { kind: pack, amount: 500, at: "2026-12-02T00:00:00Z" }\n`);
    writeFileSync(join(dir, "u.csv"), PACK_USAGE);
    const v2 = join(dir, "v2.yaml");
    writeFileSync(v2, CARD.replace('version: "1"', 'version: "2"').replace('effective: "2026-11-01"', 'effective: "2026-12-01"').replace("INCLUDED", "cycle_end").replace("PACK", "cycle_end").replace("PRICE", "1"));
    const base = card(dir, "base.yaml", {});
    const r = await burnrate(["diff", "--base", base, "--card", base, "--card", v2, "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv"), "--fail-on-unmeasured", "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.expired).toEqual([]);
    expect(j.unmeasured_rises).toMatchObject([{ path: "grant_kinds.pack.expires", old: "never", new: "cycle_end", card_version: "2" }]);
    expect(r.stderr).toContain("grant_kinds.pack.expires changes from never to cycle_end, on the expiry of grant kind pack in a later version, which the replay does not apply");
  });
});
