import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { alertCredits, budgetCredits } from "../src/engine/budget-levels.js";
import { CheckRooms } from "../src/engine/check-rooms.js";
import { countOf, exact, Scale } from "../src/engine/credits.js";
import { PriceBook } from "../src/engine/pricing.js";
import type { Statement } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";
import { statementJson } from "../src/render/statement/json.js";
import { card, events, replay, replayRows, TEST_CARD, type EventSpec, type RunOptions } from "./helpers/engine.js";

// eng22 (stop 39): the bench's gateway log (2M rows of floopy.yaml's token-priced requests, two teams' budgets,
// credits that run out late in the cycles) took 9.1 s. Three costs a row, none of them the rule's: each row past
// the balance opened the budgets' rooms (Decimals) before finding the wallet's room could not hold it, each
// token count was looked up by its Decimal in a map, and each budget check and spend worked in Decimals. Now the
// wallet's room is asked first, a count is read from the Decimal's digits, and a budget's spend is counted in
// credits against its levels in credits, worked out once: 3.4 s, the statement byte for byte the same.

const text = (st: Statement) => JSON.stringify(statementJson(st));

describe("rows past the balance with a budget", () => {
  it("are charged at once without the budget's room worked out a row", () => {
    // Small: 10 credits; build lets usage past them (uncovered). 300 calls of p at 1 credit; p's budget is 1,000.
    const c = card(TEST_CARD, {
      "provider: testco": "provider: testco\nbudgets: { dimension: project, alerts: [50, 100] }",
      "build: { label: Build, when_exhausted: block }": "build: { label: Build, when_exhausted: allow }",
    });
    const evs = events(Array.from({ length: 300 }, (_, i): EventSpec => [new Date(Date.UTC(2026, 0, 2) + i * 60_000).toISOString(), "call", "1", { project: "p" }]));
    const options: RunOptions = { plan: "small", terms: { budgets: new Map([["p", new Decimal("1000")]]) } };
    const left = vi.spyOn(CheckRooms.prototype, "left");
    let statement: Statement;
    try {
      statement = replayRows(c, evs, options, [7, 64]);
      // Before, once the 10 credits were spent, each of the 290 rows after opened p's room: 290 and more.
      expect(left.mock.calls.length).toBeLessThan(10);
    } finally {
      left.mockRestore();
    }
    expect(text(statement)).toBe(text(replay(c, evs, options)));
    const cycle = statement.accounts[0]!.cycles[0]!;
    // By hand: 300 credits of calls, 10 from the credits and 290 uncovered; 300 of p's 1,000, below its 50% alert.
    expect(cycle.lines.map((l) => [l.meter, l.quantity.toFixed(), l.amount.toFixed()])).toEqual([["call", "300", "300"]]);
    expect(cycle.uncovered.toFixed()).toBe("290");
    expect(cycle.budgets.map((b) => [b.key, b.spent.toFixed()])).toEqual([["p", "300"]]);
    expect(cycle.alerts).toEqual([]);
  });
});

describe("a budget in credits", () => {
  const scales = fc.constantFrom(new Scale(2), new Scale(6), new Scale(10));
  const budgets = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 8 })).map(([int, places]) => new Decimal(`${int}e-${places}`));

  it("refuses and alerts where the sums in Decimals would", () => {
    fc.assert(
      fc.property(scales, budgets, fc.integer({ min: 1, max: 150 }), fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.bigInt({ min: 0n, max: 10n ** 14n }), (scale, budget, percent, spent, amount) => {
        const decimal = (credits: bigint) => new Decimal(`${credits}e-${scale.digits}`);
        // The check: spent + amount past the budget.
        expect(spent + amount > budgetCredits(scale, budget)).toBe(decimal(spent).plus(decimal(amount)).gt(budget));
        // An alert: spend reaches percent of the budget.
        const level = budget.mul(percent).div(100);
        expect(spent >= alertCredits(scale, budget, percent)).toBe(decimal(spent).gte(level));
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps its levels by scale: the same budget on two cards' scales", () => {
    const budget = new Decimal("12.345");
    expect(budgetCredits(new Scale(2), budget)).toBe(1234n);
    expect(budgetCredits(new Scale(4), budget)).toBe(123450n);
    // 10% is 1.2345: at least 124 hundredths, 12345 ten-thousandths.
    expect(alertCredits(new Scale(2), budget, 10)).toBe(124n);
    expect(alertCredits(new Scale(4), budget, 10)).toBe(12345n);
  });
});

describe("a quantity's count", () => {
  it("is its millionths where safe, as its integer form gives them, on every Decimal", () => {
    const book = new PriceBook();
    const digits = fc.stringMatching(/^[0-9]{1,20}$/);
    const values = fc.tuple(fc.boolean(), digits, fc.integer({ min: 0, max: 12 }), fc.integer({ min: -3, max: 3 })).map(([negative, int, places, exponent]) => new Decimal(`${negative ? "-" : ""}${int}e${exponent - places}`));
    fc.assert(
      fc.property(values, (value) => {
        expect(book.count(value)).toBe(countOf(exact(value)));
      }),
      { numRuns: 3000 },
    );
    // At the safe integers' end: 9,007,199,254.740991 is 2^53 - 1 millionths, whose digits as decimal.js holds them pass 2^53.
    for (const text of ["9007199254.740991", "9007199254.740992", "0.0000001", "-42.5", "0", "1e21"]) expect(book.count(new Decimal(text))).toBe(countOf(exact(new Decimal(text))));
  });
});
