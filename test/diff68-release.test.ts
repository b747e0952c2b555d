import { describe, expect, it } from "vitest";
import { compareStatements } from "../src/costdiff/compare.js";
import { pricedBy } from "../src/costdiff/priced-by.js";
import { card, events, replay } from "./helpers/engine.js";

// diff's comparison lets each account's cycles go once compared, under both cards (stop 68: at 10,000 accounts both
// statements were held whole beside the report's rows, 120 MB of a 265 MB heap). The figures are the test card's
// prices by hand: call 1 credit (2 on the new card), read 0.5.
describe("diff's comparison letting each account go", () => {
  const base = card();
  const raised = card(undefined, { 'call: { aggregation: flow, category: main, pool: build, price: "1"': 'call: { aggregation: flow, category: main, pool: build, price: "2"' });
  const usage = events([
    ["2026-01-02T00:00:00Z", "call", "3", {}, { account: "a" }],
    ["2026-01-03T00:00:00Z", "call", "5", {}, { account: "b" }],
    ["2026-02-04T00:00:00Z", "read", "4", {}, { account: "b" }],
  ]);
  // Cycles held as text, as a log of many accounts holds them: those are what is let go.
  const options = { anchor: "2026-01-01", closedCycles: { budget: 0 } };

  it("gives the rows it gives holding them, and leaves no account's cycles to read again", () => {
    const [before, after] = [replay(base, usage, options), replay(raised, usage, options)];
    const rows = (r: ReturnType<typeof compareStatements>) => r.rows.map((x) => [x.account, x.start, x.meter, x.old.toFixed(), x.new.toFixed()]);
    const held = compareStatements(replay(base, usage, options), replay(raised, usage, options), pricedBy([base, raised]));
    const released = compareStatements(before, after, pricedBy([base, raised]), { release: true });
    const jan = Date.UTC(2026, 0, 1);
    const feb = Date.UTC(2026, 1, 1);
    expect(rows(released)).toEqual([
      ["a", jan, "call", "3", "6"],
      ["b", jan, "call", "5", "10"],
      ["b", feb, "read", "2", "2"],
    ]);
    expect(rows(released)).toEqual(rows(held));
    expect([released.total.old.toFixed(), released.total.new.toFixed()]).toEqual(["10", "18"]);
    // Read again, a released account's cycles throw: nothing of them is held.
    for (const statement of [before, after]) {
      for (const account of statement.accounts.filter((a) => a.account !== "acct")) expect(() => account.cycles, account.account).toThrow();
    }
  });
});
