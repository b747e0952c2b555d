import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Field report 11: since simulate's per-cycle table gained a Plan column (a scenario that changes
// plan), it no longer fit 100 columns and "Runs out" wrapped its time onto a line of its own. With
// the Plan column the units move to the headings, and a card without a grace pool has no "Grace
// used" column; the table without changes is as it was (test/simulate-output.test.ts).

/** A bundled scenario with a plan change appended, its card by absolute path. */
function withChange(scenario: string, card: string, change: string, cycles?: number): string {
  let text = readFileSync(join(ROOT, "fixtures/scenarios", scenario), "utf8").replace(/^card: .*$/m, `card: ${join(ROOT, "ratecards", card)}`);
  if (cycles !== undefined) text = text.replace(/^cycles: \d+$/m, `cycles: ${cycles}`);
  const file = join(mkdtempSync(join(tmpdir(), "burnrate-field11-width-")), "scenario.yaml");
  writeFileSync(file, `${text}changes:\n  - ${change}\n`);
  return file;
}

async function perCycle(file: string): Promise<{ table: string[]; notes: string }> {
  const r = await burnrate(["simulate", file, "--format", "table", "--no-color", "--no-progress"], { terminal: { columns: 100, colors: 0 } });
  // The app builder's scenario has billing: per_user users, whom a plan change does not move: said since stop 36
  // (test/fix18-per-user-changes.test.ts); nothing else is written.
  expect(r.stderr.replace(/^burnrate: warning: \S+:\d+:\d+: a plan change moves the scenario's own account only; [^\n]*\n/, "")).toBe("");
  expect(r.code).toBe(0);
  const lines = r.stdout.split("\n");
  const start = lines.findIndex((l) => /: per cycle$/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^ {2}Total /.test(l));
  return { table: lines.slice(start + 1, end + 1), notes: r.stdout };
}

describe("simulate's per-cycle table with a Plan column fits 100 columns", () => {
  it("Fliplet (a grace pool): every row on one line, units in the headings", async () => {
    const { table } = await perCycle(withChange("fliplet/headline.yaml", "fliplet.yaml", "{ cycle: 3, plan: free }"));
    for (const line of table) expect(line.length).toBeLessThanOrEqual(100);
    expect(table[0]).toMatch(/^ {2}Cycle +Start +Plan +Credits +Of +Runs out +Grace +Refused +Top-ups +Money$/);
    expect(table[1]).toMatch(/ allowance +used +rows +\(USD\)$/);
    // Cycles 1 to 6 and the total, each one line: no time wrapped under "Runs out".
    expect(table.slice(2).map((l) => l.trim().split(/ +/)[0])).toEqual(["1", "2", "3", "4", "5", "6", "Total"]);
    // Free has 100 credits, and the headline scenario spends 887.50 in its first cycle: every Free cycle runs out.
    for (const row of table.slice(4, 8)) expect(row).toMatch(/ Free .* \d{4}-\d\d-\d\d \d\d:\d\d /);
  });

  it("the AI app builder (no grace pool, a plan of 8 letters): no Grace used column", async () => {
    const { table, notes } = await perCycle(withChange("appbuilder/creator-2000-users.yaml", "appbuilder.yaml", "{ cycle: 2, plan: super }", 3));
    for (const line of table) expect(line.length).toBeLessThanOrEqual(100);
    expect(table[0]).toMatch(/^ {2}Cycle +Start +Plan +Credits +Of +Runs out +Refused +Top-ups +Money$/);
    expect(table.slice(2).map((l) => l.trim().split(/ +/)[0])).toEqual(["1", "2", "3", "Total"]);
    expect(table[2]).toMatch(/ Standard .* \d{4}-\d\d-\d\d \d\d:\d\d /);
    expect(notes).toContain('"Runs out" and "Refused" are for a customer who buys no packs');
  });
});
