import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer58b L4: a meter defined twice read as the YAML parser's "Map keys must be unique (expected valid YAML)".
describe("a YAML key written twice is said as such, with where the first one is", () => {
  const dir = mkdtempSync(join(tmpdir(), "newcomer58-dupkey-"));
  const fliplet = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
  const lines = fliplet.split("\n");
  const meter = lines.findIndex((l) => l === "  data_read:") + 1;
  const price = lines.findIndex((l, i) => i >= meter && l.startsWith("    price:")) + 1;

  it("a meter twice in meters: check's syntax finding, at the second, naming the first", async () => {
    const card = join(dir, "twice.yaml");
    // The meter's lines to its price, again right after its price: the second starts on the line past them.
    const block = lines.slice(meter - 1, price);
    writeFileSync(card, [...lines.slice(0, price), ...block, ...lines.slice(price)].join("\n"));
    const second = price + 1;
    const r = await burnrate(["check", card, "--format", "json"]);
    expect(r.code).toBe(1);
    const finding = JSON.parse(r.stdout).files[0].findings[0];
    expect(finding).toMatchObject({ rule: "syntax", line: second, column: 3 });
    expect(finding.message).toBe(`key "data_read" written twice in meters, first at line ${meter}, column 3 (expected each key once in a mapping: remove one, or merge the two, found "data_read")`);
  });

  it("a key below one that is not a plain word is told by its quoted key, not read as a list item or a dotted path (red59 F8)", async () => {
    const card = join(dir, "quoted.yaml");
    writeFileSync(card, 'meters:\n  summary:\n    price:\n      table: { "gpt-4.1": { a: "1", a: "2" }, "[0]": { b: "1", b: "2" } }\n');
    const r = await burnrate(["check", card]);
    expect(r.code).toBe(1);
    // The line is 6 spaces and `table: { ` (15 characters), then `"gpt-4.1": { ` (13): the first `a` at column 29;
    // then `a: "1", a: "2" }, ` (18) and `"[0]": { ` (9): the first `b` at column 56.
    expect(r.stdout).toContain('key "a" written twice in meters.summary.price.table["gpt-4.1"], first at line 4, column 29');
    expect(r.stdout).toContain('key "b" written twice in meters.summary.price.table["[0]"], first at line 4, column 56');
  });

  it("a setting twice in one meter, and a key twice at the top level of an account file", async () => {
    const card = join(dir, "price.yaml");
    writeFileSync(card, lines.map((l, i) => (i === price - 1 ? `${l}\n${l}` : l)).join("\n"));
    const r = await burnrate(["statement", "--card", card, "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(ROOT, "fixtures/fliplet/usage.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`burnrate: error: ${card}:${price + 1}:5: key "price" written twice in meters.data_read, first at line ${price}, column 5 (expected each key once in a mapping: remove one, or merge the two, found "price")\n`);
    const account = join(dir, "account.yaml");
    writeFileSync(account, `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\nplan: free\n`);
    const a = await burnrate(["statement", "--account", account, "--usage", join(ROOT, "fixtures/fliplet/usage.csv")]);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe(`burnrate: error: ${account}:4:1: key "plan" written twice at the top level, first at line 2, column 1 (expected each key once in a mapping: remove one, or merge the two, found "plan")\n`);
  });
});
