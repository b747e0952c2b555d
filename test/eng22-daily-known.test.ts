import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Statement, UsageEvent } from "../src/engine/types.js";
import { Decimal } from "../src/money.js";
import { statementJson } from "../src/render/statement/json.js";
import { Zone } from "../src/time.js";
import { viaRows } from "./helpers/priced-in-full.js";
import { card, events, replay, TEST_CARD, type EventSpec, type RunOptions } from "./helpers/engine.js";

// eng22 (stop 39): a daily limit declared no room, so every row of a limited value went the full way: Flowly's
// servers, limited by day, were priced in full row after row (its fixture scaled to 300,000 rows: 1.7 s, against
// about 0.3 s for a log of no limit). The limit now declares what is left of a value's day as its room, until the
// account's next local day: known rows within it are taken together and their spend recorded on their own day.

const text = (st: Statement) => JSON.stringify(statementJson(st));

function viaLimited(evs: readonly UsageEvent[], options: RunOptions): { statement: Statement; full: number } {
  return viaRows(limited, evs, options);
}

const limited = card(TEST_CARD, { "provider: testco": "provider: testco\ndaily_limits: { dimension: project }" });
const NEW_YORK = Zone.of("America/New_York")!;
/** Reads (0.5 credits) of p and q in turn, every 20 minutes from New York's midnight of March 6 2026 for four local days; the third, March 8, has 23 hours (clocks go forward at 2:00). */
const reads = events(Array.from({ length: 72 + 72 + 69 + 72 }, (_, i): EventSpec => [new Date(Date.UTC(2026, 2, 6, 5) + i * 20 * 60_000).toISOString(), "read", "1", { project: i % 2 === 0 ? "p" : "q" }]));
/** The paid plan (100 credits a cycle), cycles from March 1 in New York; p may spend 3 credits a day, any other project 5. */
const terms: RunOptions = { plan: "paid", zone: NEW_YORK, anchor: "2026-03-01T00:00:00-05:00", terms: { dailyLimits: new Map([["p", new Decimal("3")], ["*", new Decimal("5")]]) } };

describe("a daily limit's rows on the known path", () => {
  it("are refused past each value's limit, day by local day, as on the full path, few of them priced in full", () => {
    const { statement, full } = viaLimited(reads, terms);
    expect(text(statement)).toBe(text(replay(limited, reads, terms)));
    const cycle = statement.accounts[0]!.cycles[0]!;
    // By hand: a day takes 6 reads of p (3 credits) and 10 of q (5 credits), 16 reads or 8 credits, 32 over four days.
    // Days 1, 2 and 4 hold 36 reads of each; day 3 (69 slots, from an even slot) 35 of p and 34 of q.
    expect(cycle.lines.map((l) => [l.dimensions.project, l.quantity.toFixed(), l.amount.toFixed()])).toEqual([
      ["p", "24", "12"],
      ["q", "40", "20"],
    ]);
    expect(cycle.rejected.map((r) => [r.reason, r.events])).toEqual([
      ['daily limit of 3 reached for project "p"', 30 + 30 + 29 + 30],
      ['daily limit of 5 reached for project "q"', 26 + 26 + 24 + 26],
    ]);
    // Each shape's first row, each reason's first refusal in the cycle, a row or two as a day's room opens: not 285.
    expect(full).toBeLessThan(10);
  });

  it("count their days in the account's zone: in UTC the same rows make other days, on either path", () => {
    const utc: RunOptions = { ...terms, zone: Zone.of("UTC")!, anchor: "2026-03-01T00:00:00Z" };
    const { statement } = viaLimited(reads, utc);
    expect(text(statement)).toBe(text(replay(limited, reads, utc)));
    // In UTC the log starts at 05:00 on March 6 and ends at 03:40 on March 10: five days, each taking 6 reads of p;
    // q's four full days 10 each, March 10's 12 slots (from an odd one) hold 6 of q, all taken.
    const cycle = statement.accounts[0]!.cycles[0]!;
    expect(cycle.lines.map((l) => [l.dimensions.project, l.quantity.toFixed()])).toEqual([
      ["p", "30"],
      ["q", "46"],
    ]);
  });

  it("keep a day's spend when a row of the next day goes the full way before the day's known rows are recorded", () => {
    // Three reads of p known on March 6 (1.5 of its 3 credits), then at New York's midnight a call (another meter,
    // so a new shape, priced in full) and reads of p: the new day's 6 reads are taken, the 7th refused.
    const day1 = Array.from({ length: 3 }, (_, i): EventSpec => [new Date(Date.UTC(2026, 2, 6, 5) + i * 60_000).toISOString(), "read", "1", { project: "p" }]);
    const day2 = Array.from({ length: 7 }, (_, i): EventSpec => [new Date(Date.UTC(2026, 2, 7, 5) + (i + 1) * 60_000).toISOString(), "read", "1", { project: "p" }]);
    const evs = events([...day1, ["2026-03-07T05:00:00Z", "call", "1", { project: "p" }], ...day2]);
    const { statement } = viaLimited(evs, terms);
    expect(text(statement)).toBe(text(replay(limited, evs, terms)));
    const cycle = statement.accounts[0]!.cycles[0]!;
    // The call (1 credit) counts toward p's March 7: 2 credits left, 4 reads; 3 refused.
    expect(cycle.lines.map((l) => [l.meter, l.quantity.toFixed()])).toEqual([
      ["call", "1"],
      ["read", "7"],
    ]);
    expect(cycle.rejected.map((r) => r.events)).toEqual([3]);
  });
});

describe("a zone's next local day", () => {
  it("is where the local date changes next, across clock changes", () => {
    const zones = ["UTC", "America/New_York", "Europe/London", "Asia/Kathmandu", "Pacific/Chatham", "America/Santiago", "Asia/Beirut"].map((name) => Zone.of(name)!);
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }), (zone, at) => {
        // Each answer worked out afresh (a zone of its own) and by the zone that keeps its last day, whose day may be another's.
        const fresh = () => Zone.of(zone.name)!;
        const next = fresh().nextLocalDay(at);
        const date = fresh().localDate(at);
        expect(next).toBeGreaterThan(at);
        expect(fresh().localDate(next - 1)).toBe(date);
        expect(fresh().localDate(next)).not.toBe(date);
        expect(zone.localDate(at)).toBe(date);
        expect(zone.nextLocalDay(at)).toBe(next);
        expect(zone.localDate(next - 1)).toBe(date);
        expect(zone.localDate(next)).not.toBe(date);
        // The day's start: its date at its first instant, the day before's just before it.
        let start = fresh().nextLocalDay(at - 48 * 3_600_000);
        while (fresh().nextLocalDay(start) <= at) start = fresh().nextLocalDay(start);
        expect(fresh().localDate(start)).toBe(date);
        expect(fresh().localDate(start - 1)).not.toBe(date);
      }),
      { numRuns: 300 },
    );
  });
});
