import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { callMeter, smallCard } from "./helpers/cards.js";
import { burnrate } from "./helpers/cli.js";

// The declared cut (00:00 UTC where the bill mapping says nothing) is the provider's month: its time in its zone on the
// day the account's cycle starts, and a hypothesis of its own where the search tries none at it (red team, red34 #3 and
// #4). Card: call at 1 credit each; Pro includes 1000 (nothing refused).
const CARD = smallCard({ plans: ["pro: { label: Pro, included: 1000, price: 50 }"], meters: [callMeter({ dimensions: ["model"] })] });

async function reconcile(zone: string, usage: string[], bill: string[], mapping?: string, anchor = "2026-10-01") {
  const dir = mkdtempSync(join(tmpdir(), "cut47-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "account.yaml"), `card: card.yaml\naccount: acme\nplan: pro\nanchor: ${anchor}\ntimezone: ${zone}\n`);
  writeFileSync(join(dir, "usage.csv"), ["timestamp,account,meter,quantity,model", ...usage].join("\n") + "\n");
  writeFileSync(join(dir, "bill.csv"), ["period_start,activity,quantity,amount", ...bill].join("\n") + "\n");
  if (mapping !== undefined) writeFileSync(join(dir, "bill.csv.mapping.yaml"), mapping);
  return burnrate(["reconcile", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
}

describe("the declared cut, 12 hours and more from the account's zone, or in a zone the search does not try (red34)", () => {
  // Auckland's Nov 1 00:00 is 2026-10-31T11:00Z (+13). A provider billing UTC months cuts at Nov 1 00:00Z, 13 hours
  // later; the UTC midnight nearest Auckland's, Oct 31 00:00Z, is no month's start. November at UTC: 100 + 5 = 105
  // (the 10 at Oct 31 12:00Z is October's in UTC, November's in Auckland; the 5 at Nov 30 12:00Z is Dec 1 in Auckland).
  it("an Auckland account's bill at UTC months, no cut declared: the shift is at 00:00 UTC, passes, exit 0", async () => {
    const r = await reconcile("Pacific/Auckland", ["2026-10-31T12:00:00Z,acme,call,10,m1", "2026-11-15T00:00:00Z,acme,call,100,m1", "2026-11-30T12:00:00Z,acme,call,5,m1"], ["2026-11-01,call,105,105"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.boundary_shifts).toEqual([expect.objectContaining({ cut: "00:00 UTC", declared_cut: "00:00 UTC", at_declared_cut: true, rule: "pass" })]);
  });

  it("a New York account, cut: \"00:00 Australia/Sydney\" declared, and the bill cut there: exit 0", async () => {
    // Sydney's Nov 1 00:00 (+11) is 2026-10-31T13:00Z; its Dec 1 00:00 is 2026-11-30T13:00Z. Rows: 4 at Oct 31 14:00Z
    // (Sydney's November, New York's October), 50 on Nov 15, 6 at Nov 30 14:00Z (Sydney's December, New York's November).
    const r = await reconcile("America/New_York", ["2026-10-31T14:00:00Z,acme,call,4,m1", "2026-11-15T00:00:00Z,acme,call,50,m1", "2026-11-30T14:00:00Z,acme,call,6,m1"], ["2026-11-01,call,54,54"], 'cut: "00:00 Australia/Sydney"\n');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).boundary_shifts).toEqual([expect.objectContaining({ cut: "00:00 Australia/Sydney", at_declared_cut: true, rule: "pass" })]);
  });

  // São Paulo is UTC-3 all year; New York is -4 on Nov 1 (EDT) and -5 on Dec 1 (EST): the cut is 1 hour before New
  // York's at one boundary and 2 at the other, which no fixed offset or searched zone gives. Rows: 7 at Nov 1 02:30Z
  // (São Paulo's Oct 31 23:30, New York's Oct 31 22:30), 10 at 03:30Z (São Paulo's Nov 1 00:30, New York's Oct 31
  // 23:30), 100 on Nov 15, 5 at Dec 1 03:30Z (São Paulo's Dec 1 00:30, New York's Nov 30 22:30). November at São Paulo's
  // months: 10 + 100 = 110; at New York's: 100 + 5 = 105.
  it("a New York account, cut: \"00:00 America/Sao_Paulo\" declared: the bill of 110 is compared there and agrees, exit 0", async () => {
    const r = await reconcile("America/New_York", ["2026-11-01T02:30:00Z,acme,call,7,m1", "2026-11-01T03:30:00Z,acme,call,10,m1", "2026-11-15T00:00:00Z,acme,call,100,m1", "2026-12-01T03:30:00Z,acme,call,5,m1"], ["2026-11-01,call,110,110"], 'cut: "00:00 America/Sao_Paulo"\n');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.boundary_shifts).toEqual([expect.objectContaining({ cut: "00:00 America/Sao_Paulo", at_declared_cut: true, moved_amount: "5", account_computed_total: "105" })]);
    expect(json.lines[0]).toMatchObject({ bill_amount: "110" });
  });

  // An account anchored at the month billed (newcomer37): Los Angeles's Nov 1 00:00 is 07:00Z, so a bill at Los
  // Angeles's months leaves the 4 at Nov 1 02:00Z out of November (they are October's there, before the anchor). At
  // UTC: 4 + 20 + 30 + 40 = 94; at Los Angeles: 20 + 30 = 50 (the 40 at Nov 30 22:00Z is 14:00 in Los Angeles,
  // November's), + 40 = 90.
  const FIRST = ["2026-11-01T02:00:00Z,acme,call,4,m1", "2026-11-01T09:00:00Z,acme,call,20,m1", "2026-11-15T12:00:00Z,acme,call,30,m1", "2026-11-30T22:00:00Z,acme,call,40,m1"];

  it("an account anchored at the month billed, cut: \"00:00 America/Los_Angeles\" declared: the first hours leave the bill's month, 90 agrees, exit 0", async () => {
    const r = await reconcile("UTC", FIRST, ["2026-11-01,call,90,90"], 'cut: "00:00 America/Los_Angeles"\n', "2026-11-01");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.boundary_shifts).toEqual([expect.objectContaining({ cut: "00:00 America/Los_Angeles", at_declared_cut: true, moved_amount: "-4", account_computed_total: "94" })]);
  });

  it("the same bill with no cut declared: a cut is found and held to the tolerance (not 00:00 UTC), exit 1, where no cut was looked for at the anchor", async () => {
    const r = await reconcile("UTC", FIRST, ["2026-11-01,call,90,90"], undefined, "2026-11-01");
    expect(r.code).toBe(1);
    const [shift] = JSON.parse(r.stdout).boundary_shifts;
    expect(shift).toMatchObject({ declared_cut: "00:00 UTC", at_declared_cut: false, rule: "fail", moved_amount: "-4" });
  });
});

// A repeat the bill's cut moves onto another cycle's line goes there with its event (red team, red34 #5). Card: call
// and store at 1 credit each. New York cycles. r1 is 40 calls at 2026-11-01T02:00Z and again at 02:30Z: October at New
// York's cycles (22:00 and 22:30 on Oct 31), November at UTC's. 100 calls on Nov 10. store: 10 on Nov 10, and 4 at
// 2026-12-01T04:30Z (Nov 30 in New York, December at UTC), which proves the UTC cut: November's store at UTC is 10.
// The bill counts r1's repeat: 40 + 40 + 100 = 180 calls, where usage at the cut has 140.
/** Reconcile of a New York account's calls and stores (model m1, event ids) against a bill cut at UTC: its JSON and exit code. */
async function nyReconcile(rows: readonly string[], calls: number): Promise<{ json: any; code: number }> {
  const card = smallCard({ plans: ["pro: { label: Pro, included: 1000, price: 50 }"], meters: [callMeter({ dimensions: ["model"] }), callMeter({ name: "store", dimensions: ["model"] })] });
  const dir = mkdtempSync(join(tmpdir(), "cut47-"));
  writeFileSync(join(dir, "card.yaml"), card);
  writeFileSync(join(dir, "account.yaml"), "card: card.yaml\naccount: acme\nplan: pro\nanchor: 2026-10-01\ntimezone: America/New_York\n");
  writeFileSync(join(dir, "usage.csv"), ["timestamp,meter,quantity,model,event_id", ...rows].join("\n") + "\n");
  writeFileSync(join(dir, "bill.csv"), ["period_start,activity,quantity,amount", `2026-11-01,call,${calls},${calls}`, "2026-11-01,store,10,10"].join("\n") + "\n");
  const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
  return { json: JSON.parse(r.stdout), code: r.code };
}

describe("a repeat the cut moves (red34 #5)", () => {
  it("is the bill's line's duplicate_events at the cut, 40 calls, as the same rows mid-month are", async () => {
    const rows = ["2026-11-01T02:00:00Z,call,40,m1,r1", "2026-11-01T02:30:00Z,call,40,m1,r1", "2026-11-10T00:00:00Z,call,100,m1,r2", "2026-11-10T00:00:00Z,store,10,m1,s1", "2026-12-01T04:30:00Z,store,4,m1,s2"];
    const r = await nyReconcile(rows, 180);
    const json = r.json;
    expect(json.boundary_shifts).toEqual([expect.objectContaining({ cut: "00:00 UTC", at_declared_cut: true })]);
    const call = json.lines.find((l: { meters: string[] }) => l.meters.includes("call"));
    expect(call).toMatchObject({ class: "duplicate_events", bill_quantity: "180", computed_quantity: "140" });
    // Needing attention, as any repeat the bill charges does: exit 1.
    expect(r.code).toBe(1);
  });
});

// newcomer70 M3: a request sent twice within a month, on a bill cut at UTC where the account's cycles are New York's:
// the line is duplicate_events at the bill's cut, and its explanation still names the first repeat's row and event_id,
// what the provider is sent. r3's 20 calls at 10:00 and again at 10:05 on November 15: the bill counts 100 + 20 + 20 =
// 140 calls, usage 120. store's 4 at 2026-12-01T04:30Z (November 30 in New York) prove the UTC cut, as above.
describe("a repeat on a line the bill's cut judges (newcomer70 M3)", () => {
  it("names the first repeat's row and event_id", async () => {
    const rows = ["2026-11-10T00:00:00Z,call,100,m1,r2", "2026-11-10T00:00:00Z,store,10,m1,s1", "2026-11-15T10:00:00Z,call,20,m1,r3", "2026-11-15T10:05:00Z,call,20,m1,r3", "2026-12-01T04:30:00Z,store,4,m1,s2"];
    const { json } = await nyReconcile(rows, 140);
    expect(json.boundary_shifts).toEqual([expect.objectContaining({ cut: "00:00 UTC" })]);
    const call = json.lines.find((l: { meters: string[] }) => l.meters.includes("call"));
    expect(call).toMatchObject({ class: "duplicate_events", bill_quantity: "140", computed_quantity: "120" });
    expect(call.explanation).toContain('; the first repeat at usage.csv:5:1, event_id "r3"');
  });
});

