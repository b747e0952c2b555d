import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Decimal } from "../src/money.js";
import { burnrate, ROOT } from "./helpers/cli.js";
import { writeVariant } from "./helpers/cards.js";

/** Fliplet with its credit price line and Pro's price written otherwise, as `dir/NAME.yaml`. */
function flipletPriced(dir: string, name: string, creditPrice: string, proPrice: string): string {
  return writeVariant(dir, name, readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8"), [['credit_price: "0.01"', creditPrice], ["price: 9 ", proPrice]]).file;
}

/**
 * Fliplet Pro at 9.995 USD and credits at 0.0125 (red team, stop 38, #13): one cycle of November, 100 reads at 0.01
 * credits (1 credit, inside the allowance) and 3 credits of top-up bought on Nov 2.
 *   plan 9.995 + bought 3 x 0.0125 = 0.0375 -> exact 10.0325; rounded once to cents, half-even: 10.03; rounding -0.0025.
 */
function subCentAccount(): string[] {
  const dir = mkdtempSync(join(tmpdir(), "fix20a-money-"));
  const card = flipletPriced(dir, "money", 'credit_price: "0.0125"', "price: 9.995 ");
  const account = join(dir, "account.yaml");
  writeFileSync(account, `card: ${card}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: topup, amount: 3, at: "2026-11-02T00:00:00Z" }\n`);
  const usage = join(dir, "usage.csv");
  writeFileSync(usage, "timestamp,meter,quantity,project\n2026-11-05T10:00:00Z,data_read,100,alpha\n");
  return ["statement", "--account", account, "--usage", usage];
}

/** The Money table's rows as [item, credits, amount], from a table or Markdown rendering. */
function moneyRows(text: string, markdown: boolean): string[][] {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.includes("Money (USD)"));
  const rows: string[][] = [];
  for (const line of lines.slice(at + (markdown ? 4 : 2))) {
    if (markdown ? !line.startsWith("|") : !/^ {2}\S/.test(line) || line.trim() === "Meters") break;
    rows.push(markdown ? line.split("|").slice(1, -1).map((c) => c.trim()) : line.trim().split(/ {2,}/));
  }
  return rows;
}

describe("statement money below a cent: the rows shown add up to the total under them (red team, stop 38)", () => {
  it("the table shows the exact parts and the rounding, which sum to the rounded total", async () => {
    const { code, stdout, stderr } = await burnrate([...subCentAccount(), "--format", "table", "--no-chart"]);
    expect([code, stderr]).toEqual([0, ""]);
    const rows = moneyRows(stdout, false);
    expect(rows).toEqual([["Plan", "9.995"], ["Credits bought", "3", "0.0375"], ["Rounding to 0.01", "-0.0025"], ["Total", "10.03"]]);
    // 9.995 + 0.0375 - 0.0025 = 10.03: the parts and the rounding add to the total printed.
    const parts = rows.slice(0, -1).map((r) => new Decimal(r.at(-1)!));
    expect(parts.reduce((a, b) => a.plus(b)).toString()).toBe("10.03");
  });

  it("Markdown and HTML show the same rows", async () => {
    const md = await burnrate([...subCentAccount(), "--format", "markdown"]);
    expect(moneyRows(md.stdout, true)).toEqual([["Plan", "", "9.995"], ["Credits bought", "3", "0.0375"], ["Rounding to 0.01", "", "-0.0025"], ["Total", "", "10.03"]]);
    const html = await burnrate([...subCentAccount(), "--format", "html"]);
    expect(html.stdout).toMatch(/Rounding to 0\.01<\/td>\s*<td[^>]*><\/td>\s*<td[^>]*>-0\.0025<\/td>/);
  });

  it("the JSON keeps its exact parts and the rounded total, unchanged", async () => {
    const { stdout } = await burnrate([...subCentAccount(), "--format", "json"]);
    expect(JSON.parse(stdout).accounts[0].cycles[0].money).toEqual({ currency: "USD", plan: "9.995", credits_bought: "3", bought: "0.0375", overage: "0", total: "10.03" });
  });

  it("parts in whole cents show as before, with no rounding row (the Fliplet fixture: 9 + 200 x 0.01 = 11.00)", async () => {
    const { stdout } = await burnrate(["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv", "--format", "table", "--no-chart"]);
    const cycle2 = stdout.slice(stdout.indexOf("Cycle 2:"));
    expect(moneyRows(cycle2, false)).toEqual([["Plan", "9.00"], ["Credits bought", "200", "2.00"], ["Total", "11.00"]]);
  });
});

/** The CSV's rows as objects by header name. */
function csvObjects(text: string): Record<string, string>[] {
  const [head, ...rows] = text.trimEnd().split("\n").map((l) => l.split(","));
  return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ""])));
}

describe("statement --format csv: each cycle's money as rows of kind money (newcomer, stop 38)", () => {
  it("the Fliplet fixture: plan, credits bought and total per cycle, in columns of their own", async () => {
    const { code, stdout } = await burnrate(["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv", "--format", "csv"]);
    expect(code).toBe(0);
    const rows = csvObjects(stdout);
    expect(stdout.split("\n")[0]).toMatch(/,quantity,unit_price,amount,reason,events,first_at,first_line,money_item,money,currency$/);
    const money = rows.filter((r) => r.kind === "money").map((r) => [r.cycle_start, r.money_item, r.quantity, r.money, r.currency]);
    // Pro is 9 USD a cycle; top-ups at 0.01: 200 credits on Oct 26 (cycle 2) = 2, 150 on Nov 20 (cycle 3) = 1.5.
    expect(money).toEqual([
      ["2026-09-13T23:00:00Z", "plan", "", "9", "USD"],
      ["2026-09-13T23:00:00Z", "total", "", "9", "USD"],
      ["2026-10-13T23:00:00Z", "plan", "", "9", "USD"],
      ["2026-10-13T23:00:00Z", "credits_bought", "200", "2", "USD"],
      ["2026-10-13T23:00:00Z", "total", "", "11", "USD"],
      ["2026-11-14T00:00:00Z", "plan", "", "9", "USD"],
      ["2026-11-14T00:00:00Z", "credits_bought", "150", "1.5", "USD"],
      ["2026-11-14T00:00:00Z", "total", "", "10.5", "USD"],
    ]);
    // A money row leaves amount (credits) empty, and a line leaves the money columns empty.
    expect(rows.filter((r) => r.kind === "money").every((r) => r.amount === "" && r.meter === "")).toBe(true);
    expect(rows.filter((r) => r.kind !== "money").every((r) => r.money_item === "" && r.money === "" && r.currency === "")).toBe(true);
  });

  it("below a cent: the parts and the rounding sum to the total row", async () => {
    const { stdout } = await burnrate([...subCentAccount(), "--format", "csv"]);
    const money = csvObjects(stdout).filter((r) => r.kind === "money").map((r) => [r.money_item, r.quantity, r.money]);
    // 9.995 + 3 x 0.0125 = 10.0325, billed 10.03: rounding -0.0025.
    expect(money).toEqual([["plan", "", "9.995"], ["credits_bought", "3", "0.0375"], ["rounding", "", "-0.0025"], ["total", "", "10.03"]]);
  });

  it("a card with no money at all keeps the CSV as it was: no money rows, no money columns", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix20a-money-"));
    const card = flipletPriced(dir, "free", "", "price: 0 ");
    const usage = join(dir, "usage.csv");
    writeFileSync(usage, "timestamp,meter,quantity,project\n2026-11-05T10:00:00Z,data_read,100,alpha\n");
    const { code, stdout } = await burnrate(["statement", "--card", card, "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "csv"]);
    expect(code).toBe(0);
    // 100 reads x 0.01 = 1 credit.
    expect(stdout).toBe("account,plan,cycle_start,cycle_end,meter,kind,category,pool,project,quantity,unit_price,amount\ndefault,pro,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,data_read,usage,end_users,run,alpha,100,0.01,1\n");
  });
});
