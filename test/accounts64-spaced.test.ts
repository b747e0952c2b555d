import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer64b M1: `acct-0003  ` was a customer of its own, billed Pro's 20 USD, while acct-0003 lost its rows; a warning
// said so, and the run exited 0.
describe("an account id with spaces around it", () => {
  const run = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "accounts64-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(dir, Object.keys(files).find((f) => !f.endsWith(".yaml"))!), "--format", "json"]);
  };
  const csv = "timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,a,acme\n2026-11-03T10:00:00Z,data_read,100,a,acme  \n";

  it("is refused at its cell, in CSV and in JSON Lines", async () => {
    const r = await run({ "u.csv": csv });
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toMatch(/u\.csv:3:5: account "acme  " has spaces around it: billed as a customer of its own, not as "acme" \(expected the account id alone: trimmed in the export, or dimension_values: \{ account: \{ "acme  ": "acme" \} \} in the usage mapping, found "acme  "\)/);
    const jsonl = await run({ "u.jsonl": '{"timestamp":"2026-11-02T10:00:00Z","meter":"data_read","quantity":100,"project":"a","account":" acme"}\n' });
    expect(jsonl.code).toBe(2);
    expect(jsonl.stderr).toContain('account " acme" has spaces around it');
  });

  it("is the account its mapping maps it onto", async () => {
    const r = await run({ "u.csv": csv, "u.csv.mapping.yaml": 'dimension_values: { account: { "acme  ": acme } }\n' });
    expect(r.code).toBe(0);
    // Both days' 100 reads at 0.01, acme's alone: 2 credits.
    const accounts = JSON.parse(r.stdout).accounts;
    expect(accounts.map((a: { account: string }) => a.account)).toEqual(["acme"]);
    expect(accounts[0].cycles[0].total).toBe("2");
  });

  it("is the account the account file names so, and a no-break space is written escaped in the fix (red64f M1, L2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "accounts64-"));
    writeFileSync(join(dir, "acct.yaml"), 'account: own\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  "globex ": { plan: pro }\n');
    writeFileSync(join(dir, "u.csv"), "timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,a,globex \n");
    const named = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv"), "--format", "json"]);
    expect(named.code).toBe(0);
    expect(JSON.parse(named.stdout).accounts.map((a: { account: string }) => a.account)).toEqual(["globex ", "own"]);
    writeFileSync(join(dir, "u2.csv"), "timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,a,acme\u00a0\n");
    const nbsp = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u2.csv"), "--format", "json"]);
    expect(nbsp.code).toBe(2);
    expect(nbsp.stderr).toContain('dimension_values: { account: { "acme\\u00a0": "acme" } }');
  });

  it("a zero-width space, joiner or byte-order mark around it is refused as spaces are, through the scanner and the plain reader (red64f L3)", async () => {
    for (const [pad, name] of [["\u200b", "200b"], ["\u2060", "2060"], ["\ufeff", "feff"]] as const) {
      const scanned = await run({ "u.csv": `timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,a,acme\n2026-11-03T10:00:00Z,data_read,100,a,acme${pad}\n` });
      expect([scanned.code, scanned.stdout]).toEqual([2, ""]);
      expect(scanned.stderr).toContain(`u.csv:3:5: account "acme\\u${name}" has an invisible character around it: billed as a customer of its own, not as "acme"`);
      expect(scanned.stderr).toContain(`dimension_values: { account: { "acme\\u${name}": "acme" } }`);
      const jsonl = await run({ "u.jsonl": `{"timestamp":"2026-11-02T10:00:00Z","meter":"data_read","quantity":100,"project":"a","account":"${pad}acme"}\n` });
      expect(jsonl.code).toBe(2);
      expect(jsonl.stderr).toContain("has an invisible character around it");
    }
    // Every character Unicode says shows as nothing (red65 H2): a direction mark, a soft hyphen, a tag past U+FFFF, whose
    // fix YAML reads as \U and eight digits (red65 L2).
    for (const [pad, name] of [["\u200e", "\\u200e"], ["\u00ad", "\\u00ad"], ["\u{e0020}", "\\U000e0020"]] as const) {
      const r = await run({ "u.csv": `timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,a,acme\n2026-11-03T10:00:00Z,data_read,100,a,acme${pad}\n` });
      expect([r.code, r.stdout]).toEqual([2, ""]);
      expect(r.stderr).toContain("has an invisible character around it: billed as a customer of its own, not as \"acme\"");
      expect(r.stderr).toContain(`dimension_values: { account: { "acme${name}": "acme" } }`);
    }
    // A variation selector after no emoji, or a lone cancel tag, is padding too (red65c H4, L2), shown escaped.
    // A tag and a cancel tag with no flag, or two Mongolian selectors after a Latin letter, are padding whole (red65d H1).
    for (const [pad, name] of [["\u200b\ufe0f", "\\u200b\\ufe0f"], ["\ufe0e", "\\ufe0e"], ["\u{e007f}", "\\u{e007f}"], ["\u{e0067}\u{e007f}", "\\u{e0067}\\u{e007f}"], ["\u180b\u180b", "\\u180b\\u180b"]] as const) {
      const r = await run({ "u.csv": `timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,a,acme${pad}\n` });
      expect(r.code, name).toBe(2);
      expect(r.stderr).toContain(`account "acme${name}" has an invisible character around it`);
    }
    // A selector after a letter it selects no form of (an accented letter, a combining mark) is padding (red65e H1).
    for (const id of ["caf\u00e9\ufe0f", "acme\u0301\ufe0f", "caf\u00e9\u180b", "acme+\ufe00", "acme\u00b1\ufe00", "acme\u6f22\ufe0d"]) {
      const r = await run({ "u.csv": `timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,a,${id}\n` });
      expect([r.code, r.stdout], id).toEqual([2, ""]);
      expect(r.stderr).toContain("has an invisible character around it");
    }
    // The fix keeps an emoji's own selector (red65c M1).
    const heart = await run({ "u.csv": "timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,a,team\u2764\ufe0f \n" });
    expect(heart.code).toBe(2);
    expect(heart.stderr).toContain('dimension_values: { account: { "team\\u2764\\ufe0f ": "team\\u2764\\ufe0f" } }');
    // A cell of nothing else is no account (red65 H3), as a cell of spaces is.
    const blank = await run({ "u.csv": "timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,a,acme\n2026-11-03T10:00:00Z,data_read,100,a,\u200b\u2060\n" });
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain("u.csv:3:5: a row of no account");
    // An emoji's variation selector last, a flag's tags (Scotland's) and a Mongolian letter's variation selector are the
    // id's own (red65b H2), and shown as written (red65b L1).
    // So is a Han ideograph's or a math symbol's standardized variant (red65d H2: refused).
    for (const id of ["team\u2764\ufe0f", "team-\u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}", "\u182a\u1820\u180b", "\u6f22\ufe00", "team\u2229\ufe00", "\u845b\u{e0100}"]) {
      const r = await run({ "u.csv": `timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,a,${id}\n` });
      expect([r.code, r.stderr], id).toEqual([0, ""]);
      expect(JSON.parse(r.stdout).accounts.map((a: { account: string }) => a.account)).toEqual([id]);
    }
    // One inside an id is the id's own: written so everywhere, it is one customer.
    const inside = await run({ "u.csv": "timestamp,meter,quantity,project,account\n2026-11-02T10:00:00Z,data_read,100,a,ac\u200bme\n" });
    expect(inside.code).toBe(0);
  });
});
