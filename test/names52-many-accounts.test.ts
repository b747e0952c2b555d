import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAccount } from "../src/account/account.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// A reseller's account file naming every customer (stop 52): 100,000 accounts took over three
// minutes to locate (each entry found by walking the mapping), were refused past 2 MiB, and an
// export writing each name another way warned a line an account.

function folder(): string {
  return mkdtempSync(join(tmpdir(), "names52-"));
}

describe("an account file naming many accounts", () => {
  it("locates each entry's values by its key, the last of 20,000 as the first", () => {
    const entries = Array.from({ length: 20_000 }, (_, i) => `  c${i}: { plan: ${i % 2 === 0 ? "pro" : "free"} }`);
    const text = `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\naccounts:\n${entries.join("\n")}\ngrants:\n  - { kind: topup, amount: 5, at: "2026-11-01T00:00:00Z", account: c7 }\n`;
    const file = parseAccount(text, "accounts.yaml");
    // Entry i is on line 4 + i (`  c0: { plan: pro }`): its value, the brace, after two spaces, the key, a colon and a
    // space; its plan's value eight characters on (`{ plan: `).
    for (const i of [0, 1, 9_999, 19_999]) {
      const key = `c${i}`;
      const brace = 2 + key.length + 2 + 1;
      expect(file.at(["accounts", key])).toEqual({ file: "accounts.yaml", line: 4 + i, column: brace });
      expect(file.at(["accounts", key, "plan"])).toEqual({ file: "accounts.yaml", line: 4 + i, column: brace + 8 });
    }
    // A key the file lacks is placed at the nearest one it has (the accounts: mapping, on line 4); a list's item by its index.
    expect(file.at(["accounts", "c20000", "plan"])).toEqual({ file: "accounts.yaml", line: 4, column: 3 });
    const grant = '  - { kind: topup, amount: 5, at: "2026-11-01T00:00:00Z", account: c7 }';
    expect(file.at(["grants", 0, "account"])).toEqual({ file: "accounts.yaml", line: 20_005, column: grant.indexOf("c7") + 1 });
  });

  it("is read past 2 MiB, as a card is not", async () => {
    const dir = folder();
    // 2.2 MiB of comment lines (the customers' notes), then two accounts on their own plans.
    const notes = Array.from({ length: 24_000 }, (_, i) => `# customer ${i}: ${"n".repeat(80)}`).join("\n");
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n${notes}\naccounts:\n  small: { plan: free }\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,account,meter,quantity,project\n2026-11-02T10:00:00Z,small,project_created,1,p1\n");
    const run = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const accounts = JSON.parse(run.stdout).accounts as { account: string; plan: string }[];
    // The file writes no account: of its own: "default", which no row is, is not listed (newcomer60 M3).
    expect(accounts.map((a) => [a.account, a.plan])).toEqual([
      ["small", "free"],
    ]);
  });

  it("warns of the first 20 usage accounts written another way, and counts the rest in one line", async () => {
    const dir = folder();
    // 25 customers without a digit, named in the file, all written in capitals by the export.
    const names = Array.from({ length: 25 }, (_, i) => `shop${String.fromCharCode(97 + Math.floor(i / 5))}${String.fromCharCode(97 + (i % 5))}`);
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n${names.map((n) => `  ${n}: { plan: pro }`).join("\n")}\n`);
    writeFileSync(join(dir, "usage.csv"), `timestamp,account,meter,quantity,project\n${names.map((n) => `2026-11-02T10:00:00Z,${n.toUpperCase()},project_created,1,p1\n`).join("")}`);
    const run = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const told = names.slice(0, 20).map(
      (n) => `burnrate: warning: usage account "${n.toUpperCase()}" is not named in the account file, so it is billed on the top-level terms (plan pro); did you mean "${n}"? If so, map it, dimension_values: { account: { "${n.toUpperCase()}": "${n}" } } in the usage mapping (--map value:account:${n}=${n.toUpperCase()}); if it is a customer of its own, add it under accounts:\n`,
    );
    const counted = "burnrate: warning: 5 more usage accounts are not named in the account file but are written as names it has but for case, spaces, separators or a character: each is billed on the top-level terms (plan pro), and the name it resembles its plan alone where it has no usage; map them onto the file's names under dimension_values: { account: ... } in the usage mapping, or write the names one way in the usage and the file\n";
    expect(run.stderr).toBe(told.join("") + counted);
  });

  it("counts each kind of lookalike in words of its own: grants' accounts, and pairs of usage accounts the file names neither of", async () => {
    const dir = folder();
    // 22 purchases for CUST1 to CUST22 beside named cust1 to cust22; the usage has 23 pairs zed1/ZED1 to zed23/ZED23.
    const n = (count: number) => Array.from({ length: count }, (_, i) => i + 1);
    const named = n(22).map((i) => `  cust${i}: { plan: pro }`).join("\n");
    const grants = n(22).map((i) => `  - { kind: topup, amount: 10, at: "2026-11-01T00:00:00Z", account: CUST${i} }`).join("\n");
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n${named}\ngrants:\n${grants}\n`);
    const rows = n(23).flatMap((i) => [`2026-11-02T10:00:00Z,zed${i},project_created,1,p1`, `2026-11-02T10:00:01Z,ZED${i},project_created,1,p1`]);
    writeFileSync(join(dir, "usage.csv"), `timestamp,account,meter,quantity,project\n${rows.join("\n")}\n`);
    const run = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.trimEnd().split("\n");
    // The grants' lines start at line 6 + 22 + 1 (grants:) + 1: the first purchase on line 29, its fifth column.
    expect(lines.filter((l) => l.includes("of the grant at")).length).toBe(20);
    expect(lines[0]).toBe('burnrate: warning: account "CUST1" of the grant at account.yaml:29:5 is not named in the account file, so it is an account of its own on the top-level terms (plan pro); did you mean "cust1"? Rename it in the grant, or add it under accounts:');
    expect(lines.filter((l) => /^burnrate: warning: usage accounts "zed\d+" and "ZED\d+" are not named in the account file/.test(l)).length).toBe(20);
    expect(lines).toContain("burnrate: warning: 2 more grants' accounts are not named in the account file but are written as names it has but for case, spaces, separators or a character: each is an account of its own on the top-level terms (plan pro); rename them in the grants, or add them under accounts:");
    expect(lines).toContain("burnrate: warning: 3 more pairs of usage accounts the account file does not name are one name but for case, spaces or separators: each account is billed (or credited its rewards) apart; map each onto one name under dimension_values: { account: ... } in the usage mapping, or name both under accounts:");
  });

  it("warns of a grant's account that is a typo from a usage account the file does not name (newcomer52)", async () => {
    const dir = folder();
    // The file names acme only; wonka buys 25 credits as "wonkka" and uses the card as "wonka". Bolt buys as "bolt" and
    // is used as "bolt" and "bolts", two customers of their own: no word of them.
    writeFileSync(
      join(dir, "account.yaml"),
      `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  acme: { plan: pro }\ngrants:\n  - { kind: topup, amount: 25, at: "2026-11-01T00:00:00Z", account: wonkka }\n  - { kind: topup, amount: 25, at: "2026-11-01T00:00:00Z", account: bolt }\n`,
    );
    writeFileSync(join(dir, "usage.csv"), "timestamp,account,meter,quantity,project\n2026-11-02T10:00:00Z,wonka,project_created,1,p1\n2026-11-02T10:00:00Z,bolt,project_created,1,p1\n2026-11-02T10:00:00Z,bolts,project_created,1,p1\n2026-11-02T10:00:00Z,acme,project_created,1,p1\n");
    const run = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const warnings = run.stderr.split("\n").filter((l) => l.startsWith("burnrate: warning:"));
    // The grant is on the file's eighth line, its fifth column.
    expect(warnings).toEqual([
      'burnrate: warning: account "wonkka" of the grant at account.yaml:8:5 is not named in the account file, so it is an account of its own on the top-level terms (plan pro); did you mean "wonka"? Rename it in the grant, or add it under accounts:',
    ]);
  });

  it("is refused at its second line where it is JSON Lines, a usage log, before the YAML parser reads it", async () => {
    const dir = folder();
    const line = (i: number) => JSON.stringify({ timestamp: "2026-11-02T10:00:00Z", meter: "data_read", quantity: 3, project: `p${i}` });
    writeFileSync(join(dir, "usage.jsonl"), `${Array.from({ length: 20_000 }, (_, i) => line(i)).join("\n")}\n`);
    const run = await burnrate(["statement", "--account", "usage.jsonl", "--usage", "usage.jsonl"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`burnrate: error: usage.jsonl:2:1: a second JSON object starts here: the file is JSON Lines (expected an account file, one document (JSON Lines is usage, read with --usage), found "${line(1).slice(0, 57).replaceAll('"', '\\"')}...")\n`);
  });
});
