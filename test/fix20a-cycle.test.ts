import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

/**
 * Fliplet Pro (ratecards/fliplet.yaml: 1,000 included credits a cycle, expiring at its end; top-ups never expire;
 * 9 USD a cycle; data_read 0.01 credits) anchored on 2026-08-01 in UTC, as the newcomer's account anchored in August
 * (stop 38). A top-up of 200 on Aug 10; 110,000 reads on Aug 20 = 1,100 credits: the 1,000 included, then 100 of the
 * top-up, which carries 100 into every later cycle. 500 reads on Nov 5 = 5 credits, from November's allowance.
 * Cycles: Aug, Sep, Oct, Nov (the last the usage reaches).
 */
function account(extra = ""): string[] {
  const dir = mkdtempSync(join(tmpdir(), "fix20a-cycle-"));
  const file = join(dir, "account.yaml");
  writeFileSync(file, `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-08-01\ntimezone: UTC\ngrants:\n  - { kind: topup, amount: 200, at: "2026-08-10T00:00:00Z" }\n${extra}`);
  const usage = join(dir, "usage.csv");
  writeFileSync(usage, "timestamp,meter,quantity,project\n2026-08-20T10:00:00Z,data_read,110000,alpha\n2026-11-05T10:00:00Z,data_read,500,alpha\n");
  return ["statement", "--account", file, "--usage", usage];
}

const json = async (args: string[]) => {
  const run = await burnrate([...args, "--format", "json"]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
};
type Grant = { kind: string; opening: string; granted: string; consumed: string; closing: string };
const grants = (c: { grants: Grant[] }) => c.grants.map((g) => [g.kind, g.opening, g.granted, g.consumed, g.closing]);

describe("statement --cycle: only the cycles a period covers, replayed from the anchor (newcomer, stop 38)", () => {
  it("--cycle DATE shows the cycle holding it, with what the cycles before carried into it", async () => {
    const st = await json([...account(), "--cycle", "2026-11-15"]);
    // `period` is what was asked (fix20k, stop 38: each account shows its own cycles holding it).
    expect(st.period).toEqual({ from: "2026-11-15T00:00:00Z", through: "2026-11-15T00:00:00Z" });
    const [acme] = st.accounts;
    expect(acme.cycles_left_out).toEqual({ before: 3, after: 0 });
    expect(acme.cycles.map((c: { start: string }) => c.start)).toEqual(["2026-11-01T00:00:00Z"]);
    const nov = acme.cycles[0];
    // 500 reads x 0.01 = 5 credits, from November's 1,000; the top-up opens with the 100 August left (200 - 100).
    expect(nov.total).toBe("5");
    expect(grants(nov)).toEqual([["included", "1000", "0", "5", "995"], ["topup", "100", "0", "0", "100"]]);
    // November's money: the plan's 9 USD, nothing bought in it.
    expect(nov.money).toEqual({ currency: "USD", plan: "9", credits_bought: "0", bought: "0", overage: "0", total: "9" });
    // The same cycle as the whole statement's fourth.
    const whole = await json(account());
    expect(whole.period).toBeUndefined();
    expect(whole.accounts[0].cycles_left_out).toBeUndefined();
    expect(whole.accounts[0].cycles[3]).toEqual(nov);
  });

  it("--cycle FROM..THROUGH shows the cycles from the one holding FROM to the one holding THROUGH", async () => {
    const st = await json([...account(), "--cycle", "2026-09-15..2026-10-02"]);
    // THROUGH is its date's whole day: the last instant of 2026-10-02 in UTC (red team, stop 38).
    expect(st.period).toEqual({ from: "2026-09-15T00:00:00Z", through: "2026-10-02T23:59:59.999Z" });
    expect(st.accounts[0].cycles_left_out).toEqual({ before: 1, after: 1 });
    // September and October: no usage, the 100 top-up credits carried through both.
    expect(st.accounts[0].cycles.map((c: { start: string; grants: Grant[] }) => [c.start, ...grants(c)[1]!])).toEqual([
      ["2026-09-01T00:00:00Z", "topup", "100", "0", "0", "100"],
      ["2026-10-01T00:00:00Z", "topup", "100", "0", "0", "100"],
    ]);
  });

  it("a date and an instant are read in the account's time zone, as --through's", async () => {
    // New York: 2026-11-01 is 04:00Z; the cycle holding it starts at the anchor's local midnight on the 1st.
    const dir = mkdtempSync(join(tmpdir(), "fix20a-cycle-"));
    writeFileSync(join(dir, "u.csv"), "timestamp,meter,quantity,project\n2026-10-20T10:00:00Z,data_read,100,alpha\n2026-11-05T10:00:00Z,data_read,500,alpha\n");
    const base = ["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-10-01", "--timezone", "America/New_York", "--usage", join(dir, "u.csv")];
    const span = (st: { accounts: { cycles: { start: string; end: string }[] }[] }) => st.accounts[0]!.cycles.map((c) => [c.start, c.end]);
    const nov = await json([...base, "--cycle", "2026-11-01"]);
    expect(nov.period).toEqual({ from: "2026-11-01T04:00:00Z", through: "2026-11-01T04:00:00Z" });
    expect(span(nov)).toEqual([["2026-11-01T04:00:00Z", "2026-12-01T05:00:00Z"]]);
    // 03:59Z on Nov 1 is still October 31 in New York.
    expect(span(await json([...base, "--cycle", "2026-11-01T03:59:00Z"]))).toEqual([["2026-10-01T04:00:00Z", "2026-11-01T04:00:00Z"]]);
  });

  it("without an anchor the cycles are the months from the earliest usage's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix20a-cycle-"));
    writeFileSync(join(dir, "u.csv"), "timestamp,meter,quantity,project\n2026-10-20T10:00:00Z,data_read,100,alpha\n2026-11-05T10:00:00Z,data_read,500,alpha\n");
    const st = await json(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--usage", join(dir, "u.csv"), "--cycle", "2026-11-30"]);
    expect(st.period).toEqual({ from: "2026-11-30T00:00:00Z", through: "2026-11-30T00:00:00Z" });
    expect(st.accounts[0].cycles_left_out).toEqual({ before: 1, after: 0 });
    expect(st.accounts[0].cycles.map((c: { start: string }) => c.start)).toEqual(["2026-11-01T00:00:00Z"]);
    // 500 x 0.01 = 5.
    expect(st.accounts[0].cycles.map((c: { total: string }) => c.total)).toEqual(["5"]);
  });

  it("with --through, a month no usage reaches: the plan's fee, the top-up still carried", async () => {
    const st = await json([...account(), "--through", "2026-12-20", "--cycle", "2026-12-05"]);
    expect(st.accounts[0].cycles_left_out).toEqual({ before: 4, after: 0 });
    const [dec] = st.accounts[0].cycles;
    expect([dec.start, dec.total, dec.money.total]).toEqual(["2026-12-01T00:00:00Z", "0", "9"]);
    expect(grants(dec)).toEqual([["included", "1000", "0", "0", "1000"], ["topup", "100", "0", "0", "100"]]);
  });

  it("table, Markdown and HTML show the cycles of the period under a note of what was left out", async () => {
    const table = (await burnrate([...account(), "--cycle", "2026-11-15", "--format", "table", "--no-chart"])).stdout;
    expect(table).toContain("--cycle: 1 of 4 cycle(s) shown, 3 before and 0 after left out.");
    expect(table.match(/^Cycle \d+:.*$/gm)).toEqual(["Cycle 4: 2026-11-01 to 2026-11-30 (resets 2026-12-01 00:00)"]);
    // The Credits table: the top-up opens at 100, carried from August.
    expect(table).toMatch(/topup +100\.00 +0\.00 +0\.00 +0\.00 +100\.00/);
    const md = (await burnrate([...account(), "--cycle", "2026-11-15", "--format", "markdown"])).stdout;
    expect(md).toContain("--cycle: 1 of 4 cycle(s) shown");
    expect(md.match(/^## Cycle \d+/gm)).toEqual(["## Cycle 4"]);
    const html = (await burnrate([...account(), "--cycle", "2026-11-15", "--format", "html"])).stdout;
    expect(html).toContain("Cycle 4: 2026-11-01 to 2026-11-30");
    expect(html).not.toContain("Cycle 1:");
    expect(html.match(/<section class="cycle">/g)).toHaveLength(1);
  });

  it("CSV: the lines and money of the cycles shown only", async () => {
    const csv = (await burnrate([...account(), "--cycle", "2026-11-15", "--format", "csv"])).stdout.trim().split("\n").map((r) => r.split(","));
    const head = csv[0]!;
    const at = (name: string) => head.indexOf(name);
    const rows = csv.slice(1).map((r) => [r[at("cycle_start")], r[at("kind")], r[at("meter")], r[at("amount")], r[at("money_item")], r[at("money")]]);
    // 500 reads x 0.01 = 5 credits; the plan's 9 USD.
    expect(rows).toEqual([
      ["2026-11-01T00:00:00Z", "usage", "data_read", "5", "", ""],
      ["2026-11-01T00:00:00Z", "money", "", "", "plan", "9"],
      ["2026-11-01T00:00:00Z", "money", "", "", "total", "9"],
    ]);
  });

  it("--ledger keeps the period's transactions, with the balances of the whole replay", async () => {
    const csv = (await burnrate([...account(), "--ledger", "--cycle", "2026-11-15", "--format", "csv"])).stdout.trim().split("\n").slice(1).map((r) => r.split(","));
    // Nov 1: October's 1,000 included expire (October's, left out); November's 1,000 arrive on the 100 carried: 1,100.
    // Nov 5: 5 credits charged: 1,095. (The statement ends with November: no expiry closes it.)
    expect(csv.map((r) => [r[0], r[2], r[7], r[9]])).toEqual([
      ["2026-11-01T00:00:00Z", "allowance", "1000", "1100"],
      ["2026-11-05T10:00:00Z", "charge", "-5", "1095"],
    ]);
    // September and October: each opens with its 1,000 on the 100 carried (1,100) and its expiry closes it (100);
    // October's expiry at Nov 1 is the period's, November's allowance at that instant is not.
    const range = (await burnrate([...account(), "--ledger", "--cycle", "2026-09-15..2026-10-15", "--format", "csv"])).stdout.trim().split("\n").slice(1).map((r) => r.split(","));
    expect(range.map((r) => [r[0], r[2], r[7], r[9]])).toEqual([
      ["2026-09-01T00:00:00Z", "allowance", "1000", "1100"],
      ["2026-10-01T00:00:00Z", "expiry", "-1000", "100"],
      ["2026-10-01T00:00:00Z", "allowance", "1000", "1100"],
      ["2026-11-01T00:00:00Z", "expiry", "-1000", "100"],
    ]);
    const ledger = JSON.parse((await burnrate([...account(), "--ledger", "--cycle", "2026-11-15", "--format", "json"])).stdout);
    expect(ledger.period).toEqual({ from: "2026-11-15T00:00:00Z", through: "2026-11-15T00:00:00Z" });
    expect(ledger.entries.map((e: { at: string; balance: string }) => [e.at, e.balance]).slice(0, 2)).toEqual([["2026-11-01T00:00:00Z", "1100"], ["2026-11-05T10:00:00Z", "1095"]]);
    const table = (await burnrate([...account(), "--ledger", "--cycle", "2026-11-15", "--format", "table"])).stdout;
    expect(table).not.toContain("2026-08");
    expect(table).toContain("1,095.00");
  });

  it("a date outside every cycle, or FROM after THROUGH, is refused at the flag before anything is written", async () => {
    const after = await burnrate([...account(), "--cycle", "2026-12-01", "--format", "json"]);
    expect([after.code, after.stdout]).toEqual([2, ""]);
    expect(after.stderr).toContain("burnrate: error: --cycle: date outside the statement's cycles (expected a date from 2026-08-01 to 2026-11-30");
    const ledger = await burnrate([...account(), "--ledger", "--cycle", "2026-12-01", "--format", "csv"]);
    expect([ledger.code, ledger.stdout]).toEqual([2, ""]);
    const before = await burnrate([...account(), "--cycle", "2026-07-31"]);
    expect(before.code).toBe(2);
    expect(before.stderr).toContain("--cycle: date before the first cycle (expected a date on or after the anchor 2026-08-01");
    const backwards = await burnrate([...account(), "--cycle", "2026-11-01..2026-10-31"]);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain("--cycle: period's first date after its last (expected FROM on or before THROUGH, found \"2026-11-01..2026-10-31\")");
  });
});
