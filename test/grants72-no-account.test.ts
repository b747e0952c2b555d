import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { quillCard } from "./helpers/cards.js";

// newcomer72a H3: in a file of many accounts, dune's pack written without `account: dune` was acme's: acme billed a
// 1,500-credit pack it never bought (+18.00 at 0.012), dune's usage refused, exit 0, no word. A job costs 1 credit;
// growth includes 2,000 credits for 99 USD; a pack's credits sell at 0.012 USD each.
const CARD = quillCard({ kinds: ["pack: { priority: 2, expires: { after_months: 1 }, counts_toward_allowance: false }"], plans: ["growth: { label: Growth, included: 2000, price: 99 }"] });

// dune runs 3,000 jobs on 10 October: 2,000 from its allowance, 1,000 more from the pack it bought.
const USAGE = "timestamp,account,meter,quantity\n2026-10-06T10:00:00Z,acme,job,10\n2026-10-10T10:00:00Z,dune,job,2000\n2026-10-10T11:00:00Z,dune,job,1000\n";

function files(grants: string, rest = "accounts:\n  dune: { plan: growth }\n  erin: { plan: growth }\n"): string {
  const dir = mkdtempSync(join(tmpdir(), "grants72-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "account.yaml"), `card: card.yaml\naccount: acme\nplan: growth\nanchor: 2026-10-01\ngrants:\n${grants}${rest}`);
  writeFileSync(join(dir, "usage.csv"), USAGE);
  return dir;
}

async function statement(dir: string, more: string[] = []) {
  return burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", ...more], { cwd: dir });
}

const money = (out: string, name: string) => JSON.parse(out).accounts.find((a: { account: string }) => a.account === name).cycles[0].money.total;

describe("a grant without account: in a file of many accounts", () => {
  const PACK = "  - { kind: pack, amount: 1500, at: 2026-10-05T09:00:00Z }\n";

  it("goes to the file's own account as before (acme 99 + 1,500 x 0.012 = 117), with a warning at its entry naming acme and the fix", async () => {
    const r = await statement(files(PACK));
    expect(r.code).toBe(0);
    const warning = "account.yaml:6:5: a grant without account: goes to the file's own account, \"acme\", in a file that names accounts under accounts:; write account: acme to say so, or the account meant (\"dune\", \"erin\")";
    expect(r.stderr).toBe(`burnrate: warning: ${warning}\n`);
    expect(JSON.parse(r.stdout).warnings).toEqual([warning]);
    // dune's 1,000 jobs past its 2,000 credits are refused, as the newcomer found.
    expect([money(r.stdout, "acme"), money(r.stdout, "dune")]).toEqual(["117", "99"]);
    // Silent where each grant says whose: acme 99 + 100 x 0.012 = 100.20, dune 99 + 18 = 117, its 3,000 jobs served.
    const said = await statement(files("  - { kind: pack, amount: 1500, at: 2026-10-05T09:00:00Z, account: dune }\n  - { kind: pack, amount: 100, at: 2026-10-05T09:00:00Z, account: acme }\n"));
    expect([said.code, said.stderr]).toEqual([0, ""]);
    const dune = JSON.parse(said.stdout).accounts.find((a: { account: string }) => a.account === "dune").cycles[0];
    expect([money(said.stdout, "acme"), dune.money.total, dune.total, dune.rejected]).toEqual(["100.2", "117", "3000", []]);
  });

  it("fails --strict (exit 1)", async () => {
    const r = await statement(files(PACK), ["--strict"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("statement gave 1 warning(s) (--strict)");
  });

  it("is one warning for many: the first at its place, the next two by line, the rest counted", async () => {
    const five = [6, 7, 8, 9, 10].map((day) => `  - { kind: pack, amount: 10, at: 2026-10-${String(day).padStart(2, "0")}T09:00:00Z }\n`).join("");
    const r = await statement(files(five));
    expect(r.stderr).toBe("burnrate: warning: account.yaml:6:5: 5 grants without account: (also 7:5, 8:5, and 2 more) go to the file's own account, \"acme\", in a file that names accounts under accounts:; write account: acme to say so, or the account meant (\"dune\", \"erin\")\n");
    // A file that names no accounts under accounts: stays as it was: its grants are its own account's as written.
    const own = await statement(files(five, ""));
    expect([own.code, own.stderr]).toEqual([0, expect.not.stringContaining("without account:")]);
  });
});

describe("a top-level change without account: beside changes that name other accounts", () => {
  it("is warned of as a grant is: the list is of many accounts' changes", async () => {
    const rest = "changes:\n  - { at: 2026-10-10, overage: true, account: dune }\n  - { at: 2026-10-12, overage: true }\naccounts:\n  dune: { plan: growth }\n";
    const r = await statement(files("  - { kind: pack, amount: 10, at: 2026-10-05T09:00:00Z, account: dune }\n", rest));
    expect(r.stderr).toContain("burnrate: warning: account.yaml:9:5: a change without account: goes to the file's own account, \"acme\", in a file that names accounts under accounts:; write account: acme to say so, or the account meant (\"dune\")\n");
    // Not where the top level's changes are all its own, beside its plan: (each entry has its own changes:).
    const own = "changes:\n  - { at: 2026-10-12, allowance: 2500 }\naccounts:\n  dune: { plan: growth }\n";
    const silent = await statement(files("  - { kind: pack, amount: 10, at: 2026-10-05T09:00:00Z, account: dune }\n", own));
    expect([silent.code, silent.stderr]).toEqual([0, ""]);
  });
});
