import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// Red team 6: the known path made a group's charge target (and looked its price up) for a row alone at its
// instant before price() had checked the instant and moved the clock, so a missing price was reported in
// place of the instant's own error, or where a card version switching in at that instant has the price.

/** A card whose one flow meter is priced by model, with no price for m3 (version "a"). */
const CARD_A = `provider: rt
version: "a"
effective: "2026-11-01"
unit: credits
currency: USD
credit_price: "0.01"
precision: { display: 2, rounding: half-even, round_at: none }
cycle: { period: monthly }
categories:
  c1: { label: C1 }
pools:
  p: { label: P, when_exhausted: block }
grant_kinds:
  included: { priority: 1, expires: cycle_end, counts_toward_allowance: true }
plans:
  pro: { label: Pro, included: 1000, price: 9 }
meters:
  call:
    description: x
    aggregation: flow
    dimensions: [model, user]
    category: c1
    pool: p
    price: { by: [model], table: { m1: "1", m2: "2" } }
`;
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
    expect(run.stdout).toContain(",call,usage,c1,p,m3,u1,1,7,7,b\n");
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
