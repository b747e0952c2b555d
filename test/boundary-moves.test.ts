import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../src/money.js";
import { movesOf, type Hypothesis } from "../src/reconcile/boundary.js";
import { NearSums } from "../src/reconcile/near-sums.js";
import { Calendar } from "../src/time.js";
import { instant, UTC } from "./helpers/engine.js";

// A boundary hypothesis's moves come from the events near each boundary summed between the cuts of every hypothesis
// tested (stop 47; two searches in each key's events from stop 45). Held to the sum of each event the hypothesis moves,
// one by one, as they were found at first, for each of several hypotheses whose cuts the sums share.

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const calendar = new Calendar(instant("2026-10-01T00:00:00Z"), UTC);
const HOUR = 3_600_000;

const event = fc.record({
  offset: fc.integer({ min: -6 * 60, max: 6 * 60 }),
  quantity: fc.integer({ min: 0, max: 10_000 }),
  micros: fc.integer({ min: 0, max: 999_999 }),
});

/** The moves as they were summed: each event in the shift's range, one at a time. */
interface NearEvent {
  at: number;
  quantity: Decimal;
  amount: Decimal;
}

function oneByOne(h: Hypothesis, near: ReadonlyMap<number, ReadonlyMap<string, NearEvent[]>>) {
  const moves = new Map<string, { quantity: string; amount: string; into: number; outOf: number }>();
  const add = (cycle: number, key: string, e: NearEvent, into: boolean) => {
    const id = `${cycle}\u0000${key}`;
    const m = moves.get(id) ?? { quantity: "0", amount: "0", into: 0, outOf: 0 };
    const sign = into ? 1 : -1;
    moves.set(id, {
      quantity: new Decimal(m.quantity).plus(e.quantity.mul(sign)).toString(),
      amount: new Decimal(m.amount).plus(e.amount.mul(sign)).toString(),
      into: m.into + (into ? 1 : 0),
      outOf: m.outOf + (into ? 0 : 1),
    });
  };
  for (const [b, delta] of h.shifts) {
    const start = calendar.start(b);
    const [from, to] = delta > 0 ? [start, start + delta] : [start + delta, start];
    for (const [key, events] of near.get(b) ?? []) {
      for (const e of events) {
        if (e.at < from || e.at >= to) continue;
        add(delta > 0 ? b : b - 1, key, e, false);
        add(delta > 0 ? b - 1 : b, key, e, true);
      }
    }
  }
  return moves;
}

describe("a boundary hypothesis's moves (stop 45)", () => {
  it("are the sums of the events it moves, one by one", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom("a", "b", "c"), fc.array(event, { maxLength: 30 })),
        fc.array(fc.array(fc.tuple(fc.constantFrom(1, 2), fc.integer({ min: -24, max: 24 }).filter((q) => q !== 0)), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 4 }),
        (keys, tested) => {
          const near = new Map<number, Map<string, NearEvent[]>>();
          for (const b of [1, 2]) {
            const start = calendar.start(b);
            near.set(b, new Map(Object.entries(keys).map(([key, events]) => [key, events
              .map((e) => ({ at: start + e.offset * 60_000, quantity: new Decimal(e.quantity), amount: new Decimal(e.quantity).mul(e.micros).div(1_000_000) }))
              .sort((x, y) => x.at - y.at)])));
          }
          const hypotheses: Hypothesis[] = tested.map((shifts) => ({ label: "", cut: "", shifts: new Map(shifts.map(([b, q]) => [b, (q * HOUR) / 4])) }));
          const sums = new NearSums(calendar, hypotheses.map((h) => h.shifts));
          // As the scan adds them: every event of the log, in time order, at each boundary some cut would move it across.
          const all = [...near].flatMap(([, byKey]) => [...byKey].flatMap(([key, events]) => events.map((e) => ({ key, e }))));
          for (const { key, e } of all.sort((x, y) => x.e.at - y.e.at)) {
            const cycle = calendar.indexOf(e.at);
            for (const b of sums.near(e.at, cycle)) sums.add(b, key, e);
          }
          for (const h of hypotheses) {
            const got = new Map([...movesOf(h, sums)].map(([id, m]) => [id, { quantity: m.quantity.toString(), amount: m.amount.toString(), into: m.into, outOf: m.outOf }]));
            expect(got).toEqual(oneByOne(h, near));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
