import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

/** A card of credits at 0.01 USD, Basic 10 USD with 100 included, and two meters: `call` and `img` at the prices given. */
function card(version: string, prices: { call: string; img: string }, creditPrice: string | undefined = "0.01"): string {
  return [
    "provider: d", `version: "${version}"`, 'effective: "2026-01-01"', "unit: credits",
    ...(creditPrice === undefined ? [] : [`credit_price: "${creditPrice}"`]),
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
    // 40 of 90 is 44.44% (to 2 places): --fail-over 44.44 passes, 44.43 fails.
    expect((await burnrate([...args, "--fail-over", "44.44", "--format", "json"])).code).toBe(0);
    expect((await burnrate([...args, "--fail-over", "44.43", "--format", "json"])).code).toBe(1);
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
