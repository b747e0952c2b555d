import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// A statement's money, CSV rows and labels (newcomer, stop 38: #3, #4, #7 and #10).

/** A card of one block pool: plan Pro at 20 USD with 100 credits, a `call` at 10 credits, packs bought; `extra` after `currency`. */
function card(extra = "", pool = "block", version = "a", effective = "2026-11-01"): string {
  return `provider: rt
version: "${version}"
effective: "${effective}"
unit: credits
currency: USD
${extra}
precision: { display: 2, rounding: half-even, round_at: none }
cycle: { period: monthly }
categories:
  c1: { label: C1 }
pools:
  p: { label: P, when_exhausted: ${pool} }
grant_kinds:
  included: { priority: 1, expires: cycle_end, counts_toward_allowance: true }
  pack: { priority: 2, expires: never, counts_toward_allowance: false }
plans:
  pro: { label: Pro, included: 100, price: 20 }
rewards: { share: "0.10", dimension: creator }
meters:
  call:
    description: a call
    aggregation: flow
    dimensions: [creator]
    category: c1
    pool: p
    price: "10"
`;
}

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "fix20f-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

const account = (grants: string, name = "acme") => `card: card.yaml\naccount: ${name}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n${grants}`;
// 12 calls (120 credits: the 100 included, then 20 of the pack), then 60 calls (600) refused: 480 of the pack are left.
const USAGE = "timestamp,meter,quantity,creator\n2026-11-05T10:00:00Z,call,12,acme\n2026-11-06T10:00:00Z,call,60,acme\n";

const statement = (d: string, format: string, ...more: string[]) => burnrate(["statement", "--account", join(d, "account.yaml"), "--usage", join(d, "usage.csv"), "--format", format, ...more]);

/** The rows of a CSV with no quoted commas but the one cell named, as objects by header name. */
function csvObjects(text: string): Record<string, string>[] {
  const [head, ...rows] = text.trimEnd().split("\n").map((l) => l.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, "").replace(/^"(.*)"$/, "$1")));
  return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ""])));
}

describe("money: a pack bought at no credit_price leaves the total unknown, never a figure a purchase short (newcomer, stop 38 #3)", () => {
  const unpriced = () => dir({ "card.yaml": card(), "account.yaml": account('  - { kind: pack, amount: 500, at: "2026-11-02T00:00:00Z" }\n'), "usage.csv": USAGE });

  it("JSON: total null; the plan's 20 under priced_total, the 500 credits under unpriced_credits", async () => {
    const { code, stdout } = await statement(unpriced(), "json");
    expect(code).toBe(0);
    // plan 20 + 500 credits at no price: the priced parts are 20, the whole is not known.
    expect(JSON.parse(stdout).accounts[0].cycles[0].money).toEqual({
      currency: "USD", plan: "20", credits_bought: "500", bought: null, overage: "0", total: null, unpriced_credits: "500", priced_total: "20",
    });
  });

  it("table, Markdown and HTML: the priced parts' total on a row of its own, the Total saying what it lacks", async () => {
    const table = (await statement(unpriced(), "table", "--no-chart")).stdout;
    expect(table).toMatch(/Total of priced parts +20\.00\n/);
    expect(table).toMatch(/ Total +unknown: 500 credits bought at no price on the card\n/);
    const md = (await statement(unpriced(), "markdown")).stdout;
    expect(md).toContain("| Total |  | unknown: 500 credits bought at no price on the card |");
    const html = (await statement(unpriced(), "html")).stdout;
    expect(html).toMatch(/<td>Total<\/td>\s*<td[^>]*><\/td>\s*<td[^>]*>unknown: 500 credits bought at no price on the card<\/td>/);
  });

  it("CSV: unpriced_credits 500, priced_total 20, and a total whose money cell is no number", async () => {
    const rows = csvObjects((await statement(unpriced(), "csv")).stdout).filter((r) => r.kind === "money");
    expect(rows.map((r) => [r.money_item, r.quantity, r.money])).toEqual([
      ["plan", "", "20"], ["credits_bought", "500", ""], ["unpriced_credits", "500", ""], ["priced_total", "", "20"],
      ["total", "", "unknown: 500 credits bought at no price on the card"],
    ]);
  });

  it("a cycle that bought nothing keeps its total (December: the plan's 20)", async () => {
    const d = unpriced();
    writeFileSync(join(d, "usage.csv"), `${USAGE}2026-12-05T10:00:00Z,call,1,acme\n`);
    const money = JSON.parse((await statement(d, "json")).stdout).accounts[0].cycles[1].money;
    expect(money).toEqual({ currency: "USD", plan: "20", credits_bought: "0", bought: null, overage: "0", total: "20" });
  });

  it("with card versions, credits bought under the version without a credit_price are unpriced, not priced at 0", async () => {
    // Version a (no credit_price) from Nov 1, version b at 0.01 from Nov 15, at once. 500 bought on Nov 2 under a, 300
    // on Nov 20 under b: bought 300 x 0.01 = 3; the plan's 20 (b's) + 3 = 23 priced; 500 credits with no price.
    const d = dir({
      "card.yaml": card(),
      "b.yaml": card('credit_price: "0.01"', "block", "b", "2026-11-15"),
      "account.yaml": account('  - { kind: pack, amount: 500, at: "2026-11-02T00:00:00Z" }\n  - { kind: pack, amount: 300, at: "2026-11-20T00:00:00Z" }\n'),
      "usage.csv": USAGE,
    });
    const r = await burnrate(["statement", "--card", join(d, "card.yaml"), "--card", join(d, "b.yaml"), "--account", join(d, "account.yaml"), "--usage", join(d, "usage.csv"), "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].money).toEqual({
      currency: "USD", plan: "20", credits_bought: "800", bought: "3", overage: "0", total: null, unpriced_credits: "500", priced_total: "23",
    });
  });
});

describe("CSV: refused events and creator rewards as rows of their own kind (newcomer, stop 38 #4)", () => {
  it("a rejected row carries the meter, reason, events, quantity, first instant and line; a reward row the credits and who paid them", async () => {
    // bob uses acme's app: 3 calls at 10 = 30 credits, of which acme earns the 10% share, 3 credits.
    const d = dir({
      "card.yaml": card(),
      "account.yaml": `card: card.yaml\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  bob: { plan: pro }\n`,
      "usage.csv": "timestamp,account,meter,quantity,creator\n2026-11-05T10:00:00Z,acme,call,9,acme\n2026-11-06T10:00:00Z,acme,call,60,acme\n2026-11-07T10:00:00Z,bob,call,3,acme\n",
    });
    const { code, stdout } = await statement(d, "csv");
    expect(code).toBe(0);
    const rows = csvObjects(stdout);
    // acme: 9 calls = 90 credits of its 100: the call of 60 on Nov 6 (600 credits, 10 left) is refused whole, at line 3.
    expect(rows.filter((r) => r.kind === "rejected").map((r) => [r.account, r.meter, r.reason, r.events, r.quantity, r.first_at, r.first_line!.replace(/.*\//, ""), r.amount])).toEqual([
      ["acme", "call", "credits exhausted", "1", "60", "2026-11-06T10:00:00Z", "usage.csv:3", ""],
    ]);
    expect(rows.filter((r) => r.kind === "reward").map((r) => [r.account, r.quantity, r.earned_from, r.amount])).toEqual([["acme", "3", "bob", ""]]);
  });

  it("a statement with neither keeps its columns", async () => {
    const d = dir({ "card.yaml": card(), "account.yaml": account("  []\n"), "usage.csv": "timestamp,meter,quantity,creator\n2026-11-05T10:00:00Z,call,1,acme\n" });
    const header = (await statement(d, "csv")).stdout.split("\n")[0];
    expect(header).toBe("account,plan,cycle_start,cycle_end,meter,kind,category,pool,creator,quantity,unit_price,amount,money_item,money,currency");
  });
});

describe("when the credits ran out, and usage past zero, say which (newcomer, stop 38 #7 and #10)", () => {
  const facts = async (d: string) => (await statement(d, "table", "--no-chart")).stdout;

  it("a charge that draws the balance to exactly 0 is not called a refusal", async () => {
    // 10 calls = 100 credits: the included 100 used to the last, nothing refused.
    const d = dir({ "card.yaml": card(), "account.yaml": account("  []\n"), "usage.csv": "timestamp,meter,quantity,creator\n2026-11-05T10:00:00Z,call,10,acme\n" });
    const text = await facts(d);
    expect(text).toContain("Credits ran out  2026-11-05 10:00, a charge left no credits\n");
    expect(text).not.toContain("Credits short");
    // Every pool blocks: nothing can go past the credits, and the row names no grace the card does not have.
    expect(text).toMatch(/\n {2}Uncovered +0\.00 credits\n/);
  });

  it("an event refused with credits left says so", async () => {
    // 9 calls = 90 credits, then 2 calls (20) with 10 left: refused whole.
    const d = dir({ "card.yaml": card(), "account.yaml": account("  []\n"), "usage.csv": "timestamp,meter,quantity,creator\n2026-11-05T10:00:00Z,call,9,acme\n2026-11-06T10:00:00Z,call,2,acme\n" });
    expect(await facts(d)).toContain("Credits ran out  2026-11-06 10:00, an event refused: the credits left could not pay it\n");
  });

  it("an allow pool's usage past zero is charged past zero, not grace, in the table and Markdown", async () => {
    // 15 calls = 150 credits on 100 included: 50 past zero, let through by the allow pool.
    const d = dir({ "card.yaml": card("", "allow"), "account.yaml": account("  []\n"), "usage.csv": "timestamp,meter,quantity,creator\n2026-11-05T10:00:00Z,call,15,acme\n" });
    const text = await facts(d);
    expect(text).toMatch(/Charged past zero +50\.00 credits\n/);
    expect(text).toContain("2026-11-05 10:00, a charge left no credits; usage went on past zero, as an allow pool lets it");
    expect(text).not.toContain("grace");
    const md = (await statement(d, "markdown")).stdout;
    expect(md).toContain("- **Charged past zero**: 50.00 credits");
    // The HTML report's burn-down chart: the 50 below zero, with no grace buffer named.
    const html = (await statement(d, "html")).stdout;
    expect(html).toContain("charged past zero from 2026-11-05 10:00 (50.00 by the cycle&#39;s end)");
    expect(html).not.toMatch(/grace (used|buffer)/);
  });

  it("a card that lets the crossing charge through names it, not grace", async () => {
    // crossing: accept: 9 calls = 90 credits, then 2 calls (20) with 10 left go through, 10 past the credits.
    const d = dir({ "card.yaml": card("crossing: accept"), "account.yaml": account("  []\n"), "usage.csv": "timestamp,meter,quantity,creator\n2026-11-05T10:00:00Z,call,9,acme\n2026-11-06T10:00:00Z,call,2,acme\n" });
    const text = await facts(d);
    expect(text).toMatch(/Uncovered \(crossing charge\) +10\.00 credits\n/);
    expect(text).toMatch(/Credits ran out +2026-11-06 10:00, a charge left no credits\n/);
  });

  it("pay as you go (no credits at all, an allow pool): all the usage past zero, and no credits said to run out", async () => {
    // Plan with included 0: 3 calls = 30 credits, every one of them past zero.
    const d = dir({ "card.yaml": card("", "allow").replace("included: 100, price: 20", "included: 0, price: 0"), "account.yaml": account("  []\n"), "usage.csv": "timestamp,meter,quantity,creator\n2026-11-05T10:00:00Z,call,3,acme\n" });
    const text = await facts(d);
    expect(text).toMatch(/Charged past zero +30\.00 credits\n/);
    expect(text).toContain("Past zero from     2026-11-05 10:00: no credits this cycle, usage charged past zero as an allow pool lets it\n");
    expect(text).not.toMatch(/Credits ran out|grace/);
  });
});
