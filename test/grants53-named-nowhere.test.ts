import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer52: a top-up written for `zzqq`, a name found nowhere else (no usage, no entry, not a typo of either),
// made a customer billed Pro's 9 USD with nothing used, and nothing was said. A prepaid customer with no usage
// yet is one such account, so it is a note: the statement and exit code stay as they were.
const USAGE = "timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,1,p1,acme\n";

async function statement(grants: string) {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-grants53-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  beta: { plan: pro, allowance: 50 }\ngrants:\n${grants}`);
  writeFileSync(join(dir, "usage.csv"), USAGE);
  return burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
}

describe("a grant to an account named nowhere else", () => {
  it("is told in a note, at the grant, with the plan it is billed on", async () => {
    const r = await statement('  - { kind: topup, amount: 100, at: "2026-11-03T00:00:00Z", account: zzqq }\n');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('burnrate: note: a grant is for account "zzqq" (account.yaml:9:5), which has no usage and is named nowhere else in the account file: billed on the top-level terms (plan pro) with nothing used; name it under accounts: if it is a customer of its own, or correct the name\n');
    // The statement is as before: zzqq's cycle, on Pro, with its top-up and no line.
    const zzqq = JSON.parse(r.stdout).accounts.find((a: { account: string }) => a.account === "zzqq");
    expect([zzqq.plan, zzqq.cycles[0].lines.length]).toEqual(["pro", 0]);
  });

  it("is not told for the file's own account, an entry of accounts:, or a typo already warned of", async () => {
    const r = await statement('  - { kind: topup, amount: 100, at: "2026-11-03T00:00:00Z", account: acme }\n  - { kind: topup, amount: 100, at: "2026-11-03T00:00:00Z", account: beta }\n');
    expect([r.code, r.stderr]).toEqual([0, ""]);
    // bета is one typo from beta: warned of as a lookalike (grant), and not noted again.
    const typo = await statement('  - { kind: topup, amount: 100, at: "2026-11-03T00:00:00Z", account: betta }\n');
    expect(typo.stderr).toContain('"betta"');
    expect(typo.stderr).not.toContain("named nowhere else");
  });

  it("names five and counts the rest", async () => {
    const grants = Array.from({ length: 7 }, (_, i) => `  - { kind: topup, amount: 100, at: "2026-11-03T00:00:00Z", account: prepaid${i} }\n`).join("");
    const r = await statement(grants);
    expect(r.stderr).toBe('burnrate: note: grants are for 7 accounts, "prepaid0" (account.yaml:9:5), "prepaid1" (account.yaml:10:5), "prepaid2" (account.yaml:11:5), "prepaid3" (account.yaml:12:5), "prepaid4" (account.yaml:13:5) and 2 more, which have no usage and are named nowhere else in the account file: billed on the top-level terms (plan pro) with nothing used; name each under accounts: if they are customers of their own, or correct the name\n');
  });
});
