import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Red team, stop 36: diff compared credits only, so a change of a price in money, or a smaller allowance that
// sends the same credits to the customer's paid top-up, was "No change" and passed every gate.
const dir = mkdtempSync(join(tmpdir(), "burnrate-diff18-"));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const variant = (card: string, name: string, edits: [string, string][]) => {
  let text = readFileSync(join(ROOT, "ratecards", card), "utf8");
  for (const [from, to] of edits) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  return write(name, text);
};

// 3,000 requests of gpt-4o-mini in one row; the account bought 3,000 cents of credits at 0.01 USD a cent.
const usage = write("u.csv", "timestamp,meter,quantity,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,3000,gpt-4o-mini,openai,1000,100\n");
const account = (plan: string) => write(`${plan}.yaml`, `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: bolt\nplan: ${plan}\noverage: true\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 3000, at: "2026-11-01T00:00:00Z" }\n`);
const overageUp = variant("floopy.yaml", "floopy-ov.yaml", [['overage_price: "0.002"', 'overage_price: "0.02"']]);
const priceUp = variant("floopy.yaml", "floopy-price.yaml", [['credit_price: "0.01"', 'credit_price: "0.02"'], ["price: 20 ", "price: 200 "]]);
const floopy = ["diff", "--base", "ratecards/floopy.yaml", "--usage", usage];

describe("diff measures money: an overage price", async () => {
  // Free: 3,000 requests against a quota of 1,000, so 2,000 over: 2,000 x 0.002 = 4 USD, then 2,000 x 0.02 = 40 USD.
  // Bought: 3,000 cents x 0.01 = 30 USD under both. Total 34 -> 70, +36 USD, +105.88% (36 / 34 = 1.058823...).
  const args = [...floopy, "--card", overageUp, "--account", account("free")];

  it("shows the money per cycle and account in the JSON, and trips --fail-over on it", async () => {
    const run = await burnrate([...args, "--format", "json", "--fail-over", "100"]);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.total_delta).toBe("0");
    expect(json.money).toMatchObject({ currency: "USD", base_total: "34", card_total: "70", total_delta: "36", total_delta_percent: "105.88" });
    expect(json.money.cycles[0]).toMatchObject({ account: "bolt", old: { plan: "0", bought: "30", overage: "4", total: "34" }, new: { plan: "0", bought: "30", overage: "40", total: "70" } });
    expect(json.fail_over).toEqual({ percent: "100", exceeded: true, credits_exceeded: false, money_exceeded: true, paid_credits_exceeded: false, prices_exceeded: false, refused_exceeded: false, expired_exceeded: false });
    expect(run.stderr).toContain("burnrate: total money (USD) rises by more than --fail-over 100%: 34 → 70");
    // 105.88% is within 106%.
    expect((await burnrate([...args, "--format", "json", "--fail-over", "106"])).code).toBe(0);
  });

  it("trips the per-meter gates on the cycle's money items: the overage is +900% (4 -> 40)", async () => {
    const run = await burnrate([...args, "--format", "json", "--fail-over-meter", "899"]);
    expect(run.code).toBe(1);
    const gate = JSON.parse(run.stdout).gates[0];
    expect(gate.exceeded).toBe(true);
    expect(gate.changes).toEqual([]);
    expect(gate.money_changes.map((m: { item: string; delta_percent: string }) => [m.item, m.delta_percent])).toEqual([["overage", "900"]]);
    expect((await burnrate([...args, "--format", "json", "--fail-over-meter", "900"])).code).toBe(0);
  });

  it("reads --fail-over-amount's cents in money at the credit price: 3,600 cents at 0.01 USD is 36 USD", async () => {
    const under = await burnrate([...args, "--format", "json", "--fail-over-amount", "3599"]);
    expect(under.code).toBe(1);
    expect(under.stderr).toContain("money change(s) past --fail-over-amount 3599 cents; largest: overage (USD) 4 → 40, +36 USD (+900%)");
    expect((await burnrate([...args, "--format", "json", "--fail-over-amount", "3600"])).code).toBe(0);
  });

  it("names the money in the table, the pull-request comment and the CSV", async () => {
    const table = (await burnrate([...args, "--format", "table"])).stdout;
    expect(table).toMatch(/Money \(USD\) +34\.00 → 70\.00, \+36\.00 \(\+105\.88%\)/);
    expect(table).toContain("Money (USD) rises by +36.00 (+105.88%), from 34.00 to 70.00.");
    expect(table).toMatch(/bolt +2026-11-01 +overage \(USD\) +4\.00 +40\.00 +\+36\.00 \(\+900\.00%\)/);
    const markdown = (await burnrate([...args, "--format", "markdown", "--fail-over", "1"])).stdout;
    expect(markdown).toContain("**Over the limit.**");
    expect(markdown).toContain("| bolt | 2026-11-01 | overage (USD) | 4.00 | 40.00 | +36.00 (+900.00%) |");
    const csv: Record<string, string>[] = parse((await burnrate([...args, "--format", "csv"])).stdout, { columns: true });
    expect(csv.filter((r) => r.money !== "").map((r) => [r.money, r.old, r.new])).toEqual([["bought", "30", "30"], ["overage", "4", "40"], ["total", "34", "70"], ["paid_credits_drawn", "0.021", "0.021"]]);
  });
});

describe("diff measures money: a plan price and the credit price", async () => {
  // Pro: plan 20 -> 200 USD; 3,000 cents bought at 0.01 = 30 USD, then at 0.02 = 60 USD; no overage (3,000 < 50,000).
  // Total 50 -> 260 USD, +210, +420%.
  const args = [...floopy, "--card", priceUp, "--account", account("pro")];

  it("is a money rise, not 'No change in cents', and trips --fail-over-meter and --fail-over-amount", async () => {
    const run = await burnrate([...args, "--format", "json", "--fail-over-meter", "1", "--fail-over-amount", "0"]);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.money).toMatchObject({ base_total: "50", card_total: "260", total_delta: "210", total_delta_percent: "420" });
    const items = (g: { money_changes: { item: string; old: string; new: string }[] }) => g.money_changes.map((m) => [m.item, m.old, m.new]);
    // The parts first, largest first, then their total.
    expect(items(json.gates[0])).toEqual([["plan", "20", "200"], ["bought", "30", "60"], ["total", "50", "260"]]);
    expect(items(json.gates[1])).toEqual(items(json.gates[0]));
    expect(run.stderr).toContain("largest: plan fee (USD) 20 → 200, +180 USD (+900%)");
  });
});

describe("diff measures paid credits: a smaller allowance", async () => {
  // Fliplet Pro, a 1,000-credit top-up. 90,000 reads x 0.01 = 900 credits. Included 1,000: all 900 from the allowance.
  // Included 500: 500 from the allowance and 400 from the top-up the customer paid for, worth 400 x 0.01 = 4 USD.
  // Money is 9 (plan) + 1,000 x 0.01 = 10 (the top-up) = 19 USD under both: the top-up was bought either way.
  const smaller = variant("fliplet.yaml", "fliplet-500.yaml", [["included: 1000 ", "included: 500 "]]);
  const log = write("fl.csv", "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,90000,a\n");
  const acct = write("fl-acct.yaml", "plan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: topup, amount: 1000, at: \"2026-11-01T00:00:00Z\" }\n");
  const args = ["diff", "--base", "ratecards/fliplet.yaml", "--card", smaller, "--account", acct, "--usage", log];

  it("counts the credits drawn from paid grants, and their worth at the credit price", async () => {
    const run = await burnrate([...args, "--format", "json"]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.total_delta).toBe("0");
    expect(json.money).toMatchObject({
      base_total: "19", card_total: "19", total_delta: "0",
      paid_credits_drawn: { old: "0", new: "400", delta: "400", delta_percent: null, percent_of_base_credits: "44.44" },
      paid_credits_worth: { old: "0", new: "4", delta: "4", delta_percent: null },
    });
  });

  it("is gated: --fail-over and --fail-over-meter as a share of the credits charged, --fail-over-amount in credits", async () => {
    const over = await burnrate([...args, "--format", "json", "--fail-over", "0"]);
    expect(over.code).toBe(1);
    expect(JSON.parse(over.stdout).fail_over).toMatchObject({ exceeded: true, credits_exceeded: false, money_exceeded: false, paid_credits_exceeded: true });
    expect(over.stderr).toContain("burnrate: credits drawn from paid grants rise by more than --fail-over 0% of the credits charged: 0 → 400, +400 credits (+44.44% of the 900 credits charged)");
    // The percentage gates take the paid credits' rise as a share of the credits the base card charged: 400 of 900,
    // 44.444...%, so a spill of a few credits past the allowance is not an infinite rise from 0. Judged exactly, not at
    // 44.44 to two places (newcomer64 H1): 44.44 is passed, 44.45 is not.
    expect((await burnrate([...args, "--format", "json", "--fail-over-meter", "44.44"])).code).toBe(1);
    expect((await burnrate([...args, "--format", "json", "--fail-over-meter", "44.45"])).code).toBe(0);
    expect((await burnrate([...args, "--format", "json", "--fail-over", "44.44"])).code).toBe(1);
    expect((await burnrate([...args, "--format", "json", "--fail-over", "44.45"])).code).toBe(0);
    expect((await burnrate([...args, "--format", "json", "--fail-over-amount", "399"])).code).toBe(1);
    expect((await burnrate([...args, "--format", "json", "--fail-over-amount", "400"])).code).toBe(0);
  });

  it("says so in the table", async () => {
    const table = (await burnrate([...args, "--format", "table"])).stdout;
    expect(table).toContain("Credits drawn from paid grants (top-ups, purchases) rise by +400.00 (+44.44% of 900.00 credits), from 0.00 to 400.00, worth 0.00 → 4.00 USD at the credit price.");
  });
});

describe("diff: money in two currencies", () => {
  it("is not compared, and says so: there is no rate between them", async () => {
    const euro = variant("fliplet.yaml", "fliplet-eur.yaml", [["currency: USD", "currency: EUR"]]);
    const run = await burnrate(["diff", "--base", "ratecards/fliplet.yaml", "--card", euro, "--usage", "fixtures/fliplet/usage.csv", "--account", "fixtures/fliplet/account.yaml", "--format", "json", "--fail-over", "0"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("burnrate: warning: the base card prices money in USD, the new card in EUR: their money is not compared, and no gate judges it\n");
    const money = JSON.parse(run.stdout).money;
    expect([money.base_total, money.card_total, money.paid_credits_worth]).toEqual([null, null, null]);
    expect(money.changes.every((m: { item: string }) => m.item === "paid_credits_drawn")).toBe(true);
  });
});

describe("diff --fail-on-unmeasured", () => {
  // The SMS price 0.5 -> 0.6 on a log of reads only (1,000 x 0.01 = 10 credits under both): no line of the usage has it.
  const smsUp = variant("fliplet.yaml", "fliplet-sms.yaml", [['price: "0.5"              # "0.5 per message"', 'price: "0.6"']]);
  const log = write("reads.csv", "timestamp,meter,quantity,project\n2026-11-05T10:00:00Z,data_read,1000,alpha\n");
  const args = ["diff", "--base", "ratecards/fliplet.yaml", "--card", smsUp, "--usage", log, "--plan", "pro", "--anchor", "2026-11-01", "--format", "json"];

  it("makes the rise no gate can measure a finding, exit 1", async () => {
    const warned = await burnrate(args);
    expect(warned.code).toBe(0);
    expect(JSON.parse(warned.stdout).fail_on_unmeasured).toBeNull();
    const failed = await burnrate([...args, "--fail-on-unmeasured"]);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout).fail_on_unmeasured).toEqual({ exceeded: true });
    expect(failed.stderr).toMatch(/^burnrate: .*fliplet-sms\.yaml:\d+:\d+: meters\.sms\.price rises from 0\.5 to 0\.6, on a line the usage never priced, past --fail-on-unmeasured/);
  });
});

describe("diff: a rise of a price in money the usage never pays is not measured, and named", () => {
  // The Floopy gateway corpus: acme on Pro (3,000-odd cents a month, far under Pro's 50,000-request quota), bolt and
  // cove on Free; nobody on Enterprise. Each rise below costs that corpus nothing more, so no cost gate can see it.
  const gateway = ["diff", "--base", "ratecards/floopy.yaml", "--usage", "fixtures/floopy/gateway.csv", "--account", "fixtures/floopy/account.yaml", "--format", "json"];
  const cases: [string, [string, string], string, string][] = [
    ["an Enterprise price", ["price: 500 ", "price: 900 "], "plans.enterprise.price", "on plan enterprise, which no cycle of the usage is on"],
    ["Pro's overage price", ['overage_price: "0.001"', 'overage_price: "0.002"'], "plans.pro.quota.overage_price", "on plan pro's overage, which no cycle of the usage reaches"],
  ];
  for (const [what, edit, path, why] of cases) {
    it(`${what}: a warning, and a finding under --fail-on-unmeasured`, async () => {
      const card = variant("floopy.yaml", `floopy-${path}.yaml`, [edit]);
      const warned = await burnrate([...gateway, "--card", card]);
      expect(warned.code).toBe(0);
      expect(JSON.parse(warned.stdout).unmeasured_rises.map((c: { path: string }) => c.path)).toEqual([path]);
      expect(warned.stderr).toContain(`${path} rises from`);
      expect(warned.stderr).toContain(`, ${why}: no gate measured it`);
      expect((await burnrate([...gateway, "--card", card, "--fail-on-unmeasured"])).code).toBe(1);
    });
  }

  it("a cut of Enterprise's quota (1,000,000 -> 500,000 requests), less for the same fee: named as cut", async () => {
    const card = variant("floopy.yaml", "floopy-quota-cut.yaml", [["requests: 1000000", "requests: 500000"]]);
    const run = await burnrate([...gateway, "--card", card]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("plans.enterprise.quota.requests is cut from 1000000 to 500000, on plan enterprise, which no cycle of the usage is on: no gate measured it");
  });

  it("the credit price, on an account that buys no credits (Fliplet Pro, its allowance covers 100 SMS at 0.5)", async () => {
    const card = variant("fliplet.yaml", "fliplet-credit-price.yaml", [['credit_price: "0.01"', 'credit_price: "0.02"']]);
    const run = await burnrate(["diff", "--base", "ratecards/fliplet.yaml", "--card", card, "--usage", "fixtures/ci/fliplet/sms-100.csv", "--plan", "pro", "--anchor", "2026-11-01", "--format", "json", "--fail-on-unmeasured"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("credit_price rises from 0.01 to 0.02, on credits, which no cycle of the usage buys, past --fail-on-unmeasured");
  });
});
