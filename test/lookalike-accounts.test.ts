import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// An export that writes a customer's name with a capital letter: the account file names
// `gamma` (on free), so `Gamma`'s rows are an unnamed account's, billed on the top level's pro.
function inputs(usageAccounts: readonly string[]): { account: string; usage: string } {
  const dir = mkdtempSync(join(tmpdir(), "lookalike-"));
  const account = join(dir, "account.yaml");
  writeFileSync(account, `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-09-01\ntimezone: UTC\naccounts:\n  gamma: { plan: free }\n  acme_corp: { plan: free }\n`);
  const usage = join(dir, "usage.csv");
  writeFileSync(usage, ["timestamp,meter,quantity,project,account", ...usageAccounts.map((a, i) => `2026-09-02T1${i}:00:00Z,data_write,1,p1,${a}`), ""].join("\n"));
  return { account, usage };
}

describe("a usage account written as a named one but for case or separators", () => {
  it("is billed on the top-level terms, as documented, with a warning naming the account it looks like", async () => {
    const { account, usage } = inputs(["gamma", "Gamma", "Acme-Corp"]);
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--format", "json"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(
      // In the statement's order of accounts.
      'burnrate: warning: usage account "Acme-Corp" is not named in the account file, so it is billed on the top-level terms (plan pro); did you mean "acme_corp"? If so, map it, dimension_values: { account: { "Acme-Corp": "acme_corp" } } in the usage mapping (--map value:account:acme_corp=Acme-Corp); if it is a customer of its own, add it under accounts:\n' +
        'burnrate: warning: usage account "Gamma" is not named in the account file, so it is billed on the top-level terms (plan pro); did you mean "gamma"? If so, map it, dimension_values: { account: { "Gamma": "gamma" } } in the usage mapping (--map value:account:gamma=Gamma); if it is a customer of its own, add it under accounts:\n',
    );
    const plans = (JSON.parse(out.stdout) as { accounts: { account: string; plan: string }[] }).accounts.map((a) => [a.account, a.plan]);
    expect(plans).toContainEqual(["Gamma", "pro"]);
    expect(plans).toContainEqual(["gamma", "free"]);
  });

  it("warns of a name one typo from a named one, where both are words (gama, acme_crop), not where a digit differs", async () => {
    const { account, usage } = inputs(["gamma", "gama", "acme_crop", "gam"]);
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--format", "json"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(
      'burnrate: warning: usage account "acme_crop" is not named in the account file, so it is billed on the top-level terms (plan pro); did you mean "acme_corp"? If so, map it, dimension_values: { account: { "acme_crop": "acme_corp" } } in the usage mapping (--map value:account:acme_corp=acme_crop); if it is a customer of its own, add it under accounts:\n' +
        'burnrate: warning: usage account "gama" is not named in the account file, so it is billed on the top-level terms (plan pro); did you mean "gamma"? If so, map it, dimension_values: { account: { "gama": "gamma" } } in the usage mapping (--map value:account:gamma=gama); if it is a customer of its own, add it under accounts:\n' +
        // gam, too short for a typo to count, is an account of its own: noted as every unnamed account of a file that names accounts is (stop 44).
        'burnrate: note: usage account "gam" is not named in the account file: billed on its top-level terms (plan pro); name it under accounts: for terms of its own, or write unnamed_accounts: top_level in the file where that is meant\n',
    );
  });

  it("warns of no lookalike for an unnamed account that is not one (gamma2 beside a named gamma is its own), and notes it unnamed", async () => {
    const { account, usage } = inputs(["gamma", "gamma2", "delta"]);
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--format", "json"]);
    expect(out.code).toBe(0);
    // In the statement's order of accounts (by name).
    expect(out.stderr).toBe('burnrate: note: 2 usage accounts, "delta", "gamma2", are not named in the account file: billed on its top-level terms (plan pro); name each under accounts: for terms of their own, or write unnamed_accounts: top_level in the file where that is meant\n');
  });

  it("warns of a named account with no usage one character from a usage account, a padding zero dropped (newcomer, stop 48)", async () => {
    // org_024 is named (on free) and has no row; org_0024's rows are billed on the top level's pro.
    const out = await statementOf("account: acme\nplan: pro\naccounts:\n  org_024: { plan: free }\n", ["acme", "org_0024"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('burnrate: warning: usage account "org_0024" is not named in the account file, so it is billed on the top-level terms (plan pro), while the file names "org_024", one character from it, which has no usage and is billed its plan alone; did you mean "org_0024" there? Rename the entry under accounts:, or the account in the usage\n');
  });

  it("warns across case and separators (ORG_77 for org_077), and names the file's own account as such (red48b #7)", async () => {
    const out = await statementOf("account: org_077\nplan: pro\naccounts:\n  beta: { plan: free }\n", ["ORG_77"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('burnrate: warning: usage account "ORG_77" is not named in the account file, so it is billed on the top-level terms (plan pro), while the file names "org_077", one character from it, which has no usage and is billed its plan alone; did you mean "ORG_77" there? Rename the file\'s account:, or the account in the usage\n');
  });

  it("warns once of an idle entry one character from several usage accounts, naming them (red48b #5, newcomer49 F1)", async () => {
    const out = await statementOf("account: acme\nplan: pro\naccounts:\n  acct-100: { plan: free }\n", ["acme", "acct-1000", "acct-1001", "acct-1002", "acct-1003"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(
      'burnrate: warning: the file names "acct-100", which has no usage and is billed its plan alone, one character from 4 usage accounts it does not name ("acct-1000", "acct-1001", "acct-1002" and 1 more), billed on the top-level terms (plan pro); if it is one of them, rename the entry\n' +
        'burnrate: note: 4 usage accounts, "acct-1000", "acct-1001", "acct-1002", "acct-1003", are not named in the account file: billed on its top-level terms (plan pro); name each under accounts: for terms of their own, or write unnamed_accounts: top_level in the file where that is meant\n',
    );
  });

  it("tells ten idle entries near several usage accounts, and counts the rest in one line", async () => {
    // Entries ax01 to lx01, each one character from its own two usage accounts (ax010, ax011) and no other's.
    const letters = "abcdefghijkl".split("");
    const named = letters.map((l) => `  ${l}x01: { plan: free }`).join("\n");
    const usage = letters.flatMap((l) => [`${l}x010`, `${l}x011`]);
    const dir = mkdtempSync(join(tmpdir(), "lookalike-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nanchor: 2026-09-01\ntimezone: UTC\naccount: acme\nplan: pro\nunnamed_accounts: top_level\naccounts:\n${named}\n`);
    writeFileSync(join(dir, "usage.csv"), ["timestamp,meter,quantity,project,account", ...usage.map((a) => `2026-09-02T10:00:00Z,data_write,1,p1,${a}`), ""].join("\n"));
    const out = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json"]);
    expect(out.code).toBe(0);
    const lines = out.stderr.trimEnd().split("\n");
    // The ten entries told, the rest counted, and acme, the file's own account, idle beside them (newcomer60 M3): Pro's 9 USD.
    expect(lines).toHaveLength(12);
    expect(lines[11]).toBe(ownIdle(24, "9.00").trimEnd());
    expect(lines[0]).toBe('burnrate: warning: the file names "ax01", which has no usage and is billed its plan alone, one character from 2 usage accounts it does not name ("ax010", "ax011"), billed on the top-level terms (plan pro); if it is one of them, rename the entry');
    expect(lines[10]).toBe("burnrate: warning: 2 more entries of the account file have no usage and are one character from usage accounts it does not name: each is billed its plan alone, and those accounts on the top-level terms");
  });

  it("warns of none where the named account has usage of its own (acct-100 beside acct-1000), nor where a digit differs", async () => {
    const out = await statementOf("account: acme\nplan: pro\naccounts:\n  acct-100: { plan: free }\n  acct-2001: { plan: free }\n", ["acme", "acct-100", "acct-1000", "acct-2007"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('burnrate: note: 2 usage accounts, "acct-1000", "acct-2007", are not named in the account file: billed on its top-level terms (plan pro); name each under accounts: for terms of their own, or write unnamed_accounts: top_level in the file where that is meant\n');
  });

  it("notes no unnamed account where the file says they are on the top-level terms as meant (unnamed_accounts: top_level, newcomer37 F8)", async () => {
    const out = await statementOf("account: acme\nplan: pro\nunnamed_accounts: top_level\naccounts:\n  beta: { plan: free }\n", ["acme", "newco", "other"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe("");
    const plans = (JSON.parse(out.stdout) as { accounts: { account: string; plan: string }[] }).accounts.map((a) => [a.account, a.plan]);
    expect(plans).toEqual([["acme", "pro"], ["beta", "free"], ["newco", "pro"], ["other", "pro"]]);
  });

  it("refuses the file's own account under accounts:, whose entry the top level replaced without a word (newcomer49 F2)", async () => {
    const out = await statementOf("account: acme\nplan: pro\naccounts:\n  acme: { plan: free }\n", ["acme"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`account.yaml:7:9: accounts: names the file's own account "acme", whose terms are the top level's`);
  });

  it("refuses another value of unnamed_accounts at its line", async () => {
    const out = await statementOf("account: acme\nplan: pro\nunnamed_accounts: quiet\n", ["acme"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`account.yaml:6:19: wrong value (expected one of note, top_level, found "quiet")`);
  });

  it("says an unnamed account takes the top level's recurring grants with its plan (newcomer, stop 44: another customer's subscription)", async () => {
    const out = await statementOf("account: acme\nplan: pro\nrecurring_grants: [{ kind: topup, amount: 100 }]\naccounts:\n  beta: { plan: free }\n", ["newco"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('burnrate: note: usage account "newco" is not named in the account file: billed on its top-level terms (plan pro, with its recurring grants); name it under accounts: for terms of its own, or write unnamed_accounts: top_level in the file where that is meant\n' + ownIdle(1, "10.00"));
  });

  it("notes no unnamed account where the file names none but its own: a log of many accounts on one set of terms", async () => {
    const out = await statementOf("plan: pro\n", ["a1", "a2"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe("");
  });
});

/** A statement of one data_write row an account, on fliplet's card from 2026-09-01, the account file's terms `terms`. */
function statementOf(terms: string, accounts: readonly string[]) {
  const dir = mkdtempSync(join(tmpdir(), "lookalike-"));
  const account = join(dir, "account.yaml");
  writeFileSync(account, `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nanchor: 2026-09-01\ntimezone: UTC\n${terms}`);
  const usage = join(dir, "usage.csv");
  writeFileSync(usage, ["timestamp,meter,quantity,project,account", ...accounts.map((a, i) => `2026-09-02T1${i}:00:00Z,data_write,1,p1,${a}`), ""].join("\n"));
  return burnrate(["statement", "--account", account, "--usage", usage, "--format", "json"]);
}

/** The note for acme, the file's own account, with no usage beside the usage's accounts (newcomer60 M3). */
function ownIdle(usageAccounts: number, usd: string): string {
  return `burnrate: note: the account file's own account "acme" (its account:) has no usage, beside ${usageAccounts} usage account${usageAccounts === 1 ? "" : "s"}: billed with nothing used (${usd} USD over 1 cycle) in the totals; where the top level is only the terms of the accounts the file does not name, leave account: out, and no account of its own is billed\n`;
}
