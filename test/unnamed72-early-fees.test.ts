import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { quillCard } from "./helpers/cards.js";

// newcomer72a M6: one row of a customer the account file does not name, on 21 October, billed growth's 99 for
// September, October and November (297), on a note that said only "billed on its top-level terms". It now says which
// cycles come before the account's first usage.
function folder(usage: string): string {
  const dir = mkdtempSync(join(tmpdir(), "unnamed72-"));
  writeFileSync(join(dir, "card.yaml"), quillCard());
  writeFileSync(join(dir, "account.yaml"), "card: card.yaml\naccount: acme\nplan: growth\nanchor: 2026-09-01\ntimezone: UTC\naccounts:\n  dune: { plan: starter }\n  erin: { plan: starter }\n");
  writeFileSync(join(dir, "usage.csv"), usage);
  return dir;
}

const statement = (dir: string) => burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });

describe("a usage account the file does not name, billed before its first usage (newcomer72a M6)", () => {
  it("says hive is billed 1 cycle before its first usage, and its three fees are 3 x 99", async () => {
    const r = await statement(folder("timestamp,account,meter,quantity\n2026-09-05T10:00:00Z,acme,job,1\n2026-11-20T10:00:00Z,acme,job,1\n2026-10-21T10:00:00Z,hive,job,5\n"));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('burnrate: note: usage account "hive" is not named in the account file: billed on its top-level terms (plan growth), from the file\'s first cycle: "hive" 1 cycle before its first usage, from 2026-09-01T00:00:00Z; name it under accounts:');
    const hive = JSON.parse(r.stdout).accounts.find((a: { account: string }) => a.account === "hive");
    expect(hive.cycles.map((c: { money: { plan: string } }) => c.money.plan)).toEqual(["99", "99", "99"]);
  });

  it("says nothing more where the account's usage starts in the file's first cycle", async () => {
    const r = await statement(folder("timestamp,account,meter,quantity\n2026-09-05T10:00:00Z,hive,job,1\n"));
    expect(r.stderr).toContain('usage account "hive" is not named in the account file: billed on its top-level terms (plan growth); name it');
  });
});
