import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Fliplet Pro's included credits halved (1,000 to 500), on the bundled account and usage: the credits run out
// sooner, more events are refused and charged nothing, and the credit totals fall. A cost gate reads a fall; what
// the customer no longer gets is a change it cannot measure (newcomer, stop 36: exit 0).
const halved = () => {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-refusedmore-"));
  const card = join(dir, "fliplet-500.yaml");
  const text = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8").replace(/^(\s+included: )1000(\s)/m, "$1500$2");
  writeFileSync(card, text);
  return card;
};
const diff = (card: string, ...more: string[]) =>
  burnrate(["diff", "--base", join(ROOT, "ratecards/fliplet.yaml"), "--card", card, "--usage", join(ROOT, "fixtures/fliplet/usage.csv"), "--account", join(ROOT, "fixtures/fliplet/account.yaml"), "--format", "json", ...more]);

describe("diff: a card change that refuses more events", () => {
  it("fails --fail-on-unmeasured, with the refused events under each card", async () => {
    const r = await diff(halved(), "--fail-over", "10", "--fail-on-unmeasured");
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.refused_more.new).toBeGreaterThan(j.refused_more.old);
    expect(j.fail_on_unmeasured).toEqual({ exceeded: true });
    // Said by quantity and worth since stop 38, with the events under each card as before.
    expect(r.stderr).toMatch(new RegExp(`burnrate: more usage refused under the new card, in \\d+ meter\\(s\\) of the accounts' cycles that refuse more of it \\(${j.refused_more.old} → ${j.refused_more.new} events, worth [\\d.]+ → [\\d.]+ credits at the base card's prices\\); largest: .*: charged nothing, past --fail-on-unmeasured\n`));
  });

  it("is a warning without the flag, and nothing where no more events are refused", async () => {
    const warned = await diff(halved());
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain("charged nothing, no gate measured it\n");
    const same = await diff(join(ROOT, "ratecards/fliplet.yaml"), "--fail-on-unmeasured");
    expect([same.code, JSON.parse(same.stdout).refused_more]).toEqual([0, null]);
  });
});

describe("refused_more, cycle by cycle and for every reason (red team, stop 36)", () => {
  it("one account's loss is not netted against another's gain", async () => {
    // p on Pro: 5,500 browser inspections at 0.2 = 1,100 credits; 1,000 included fit 5,000 (500 refused), 900 fit 4,500
    // (1,000 refused). f on Free: 2,500 web fetches at 0.05 = 125 credits; 100 fit 2,000 (500 refused); at 0.025 all fit.
    const dir = mkdtempSync(join(tmpdir(), "burnrate-refusedmore-"));
    const card = join(dir, "shift.yaml");
    writeFileSync(card, readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8").replace(/^(\s+included: )1000(\s)/m, "$1900$2").replace('price: "0.05"             # "fetching pages from the web (0.05 per fetch)"', 'price: "0.025"'));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: p\nplan: pro\nanchor: 2026-10-01\ntimezone: UTC\naccounts:\n  f: { plan: free }\n`);
    const minute = (i: number) => new Date(Date.UTC(2026, 9, 2) + i * 60_000).toISOString().replace(".000Z", "Z");
    const rows = [...Array.from({ length: 5500 }, (_, i) => `${minute(i)},p,browser_inspection,1,alpha,p${i}`), ...Array.from({ length: 2500 }, (_, i) => `${minute(i)},f,web_fetch,1,beta,f${i}`)];
    writeFileSync(join(dir, "usage.csv"), `timestamp,account,meter,quantity,project,event_id\n${rows.join("\n")}\n`);
    const r = await burnrate(["diff", "--base", join(ROOT, "ratecards/fliplet.yaml"), "--card", card, "--usage", join(dir, "usage.csv"), "--account", join(dir, "account.yaml"), "--fail-on-unmeasured", "--format", "json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).refused_more).toEqual({ old: 500, new: 1000 });
  });

  it("events refused by a request quota count too: Floopy Free's quota cut from 1,000 to 100", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-refusedmore-"));
    const card = join(dir, "q100.yaml");
    writeFileSync(card, readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8").replace("quota: { meters: [request, playground], requests: 1000,", "quota: { meters: [request, playground], requests: 100,"));
    const r = await burnrate(["diff", "--base", join(ROOT, "ratecards/floopy.yaml"), "--card", card, "--usage", join(ROOT, "fixtures/floopy/gateway.csv"), "--account", join(ROOT, "fixtures/floopy/account.yaml"), "--fail-on-unmeasured", "--format", "json"]);
    expect(r.code).toBe(1);
    const more = JSON.parse(r.stdout).refused_more;
    expect(more.new).toBeGreaterThan(more.old);
  });
});
