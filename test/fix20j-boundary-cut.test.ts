import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { callMeter, smallCard } from "./helpers/cards.js";
import { burnrate } from "./helpers/cli.js";

// A found boundary shift passes only at the cut the provider uses: 00:00 UTC, or the bill mapping's cut: (red team,
// stop 38 #4). Card: call at 1 credit each; Pro includes 1000 (nothing refused). New York cycles from Nov 1.
// Usage: 20 on Nov 5 and 13 on Nov 20 (November, 33 credits); 7 at 2026-12-01T07:00Z, which is 02:00 in New York on
// Dec 1 (December) and 23:00 in Los Angeles on Nov 30; 5 on Dec 10. So at New York's cycles November is 20 + 13 = 33,
// December 7 + 5 = 12. A November bill of 40 charges December's 7 too: it fits a cut at 00:00 America/Los_Angeles on
// that one line, but a December bill of 12 charges the same 7 again.
const CARD = smallCard({ plans: ["pro: { label: Pro, included: 1000, price: 50 }"], meters: [callMeter({ dimensions: ["model"] })] });

async function reconcile(usage: string[], bill: string[], mapping?: string) {
  const dir = mkdtempSync(join(tmpdir(), "fix20j-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "account.yaml"), "card: card.yaml\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: America/New_York\n");
  writeFileSync(join(dir, "usage.csv"), ["timestamp,account,meter,quantity,model", ...usage].join("\n") + "\n");
  writeFileSync(join(dir, "bill.csv"), ["period_start,activity,quantity,amount", ...bill].join("\n") + "\n");
  if (mapping !== undefined) writeFileSync(join(dir, "bill.csv.mapping.yaml"), mapping);
  return burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
}

const RED = ["2026-11-05T15:00:00Z,acme,call,20,m1", "2026-11-20T15:00:00Z,acme,call,13,m1", "2026-12-01T07:00:00Z,acme,call,7,m1", "2026-12-10T15:00:00Z,acme,call,5,m1"];

describe("a boundary shift passes only at the declared cut (red team, stop 38 #4)", () => {
  it("November billed 40 fits 00:00 Los Angeles, which is not 00:00 UTC: the line's whole gap, 40 - 33 = 7, needs attention, exit 1", async () => {
    const r = await reconcile(RED, ["2026-11-01,call,40,40"]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.boundary_shifts).toEqual([expect.objectContaining({ cut: "00:00 America/Los_Angeles", declared_cut: "00:00 UTC", at_declared_cut: false, rule: "fail", moved_amount: "7", account_computed_total: "33" })]);
    const line = json.lines[0];
    expect(line).toMatchObject({ class: "boundary_shift", within_tolerance: false, attention: true });
    expect(line.explanation).toContain('cut: "00:00 America/Los_Angeles" in the bill mapping says so');
    expect(r.stderr).toContain("call boundary_shift, over tolerance");
  });

  it("a bill of both months (40 and 12) charges the 7 twice: +7 on November, exit 1; December alone, 7 + 5 = 12, is right at the account's cycles (no cut declared)", async () => {
    const both = await reconcile(RED, ["2026-11-01,call,40,40", "2026-12-01,call,12,12"]);
    expect(both.code).toBe(1);
    const nov = JSON.parse(both.stdout).lines.find((l: { cycle: string }) => l.cycle === "2026-11-01T04:00:00Z");
    expect(nov).toMatchObject({ delta: "7", attention: true });
    expect((await reconcile(RED, ["2026-12-01,call,12,12"])).code).toBe(0);
  });

  it("cut: \"00:00 America/Los_Angeles\" in the bill mapping declares the provider's cut: November's 40 passes as billed there, exit 0", async () => {
    const r = await reconcile(RED, ["2026-11-01,call,40,40"], 'cut: "00:00 America/Los_Angeles"\n');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).boundary_shifts).toEqual([expect.objectContaining({ cut: "00:00 America/Los_Angeles", declared_cut: "00:00 America/Los_Angeles", at_declared_cut: true, rule: "pass" })]);
    // A zone alone is its 00:00.
    expect((await reconcile(RED, ["2026-11-01,call,40,40"], "cut: America/Los_Angeles\n")).code).toBe(0);
  });

  it("with that cut declared, December's bill of 12 is compared there though it agrees at the account's cycles: 12 - 5 = +7, the events November billed, exit 1", async () => {
    // At 00:00 Los Angeles December holds the 5 of Dec 10 alone; the 7 of 23:00 Nov 30 there are November's.
    const r = await reconcile(RED, ["2026-12-01,call,12,12"], 'cut: "00:00 America/Los_Angeles"\n');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.lines[0]).toMatchObject({ bill_amount: "12", computed_amount: "5", delta: "7", class: "quantity_mismatch", attention: true, moved: expect.objectContaining({ amount: "-7", events_out: 1 }) });
    expect(json.boundary_shifts).toEqual([expect.objectContaining({ cut: "00:00 America/Los_Angeles", at_declared_cut: true, moved_amount: "-7", account_computed_total: "12" })]);
  });

  it("the declared cut is tried first: cut: \"03:30 America/New_York\" fits the 02:00 event as 00:00 Los Angeles (03:00) does, and is the one kept, exit 0", async () => {
    const r = await reconcile(RED, ["2026-11-01,call,40,40"], 'cut: "03:30 America/New_York"\n');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).boundary_shifts[0]).toMatchObject({ cut: "03:30 America/New_York", at_declared_cut: true, rule: "pass" });
  });

  // 7 at 2026-12-01T02:00Z: 21:00 in New York on Nov 30 (November there), December at 00:00 UTC. A provider cutting at
  // 00:00 UTC bills November 20 + 13 = 33 against New York's 40.
  const UTC = ["2026-11-05T15:00:00Z,acme,call,20,m1", "2026-11-20T15:00:00Z,acme,call,13,m1", "2026-12-01T02:00:00Z,acme,call,7,m1"];

  it("a bill cut at 00:00 UTC, the default cut, passes as billed there, exit 0", async () => {
    const r = await reconcile(UTC, ["2026-11-01,call,33,33"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).boundary_shifts).toEqual([expect.objectContaining({ cut: "00:00 UTC", at_declared_cut: true, rule: "pass", moved_amount: "-7", account_computed_total: "40" })]);
  });

  it("a contract billed at the account's zone (cut: \"00:00 America/New_York\") has the same UTC-cut bill need attention: 33 - 40 = -7, exit 1", async () => {
    const r = await reconcile(UTC, ["2026-11-01,call,33,33"], 'cut: "00:00 America/New_York"\n');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).boundary_shifts[0]).toMatchObject({ cut: "00:00 UTC", declared_cut: "00:00 America/New_York", at_declared_cut: false, rule: "fail" });
  });
});
