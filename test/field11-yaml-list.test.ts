import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Field report 11: a list item one column out of line, in an account file or a usage mapping, is
// refused in plain words at its line and column (counted by hand from the text below), through the
// command line. One column to the right is valid YAML that ran the item into the one above it.

const CARD = join(ROOT, "ratecards/fliplet.yaml");
const USAGE = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,10,alpha\n";

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-field11-yaml-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function statement(files: Record<string, string>, extra: string[] = []) {
  return burnrate(["statement", "--account", "a.yaml", "--usage", "u.csv", "--format", "csv", ...extra], { cwd: folder({ "u.csv": USAGE, ...files }) });
}

const HEAD = `card: ${CARD}\nplan: pro\nanchor: 2026-11-01\ngrants:\n`;
const FIRST = '  - { kind: topup, amount: 100, at: "2026-11-03T00:00:00Z" }\n';

describe("a list item one column out of line", () => {
  it("one column left of the item above it", async () => {
    const r = await statement({ "a.yaml": `${HEAD}${FIRST} - { kind: topup, amount: 50, at: "2026-11-04T00:00:00Z" }\n` });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'burnrate: error: a.yaml:6:2: the list item "- { kind: topup, amount: 50, at: \\"2026-11-04T00:00:00Z\\" }" is not in line with the items above it (expected the "-" at column 3, in line with "- { kind: topup, amount: 100, at: \\"2026-11-03T00:00:00Z\\" }" on line 5, found column 2)\n',
    );
  });

  it("one column right of an item of keys", async () => {
    const r = await statement({ "a.yaml": `${HEAD}  - kind: topup\n    amount: 100\n    at: "2026-11-03T00:00:00Z"\n   - kind: topup\n    amount: 50\n    at: "2026-11-04T00:00:00Z"\n` });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('burnrate: error: a.yaml:8:4: the list item "- kind: topup" is not in line with the items above it (expected the "-" at column 3, in line with "- kind: topup" on line 5, found column 4)\n');
  });

  it("a top-level list item one column in", async () => {
    const r = await burnrate(["check", "t.tests.yaml"], {
      cwd: folder({ "t.tests.yaml": `card: ${CARD}\ncases:\n- name: a\n  usage: u.csv\n  expect: { total: 0.1 }\n - name: b\n  usage: u.csv\n  expect: { total: 0.1 }\n`, "u.csv": USAGE }),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('t.tests.yaml:6:2: error [syntax] the list item "- name: b" is not in line with the items above it (expected the "-" at column 1, in line with "- name: a" on line 3, found column 2)');
  });

  it("one column right of a plain item: read as that item's text, now refused", async () => {
    const mapping = "columns:\n  timestamp: ts\nignore_columns:\n  - note\n   - latency_ms\n";
    const r = await burnrate(["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", "u.csv", "--mapping", "m.yaml"], {
      cwd: folder({ "m.yaml": mapping, "u.csv": "ts,meter,quantity,project,note,latency_ms\n2026-11-02T10:00:00Z,data_read,10,alpha,x,5\n" }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'burnrate: error: m.yaml:5:4: the list item "- latency_ms" is indented further than the item above it, and is read as more of that item\'s text ("note - latency_ms") (expected the "-" at column 3, in line with "- note" on line 4, found column 4)\n',
    );
  });

  it("a value run on over a line starting with a dash, with no list above", async () => {
    const r = await statement({ "a.yaml": `card: ${CARD}\nplan: pro\n  - free\nanchor: 2026-11-01\n` });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'burnrate: error: a.yaml:3:3: the line "- free" is read as more of the value above it ("pro - free") (expected a list under its key, each item on a line of its own starting "- " at one column, or the value quoted if "- free" is part of it, found column 3)\n',
    );
  });

  it("items in line, and a plain value over two lines, still read", async () => {
    const r = await statement({ "a.yaml": `${HEAD}${FIRST}  - { kind: topup, amount: 50, at: "2026-11-04T00:00:00Z" }\naccount: acme\n  corp\n` });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("acme corp,pro,");
  });
});
