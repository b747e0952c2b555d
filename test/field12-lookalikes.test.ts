import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Floopy prices a gpt-4o request on OpenAI at 0.00025 cents an input token and 0.001 an
// output token: 1,000 in and 200 out are 0.25 + 0.2 = 0.45 cents. Its balance is purchased:
// an account without a purchase has nothing to pay with, and the request is refused.
function inputs(accountFile: string, usageAccount: string): { account: string; usage: string } {
  const dir = mkdtempSync(join(tmpdir(), "field12-lookalike-"));
  const account = join(dir, "account.yaml");
  writeFileSync(account, `card: ${join(ROOT, "ratecards/floopy.yaml")}\n${accountFile}`);
  const usage = join(dir, "usage.csv");
  writeFileSync(usage, `timestamp,account,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,${usageAccount},request,gpt-4o,openai,1000,200\n`);
  return { account, usage };
}

interface Statement {
  accounts: { account: string; cycles: { total: string; rejected: { events: number }[] }[] }[];
}

const summary = (stdout: string) => (JSON.parse(stdout) as Statement).accounts.map((a) => [a.account, a.cycles[0]!.total, a.cycles[0]!.rejected.length]);

// The file's own account, acme, has no usage beside the usage's accounts and is billed Pro's fee alone: said on stderr (newcomer60 M3).
const acmeIdle = (usageAccounts: number, usd: string) =>
  `burnrate: note: the account file's own account "acme" (its account:) has no usage, beside ${usageAccounts} usage account${usageAccounts === 1 ? "" : "s"}: billed with nothing used (${usd} USD over 1 cycle) in the totals; where the top level is only the terms of the accounts the file does not name, leave account: out, and no account of its own is billed\n`;

describe("a usage account that is the file's own account but for case (field12)", () => {
  it("is warned of even when the file names no other account: its rows miss the account's purchase", async () => {
    const file = 'account: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 100, at: "2026-11-01T00:00:00Z" }\n';
    const { account, usage } = inputs(file, "ACME");
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--format", "json"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(
      'burnrate: warning: usage account "ACME" is not named in the account file, so it is billed on the top-level terms (plan pro); did you mean "acme"? If so, map it, dimension_values: { account: { "ACME": "acme" } } in the usage mapping (--map value:account:acme=ACME); if it is a customer of its own, add it under accounts:\n',
    );
    // As documented, the report is unchanged: ACME's request is refused, acme's 100 cents unspent.
    expect(summary(out.stdout)).toEqual([
      ["ACME", "0", 1],
      ["acme", "0", 0],
    ]);
  });

  it("is priced as the account it names, without a warning, when written alike", async () => {
    const file = 'account: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 100, at: "2026-11-01T00:00:00Z" }\n';
    const { account, usage } = inputs(file, "acme");
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--format", "json"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe("");
    expect(summary(out.stdout)).toEqual([["acme", "0.45", 0]]);
  });
});

describe("a usage account written in another Unicode form than the account file's (field12)", () => {
  it("is warned of, saying the letters are the same but composed otherwise", async () => {
    const composed = "Zo\u00eb Caf\u00e9"; // NFC, as the account file has it
    const decomposed = "Zoe\u0308 Cafe\u0301"; // NFD, as the export has it
    const file = `account: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  "${composed}": { plan: enterprise }\ngrants:\n  - { kind: purchase, amount: 100, at: "2026-11-01T00:00:00Z", account: "${composed}" }\n`;
    const { account, usage } = inputs(file, decomposed);
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--format", "json"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(
      `burnrate: warning: usage account "${decomposed}" is not named in the account file, so it is billed on the top-level terms (plan pro); did you mean "${composed}", the same letters in another Unicode normalization form? If so, map it, dimension_values: { account: { "${decomposed}": "${composed}" } } in the usage mapping; if it is a customer of its own, add it under accounts:\n` + acmeIdle(1, "20.00"),
    );
  });
});

describe("a grant whose account the file does not name but names one a typo away (field12)", () => {
  const file = (grantAccount: string) =>
    // After the card: line, the grant is line 9.
    `account: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  bolt: { plan: free }\ngrants:\n  - { kind: purchase, amount: 100, at: "2026-11-01T00:00:00Z", account: ${grantAccount} }\n`;

  it("is warned of at the grant's entry: bolt's request goes unpaid while blot holds the purchase", async () => {
    const { account, usage } = inputs(file("blot"), "bolt");
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--format", "json"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(
      `burnrate: warning: account "blot" of the grant at ${account}:9:5 is not named in the account file, so it is an account of its own on the top-level terms (plan pro); did you mean "bolt"? Rename it in the grant, or add it under accounts:\n` + acmeIdle(1, "20.00"),
    );
    expect(summary(out.stdout)).toEqual([
      ["acme", "0", 0],
      ["blot", "0", 0],
      ["bolt", "0", 1],
    ]);
  });

  it("warns of no grant to an account of the usage that names no account's near miss, and notes the account unnamed", async () => {
    const { account, usage } = inputs(file("cove"), "cove");
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--format", "json"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('burnrate: note: usage account "cove" is not named in the account file: billed on its top-level terms (plan pro); name it under accounts: for terms of its own, or write unnamed_accounts: top_level in the file where that is meant\n' + acmeIdle(1, "20.00"));
    // cove, unnamed, is on the top level's pro and pays its 0.45 cents from its purchase.
    expect(summary(out.stdout)).toContainEqual(["cove", "0.45", 0]);
  });

  it("warns of no grant to a customer numbered one digit from a named one where it has usage of its own (newcomer51 #6)", async () => {
    const numbered = (grantAccount: string) => `account: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\nunnamed_accounts: top_level\naccounts:\n  cust-00112: { plan: free }\ngrants:\n  - { kind: purchase, amount: 100, at: "2026-11-01T00:00:00Z", account: ${grantAccount} }\n`;
    const own = inputs(numbered("cust-00212"), "cust-00212");
    const quiet = await burnrate(["statement", "--account", own.account, "--usage", own.usage, "--format", "json"]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe(acmeIdle(1, "20.00"));
    expect(summary(quiet.stdout)).toContainEqual(["cust-00212", "0.45", 0]);
    // Without usage of its own, the grant's account is still the likelier slip for the named one.
    const slip = inputs(numbered("cust-00212"), "cust-00112");
    const warned = await burnrate(["statement", "--account", slip.account, "--usage", slip.usage, "--format", "json"]);
    expect(warned.stderr, warned.stderr).toContain('account "cust-00212" of the grant at');
    expect(warned.stderr).toContain('did you mean "cust-00112"?');
  });
});
