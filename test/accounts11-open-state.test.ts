import { describe, expect, it } from "vitest";
import { Run } from "../src/engine/account-run.js";
import { OpenCycle } from "../src/engine/cycle.js";
import { grantRules } from "../src/engine/grant-rules.js";
import { Scale } from "../src/engine/credits.js";
import { Wallet } from "../src/engine/wallet.js";
import { Decimal, ZERO } from "../src/money.js";
import { card, closing } from "./helpers/engine.js";

// Issue 16, many accounts (accounts11): an open cycle keeps what a rule records only once one does, shares its terms
// with the cycles opened on the same, and a wallet's debit leaves the cycle's consumed credits as its grants give them.
const C = card();
const included = C.grantKinds.get("included")!;
const topup = C.grantKinds.get("topup")!;
const paid = C.plans.get("paid")!;
const small = C.plans.get("small")!;
const { order, terms } = closing(C);
// Two decimals: 1 credit is 100.
const scale = new Scale(2);
const counting = new Set(["included"]);

function cycleOn(plan = paid, allowance = new Decimal(100)): OpenCycle {
  return new OpenCycle({ index: 0, start: 0, end: 100 }, { allowance, plan }, [], { ...grantRules(C), counting }, scale);
}

/** The grant rows as [kind, consumed, closing]. */
function grantRows(cycle: OpenCycle, wallet: Wallet): string[][] {
  return cycle.close(wallet, order, terms).grants.map((g) => [g.kind, g.consumed.toFixed(), g.closing.toFixed()]);
}

describe("an open cycle's records", () => {
  it("reads as empty until a rule records, and keeps each record apart from other cycles'", () => {
    const quiet = cycleOn();
    const busy = cycleOn();
    expect(quiet.quotaUsed).toBe(ZERO);
    busy.quotaUsed = new Decimal(7);
    busy.reject({ meter: "call", reason: "pool_exhausted", quantity: new Decimal(2), at: 10 });
    busy.reject({ meter: "read", reason: "daily_limit", quantity: new Decimal(1), at: 11 });
    busy.reject({ meter: "call", reason: "pool_exhausted", quantity: new Decimal(3), at: 12 });
    busy.markExhausted(20);
    busy.markExhausted(30);
    // 60 credits, in the scale's hundredths.
    busy.spend("p1", 6000n, new Decimal(100), [50, 100], 40);
    expect(busy.rejects("call", "pool_exhausted")).toBe(true);
    expect(busy.rejects("call", "daily_limit")).toBe(false);
    expect(quiet.rejects("call", "pool_exhausted")).toBe(false);
    expect(quiet.quotaUsed).toBe(ZERO);
    expect(quiet.spentFrom("p1")).toBe(0n);
    expect(busy.spentFrom("p1")).toBe(6000n);
    const shown = busy.close(new Wallet(), order, { ...terms, quota: new Decimal(10) });
    // call's two refusals are one row of 2 + 3 = 5 in 2 events, first at 10; call comes before read in the card.
    expect(shown.rejected.map((r) => [r.meter, r.reason, r.events, r.quantity.toFixed(), r.firstAt])).toEqual([
      ["call", "pool_exhausted", 2, "5", 10],
      ["read", "daily_limit", 1, "1", 11],
    ]);
    // The first exhaustion stands; 60 of a budget of 100 crosses 50%, not 100%.
    expect(shown.exhaustedAt).toBe(20);
    expect(shown.quota).toEqual({ limit: new Decimal(10), used: new Decimal(7) });
    expect(shown.alerts).toEqual([{ kind: "budget", key: "p1", percent: 50, at: 40 }]);
    const empty = quiet.close(new Wallet(), order, terms);
    expect([empty.rejected, empty.alerts, empty.exhaustedAt, empty.timeline, empty.plans]).toEqual([[], [], undefined, [], []]);
  });

  it("measures grace by the terms in force: a change of allowance or plan moves the buffer, for this cycle only", () => {
    const first = cycleOn();
    const second = cycleOn();
    // paid's grace on run is 10% of the allowance: 10 credits of 100, 1,000 hundredths.
    expect(first.graceLimit("run")).toBe(1000n);
    first.recordDebit(0n, 400n, "run");
    expect(first.graceLeft("run")).toBe(600n);
    first.retarget(paid, new Decimal(50), 5);
    // 10% of 50 is 5 credits; the 4 used stay used.
    expect(first.graceLimit("run")).toBe(500n);
    expect(first.graceLeft("run")).toBe(100n);
    expect(second.graceLeft("run")).toBe(1000n);
    first.retarget(small, new Decimal(50), 6);
    // small has no grace.
    expect(first.graceLimit("run")).toBe(0n);
    expect(first.close(new Wallet(), order, terms).plans.map((p) => [p.plan, p.from, p.to])).toEqual([
      ["paid", 0, 6],
      ["small", 6, 100],
    ]);
    expect(second.graceLimit("run")).toBe(1000n);
  });

  it("sets off the low-balance alert once, at the level it first measured in the cycle", () => {
    const cycle = cycleOn();
    const level = new Decimal(5);
    // 8 credits left, 5 the level: 3 credits of room.
    expect(cycle.lowBalanceRoom(800n, level)).toBe(300n);
    cycle.checkLowBalance(600n, level, 10);
    cycle.checkLowBalance(400n, level, 11);
    cycle.checkLowBalance(300n, level, 12);
    expect(cycle.lowBalanceRoom(300n, level)).toBeUndefined();
    expect(cycle.close(new Wallet(), order, terms).alerts).toEqual([{ kind: "low_balance", level, at: 11 }]);
    // Another cycle on the same terms measures its own.
    expect(cycleOn().lowBalanceRoom(300n, level)).toBe(-200n);
  });
});

describe("consumed credits, as the wallet's debits give them", () => {
  it("adds each kind's takes, the allowance's percentage counting only the kinds that count", () => {
    const cycle = cycleOn();
    const wallet = new Wallet();
    wallet.add(included, 1000n, 0, 100);
    wallet.add(topup, 500n, 0, undefined);
    wallet.debit(300n, cycle);
    wallet.debit(400n, cycle);
    // 7 of the included 10; then 3 more drain it and 2 come from the top-up.
    expect(cycle.consumedTowardAllowance()).toBe(700n);
    wallet.debit(500n, cycle);
    expect(cycle.consumedTowardAllowance()).toBe(1000n);
    expect(grantRows(cycle, wallet)).toEqual([
      ["included", "10", "0"],
      ["topup", "2", "3"],
    ]);
    // A refund of 2.5 credits gives back to this cycle's consumption in burn order: 2.5 to the included grant.
    const { allocation } = wallet.refund(250n);
    cycle.recordRefund(allocation, 0n);
    expect(cycle.consumedTowardAllowance()).toBe(750n);
    expect(grantRows(cycle, wallet)).toEqual([
      ["included", "7.5", "2.5"],
      ["topup", "2", "3"],
    ]);
  });

  it("sums two grants of one kind, whichever was drawn first", () => {
    const cycle = cycleOn();
    const wallet = new Wallet();
    // Both included: the one expiring sooner burns first.
    wallet.add(included, 200n, 0, 50);
    wallet.add(included, 300n, 0, 100);
    wallet.debit(100n, cycle);
    wallet.debit(250n, cycle);
    wallet.debit(100n, cycle);
    // 1 + 1 from the first (2 credits, drained), 1.5 + 1 from the second: 4.5 in all, 0.5 left.
    expect(cycle.consumedTowardAllowance()).toBe(450n);
    expect(grantRows(cycle, wallet)).toEqual([["included", "4.5", "0.5"]]);
    // A second cycle drawing on the same wallet counts from its own start.
    wallet.startCycle();
    const next = cycleOn();
    wallet.debit(50n, next);
    expect(next.consumedTowardAllowance()).toBe(50n);
    expect(cycle.consumedTowardAllowance()).toBe(450n);
  });
});

describe("an account's run, its rarely used parts made at their first use", () => {
  it("reads back what was written, and none where nothing was", () => {
    const terms = { plan: paid } as unknown as ConstructorParameters<typeof Run>[2];
    const plain = new Run("a", 0, terms, new Wallet(), undefined);
    const ending = new Run("b", 1, terms, new Wallet(), 500);
    expect([plain.subscriptionEnd, plain.pending, plain.daily, plain.day, plain.calendar, plain.capped]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect(ending.subscriptionEnd).toBe(500);
    plain.pending = undefined;
    expect(plain.pending).toBeUndefined();
    (plain.daily ??= new Map()).set("p1", 300n);
    plain.day = "2026-09-01";
    expect([plain.daily.get("p1"), plain.day]).toEqual([300n, "2026-09-01"]);
    ending.subscriptionEnd = undefined;
    expect(ending.subscriptionEnd).toBeUndefined();
    expect(ending.deferred).not.toBe(plain.deferred);
    expect([plain.id, plain.ordinal, ending.id, ending.ordinal]).toEqual(["a", 0, "b", 1]);
  });
});
