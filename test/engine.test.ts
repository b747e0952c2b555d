import { describe, expect, it } from "vitest";
import { OutOfOrder } from "../src/engine/replay.js";
import type { CycleStatement, LedgerEntry } from "../src/engine/types.js";
import { Calendar, Zone, formatInstant } from "../src/time.js";
import { Decimal } from "../src/money.js";
import { statementJson } from "../src/render/statement/json.js";
import { card, events, instant, replay, replayRows, UTC } from "./helpers/engine.js";

const C = card();
const s = (d: { toFixed(): string }) => d.toFixed();
const cycle = (stmt: ReturnType<typeof replay>, i = 0): CycleStatement => stmt.accounts[0]!.cycles[i]!;
const grant = (c: CycleStatement, kind: string) => {
  const g = c.grants.find((x) => x.kind === kind)!;
  return { opening: s(g.opening), granted: s(g.granted), consumed: s(g.consumed), expired: s(g.expired), closing: s(g.closing) };
};

describe("cycles", () => {
  it("clamps to the month's end from the original anchor, never chaining", () => {
    const cal = new Calendar(instant("2026-01-31T00:00:00Z"), UTC);
    expect([0, 1, 2, 3, 4].map((n) => formatInstant(cal.start(n)))).toEqual([
      "2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z", "2026-04-30T00:00:00Z", "2026-05-31T00:00:00Z",
    ]);
    const leap = new Calendar(instant("2028-01-31T00:00:00Z"), UTC);
    expect(formatInstant(leap.start(1))).toBe("2028-02-29T00:00:00Z");
  });

  it("puts boundaries at local midnight across daylight-saving changes", () => {
    const london = Zone.of("Europe/London")!;
    const cal = new Calendar(instant("2026-03-15", london), london);
    // 15 March is GMT, 15 April is BST: local midnight is 23:00 UTC the day before.
    expect(formatInstant(cal.start(0))).toBe("2026-03-15T00:00:00Z");
    expect(formatInstant(cal.start(1))).toBe("2026-04-14T23:00:00Z");
    expect(cal.indexOf(instant("2026-04-14T23:30:00Z"))).toBe(1);
    expect(cal.indexOf(instant("2026-04-14T22:59:59Z"))).toBe(0);
  });

  it("refuses local times in a DST gap or overlap instead of guessing", () => {
    const london = Zone.of("Europe/London")!;
    expect(() => instant("2026-03-29T01:30:00", london)).toThrow(/does not exist/);
    expect(() => instant("2026-10-25T01:30:00", london)).toThrow(/happens twice/);
    expect(formatInstant(instant("2026-10-25T01:30:00+01:00", london))).toBe("2026-10-25T00:30:00Z");
  });
});

describe("aggregations", () => {
  it("flow: quantity times unit price", () => {
    const st = replay(C, events([["2026-01-02T00:00:00Z", "call", "3"], ["2026-01-03T00:00:00Z", "read", "4"]]));
    expect(cycle(st).lines.map((l) => [l.meter, s(l.quantity), s(l.amount)])).toEqual([["call", "3", "3"], ["read", "4", "2"]]);
    expect(s(cycle(st).total)).toBe("5");
  });

  it("unique: a key is charged the first time it appears in a cycle, again next cycle", () => {
    const st = replay(C, events([
      ["2026-01-02T00:00:00Z", "visitor", "1", { user: "u1" }],
      ["2026-01-03T00:00:00Z", "visitor", "5", { user: "u1" }],
      ["2026-01-03T00:00:00Z", "visitor", "1", { user: "u2" }],
      ["2026-01-04T00:00:00Z", "visitor", "1", { user: "u1", project: "q" }],
      ["2026-02-02T00:00:00Z", "visitor", "1", { user: "u1" }],
    ]));
    expect(s(cycle(st, 0).total)).toBe("0.75");
    expect(s(cycle(st, 1).total)).toBe("0.25");
  });

  it("unique: a row of quantity 0 (a bucket of no visits) charges no item, on either path (red team, stop 34)", () => {
    // visitor 0.25 a user: u1's and u3's rows of 0 visits are no visits; u2's 2 visits are one user; u1 visiting later
    // is charged then: u2 and u1, 0.5 (u3 charged too would make it 0.75).
    const evs = events([
      ["2026-01-02T00:00:00Z", "visitor", "0", { user: "u1" }],
      ["2026-01-02T01:00:00Z", "visitor", "0", { user: "u3" }],
      ["2026-01-03T00:00:00Z", "visitor", "2", { user: "u2" }],
      ["2026-01-05T00:00:00Z", "visitor", "1", { user: "u1" }],
    ]);
    for (const st of [replay(C, evs), replayRows(C, evs)]) {
      expect(cycle(st).lines.map((l) => [l.meter, s(l.quantity), s(l.amount)])).toEqual([["visitor", "2", "0.5"]]);
      expect(s(cycle(st).total)).toBe("0.5");
    }
  });

  it("recurring: charged on activation, free to re-activate within the cycle, recharged at each cycle start while active", () => {
    const st = replay(C, events([
      ["2026-01-05T00:00:00Z", "site"],
      ["2026-01-06T00:00:00Z", "site_closed"],
      ["2026-01-07T00:00:00Z", "site"],
      ["2026-03-10T00:00:00Z", "site_closed"],
      ["2026-03-11T00:00:00Z", "site"],
      ["2026-03-20T00:00:00Z", "site_closed"],
    ]), { through: "2026-04-01T00:00:00Z" });
    const totals = st.accounts[0]!.cycles.map((c) => s(c.total));
    expect(totals).toEqual(["3", "3", "3", "0"]);
    expect(cycle(st, 1).lines[0]!.kind).toBe("recurring");
  });

  it("recurring charges come before the cycle's events", () => {
    const st = replay(C, events([["2026-01-05T00:00:00Z", "site"], ["2026-02-01T00:00:00Z", "call", "9"]]), { plan: "small" });
    // February: 10 included; the site's 3 is charged first, so 9 calls no longer fit.
    expect(cycle(st, 1).lines.map((l) => l.meter)).toEqual(["site"]);
    expect(cycle(st, 1).rejected).toMatchObject([{ meter: "call", reason: "credits exhausted", events: 1 }]);
  });

  it("gauge: the level at cycle start is charged; a decrease refunds that cycle, never more than it charged", () => {
    const st = replay(C, events([
      ["2026-01-05T00:00:00Z", "disk", "3"],
      ["2026-02-10T00:00:00Z", "disk", "2"],
      ["2026-02-11T00:00:00Z", "disk_freed", "1"],
      ["2026-02-12T00:00:00Z", "disk_freed", "3"],
      ["2026-02-13T00:00:00Z", "disk_freed", "1"],
    ]), { through: "2026-03-01T00:00:00Z" });
    const [jan, feb, mar] = st.accounts[0]!.cycles;
    expect(s(jan!.total)).toBe("0");
    // Charged 3 GB = 12. Raised to 5 (no charge until March), freed 1 (still above 3), 3 (down to 1: refund 2 GB), 1 (down to 0: refund 1 GB).
    expect(feb!.lines.map((l) => [l.meter, l.kind, s(l.quantity), s(l.amount)])).toEqual([
      ["disk", "gauge", "3", "12"],
      ["disk_freed", "refund", "-3", "-12"],
    ]);
    expect(s(feb!.total)).toBe("0");
    expect(s(mar!.total)).toBe("0");
  });
});

describe("wallet", () => {
  it("spends included credits first, top-ups after, and top-ups carry over", () => {
    const st = replay(C, events([["2026-01-10T00:00:00Z", "call", "12"], ["2026-02-10T00:00:00Z", "call", "3"]]), {
      plan: "small",
      purchases: [{ kind: "topup", amount: "5", at: "2026-01-02T00:00:00Z" }],
    });
    expect(grant(cycle(st, 0), "included")).toEqual({ opening: "10", granted: "0", consumed: "10", expired: "0", closing: "0" });
    expect(grant(cycle(st, 0), "topup")).toEqual({ opening: "0", granted: "5", consumed: "2", expired: "0", closing: "3" });
    expect(grant(cycle(st, 1), "included")).toEqual({ opening: "10", granted: "0", consumed: "3", expired: "0", closing: "7" });
    expect(grant(cycle(st, 1), "topup")).toEqual({ opening: "3", granted: "0", consumed: "0", expired: "0", closing: "3" });
  });

  it("burns by priority, then soonest expiry, then age", () => {
    const ledger: LedgerEntry[] = [];
    replay(C, events([["2026-03-01T00:00:00Z", "call", "15"]]), {
      plan: "small",
      anchor: "2026-03-01T00:00:00Z",
      subscriptionEnd: "2026-09-01T00:00:00Z",
      purchases: [
        { kind: "topup", amount: "100", at: "2026-03-01T00:00:00Z" },
        { kind: "addon", amount: "2", at: "2026-03-01T00:00:00Z" },
      ],
      ledger,
    });
    const after = ledger.filter((e) => e.type === "charge").map((e) => s(e.balance));
    // 10 included, then the 2 add-on credits, then 3 of the top-up: 102 - 5 = 97 left.
    expect(after).toEqual(["97"]);
  });

  it("expires add-ons 12 months after purchase or at the subscription's end, whichever is earlier", () => {
    const early = replay(C, events([["2026-08-15T00:00:00Z", "view"]]), {
      plan: "small", subscriptionEnd: "2026-06-20T00:00:00Z",
      purchases: [{ kind: "addon", amount: "50", at: "2026-01-10T00:00:00Z" }],
    });
    const june = early.accounts[0]!.cycles[5]!;
    expect(grant(june, "addon")).toEqual({ opening: "50", granted: "0", consumed: "0", expired: "50", closing: "0" });
    const late = replay(C, events([["2027-02-15T00:00:00Z", "view"]]), {
      plan: "small", subscriptionEnd: "2030-01-01T00:00:00Z",
      purchases: [{ kind: "addon", amount: "50", at: "2026-01-10T00:00:00Z" }],
    });
    const expiredIn = late.accounts[0]!.cycles.findIndex((c) => c.grants.some((g) => g.kind === "addon" && g.expired.gt(0)));
    expect(formatInstant(late.accounts[0]!.cycles[expiredIn]!.start)).toBe("2027-01-01T00:00:00Z");
  });

  it("included credits do not roll over", () => {
    const st = replay(C, events([["2026-02-01T00:00:00Z", "call", "1"]]), { plan: "small" });
    expect(grant(cycle(st, 0), "included").closing).toBe("10");
    expect(grant(cycle(st, 1), "included").opening).toBe("10");
  });
});

describe("when credits run out", () => {
  it("block: the event is rejected whole and no balance changes", () => {
    const st = replay(C, events([["2026-01-02T00:00:00Z", "call", "8"], ["2026-01-03T00:00:00Z", "call", "3"], ["2026-01-04T00:00:00Z", "call", "2"]]), { plan: "small" });
    const c = cycle(st);
    expect(s(c.total)).toBe("10");
    expect(c.rejected).toMatchObject([{ meter: "call", reason: "credits exhausted", events: 1 }]);
    expect(s(c.rejected[0]!.quantity)).toBe("3");
    expect(formatInstant(c.rejected[0]!.firstAt)).toBe("2026-01-03T00:00:00Z");
  });

  it("grace: run-pool events draw up to 10% of the allowance beyond all credits, reported as uncovered", () => {
    const st = replay(C, events([
      ["2026-01-02T00:00:00Z", "read", "200"],
      ["2026-01-03T00:00:00Z", "read", "16"],
      ["2026-01-04T00:00:00Z", "call", "1"],
      ["2026-01-05T00:00:00Z", "read", "6"],
      ["2026-01-06T00:00:00Z", "read", "4"],
    ]));
    const c = cycle(st);
    expect(s(c.uncovered)).toBe("10");
    expect(s(c.total)).toBe("110");
    expect(c.rejected.map((r) => [r.meter, r.reason, r.events])).toEqual([["call", "credits exhausted", 1], ["read", "grace buffer exhausted", 1]]);
  });

  it("no grace on a plan without it", () => {
    const st = replay(C, events([["2026-01-02T00:00:00Z", "read", "20"], ["2026-01-03T00:00:00Z", "read", "1"]]), { plan: "small" });
    expect(cycle(st).rejected).toMatchObject([{ meter: "read", reason: "credits exhausted" }]);
    expect(s(cycle(st).uncovered)).toBe("0");
  });

  it("allow: features that keep working past the credits", () => {
    const st = replay(C, events([["2026-01-02T00:00:00Z", "view", "7"]]), { plan: "small" });
    expect(s(cycle(st).uncovered)).toBe("4");
    expect(cycle(st).rejected).toEqual([]);
  });

  it("crossing: accept lets the crossing event through; split accepts the whole units that fit", () => {
    const evs = events([["2026-01-02T00:00:00Z", "call", "7"], ["2026-01-03T00:00:00Z", "call", "5"], ["2026-01-04T00:00:00Z", "call", "1"]]);
    const accept = cycle(replay(card(undefined, { 'provider: testco': "provider: testco\ncrossing: accept" }), evs, { plan: "small" }));
    // 10 included: the 7 leaves 3; the 5 crosses the end of the credits and is let through (2 uncovered); the 1 finds
    // nothing left to cross, and the build pool blocks it (it was accepted too, every charge after the end "crossing").
    expect([s(accept.total), s(accept.uncovered), accept.rejected.map((r) => [r.meter, r.events, r.reason])]).toEqual(["12", "2", [["call", 1, "credits exhausted"]]]);
    // A grace pool: paid's 100 credits and 10% of grace (10). read is 0.5 a unit: 210 reads cost 105 (5 of grace), 20
    // cost 10, past the 5 of grace left, and cross it (15 uncovered); the 100 find nothing left and are refused.
    const reads = events([["2026-01-02T00:00:00Z", "read", "210"], ["2026-01-03T00:00:00Z", "read", "20"], ["2026-01-04T00:00:00Z", "read", "100"]]);
    const grace = cycle(replay(card(undefined, { 'provider: testco': "provider: testco\ncrossing: accept" }), reads, { plan: "paid" }));
    expect([s(grace.total), s(grace.uncovered), grace.rejected.map((r) => [r.meter, r.events])]).toEqual(["115", "15", [["read", 1]]]);
    const split = cycle(replay(card(undefined, { 'provider: testco': "provider: testco\ncrossing: split" }), evs, { plan: "small" }));
    expect([s(split.total), s(split.uncovered)]).toEqual(["10", "0"]);
    expect(split.rejected.map((r) => [r.events, s(r.quantity)])).toEqual([[2, "3"]]);
  });
});

describe("thresholds and order", () => {
  it("records the instant each level of the allowance is reached; top-ups do not count", () => {
    const st = replay(C, events([
      ["2026-01-02T00:00:00Z", "call", "49"],
      ["2026-01-03T00:00:00Z", "call", "1"],
      ["2026-01-04T00:00:00Z", "call", "50"],
      ["2026-01-05T00:00:00Z", "call", "5"],
    ]), { purchases: [{ kind: "topup", amount: "10", at: "2026-01-01T00:00:00Z" }] });
    expect(cycle(st).thresholds.map((t) => [t.percent, formatInstant(t.at)])).toEqual([[50, "2026-01-03T00:00:00Z"], [100, "2026-01-04T00:00:00Z"]]);
  });

  it("counts a repeated event_id once and reports it", () => {
    const st = replay(C, events([
      ["2026-01-02T00:00:00Z", "call", "2", {}, { id: "a" }],
      ["2026-01-02T00:00:00Z", "call", "2", {}, { id: "a" }],
      ["2026-01-03T00:00:00Z", "call", "1", {}, { id: "b" }],
    ]));
    expect(s(cycle(st).total)).toBe("3");
    expect(cycle(st).duplicates.map((d) => [d.meter, d.events, s(d.quantity)])).toEqual([["call", 1, "2"]]);
    expect(st.events).toEqual({ read: 3, priced: 2, duplicates: 1, rejected: 0 });
  });

  it("refuses an event earlier than one already replayed, so the caller can sort", () => {
    expect(() => replay(C, events([["2026-01-03T00:00:00Z", "call"], ["2026-01-02T00:00:00Z", "call"]]))).toThrow(OutOfOrder);
  });

  it("keeps one account's credits apart from another's", () => {
    const st = replay(C, events([
      ["2026-01-02T00:00:00Z", "call", "10", {}, { account: "a" }],
      ["2026-01-02T00:00:00Z", "call", "10", {}, { account: "b" }],
      ["2026-01-03T00:00:00Z", "call", "1", {}, { account: "a" }],
    ]), { plan: "small" });
    expect(st.accounts.map((a) => [a.account, s(a.cycles[0]!.total), a.cycles[0]!.rejected.length])).toEqual([["a", "10", 1], ["acct", "0", 0], ["b", "10", 0]]);
  });
});

describe("refunds and grace", () => {
  it("a refund in one pool frees the grace another pool drew", () => {
    // paid: 100 included, 10 grace on the run pool. 3 GB of disk (build pool) charged at
    // February's start (12); reads (run pool) then use the rest and 8 of grace; freeing
    // the disk refunds 12: 8 back to what grace covered, 4 to the credits.
    const st = replay(C, events([
      ["2026-01-05T00:00:00Z", "disk", "3"],
      ["2026-02-02T00:00:00Z", "read", "192"],
      ["2026-02-03T00:00:00Z", "disk_freed", "3"],
      ["2026-02-04T00:00:00Z", "read", "20"],
      ["2026-02-05T00:00:00Z", "read", "2"],
    ]));
    const feb = st.accounts[0]!.cycles[1]!;
    // After the refund: 4 credits left and the full 10 of grace again: 10 + 4 covers the
    // read of 10 (20 x 0.5), with 6 of grace drawn; the read of 1 more fits in the grace left.
    expect(feb.rejected).toEqual([]);
    expect(s(feb.uncovered)).toBe("7");
    expect(s(feb.total)).toBe("107");
  });
});

describe("rows of shapes", () => {
  // Rows after the first of their shape are priced without an event where that is all their
  // event would do; each case here is an edge of that, and must give what the events give.
  const both = (specs: Parameters<typeof events>[0], options: Parameters<typeof replay>[2] = {}) => {
    const evs = events(specs);
    const viaEvents = replay(C, evs, options);
    const viaRows = replayRows(C, evs, options, [1, 2, 5]);
    expect(JSON.stringify(statementJson(viaRows))).toBe(JSON.stringify(statementJson(viaEvents)));
    return viaRows;
  };

  it("rows of one instant that the credits cover one by one, but not together, are taken in order until they run out", () => {
    const st = both([
      ["2026-01-02T00:00:00Z", "call", "3"],
      ["2026-01-03T00:00:00Z", "call", "3"],
      ["2026-01-04T00:00:00Z", "call", "3"],
      ["2026-01-04T00:00:00Z", "call", "3"],
    ], { plan: "small" });
    expect(cycle(st).rejected.map((r) => [r.meter, r.events])).toEqual([["call", 1]]);
    expect(s(cycle(st).total)).toBe("9");
  });

  it("a grant bought at a row's instant is in the wallet before the row is charged", () => {
    const st = both([
      ["2026-01-02T00:00:00Z", "call", "10"],
      ["2026-01-05T00:00:00Z", "call", "1"],
    ], { plan: "small", purchases: [{ kind: "topup", amount: "5", at: "2026-01-01T12:00:00Z" }, { kind: "addon", amount: "5", at: "2026-01-05T00:00:00Z" }] });
    expect(grant(cycle(st), "addon").consumed).toBe("1");
    expect(grant(cycle(st), "topup").consumed).toBe("0");
  });

  it("a grant expiring at a row's instant is gone before the row is charged", () => {
    const st = both([
      ["2026-01-02T00:00:00Z", "call", "10"],
      ["2026-01-10T00:00:00Z", "call", "1"],
    ], { plan: "small", subscriptionEnd: "2026-01-10T00:00:00Z", purchases: [{ kind: "topup", amount: "5", at: "2026-01-01T12:00:00Z" }, { kind: "addon", amount: "5", at: "2026-01-01T12:00:00Z" }] });
    expect(grant(cycle(st), "addon")).toMatchObject({ consumed: "0", expired: "5" });
    expect(grant(cycle(st), "topup").consumed).toBe("1");
  });

  it("a unique item charged in one cycle is charged again in the next", () => {
    const st = both([
      ["2026-01-02T00:00:00Z", "visitor", "1", { user: "u1" }],
      ["2026-01-03T00:00:00Z", "visitor", "1", { user: "u1" }],
      ["2026-02-01T00:00:00Z", "call", "1"],
      ["2026-02-02T00:00:00Z", "visitor", "1", { user: "u1" }],
      ["2026-02-03T00:00:00Z", "visitor", "1", { user: "u1" }],
    ]);
    expect([0, 1].map((i) => cycle(st, i).lines.filter((l) => l.meter === "visitor").map((l) => [l.events, s(l.amount)]))).toEqual([[[1, "0.25"]], [[1, "0.25"]]]);
  });

  it("a unique item charged through one shape is not charged again through another in the same cycle", () => {
    // The same end-user with and without a channel: two shapes, one item.
    const st = both([
      ["2026-01-02T00:00:00Z", "visitor", "1", { user: "u1", channel: "web" }],
      ["2026-01-03T00:00:00Z", "visitor", "1", { user: "u1" }],
      ["2026-02-01T00:00:00Z", "call", "1"],
      ["2026-02-02T00:00:00Z", "visitor", "1", { user: "u1" }],
      ["2026-02-03T00:00:00Z", "visitor", "1", { user: "u1", channel: "web" }],
      ["2026-02-04T00:00:00Z", "visitor", "1", { user: "u1", channel: "web" }],
    ]);
    expect([0, 1].map((i) => cycle(st, i).lines.filter((l) => l.meter === "visitor").map((l) => [l.events, s(l.amount)]))).toEqual([[[1, "0.25"]], [[1, "0.25"]]]);
  });

  it("a row that takes the wallet to exactly zero marks the credits exhausted at its instant", () => {
    // Past every warning level, on a top-up: only the balance bounds the rows' room.
    const st = both([
      ["2026-01-02T00:00:00Z", "call", "10"],
      ["2026-01-03T00:00:00Z", "call", "2"],
      ["2026-01-04T00:00:00Z", "call", "3"],
    ], { plan: "small", purchases: [{ kind: "topup", amount: "5", at: "2026-01-01T12:00:00Z" }] });
    expect(cycle(st).thresholds.map((t) => t.percent)).toEqual([50, 100]);
    expect(cycle(st).exhaustedAt).toBe(instant("2026-01-04T00:00:00Z"));
  });

  it("the low-balance alert goes off at the row that takes the balance below its level", () => {
    const st = both([
      ["2026-01-02T00:00:00Z", "call", "3"],
      ["2026-01-03T00:00:00Z", "call", "3"],
      ["2026-01-04T00:00:00Z", "call", "3"],
    ], { plan: "paid", terms: { lowBalance: new Decimal(95) } });
    expect(cycle(st).alerts).toEqual([{ kind: "low_balance", level: new Decimal(95), at: instant("2026-01-03T00:00:00Z") }]);
  });

  it("a free row after an expiry left the balance below the low-balance level sets the alert off", () => {
    const st = both([
      ["2026-01-02T00:00:00Z", "call", "1"],
      ["2026-01-11T00:00:00Z", "call", "10"],
      ["2026-01-12T00:00:00Z", "call", "0"],
    ], { plan: "small", subscriptionEnd: "2026-01-10T00:00:00Z", purchases: [{ kind: "addon", amount: "10", at: "2026-01-01T00:00:00Z" }], terms: { allowance: new Decimal(1), lowBalance: new Decimal(5) } });
    expect(cycle(st).alerts).toEqual([{ kind: "low_balance", level: new Decimal(5), at: instant("2026-01-12T00:00:00Z") }]);
  });

  it("a row past the statement's last cycle is refused as its event is", () => {
    const specs: Parameters<typeof events>[0] = [["2026-01-02T00:00:00Z", "call", "1"], ["2026-01-03T00:00:00Z", "call", "1"], ["2026-02-03T00:00:00Z", "call", "1"]];
    const options = { through: "2026-01-20T00:00:00Z", purchases: [{ kind: "topup", amount: "5", at: "2026-02-01T12:00:00Z" }] };
    expect(() => replay(C, events(specs), options)).toThrow(/usage after the statement's last cycle/);
    expect(() => replayRows(C, events(specs), options)).toThrow(/usage after the statement's last cycle/);
  });
});
