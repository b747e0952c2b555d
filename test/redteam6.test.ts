import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cardHead } from "./helpers/cards.js";
import { burnrate, burnrateJson } from "./helpers/cli.js";

/**
 * One flow meter at 1 credit a unit, a plan of 10 credits and, on a grace pool, a buffer of 10% (1 credit;
 * none on a block pool);
 * warnings at 50% and 100%, a low-balance level of 3. Rows of three projects share the meter's one line
 * (project is read only by another meter), so that all but the first take the known path while the
 * wallet drains, the grace fills and the rest are refused.
 */
function card(policy: "grace" | "block"): string {
  return cardHead(`g: { label: G, when_exhausted: ${policy} }`, `included: 10, price: 9${policy === "grace" ? ', grace: { g: "0.10" }' : ""}`, `thresholds:
  percent_of_allowance: [50, 100]
low_balance: "3"
meters:
  call:
    description: a call, 1 credit each
    aggregation: flow
    dimensions: [model]
    category: c1
    pool: g
    price: { by: [model], table: { m1: "1" } }
  open:
    description: reads the project column
    aggregation: unique
    key: [project]
    dimensions: [project]
    category: c1
    pool: g
    price: "0.5"
`);
}

/** 16 calls of 1 credit, one an hour from 00:00 on 2 November, of projects p0, p1, p2 in turn. */
function replay(policy: "grace" | "block"): Promise<any> {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-redteam6-"));
  writeFileSync(join(dir, "card.yaml"), card(policy));
  writeFileSync(join(dir, "acct.yaml"), "account: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n");
  const rows = Array.from({ length: 16 }, (_, i) => `2026-11-02T${String(i).padStart(2, "0")}:00:00Z,call,1,m1,p${i % 3}\n`);
  writeFileSync(join(dir, "u.csv"), "timestamp,meter,quantity,model,project\n" + rows.join(""));
  return burnrateJson(["statement", "--card", join(dir, "card.yaml"), "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv"), "--format", "json"]);
}

describe("a wallet that runs dry on rows of one line from several shapes", () => {
  it("a grace pool: 10 paid, 1 into the buffer, 5 refused from the 12th row (line 13) on", async () => {
    const statement = await replay("grace");
    expect(statement.events).toEqual({ read: 16, priced: 16, duplicates: 0, rejected: 5 });
    const cycle = statement.accounts[0].cycles[0];
    expect(cycle.lines.map((l: any) => [l.dimensions.model, l.quantity, l.amount, l.events])).toEqual([["m1", "11", "11", 11]]);
    expect([cycle.total, cycle.uncovered, cycle.allowance_used, cycle.exhausted_at]).toEqual(["11", "1", "10", "2026-11-02T09:00:00Z"]);
    expect(cycle.rejected).toEqual([{ meter: "call", reason: "grace buffer exhausted", events: 5, quantity: "5", first_at: "2026-11-02T11:00:00Z", first_line: expect.stringMatching(/u\.csv:13$/) }]);
    // 5 credits used at the 5th row (04:00), 10 at the 10th (09:00); the balance falls below 3 at the 8th (07:00).
    expect(cycle.thresholds).toEqual([{ percent: 50, at: "2026-11-02T04:00:00Z" }, { percent: 100, at: "2026-11-02T09:00:00Z" }]);
    expect(cycle.alerts).toEqual([{ kind: "low_balance", level: "3", at: "2026-11-02T07:00:00Z" }]);
  });

  it("a block pool: 10 paid, 6 refused from the 11th row (line 12) on", async () => {
    const statement = await replay("block");
    expect(statement.events.rejected).toBe(6);
    const cycle = statement.accounts[0].cycles[0];
    expect([cycle.total, cycle.uncovered]).toEqual(["10", "0"]);
    expect(cycle.rejected).toEqual([{ meter: "call", reason: "credits exhausted", events: 6, quantity: "6", first_at: "2026-11-02T10:00:00Z", first_line: expect.stringMatching(/u\.csv:12$/) }]);
  });
});

// Red team 6: the known path made a group's charge target (and looked its price up) for a row alone at its
// instant before price() had checked the instant and moved the clock, so a missing price was reported in
// place of the instant's own error, or where a card version switching in at that instant has the price.

/** A card whose one flow meter is priced by model, with no price for m3 (version "a"). */
const CARD_A = cardHead("p: { label: P, when_exhausted: block }", "included: 1000, price: 9", `meters:
  call:
    description: x
    aggregation: flow
    dimensions: [model, user]
    category: c1
    pool: p
    price: { by: [model], table: { m1: "1", m2: "2" } }
`);
/** Version "b", from 2026-11-10T00:00:00Z, prices m3 at 7. */
const CARD_B = CARD_A.replace('version: "a"', 'version: "b"').replace('effective: "2026-11-01"', 'effective: "2026-11-10T00:00:00Z"').replace('m2: "2" }', 'm2: "2", m3: "7" }');
const ACCOUNT = "account: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n";

function files(usage: string): { dir: string; args: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-redteam6-"));
  writeFileSync(join(dir, "a.yaml"), CARD_A);
  writeFileSync(join(dir, "b.yaml"), CARD_B);
  writeFileSync(join(dir, "acct.yaml"), ACCOUNT);
  writeFileSync(join(dir, "u.csv"), "timestamp,meter,quantity,model,user,event_id\n2026-11-05T00:00:00Z,call,1,m1,u1,e1\n" + usage);
  return { dir, args: ["--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv")] };
}

describe("a group's first row, alone at its instant, is priced after the instant's checks and clock", () => {
  it("a price the card version switching in at the row's instant adds is found", async () => {
    const { dir, args } = files("2026-11-10T00:00:00Z,call,1,m3,u1,e2\n");
    const run = await burnrate(["statement", "--card", join(dir, "a.yaml"), "--card", join(dir, "b.yaml"), ...args, "--format", "csv"]);
    expect(run.code, run.stderr).toBe(0);
    // The row's line, then its empty money columns (stop 38: money rows follow each cycle's lines).
    expect(run.stdout).toContain(",call,usage,c1,p,m3,u1,1,7,7,b,,,\n");
  });

  it("a row past --through is refused for its instant before its price is looked up", async () => {
    const { dir, args } = files("2026-12-05T00:00:00Z,call,1,m3,u1,e2\n");
    const run = await burnrate(["statement", "--card", join(dir, "a.yaml"), ...args, "--through", "2026-11-20"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("u.csv:3:1: usage after the statement's last cycle");
  });

  it("a row more than 120 cycles after the anchor is refused for its instant before its price is looked up", async () => {
    const { dir, args } = files("2036-12-05T00:00:00Z,call,1,m3,u1,e2\n");
    const run = await burnrate(["statement", "--card", join(dir, "a.yaml"), ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("u.csv:3:1: usage more than 120 cycles after the anchor");
  });

  it("a log's first row, before the anchor, is refused for its instant before its price is looked up", async () => {
    const { dir } = files("");
    writeFileSync(join(dir, "u.csv"), "timestamp,meter,quantity,model,user,event_id\n2026-10-05T00:00:00Z,call,1,m3,u1,e1\n2026-11-05T00:00:00Z,call,1,m1,u1,e2\n");
    const run = await burnrate(["statement", "--card", join(dir, "a.yaml"), "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("u.csv:2:1: usage before the first cycle");
  });
});
