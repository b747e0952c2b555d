import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { PAYG_CARD } from "./helpers/payg.js";

// newcomer55 H1: on a pay-as-you-go card (`when_exhausted: allow`) the usage past the included credits was in no money
// figure, 814 of a month's 13,587 USD. SPEC 2 names the policy for it: overage, "allowed and billed in money at the
// period's end". A cent is a credit (credit_price 0.01); a call costs 60 cents; 100 cents are included.
function card(pool = "overage", price = 'credit_price: "0.01"\n'): string {
  return `provider: payg
version: "1"
effective: "2026-11-01"
unit: cents
currency: USD
${price}precision: { display: 2, rounding: half-even, round_at: none }
cycle: { period: monthly }
categories:
  c: { label: Calls }
pools:
  usage: { label: Usage, when_exhausted: ${pool} }
grant_kinds:
  included: { priority: 1, expires: cycle_end }
plans:
  starter: { label: Starter, included: 100, price: 0 }
  team: { label: Team, included: 100, price: 39, quota: { meters: [call], requests: 2, overage_price: "0.002" } }
meters:
  call: { description: a call, aggregation: flow, category: c, pool: usage, price: "60" }
  disk: { description: a disk, aggregation: gauge, category: c, pool: usage, price: "50", key: [vol], decreased_by: disk_freed, dimensions: [vol] }
`;
}

const CALLS = "timestamp,meter,quantity,vol\n2026-11-02T10:00:00Z,call,1,\n2026-11-03T10:00:00Z,call,1,\n2026-11-04T10:00:00Z,call,1,\n";

function files(usage: string, account = "account: acme\nplan: starter\n", cardText = card()) {
  const dir = mkdtempSync(join(tmpdir(), "overage56-"));
  writeFileSync(join(dir, "card.yaml"), cardText);
  writeFileSync(join(dir, "account.yaml"), `card: card.yaml\n${account}anchor: 2026-11-01\ntimezone: UTC\n`);
  writeFileSync(join(dir, "usage.csv"), usage);
  return dir;
}

async function statement(dir: string, format = "json", more: string[] = []) {
  return burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", format, ...more], { cwd: dir });
}

describe("a pool that bills usage past zero (when_exhausted: overage)", () => {
  it("lets every call through and bills the credits past zero at the credit price: 3 x 60 = 180, 80 past the 100 included, 0.80 USD", async () => {
    const r = await statement(files(CALLS));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const c = JSON.parse(r.stdout).accounts[0].cycles[0];
    expect([c.total, c.uncovered, c.rejected]).toEqual(["180", "80", []]);
    expect(c.overage).toEqual({ currency: "USD", amount: "0.8", requests: "0", credits: "80" });
    expect([c.money.overage, c.money.total]).toEqual(["0.8", "0.8"]);
  });

  it("adds them to requests past the quota: 1 request x 0.002 + 80 cents x 0.01 = 0.802, plus the 39 fee, 39.80 rounded", async () => {
    const r = await statement(files(CALLS, "account: acme\nplan: team\noverage: true\n"));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const c = JSON.parse(r.stdout).accounts[0].cycles[0];
    expect(c.overage).toEqual({ currency: "USD", amount: "0.802", requests: "1", credits: "80" });
    expect([c.money.plan, c.money.overage, c.money.total]).toEqual(["39", "0.802", "39.8"]);
    // One request, said so (red56 F7: "1 requests").
    const table = await statement(files(CALLS, "account: acme\nplan: team\noverage: true\n"), "table");
    expect(table.stdout).toContain("1 request and 80 cents past zero");
  });

  it("gives back a refund's credits from what is billed past zero: a disk's 100 at December's start, a call 60 past zero, half the disk freed (50) leaves 10 billed, 0.10 USD", async () => {
    const usage = "timestamp,meter,quantity,vol\n2026-11-15T10:00:00Z,disk,2,a\n2026-12-02T10:00:00Z,call,1,\n2026-12-10T10:00:00Z,disk_freed,1,a\n";
    const r = await statement(files(usage));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const [november, december] = JSON.parse(r.stdout).accounts[0].cycles;
    expect(november.overage.credits).toBeUndefined();
    expect([december.total, december.uncovered]).toEqual(["110", "10"]);
    expect(december.overage).toEqual({ currency: "USD", amount: "0.1", requests: "0", credits: "10" });
  });

  it("a refund of the overage pool's own charge gives back its billed credits, not a free pool's: disk 200 (100 past zero), a free chat 60 past zero, half the disk freed: nothing billed", async () => {
    const free = card().replace("  usage: { label: Usage, when_exhausted: overage }\n", "  usage: { label: Usage, when_exhausted: overage }\n  free: { label: Free, when_exhausted: allow }\n").replace("  disk:", "  chat: { description: a chat, aggregation: flow, category: c, pool: free, price: \"60\" }\n  disk:");
    const usage = "timestamp,meter,quantity,vol\n2026-11-15T10:00:00Z,disk,4,a\n2026-12-02T10:00:00Z,chat,1,\n2026-12-10T10:00:00Z,disk_freed,2,a\n";
    const r = await statement(files(usage, undefined, free));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const december = JSON.parse(r.stdout).accounts[0].cycles[1];
    // 200 + 60 - 100 = 160 charged; the 100 included pay the disk's 100 left; the chat's 60 past zero are the free pool's.
    expect([december.total, december.uncovered, december.overage, december.money.total]).toEqual(["160", "60", { currency: "USD", amount: "0", requests: "0" }, "0"]);
  });

  it("bills credits past zero at the credit price of the version they were charged under, whatever the version at the cycle's end", async () => {
    const dir = files(CALLS);
    // From November 15 a version of no credit price, whose pool lets usage past zero for nothing: the calls of November 2 to 4 were billed under the first.
    writeFileSync(join(dir, "later.yaml"), card("allow", "").replace('version: "1"', 'version: "2"').replace('effective: "2026-11-01"', 'effective: "2026-11-15"'));
    const r = await burnrate(["statement", "--account", "account.yaml", "--card", "card.yaml", "--card", "later.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const c = JSON.parse(r.stdout).accounts[0].cycles[0];
    expect(c.overage).toEqual({ currency: "USD", amount: "0.8", requests: "0", credits: "80" });
  });

  it("names it in the table: the row past zero, the overage fact and the money table's credits", async () => {
    const r = await statement(files(CALLS), "table");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Billed past zero +80\.00 cents\n/);
    expect(r.stdout).toContain("Overage           80 cents past zero, USD 0.8 billed at the period's end");
    expect(r.stdout).toContain("a charge left no credits; usage went on past zero, billed as overage");
    expect(r.stdout).toMatch(/Overage +80 +0\.80\n/);
  });

  it("a refund of the overage pool's billed credits frees no grace buffer: the grace pool's second call past its 50 is refused", async () => {
    // A grace pool of half the 100 included (50); g costs 30 in it. December: disk 200 (100 included, 100 billed), g 30
    // from the buffer, half the disk freed (its 100 billed given back), then g 30 more: 60 past a buffer of 50, refused.
    const graced = card()
      .replace("  usage: { label: Usage, when_exhausted: overage }\n", "  usage: { label: Usage, when_exhausted: overage }\n  gr: { label: Grace, when_exhausted: grace }\n")
      .replace("  starter: { label: Starter, included: 100, price: 0 }", '  starter: { label: Starter, included: 100, price: 0, grace: { gr: "0.5" } }')
      .replace("  disk:", '  g: { description: a g, aggregation: flow, category: c, pool: gr, price: "30" }\n  disk:');
    const usage = "timestamp,meter,quantity,vol\n2026-11-15T10:00:00Z,disk,4,a\n2026-12-02T10:00:00Z,g,1,\n2026-12-10T10:00:00Z,disk_freed,2,a\n2026-12-11T10:00:00Z,g,1,\n";
    const r = await statement(files(usage, undefined, graced));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const december = JSON.parse(r.stdout).accounts[0].cycles[1];
    expect([december.uncovered, december.rejected.map((x: { reason: string }) => x.reason)]).toEqual(["30", ["grace buffer exhausted"]]);
  });

  it("a refund gives back its own charge's billed credits, at the price they were billed: 60 left at a later version's 0.02", async () => {
    // December 1 under the first version (0.01): disk 200, 100 past zero. December 12 under a version at 0.02 from
    // December 10: a call, 60 past zero. December 20 half the disk freed: its own 100 at 0.01 given back. 60 x 0.02 = 1.20.
    const dir = files("timestamp,meter,quantity,vol\n2026-11-15T10:00:00Z,disk,4,a\n2026-12-12T10:00:00Z,call,1,\n2026-12-20T10:00:00Z,disk_freed,2,a\n");
    writeFileSync(join(dir, "later.yaml"), card().replace('version: "1"', 'version: "2"').replace('effective: "2026-11-01"', 'effective: "2026-12-10"').replace('credit_price: "0.01"', 'credit_price: "0.02"'));
    const r = await burnrate(["statement", "--account", "account.yaml", "--card", "card.yaml", "--card", "later.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).accounts[0].cycles[1].overage).toEqual({ currency: "USD", amount: "1.2", requests: "0", credits: "60" });
  });

  it("a refund follows the pool's policy when its charge was made: a later version's allow pool does not unbill the disk's own 100", async () => {
    const dir = files("timestamp,meter,quantity,vol\n2026-11-15T10:00:00Z,disk,4,a\n2026-12-12T10:00:00Z,call,1,\n2026-12-20T10:00:00Z,disk_freed,2,a\n");
    writeFileSync(join(dir, "later.yaml"), card("allow", "").replace('version: "1"', 'version: "2"').replace('effective: "2026-11-01"', 'effective: "2026-12-10"'));
    const r = await burnrate(["statement", "--account", "account.yaml", "--card", "card.yaml", "--card", "later.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    // The call's 60 past zero, under the allow pool, are billed nothing; the disk's billed 100 are given back.
    const december = JSON.parse(r.stdout).accounts[0].cycles[1];
    expect([december.uncovered, december.overage]).toEqual(["60", { currency: "USD", amount: "0", requests: "0" }]);
  });

  it("says which pool went past zero where a card has an allow pool before the overage pool: billed as overage", async () => {
    const both = card().replace("pools:\n  usage:", "pools:\n  free: { label: Free, when_exhausted: allow }\n  usage:");
    const r = await statement(files(CALLS, undefined, both), "table");
    expect(r.stdout).toContain("a charge left no credits; usage went on past zero, billed as overage");
  });

  it("gives the money table's overage row no credits where requests past a quota are in its money too", async () => {
    const r = await statement(files(CALLS, "account: acme\nplan: team\noverage: true\n"), "table");
    expect(r.stdout).toMatch(/\n  Overage +0\.802\n/);
  });

  it("writes the credits as the CSV's overage row's quantity", async () => {
    const r = await statement(files(CALLS), "csv");
    expect(r.code).toBe(0);
    const header = r.stdout.split("\n")[0]!.split(",");
    const overage = r.stdout.split("\n").find((line) => line.includes(",overage,"))!.split(",");
    expect([overage[header.indexOf("quantity")], overage[header.indexOf("money")], overage[header.indexOf("currency")]]).toEqual(["80", "0.8", "USD"]);
  });

  it("an allow pool bills none of it, as before: no credits in the overage, money 0", async () => {
    const r = await statement(files(CALLS, undefined, card("allow")));
    const c = JSON.parse(r.stdout).accounts[0].cycles[0];
    expect([c.uncovered, c.overage, c.money.total]).toEqual(["80", { currency: "USD", amount: "0", requests: "0" }, "0"]);
  });

  it("diff prices the move from allow to overage: money 0.00 to 0.80", async () => {
    const dir = files(CALLS, undefined, card("allow"));
    writeFileSync(join(dir, "new.yaml"), card().replace('version: "1"', 'version: "2"'));
    const r = await burnrate(["diff", "--base", "card.yaml", "--card", "new.yaml", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).money).toMatchObject({ base_total: "0", card_total: "0.8" });
  });

  it("reconcile's overage line of both kinds has no one price: no price is made up from 1 request and 80 credits", async () => {
    const dir = files(CALLS, "account: acme\nplan: team\noverage: true\n");
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,quantity,amount\n2026-11-01,call,3,180\n2026-11-01,Overage,80,0.8\n2026-11-01,plan,1,39\n");
    const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    // red56 F4: "both priced at the card's 0.00990123" (0.802 / 81), a price no card has.
    expect(JSON.parse(r.stdout).differences).toEqual([expect.objectContaining({ meter: "overage", class: "unexplained", explanation: "the quantity differs, and the line has several prices (requests past a quota and credits past zero), so the bill's quantity has no one price to check: the bill has 80 for 0.8, usage 81 for 0.802" })]);
  });

  it("is refused on a card without a credit_price, at the pool's policy", async () => {
    const dir = files(CALLS, undefined, card("overage", ""));
    const r = await statement(dir);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    // The card's line 11 is "  usage: { label: Usage, when_exhausted: overage }": the value starts at column 42.
    expect(r.stderr).toBe(
      `burnrate: error: ${join(dir, "card.yaml")}:11:42: pool "usage" bills usage past zero in money, and the card gives no credit_price to bill it at (expected credit_price: the money of one credit at the top level of the card (0.01 for a credit of a cent), or when_exhausted: allow for usage past zero billed no money, found overage)\n`,
    );
  });
});

describe("simulate on a card whose usage goes past zero with no grace buffer", () => {
  it("names the column of what went past the credits as the statement does: past zero, not grace used (red56 F7)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "overage56-"));
    writeFileSync(join(dir, "card.yaml"), PAYG_CARD);
    writeFileSync(join(dir, "scn.yaml"), "name: payg\ncard: card.yaml\nplan: solo\nstart: 2026-11-01\ncycles: 1\ntimezone: UTC\npopulations:\n  - name: u\n    users: 1\n    distribution: fixed\n    per_user:\n      - meter: call\n        quantity: 20\n");
    const r = await burnrate(["simulate", "scn.yaml", "--format", "table"], { cwd: dir });
    expect(r.code).toBe(0);
    // 20 calls of 100 credits, 2,000 against the 1,500 included: 500 past zero.
    expect(r.stdout).toMatch(/Past +Refused/);
    expect(r.stdout).toMatch(/ 500\.00  none/);
    expect(r.stdout).toContain('"Runs out", "Past zero" and "Refused" are for a customer who buys no packs');
    expect(r.stdout).not.toContain("Grace");
  });

  it("says a plan of an overage pool covers the scenario, its usage past zero billed as overage, not grace nor packs (newcomer61 M3, newcomer68 M2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "overage56-"));
    writeFileSync(join(dir, "card.yaml"), PAYG_CARD);
    writeFileSync(join(dir, "scn.yaml"), "name: payg\ncard: card.yaml\nplan: solo\nstart: 2026-11-01\ncycles: 1\ntimezone: UTC\npopulations:\n  - name: u\n    users: 1\n    distribution: fixed\n    per_user:\n      - meter: call\n        quantity: 20\n");
    const r = await burnrate(["simulate", "scn.yaml", "--compare-plans", "--format", "table"], { cwd: dir });
    expect(r.code).toBe(0);
    // Solo without packs: 500 credits past the 1,500 included, which the pool bills as overage.
    // 12 USD and 500 x 0.01 = 5 USD of overage: 17 USD. Packs bought at the cycle's start cost the same 0.01 a credit,
    // so none is bought: no row "with packs" at the same money. Until newcomer68 M2 this row read "no: usage past zero,
    // billed as overage" beside one "with packs" at 17 USD: the card bills that usage, it does not refuse it.
    expect(r.stdout).toMatch(/ 1 +Solo \(scenario\) +without packs +- +17\.00 USD +yes\n/);
    expect(r.stdout).not.toContain("with packs");
    expect(r.stdout).toMatch(/Money +17\.00 USD over 1 cycle, overage 5\.00 USD\n/);
    expect(r.stdout).not.toContain("grace used");
  });
});
