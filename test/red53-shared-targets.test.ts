import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// red53: a target no check applies to, shared by a group's accounts (stop 53), was taken for rows of an instant of
// several, and the known path noted their budget values as it looked at them, in the log's order and before a
// repeat was dropped. The statement was the same; the budget warnings were not: their order followed the order of
// rows within an instant, and a value of a row dropped as a repeat was named. acme's budget is keyed `research`; bob
// (no budget) makes the shape's target first, so acme's rows could take it shared.
const CARD = `provider: testco
version: "1"
unit: credits
budgets: { dimension: team }
categories: { main: { label: Main } }
pools:
  build: { label: Build, when_exhausted: allow }
grant_kinds:
  included: { priority: 1, expires: cycle_end }
plans:
  paid: { label: Paid, included: 100, price: 20 }
meters:
  call: { aggregation: flow, category: main, pool: build, price: "1", dimensions: [team] }
  read: { aggregation: flow, category: main, pool: build, price: "0.5", dimensions: [team] }
`;
const ACCOUNT = "card: card.yaml\naccount: acme\nplan: paid\nanchor: 2026-01-01\ntimezone: UTC\nbudgets: { research: 50 }\naccounts:\n  bob: { plan: paid }\n";

async function stderrOf(usage: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-red53-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "account.yaml"), ACCOUNT);
  writeFileSync(join(dir, "usage.csv"), usage.join("\n") + "\n");
  const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
  expect(r.code).toBe(0);
  return r.stderr;
}

describe("budget warnings of accounts sharing a target", () => {
  it("do not depend on the order of rows at one instant", async () => {
    const bob = "2026-01-02T00:00:00Z,bob,read,1,reserch";
    const read = "2026-01-03T00:00:00Z,acme,read,1,reserch";
    const call = "2026-01-03T00:00:00Z,acme,call,1,researc";
    const header = "timestamp,account,meter,quantity,team";
    const one = await stderrOf([header, bob, read, call]);
    expect(one).toContain('the budget for team "research" names no team of the usage');
    expect(await stderrOf([header, bob, call, read])).toBe(one);
  });

  it("never name a value of a row dropped as a repeat", async () => {
    // Two acme rows of one event_id at one instant: the canonical order charges alpha's and drops reserch's.
    const err = await stderrOf([
      "timestamp,account,meter,quantity,team,event_id",
      "2026-01-02T00:00:00Z,bob,read,1,reserch,b1",
      "2026-01-03T00:00:00Z,acme,read,1,reserch,X",
      "2026-01-03T00:00:00Z,acme,read,1,alpha,X",
    ]);
    expect(err).toContain('account "acme": no budget key ("research") names a team of the usage, which has "alpha"');
    expect(err).not.toContain('"reserch"');
  });
});
