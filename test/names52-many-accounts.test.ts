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
    expect(accounts.map((a) => [a.account, a.plan])).toEqual([
      ["default", "pro"],
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
      (n) => `burnrate: warning: usage account "${n.toUpperCase()}" is not named in the account file, so it is billed on the top-level terms (plan pro); did you mean "${n}"? Rename it in the usage, or add it under accounts:\n`,
    );
    const counted = "burnrate: warning: 5 more accounts are written as the account file's names are but for case, spaces, separators or a character, as those above: each is billed on the top-level terms (plan pro) or its plan alone; write the names one way in the usage and the file\n";
    expect(run.stderr).toBe(told.join("") + counted);
  });
});
