import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer59 M1: `globx: { plan: ... }` under accounts:, a typo of the usage's and a grant's `globex`. The only warning
// said to rename the grant, which would move the top-up to the account of no usage; nothing was said of the usage.
function run(grantAccount: string) {
  const dir = mkdtempSync(join(tmpdir(), "newcomer59-entry-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: northwind\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: topup, amount: 500, at: "2026-11-02T00:00:00Z", account: ${grantAccount} }\naccounts:\n  globx: { plan: free }\n`);
  writeFileSync(join(dir, "u.csv"), "timestamp,account,meter,quantity,project\n2026-11-03T10:00:00Z,globex,data_read,100,alpha\n2026-11-03T11:00:00Z,northwind,data_read,100,alpha\n");
  return { dir, r: burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "u.csv"), "--format", "json"]) };
}

describe("an accounts: entry one typo from an account the usage and a grant both name", () => {
  it("is told as the entry's typo, not the grant's", async () => {
    const { dir, r } = run("globex");
    const { code, stderr } = await r;
    expect(code).toBe(0);
    expect(stderr).toBe(`burnrate: warning: account "globex", which the usage bills and the grant at ${join(dir, "account.yaml")}:7:5 names, is not named in the account file, so it is billed on the top-level terms (plan pro), and "globx" under accounts:, which has no usage, its plan alone; did you mean "globex" there? Rename the entry under accounts:\n`);
  });

  it("a grant's account of no usage, one typo from an entry, is still the grant's typo", async () => {
    const { r } = run("globxe");
    const { stderr } = await r;
    expect(stderr).toContain('account "globxe" of the grant at');
    expect(stderr).toContain('did you mean "globx"? Rename it in the grant, or add it under accounts:');
  });
});
