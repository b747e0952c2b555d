import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer62 M4: a card whose surcharge reads `web_serch`, declared nowhere, beside usage carrying `web_search`: `test`
// and `statement` said the column was read by nothing and asked for it renamed to the card's slip (`--map
// dim:web_serch=web_search`), where `check` reports the slip. The error is now said at the card's name, asking for it
// corrected; a near miss of a name the card declares keeps the rename.

const SHIPPED = readFileSync(join(ROOT, "ratecards/appbuilder.yaml"), "utf8");
const CONDITION = 'when: { web_search: "true" }';
const SLIPPED = SHIPPED.replace(CONDITION, 'when: { web_serch: "true" }');

/** `line:column` of `needle` on the first line of `text` holding it. */
function place(text: string, needle: string): string {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.includes(needle));
  return `${i + 1}:${lines[i]!.indexOf(needle) + 1}`;
}

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "slip62-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

// A standard request of 400 input and 200 output tokens with web search: 400 x 0.002 + 200 x 0.006 + 15 = 17 credits.
const USAGE = ["timestamp,meter,app,creator,tier,web_search,input_tokens,output_tokens,quantity", "2026-11-05T09:00:00Z,app_request,recipes,alice,standard,true,400,200,1", ""].join("\n");
const TESTS = 'cases:\n  - name: web search adds 15\n    account: { plan: standard, anchor: 2026-11-01 }\n    usage: usage.csv\n    expect: { total: "17" }\n';

const slip = (column: string) =>
  `card.yaml:${place(SLIPPED, "web_serch:")}: surcharge condition of meter "app_request" reads "web_serch", declared nowhere in the card: a slip for the usage column "web_search" (usage.csv:1:${column}), which no meter of appbuilder 2026-11 reads (expected "web_search" in the card where it reads "web_serch" (burnrate check reports such a name as undeclared-dimension); or, where the rows' "web_search" is not what the card means, the column under ignore_columns: in the usage mapping (--map ignore:web_search), found "web_serch")`;

describe("a usage column near a name the card reads and declares nowhere", () => {
  it("fails test's case at the card's slip, not with a rename of the column to it", async () => {
    expect(SLIPPED).not.toBe(SHIPPED);
    const d = dir({ "card.yaml": SLIPPED, "card.tests.yaml": TESTS, "usage.csv": USAGE });
    const r = await burnrate(["test", "card.yaml", "--format", "json"], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(JSON.stringify(slip("6")).slice(1, -1));
    expect(r.stdout).not.toContain("dim:web_serch");
  });

  it("is refused by statement at the card's slip, exit 2", async () => {
    const d = dir({ "card.yaml": SLIPPED, "usage.csv": USAGE });
    const r = await burnrate(["statement", "--card", "card.yaml", "--plan", "standard", "--anchor", "2026-11-01", "--usage", "usage.csv"], { cwd: d });
    expect([r.code, r.stderr]).toEqual([2, `burnrate: error: ${slip("6")}\n`]);
  });

  it("passes once the card reads the name as the message asks: 17 credits", async () => {
    const d = dir({ "card.yaml": SHIPPED, "card.tests.yaml": TESTS, "usage.csv": USAGE });
    const r = await burnrate(["test", "card.yaml"], { cwd: d });
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });

  it("names the slip beside another unread column, among the fixes of the first", async () => {
    const usage = USAGE.replace("tier,web_search", "tier,notes,web_search").replace("standard,true", "standard,x,true");
    const d = dir({ "card.yaml": SLIPPED, "usage.csv": usage });
    const r = await burnrate(["statement", "--card", "card.yaml", "--plan", "standard", "--anchor", "2026-11-01", "--usage", "usage.csv"], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage.csv:1:6: column "notes" is read by no meter of appbuilder 2026-11');
    expect(r.stderr).toContain(`; "web_search" is likely the card's "web_serch" misspelt (card.yaml:${place(SLIPPED, "web_serch:")}, declared nowhere): "web_search" in the card there`);
  });

  it("keeps the rename where the card declares its name: a column of the card's own", async () => {
    const declared = SLIPPED.replace("dimensions: [web_search]", "dimensions: [web_serch]");
    const d = dir({ "card.yaml": declared, "usage.csv": USAGE });
    const r = await burnrate(["statement", "--card", "card.yaml", "--plan", "standard", "--anchor", "2026-11-01", "--usage", "usage.csv"], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage.csv:1:6: column "web_search" is read by no meter of appbuilder 2026-11; did you mean "web_serch"?');
    expect(r.stderr).toContain("rename: { web_search: web_serch } in the usage mapping (--map dim:web_serch=web_search)");
  });
});
