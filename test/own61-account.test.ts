import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer60 M3: a reseller's account file of customers billed its own top-level account a plan's fee, with nothing
// used and no word, in the totals beside the customers. Fliplet Pro is 9 USD a month; Free costs nothing.
const USAGE = "timestamp,account,meter,quantity,project\n2026-09-02T10:00:00Z,bob,data_write,1,p1\n2026-09-03T10:00:00Z,cleo,data_write,1,p1\n";

async function statement(terms: string, format = "json") {
  const dir = mkdtempSync(join(tmpdir(), "own61-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nanchor: 2026-09-01\ntimezone: UTC\n${terms}`);
  writeFileSync(join(dir, "usage.csv"), USAGE);
  return burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", format]);
}

/** A statement in JSON of an account file on the card (its anchor, UTC, and `terms`) and a usage log, as given. */
async function replay(given: { card: string; anchor: string; terms: string; usage: string }) {
  const dir = mkdtempSync(join(tmpdir(), "own61-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, `ratecards/${given.card}.yaml`)}\nanchor: ${given.anchor}\ntimezone: UTC\n${given.terms}`);
  writeFileSync(join(dir, "usage.csv"), given.usage);
  return burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json"]);
}

/**
 * An app builder account file's `terms` from 1 November, and standard requests of 2,000 input and 1,000 output tokens,
 * each [instant, account, app, creator]: a creator the file does not name earns rewards on the apps others use.
 */
function appRequests(terms: string, requests: readonly [string, string, string, string][]) {
  const rows = requests.map(([at, account, app, creator]) => `${at},${account},app_request,${app},${creator},standard,2000,1000\n`).join("");
  return { card: "appbuilder", anchor: "2026-11-01", terms, usage: `timestamp,account,meter,app,creator,tier,input_tokens,output_tokens\n${rows}` };
}

const CUSTOMERS = "accounts:\n  bob: { plan: pro }\n  cleo: { plan: pro }\n";
const accounts = (stdout: string) => (JSON.parse(stdout).accounts as { account: string; cycles: { money: { total: string } }[] }[]).map((a) => [a.account, a.cycles.map((c) => c.money.total)]);

const idle = (name: string, usd: string) =>
  `burnrate: note: the account file's own account "${name}" (its account:) has no usage, beside 2 usage accounts: billed with nothing used (${usd} USD over 1 cycle) in the totals; where the top level is only the terms of the accounts the file does not name, leave account: out, and no account of its own is billed\n`;

describe("an account file of customers and the file's own account (newcomer60 M3)", () => {
  it("writes no account: of its own: no default account is billed, only the customers, 9 USD each", async () => {
    const run = await statement(`plan: pro\n${CUSTOMERS}`);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(accounts(run.stdout)).toEqual([
      ["bob", ["9"]],
      ["cleo", ["9"]],
    ]);
  });

  it("the table's totals hold the two customers' 18 USD, not a third plan's 27", async () => {
    const run = await statement(`plan: pro\n${CUSTOMERS}`, "table");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("all 2 accounts");
    expect(run.stdout).toMatch(/ 2 +0\.10 +0\.00 +18\.00\n/);
  });

  it("names itself with account: and is billed its plan with nothing used: said, with what it costs", async () => {
    const run = await statement(`account: reseller\nplan: pro\n${CUSTOMERS}`);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(idle("reseller", "9.00"));
    expect(accounts(run.stdout)).toEqual([
      ["bob", ["9"]],
      ["cleo", ["9"]],
      ["reseller", ["9"]],
    ]);
  });

  it("is not told where it bought credits of its own (a prepaid customer), nor where its plan costs nothing", async () => {
    const prepaid = await statement(`account: reseller\nplan: pro\n${CUSTOMERS}grants:\n  - { kind: topup, amount: 100, at: "2026-09-01T00:00:00Z", account: reseller }\n`);
    expect([prepaid.code, prepaid.stderr]).toEqual([0, ""]);
    // 9 USD and 100 credits at Fliplet's 0.01 USD.
    expect(accounts(prepaid.stdout)).toContainEqual(["reseller", ["10"]]);
    const free = await statement(`account: reseller\nplan: free\n${CUSTOMERS}`);
    expect([free.code, free.stderr]).toEqual([0, ""]);
    expect(accounts(free.stdout)).toContainEqual(["reseller", ["0"]]);
  });

  it("is not told where its rows are in the log", async () => {
    const run = await statement(`account: bob\nplan: pro\naccounts:\n  cleo: { plan: pro }\n`);
    expect([run.code, run.stderr]).toEqual([0, ""]);
  });

  it("a file without account: and a log of no account column still bills default, whose rows they are", async () => {
    const run = await replay({ card: "fliplet", anchor: "2026-09-01", terms: `plan: pro\n`, usage: "timestamp,meter,quantity,project\n2026-09-02T10:00:00Z,data_write,1,p1\n" });
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(accounts(run.stdout)).toEqual([["default", ["9"]]]);
  });

  // red61's findings on the change above.
  it("F1: a change the top level writes without account: bills no default account, and is said to change no one's terms", async () => {
    const run = await statement(`plan: pro\n${CUSTOMERS}changes:\n  - { at: "2026-09-15T00:00:00Z", plan: free }\n`);
    expect(run.code).toBe(0);
    expect(accounts(run.stdout)).toEqual([
      ["bob", ["9"]],
      ["cleo", ["9"]],
    ]);
    expect(run.stderr).toMatch(/^burnrate: note: a change \(.*account\.yaml:9:5\) is "default"'s \(its account: or, left out, that of an account file that writes no account: of its own\), which no row is: it changes no account's terms; write account: NAME in each change for a customer's, or its terms under accounts:\n$/);
  });

  it("F1: the same change where rows are default's (a log of no account column) is theirs, as before: Pro's 9 USD, then Free", async () => {
    const run = await replay({ card: "fliplet", anchor: "2026-09-01", terms: `plan: pro\nchanges:\n  - { at: "2026-10-01T00:00:00Z", plan: free }\n`, usage: "timestamp,meter,quantity,project\n2026-09-02T10:00:00Z,data_write,1,p1\n2026-10-02T10:00:00Z,data_write,1,p1\n" });
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(accounts(run.stdout)).toEqual([["default", ["9", "0"]]]);
  });

  it("F2: a reward's creator named default, in a file that writes no account:, is shown its rewards on no plan", async () => {
    const dir = mkdtempSync(join(tmpdir(), "own61-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/appbuilder.yaml")}\nplan: standard\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  bob: {}\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,account,meter,app,creator,quantity\n2026-11-02T00:00:00Z,bob,web_extraction,recipes,default,5\n");
    const run = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json"]);
    expect(run.code, run.stderr).toBe(0);
    const listed = JSON.parse(run.stdout).accounts as { account: string; rewards_only?: boolean; cycles: { money: { total: string } }[] }[];
    // bob pays Standard's 20 USD; default, a creator only, no subscription.
    expect(listed.map((a) => [a.account, a.rewards_only === true, a.cycles[0]!.money.total])).toEqual([
      ["bob", false, "20"],
      ["default", true, "0"],
    ]);
  });

  it("F3: a grant written without account: is default's, billed beside the customers, and noted", async () => {
    const run = await statement(`plan: pro\n${CUSTOMERS}grants:\n  - { kind: topup, amount: 500, at: "2026-09-01T00:00:00Z" }\n`);
    expect(run.code).toBe(0);
    // Pro's 9 USD and 500 credits at 0.01 USD.
    expect(accounts(run.stdout)).toContainEqual(["default", ["14"]]);
    expect(run.stderr).toContain('burnrate: note: a grant is for account "default" (');
  });

  it("F5: with --cycle the note counts the cycles shown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "own61-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nanchor: 2026-09-01\ntimezone: UTC\naccount: reseller\nplan: pro\n${CUSTOMERS}`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,account,meter,quantity,project\n2026-09-02T10:00:00Z,bob,data_write,1,p1\n2026-10-03T10:00:00Z,cleo,data_write,1,p1\n");
    const args = ["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json"];
    const whole = await burnrate(args);
    expect(whole.stderr).toContain("(18.00 USD over 2 cycles)");
    const october = await burnrate([...args, "--cycle", "2026-10"]);
    expect(october.code).toBe(0);
    expect(october.stderr).toContain("beside 2 usage accounts: billed with nothing used (9.00 USD over 1 cycle)");
  });

  it("F6: a grant given free (not bought) does not make the own account a customer: still noted", async () => {
    const run = await statement(`account: reseller\nplan: pro\n${CUSTOMERS}grants:\n  - { kind: included, amount: 1, at: "2026-09-01T00:00:00Z", account: reseller }\n`);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(idle("reseller", "9.00"));
  });

  it("F8: a usage account written as default but for case is not advised onto the default no one names", async () => {
    const run = await replay({ card: "fliplet", anchor: "2026-09-01", terms: `plan: pro\naccounts:\n  bob: { plan: pro }\n`, usage: "timestamp,account,meter,quantity,project\n2026-09-02T10:00:00Z,bob,data_write,1,p1\n2026-09-02T11:00:00Z,Default,data_write,1,p1\n" });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('burnrate: note: usage account "Default" is not named in the account file: billed on its top-level terms (plan pro); name it under accounts: for terms of its own, or write unnamed_accounts: top_level in the file where that is meant\n');
  });

  // red61b's findings on the rule above.
  it("red61b F1: default's storage row, whose level the next cycle bills, keeps default listed: 9 USD beside bob's 9", async () => {
    const run = await replay({ card: "fliplet", anchor: "2026-11-01", terms: `plan: pro\n`, usage: "timestamp,account,meter,quantity,project\n2026-11-02T10:00:00Z,bob,data_write,1,p1\n2026-11-15T10:00:00Z,default,storage_added,10,p9\n" });
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(accounts(run.stdout)).toEqual([
      ["bob", ["9"]],
      ["default", ["9"]],
    ]);
  });

  it("red61b F2: a recurring top-up of the top level is not default's purchase: a change without account: bills no default", async () => {
    // bob and cleo each: Pro's 9 USD and 50 recurring top-up credits at 0.01 USD a cycle, two cycles.
    const run = await replay({ card: "fliplet", anchor: "2026-11-01", terms: `plan: pro\nrecurring_grants:\n  - { kind: topup, amount: 50 }\nchanges:\n  - { at: "2026-11-15T00:00:00Z", plan: free }\n`, usage: "timestamp,account,meter,quantity,project\n2026-11-02T10:00:00Z,bob,data_write,1,p1\n2026-12-03T10:00:00Z,cleo,data_write,1,p1\n" });
    expect(run.code).toBe(0);
    expect(accounts(run.stdout)).toEqual([
      ["bob", ["9.5", "9.5"]],
      ["cleo", ["9.5", "9.5"]],
    ]);
  });

  it("a row of default's priced on the known path, its run made by a change before it, keeps default listed", async () => {
    // bob's row of the 16th applies the change, which makes default's run; default's row of the 20th, of the shape bob's
    // rows showed, takes the known path, which price() never sees.
    const run = await replay({
      card: "fliplet",
      anchor: "2026-11-01",
      terms: `plan: pro\nchanges:\n  - { at: "2026-11-15T00:00:00Z", plan: free }\n`,
      usage: "timestamp,account,meter,quantity,project\n2026-11-02T10:00:00Z,bob,data_write,1,p1\n2026-11-16T10:00:00Z,bob,data_write,1,p1\n2026-11-20T10:00:00Z,default,data_write,1,p1\n",
    });
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const listed = JSON.parse(run.stdout).accounts as { account: string; cycles: { lines: { meter: string; quantity: string }[] }[] }[];
    expect(listed.map((a) => [a.account, a.cycles[0]!.lines.map((l) => `${l.meter} ${l.quantity}`)])).toEqual([
      ["bob", ["data_write 2"]],
      ["default", ["data_write 1"]],
    ]);
  });

  it("red61b F3: creators the file does not name, under top-level recurring grants, are creators only, billed nothing", async () => {
    // bob pays Standard's 20 USD; default and zed, creators of the apps bob used, have no row, no purchase of their own.
    const run = await replay(appRequests("plan: standard\nrecurring_grants:\n  - { kind: pack, amount: 100 }\naccounts:\n  bob: {}\n", [
      ["2026-11-02T09:00:00Z", "bob", "recipes", "default"],
      ["2026-11-02T10:00:00Z", "bob", "quiz", "zed"],
    ]));
    expect(run.code, run.stderr).toBe(0);
    const listed = JSON.parse(run.stdout).accounts as { account: string; rewards_only?: boolean; cycles: { money: { plan: string }; grants: unknown[] }[] }[];
    expect(listed.map((a) => [a.account, a.rewards_only === true, a.cycles[0]!.money.plan, a.cycles[0]!.grants.length > 0])).toEqual([
      ["bob", false, "20", true],
      ["default", true, "0", false],
      ["zed", true, "0", false],
    ]);
  });

  // red61b F4: the ledger lists the accounts the statement lists, default's entries among them only where it is listed.
  describe("the ledger's accounts are the statement's", () => {
    async function both(given: { card: string; anchor: string; terms: string; usage: string }) {
      const dir = mkdtempSync(join(tmpdir(), "own61-"));
      writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, `ratecards/${given.card}.yaml`)}\nanchor: ${given.anchor}\ntimezone: UTC\n${given.terms}`);
      writeFileSync(join(dir, "usage.csv"), given.usage);
      const args = ["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")];
      const statement = await burnrate([...args, "--format", "json"]);
      const ledger = await burnrate([...args, "--ledger", "--format", "csv"]);
      expect([statement.code, ledger.code], ledger.stderr).toEqual([0, 0]);
      const listed = (JSON.parse(statement.stdout).accounts as { account: string }[]).map((a) => a.account);
      const rows = ledger.stdout.trim().split("\n").slice(1).map((l) => l.split(","));
      return { listed, ledgerAccounts: [...new Set(rows.map((r) => r[1]))].sort(), rows };
    }

    it("a change without account: makes no default in the ledger either", async () => {
      const run = await both({ card: "fliplet", anchor: "2026-11-01", terms: `plan: pro\nchanges:\n  - { at: "2026-11-15T00:00:00Z", plan: free }\n`, usage: "timestamp,account,meter,quantity,project\n2026-11-02T10:00:00Z,bob,data_write,1,p1\n2026-12-03T10:00:00Z,cleo,data_write,1,p1\n" });
      expect(run.listed).toEqual(["bob", "cleo"]);
      expect(run.ledgerAccounts).toEqual(["bob", "cleo"]);
    });

    it("default's row late in the log keeps its earlier entries, in its own order: Pro's 1,000 credits, then the Free plan's", async () => {
      // Fliplet Pro grants 1,000 credits a cycle; the change to Free on the 15th is default's as well, and its row of
      // December is priced on Free, whose allowance is 100 (ratecards/fliplet.yaml).
      const run = await both({ card: "fliplet", anchor: "2026-11-01", terms: `plan: pro\nchanges:\n  - { at: "2026-11-15T00:00:00Z", plan: free }\n`, usage: "timestamp,account,meter,quantity,project\n2026-11-02T10:00:00Z,bob,data_write,1,p1\n2026-12-03T10:00:00Z,default,data_write,1,p1\n" });
      expect(run.listed).toEqual(["bob", "default"]);
      expect(run.ledgerAccounts).toEqual(["bob", "default"]);
      const own = run.rows.filter((r) => r[1] === "default").map((r) => `${r[0]} ${r[2]} ${r[7]}`);
      // Fliplet's data_write is 0.05 credits a row.
      expect(own).toEqual(["2026-11-01T00:00:00Z allowance 1000", "2026-12-01T00:00:00Z expiry -1000", "2026-12-01T00:00:00Z allowance 100", "2026-12-03T10:00:00Z charge -0.05"]);
    });

    it("default alone, with no row at all, is listed in both", async () => {
      const run = await both({ card: "fliplet", anchor: "2026-11-01", terms: "plan: pro\n", usage: "timestamp,meter,quantity,project\n" });
      expect(run.listed).toEqual(["default"]);
      expect(run.ledgerAccounts).toEqual(["default"]);
    });

    it("default's bought credits list it in both", async () => {
      const run = await both({ card: "fliplet", anchor: "2026-11-01", terms: `plan: pro\ngrants:\n  - { kind: topup, amount: 500, at: "2026-11-01T00:00:00Z" }\n${CUSTOMERS}`, usage: "timestamp,account,meter,quantity,project\n2026-11-02T10:00:00Z,bob,data_write,1,p1\n" });
      expect(run.listed).toEqual(["bob", "cleo", "default"]);
      expect(run.ledgerAccounts).toEqual(["bob", "cleo", "default"]);
    });

    it("red62b F7: creators shown their rewards only have no plan entries in the ledger; one with a row of its own has", async () => {
      // On the app builder's card, bob's requests earn zed and default, creators the file does not name, their rewards:
      // neither is on a plan. cleo, also a creator, made a request of her own: a customer, her plan's allowance listed.
      const run = await both(appRequests("plan: standard\naccounts:\n  bob: {}\n", [
        ["2026-11-02T09:00:00Z", "bob", "recipes", "zed"],
        ["2026-11-02T10:00:00Z", "bob", "quiz", "default"],
        ["2026-11-02T11:00:00Z", "bob", "maps", "cleo"],
        ["2026-11-03T09:00:00Z", "cleo", "notes", "bob"],
      ]));
      expect(run.listed).toEqual(["bob", "cleo", "default", "zed"]);
      expect(run.ledgerAccounts).toEqual(["bob", "cleo"]);
    });
  });
});
