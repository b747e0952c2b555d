import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

/** A card of credits at 0.01 USD, Basic 10 USD with 100 included, and two meters: `call` and `img` at the prices given. */
function card(version: string, prices: { call: string; img: string }, creditPrice: string | null = "0.01"): string {
  return [
    "provider: d", `version: "${version}"`, 'effective: "2026-01-01"', "unit: credits",
    ...(creditPrice === null ? [] : [`credit_price: "${creditPrice}"`]),
    "precision: { display: 2, rounding: half-even, round_at: none }", "cycle: { period: monthly }",
    "categories: { api: { label: API } }", "pools: { main: { label: Main, when_exhausted: block } }",
    "grant_kinds:", "  included: { priority: 1, expires: cycle_end }", "  topup: { priority: 2, expires: never }",
    "plans:", "  basic: { label: Basic, included: 100, price: 10 }",
    "meters:",
    ...(["call", "img"] as const).flatMap((m) => [`  ${m}:`, `    description: ${m}`, "    aggregation: flow", "    dimensions: []", "    category: api", "    pool: main", `    price: "${prices[m]}"`]),
    "",
  ].join("\n");
}

function files(cards: Record<string, string>, usage: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-fix20l-"));
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries({ ...cards, "u.csv": usage })) {
    writeFileSync(join(dir, name), text);
    out[name] = join(dir, name);
  }
  return out;
}

const at = (n: number) => `2026-11-02T${String(Math.floor(n / 60)).padStart(2, "0")}:${String(n % 60).padStart(2, "0")}:00Z`;

describe("diff: usage free under the base card and refused under the new one has a worth (red team, stop 38 #6)", () => {
  // 90 calls at 1 credit, then 10 images, on Basic's 100 included credits (the pool blocks).
  // Base: img at 0: 90 + 10 x 0 = 90 credits, nothing refused.
  // New: img at 5: 90 + 2 x 5 = 100; the other 8 images are refused. Worth at the base card's price, 0, they were
  // "worth 0 -> 0" and --fail-over passed. At the new card's price: 8 x 5 = 40 credits, 40 / 90 = 44.44% of the base's.
  const usage = `timestamp,meter,quantity\n${[...Array.from({ length: 90 }, (_, i) => `${at(i)},call,1`), ...Array.from({ length: 10 }, (_, i) => `${at(90 + i)},img,1`)].join("\n")}\n`;
  const f = files({ "base.yaml": card("1", { call: "1", img: "0" }), "new.yaml": card("2", { call: "1", img: "5" }) }, usage);
  const args = ["diff", "--base", f["base.yaml"]!, "--card", f["new.yaml"]!, "--plan", "basic", "--anchor", "2026-11-01", "--usage", f["u.csv"]!];

  it("values the refused images at the new card's price, and --fail-over judges them", async () => {
    const r = await burnrate([...args, "--fail-over", "20", "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.refused).toEqual([expect.objectContaining({ meter: "img", old_quantity: "0", new_quantity: "8", worth: expect.objectContaining({ old: "0", new: "40", priced_by: "new" }) })]);
    expect(j.refused_more_worth).toMatchObject({ old: "0", new: "40" });
    expect(j.fail_over).toMatchObject({ exceeded: true, refused_exceeded: true });
    expect(r.stderr).toContain("worth 0 → 40 credits at the new card's prices (the base card charged nothing for it)");
    // 40 of 90 is 44.444...%, judged exactly (newcomer64 H1): --fail-over 44.45 passes, 44.44 fails.
    expect((await burnrate([...args, "--fail-over", "44.45", "--format", "json"])).code).toBe(0);
    expect((await burnrate([...args, "--fail-over", "44.44", "--format", "json"])).code).toBe(1);
  });

  it("the table says whose prices the worth is at", async () => {
    const r = await burnrate([...args, "--format", "table"]);
    expect(r.stdout).toContain("img 0 → 8 refused, worth 0.00 → 40.00 at the new card's prices (the base card charged nothing for it)");
    expect(r.stdout).toContain("Refused usage, per account, cycle and meter (worth at the base card's prices (the new card's where the base card charged nothing for the meter))");
  });
});

describe("diff: a row's figures show enough decimals to be exact, or at least non-zero (red team, stop 38 #7)", () => {
  // One call at 0.000012 credits under the base card, 0.000016 under the new: +0.000004, 0.000004 / 0.000012 = +33.33%.
  // To 4 decimals it read 0.0000 → 0.0000, +0.0000 (+33.33%) while --fail-over 10 failed.
  const f = files({ "base.yaml": card("1", { call: "0.000012", img: "0" }), "new.yaml": card("2", { call: "0.000016", img: "0" }) }, "timestamp,meter,quantity\n2026-11-02T00:00:00Z,call,1\n");
  const args = ["diff", "--base", f["base.yaml"]!, "--card", f["new.yaml"]!, "--plan", "basic", "--anchor", "2026-11-01", "--usage", f["u.csv"]!, "--fail-over", "10"];

  it("in the table and the pull-request comment", async () => {
    const table = await burnrate([...args, "--format", "table"]);
    expect(table.code).toBe(1);
    expect(table.stdout).toContain("Total credits  0.000012 → 0.000016, +0.000004 (+33.33%)");
    expect(table.stdout).toMatch(/default {2}2026-11-01 {2}call {3}0\.000012 {2}0\.000016 {2}\+0\.000004 \(\+33\.33%\)/);
    expect(table.stdout).not.toContain("0.0000 ");
    const md = await burnrate([...args, "--format", "markdown"]);
    expect(md.stdout).toContain("| default | 2026-11-01 | call | 0.000012 | 0.000016 | +0.000004 (+33.33%) |");
  });

  it("a change smaller than the figures' 4 decimals is shown to its own: 1.00001 → 1.00002", async () => {
    // 1 call at 1.00001, then at 1.00002: +0.00001, 0.00001 / 1.00001 = 0.001% (0.00% to 2 places).
    const g = files({ "base.yaml": card("1", { call: "1.00001", img: "0" }), "new.yaml": card("2", { call: "1.00002", img: "0" }) }, "timestamp,meter,quantity\n2026-11-02T00:00:00Z,call,1\n");
    const r = await burnrate(["diff", "--base", g["base.yaml"]!, "--card", g["new.yaml"]!, "--plan", "basic", "--anchor", "2026-11-01", "--usage", g["u.csv"]!, "--format", "table"]);
    expect(r.stdout).toContain("Total credits  1.00001 → 1.00002, +0.00001 (0.00%)");
  });

  it("a row of large figures is still rounded to 4 decimals", async () => {
    // 12.3456789 → 13.3456789 (+1): rounded to 4 decimals, as before: 12.3457 → 13.3457, +1.0000.
    const g = files({ "base.yaml": card("1", { call: "12.3456789", img: "0" }), "new.yaml": card("2", { call: "13.3456789", img: "0" }) }, "timestamp,meter,quantity\n2026-11-02T00:00:00Z,call,1\n");
    const r = await burnrate(["diff", "--base", g["base.yaml"]!, "--card", g["new.yaml"]!, "--plan", "basic", "--anchor", "2026-11-01", "--usage", g["u.csv"]!, "--format", "table"]);
    expect(r.stdout).toContain("Total credits  12.3457 → 13.3457, +1.0000 (+8.10%)");
  });
});

describe("diff: a money total with credits bought at no credit_price is unknown in every format (red team, stop 38 #5)", () => {
  // Basic 10 USD a month; a 500-credit top-up bought on 2026-11-05; 20 calls at 1 credit, inside the 100 included.
  // Priced card (credit_price 0.01): bought 500 x 0.01 = 5 USD, total 10 + 5 = 15 USD. Unpriced card: the 500
  // credits have no money, so the total is unknown (the statement's total: null); it read 10.00 → 15.00 (+50.00%).
  const usage = `timestamp,meter,quantity\n${Array.from({ length: 20 }, (_, i) => `${at(i)},call,1`).join("\n")}\n`;
  const f = files({
    "priced.yaml": card("1", { call: "1", img: "0" }), "unpriced.yaml": card("1", { call: "1", img: "0" }, null),
    "acct.yaml": 'plan: basic\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: topup, amount: 500, at: "2026-11-05T00:00:00Z" }\n',
  }, usage);
  const args = (base: string, card: string) => ["diff", "--base", f[base]!, "--card", f[card]!, "--account", f["acct.yaml"]!, "--usage", f["u.csv"]!];

  it("the table and the pull-request comment say which side is unknown and why, with no change or percentage", async () => {
    const table = await burnrate([...args("unpriced.yaml", "priced.yaml"), "--format", "table"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain("Money (USD)    unknown: 500 credits bought at no credit_price under the base card");
    expect(table.stdout).toMatch(/money total \(USD\) +unknown +15\.00 +unknown: 500 credits bought at no credit_price under the base card/);
    expect(table.stdout).toMatch(/credits bought \(USD\) +unknown +5\.00 +unknown: 500 credits bought at no credit_price under the base card/);
    expect(table.stdout).toContain("Money (USD) is not compared: its total is unknown, with 500 credits bought at no credit_price under the base card");
    expect(table.stdout).not.toContain("+50.00%");
    // Dropping the credit price is not a money cut: 15 → unknown, not 15.00 → 10.00 (-33.33%).
    const md = await burnrate([...args("priced.yaml", "unpriced.yaml"), "--format", "markdown"]);
    expect(md.stdout).toContain("| default | 2026-11-01 | money total (USD) | 15.00 | unknown | unknown: 500 credits bought at no credit_price under the new card |");
    expect(md.stdout).not.toContain("-33.33%");
  });

  it("the CSV leaves the unknown side, change and percentage empty, and names it in cause", async () => {
    const csv = (await burnrate([...args("unpriced.yaml", "priced.yaml"), "--format", "csv"])).stdout;
    expect(csv).toContain("2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,default,,,15,,,,,unpriced_credits_base,,,total,USD");
    expect(csv).toContain("2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,default,,10,10,0,0,,,,,,plan,USD");
  });

  it("the JSON gives null for the unknown side, with the credits and the priced parts", async () => {
    const j = JSON.parse((await burnrate([...args("unpriced.yaml", "priced.yaml"), "--format", "json"])).stdout);
    expect(j.money.base_total).toBeNull();
    expect(j.money.total_delta_percent).toBeNull();
    expect(j.money.changes.find((c: { item: string }) => c.item === "total")).toMatchObject({
      old: null, new: "15", delta: null, delta_percent: null, unpriced_credits: { old: "500", new: "0" }, priced: { old: "10", new: "15" },
    });
  });

  it("no gate judges a partial total; --fail-on-unmeasured fails on it", async () => {
    // Before: total 10 → 15 tripped --fail-over-meter 10 (+50%), and 15 → 10 tripped --fail-under-meter 10 (-33.33%).
    expect((await burnrate([...args("unpriced.yaml", "priced.yaml"), "--fail-over-meter", "10", "--format", "json"])).code).toBe(0);
    expect((await burnrate([...args("priced.yaml", "unpriced.yaml"), "--fail-under-meter", "10", "--format", "json"])).code).toBe(0);
    const strict = await burnrate([...args("priced.yaml", "unpriced.yaml"), "--fail-on-unmeasured", "--format", "json"]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("the new card has no credit_price for the credits the usage buys");
  });

  it("neither card pricing the credits: the total is unknown under both, said, and not a finding", async () => {
    const r = await burnrate([...args("unpriced.yaml", "unpriced.yaml"), "--fail-over", "10", "--fail-on-unmeasured", "--format", "table"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Money (USD)    unknown: 500 credits under the base card and 500 under the new one bought at no credit_price");
    expect(r.stdout).not.toContain("Changed money");
    expect(r.stderr).toContain("neither card has a credit_price for the credits the usage buys: the money totals are unknown under both and not compared");
    // The fix named (newcomer66b F3: the money could not be costed, and nothing said how to).
    expect(r.stderr).toContain("; credit_price: in both cards, what a credit bought costs in their currency, compares them\n");
  });
});

describe("diff: a money row shows a sub-cent part to its own decimals, not +0.00 (red team, stop 38 #7, money)", () => {
  // Basic with a quota of 10 calls and overage billing on, overage 0.0001 → 0.0002 USD a request; 11 calls: 1 over, 0.0001 → 0.0002 USD
  // (+100%). The totals round to the cent (10.00 under each); the overage row read 0.00 → 0.00, +0.00 (+100.00%).
  const quota = (price: string) => card("1", { call: "1", img: "0" }).replace("  basic: { label: Basic, included: 100, price: 10 }", `  basic: { label: Basic, included: 100, price: 10, quota: { meters: [call], requests: 10, overage_price: "${price}" } }`);
  const f = files({ "base.yaml": quota("0.0001"), "new.yaml": quota("0.0002"), "acct.yaml": "plan: basic\nanchor: 2026-11-01\ntimezone: UTC\noverage: true\n" }, `timestamp,meter,quantity\n${Array.from({ length: 11 }, (_, i) => `${at(i)},call,1`).join("\n")}\n`);

  it("in the money table", async () => {
    const r = await burnrate(["diff", "--base", f["base.yaml"]!, "--card", f["new.yaml"]!, "--account", f["acct.yaml"]!, "--usage", f["u.csv"]!, "--format", "table"]);
    expect(r.stdout, r.stderr).toMatch(/overage \(USD\) +0\.0001 +0\.0002 +\+0\.0001 \(\+100\.00%\)/);
  });
});
