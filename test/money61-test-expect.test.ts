import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer60 L4: `burnrate test` compared credits only, so a CI gate could not hold a card to its plan prices or
// its top-up rate. Fliplet Pro is 9 USD a month (the card's illustrative price) and a top-up credit 0.01 USD
// ("charged at a flat rate of $0.01 per credit"): a month on Pro with 200 credits topped up is 9 + 2 = 11 USD, and
// two months with the top-up bought in the first 9 + 2 + 9 = 20 USD.
const USAGE = "timestamp,meter,quantity,project,user,channel,distribution,source,model\n2026-11-02T10:00:00Z,sms,100,alpha,,,,project,\n2026-12-02T10:00:00Z,sms,10,alpha,,,,project,\n";

function suite(expectation: string, given: { account?: string; card?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "money61-"));
  writeFileSync(join(dir, "usage.csv"), USAGE);
  const account = given.account ?? '{ plan: pro, anchor: 2026-11-01, grants: [{ kind: topup, amount: 200, at: "2026-11-05T00:00:00Z" }] }';
  if (given.card !== undefined) writeFileSync(join(dir, "fliplet.yaml"), given.card);
  const name = "two months on Pro, 200 credits topped up in the first";
  writeFileSync(join(dir, "fliplet.tests.yaml"), `card: ${given.card === undefined ? join(ROOT, "ratecards/fliplet.yaml") : "fliplet.yaml"}\ncases:\n  - name: ${name}\n    account: ${account}\n    usage: usage.csv\n    expect: ${expectation}\n`);
  return join(dir, "fliplet.tests.yaml");
}

describe("a test case's money (newcomer60 L4)", () => {
  it("passes where the money over the run and each cycle's are the card's: 20, then 11 and 9 USD", async () => {
    const run = await burnrate(["test", suite('{ money: "20", cycles: [{ money: "11.00" }, { money: 9 }] }')]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toContain("1 passed, 0 failed");
  });

  it("fails where the money differs, at the line and column of each expectation", async () => {
    const expectation = '{ money: "18", cycles: [{ money: "9" }, { money: "9" }] }';
    const file = suite(expectation);
    const run = await burnrate(["test", file]);
    expect(run.code).toBe(1);
    // Its expect: is line 6; each mismatch at its value's column.
    const column = (value: string) => "    expect: ".length + expectation.indexOf(value) + 1;
    expect(run.stdout).toContain(`${file}:6:${column('"18"')}: money: expected 18, got 20`);
    expect(run.stdout).toContain(`${file}:6:${column('"9"')}: cycle 1 money: expected 9, got 11`);
    expect(run.stdout).not.toContain("cycle 2 money");
  });

  it("is an expectation of its own: a case that expects money alone is not empty to check", async () => {
    const file = suite('{ money: "20" }');
    const checked = await burnrate(["check", file]);
    expect([checked.code, checked.stderr]).toEqual([0, ""]);
    const bad = await burnrate(["test", suite('{ money: "twenty" }')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/fliplet\.tests\.yaml:6:22: /);
  });

  it("prices each cycle on its own plan: Pro's 9 and 2 of top-ups in November, Free's 0 in December (red61c F3)", async () => {
    const account = '{ plan: pro, anchor: 2026-11-01, grants: [{ kind: topup, amount: 200, at: "2026-11-05T00:00:00Z" }], changes: [{ at: 2026-12-01, plan: free }] }';
    const run = await burnrate(["test", suite('{ money: "11", cycles: [{ money: "11" }, { money: "0" }] }', { account })]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
  });

  it("is unknown where credits were bought at no price, as the statement's money is (red61c F6)", async () => {
    const card = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8").replace(/^credit_price: .*\n/m, "");
    const file = suite('{ money: "9" }', { card });
    const run = await burnrate(["test", file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("money: expected 9, got unknown (credits bought at no price)");
  });

  it("refuses money below zero at its value", async () => {
    const run = await burnrate(["test", suite('{ money: "-1" }')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/fliplet\.tests\.yaml:6:22: out of range \(expected a plain decimal of at least 0, found -1\)/);
  });

  it("refuses money finer than a cent of the card's currency, which no statement bills (red61c F9)", async () => {
    const run = await burnrate(["test", suite('{ money: "9.001" }')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/fliplet\.tests\.yaml:6:22: money finer than a USD statement bills \(expected an amount to at most 2 decimal places of USD, found 9\.001\)/);
  });
});
