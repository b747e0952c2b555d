import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { callMeter, cardHead } from "./helpers/cards.js";
import { burnrate } from "./helpers/cli.js";

// An upgrade under `plan_changes: { upgrade: new_cycle }` closes the cycle at the change. Credits bought that end with
// their cycle end with that one: expired in it, as at any cycle's end, where they were shown as closing and the next
// cycle opened without them (red team, stop 38: a pack's 500 credits; a diff that made them expire saw no loss).
const included = "  included: { priority: 1, expires: cycle_end, counts_toward_allowance: true }\n";
const plan = "  pro: { label: Pro, included: 10, price: 9 }\n";
const base = cardHead("g: { label: G, when_exhausted: block }", "included: 10, price: 9", `plan_changes: { upgrade: new_cycle }
meters:
${callMeter({ category: "c1", pool: "g" })}
`);
const CARD = base
  .replace(included, `${included}  pack: { priority: 2, expires: cycle_end, counts_toward_allowance: false }\n`)
  .replace(plan, `${plan}  max: { label: Max, included: 100, price: 50 }\n`);

describe("a new_cycle upgrade that closes a cycle early", () => {
  it("expires in it the credits bought that end with their cycle, and lapses the allowance as closing", async () => {
    expect(CARD).toContain("pack: {");
    expect(CARD).toContain("max: {");
    const dir = mkdtempSync(join(tmpdir(), "eng20f-"));
    writeFileSync(join(dir, "card.yaml"), CARD);
    writeFileSync(join(dir, "account.yaml"), `card: card.yaml\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: pack, amount: 30, at: "2026-11-10T00:00:00Z" }\nchanges:\n  - { at: "2026-11-20T00:00:00Z", plan: max }\n`);
    // 4 calls before the upgrade, from the 10 included; 1 after it, from Max's 100.
    const rows = ["2026-11-05T10:00:00Z,call,1", "2026-11-06T10:00:00Z,call,1", "2026-11-07T10:00:00Z,call,1", "2026-11-08T10:00:00Z,call,1", "2026-11-21T10:00:00Z,call,1"];
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity\n${rows.join("\n")}\n`);
    const run = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    expect(run.stderr).toBe("");
    const cycles = JSON.parse(run.stdout).accounts[0].cycles as { start: string; grants: { kind: string; opening: string; granted: string; consumed: string; expired: string; closing: string }[] }[];
    expect(cycles.map((c) => [c.start, c.grants.map((g) => [g.kind, g.opening, g.granted, g.consumed, g.expired, g.closing])])).toEqual([
      // Nov 1 to the upgrade: 10 included, 4 used, 6 lapse as closing; the pack's 30, unused, expire with the cycle.
      ["2026-11-01T00:00:00Z", [["included", "10", "0", "4", "0", "6"], ["pack", "0", "30", "0", "30", "0"]]],
      // From the upgrade: Max's 100, 1 used; no pack left.
      ["2026-11-20T00:00:00Z", [["included", "100", "0", "1", "0", "99"]]],
    ]);
  });
});
