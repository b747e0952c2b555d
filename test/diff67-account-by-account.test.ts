import { describe, expect, it } from "vitest";
import { compareStatements } from "../src/costdiff/compare.js";
import type { Statement } from "../src/engine/types.js";
import { Decimal, ZERO } from "../src/money.js";
import { pricedBy } from "../src/costdiff/priced-by.js";
import { card, events, replay } from "./helpers/engine.js";

// diff compares two statements account by account, letting each account's grains go once its rows are made (and the
// heap watch check between accounts); what the whole usage tells (meters' averages, lines' order) is read first.
// The figures are the test card's prices by hand: call 1 credit (2 on the new card), read 0.5.
describe("diff's comparison, account by account", () => {
  const base = card();
  const raised = card(undefined, { 'call: { aggregation: flow, category: main, pool: build, price: "1"': 'call: { aggregation: flow, category: main, pool: build, price: "2"' });
  const usage = events([
    ["2026-01-02T00:00:00Z", "call", "3", {}, { account: "a" }],
    ["2026-01-03T00:00:00Z", "call", "5", {}, { account: "b" }],
    ["2026-01-04T00:00:00Z", "read", "4", {}, { account: "c" }],
  ]);
  // Cycles held as text, as a log of many accounts holds them, made again as each account is read.
  const options = { anchor: "2026-01-01", closedCycles: { budget: 0 } };

  it("gives each account's rows and the corpus's lines, and calls between after each account of each pass", () => {
    const calls: number[] = [];
    const result = compareStatements(replay(base, usage, options), replay(raised, usage, options), pricedBy([base, raised]), { between: () => calls.push(calls.length) });
    // Four accounts: a, b, c and the setup's own "acct" (named by the replay's setup, without usage). Both statements'
    // accounts once for the corpus (4 + 4), then each account's pair (4).
    expect(calls).toHaveLength(12);
    expect(result.rows.map((r) => [r.account, r.meter, r.old.toFixed(), r.new.toFixed()])).toEqual([
      ["a", "call", "3", "6"],
      ["b", "call", "5", "10"],
      ["c", "read", "2", "2"],
    ]);
    // 3 + 5 = 8 calls at 1 then 2; 4 reads at 0.5 under both.
    expect(result.lines.map((l) => [l.meter, l.old.toFixed(), l.new.toFixed(), l.served.old.toFixed(), l.served.new.toFixed()])).toEqual([
      ["call", "8", "16", "8", "16"],
      ["read", "2", "2", "2", "2"],
    ]);
    expect([result.total.old.toFixed(), result.total.new.toFixed()]).toEqual(["10", "18"]);
    expect([result.served.old.toFixed(), result.served.new.toFixed()]).toEqual(["10", "18"]);
    expect(result.cycles.map((c) => c.account)).toEqual(["a", "acct", "b", "c"]);
  });

  it("lets each account's cycles go once compared where asked, giving the rows it gives holding them (stop 68)", () => {
    // At 10,000 accounts both statements were held whole beside the report's rows (120 MB of a 265 MB heap).
    const [before, after] = [replay(base, usage, options), replay(raised, usage, options)];
    const rows = (r: ReturnType<typeof compareStatements>) => r.rows.map((x) => [x.account, x.meter, x.old.toFixed(), x.new.toFixed()]);
    const held = compareStatements(replay(base, usage, options), replay(raised, usage, options), pricedBy([base, raised]));
    const released = compareStatements(before, after, pricedBy([base, raised]), { release: true });
    expect(rows(released)).toEqual([
      ["a", "call", "3", "6"],
      ["b", "call", "5", "10"],
      ["c", "read", "2", "2"],
    ]);
    expect(rows(released)).toEqual(rows(held));
    expect([released.total.old.toFixed(), released.total.new.toFixed()]).toEqual(["10", "18"]);
    // Read again, every released account's cycles throw, the setup's own account without usage too: nothing of them is held.
    for (const statement of [before, after]) {
      for (const account of statement.accounts) expect(() => account.cycles, account.account).toThrow();
    }
  });

  it("compares an account of more cost rows than a call takes arguments (red67b: 130,000 rows were spread into push, a stack)", () => {
    // One account, one cycle, 130,000 meters of one credit each under the base card and two under the new one: a
    // statement of only the fields the comparison reads.
    const METERS = 130_000;
    const statement = (price: string): Statement => {
      const amount = new Decimal(price);
      const lines = Array.from({ length: METERS }, (_, i) => ({ meter: `m${i}`, component: undefined, kind: "usage", category: "main", pool: "p", dimensions: {}, quantity: new Decimal(1), unitPrice: amount, amount, events: 1 }));
      const cycle = { start: 0, end: 1, total: amount.mul(METERS), rejected: [], lines };
      return { accounts: [{ account: "solo", plan: "basic", cycles: [cycle] }] } as unknown as Statement;
    };
    const result = compareStatements(statement("1"), statement("2"), () => undefined);
    expect(result.rows).toHaveLength(METERS);
    expect(result.rows[METERS - 1]!.meter).toBe(`m${METERS - 1}`);
    // 130,000 x 1 and 130,000 x 2.
    expect([result.total.old.toFixed(), result.total.new.toFixed()]).toEqual(["130000", "260000"]);
    expect(result.refused).toEqual([]);
    expect(ZERO.plus(result.served.old).toFixed()).toBe("130000");
  });
});
