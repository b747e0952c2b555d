import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Statement } from "../src/engine/types.js";
import { KnownShapes, UNIQUE_CHARGED, COVERED_FLOW, UNKNOWN } from "../src/engine/fast/known-shapes.js";
import type { ShapeFacts } from "../src/engine/full-path.js";
import { statementJson } from "../src/render/statement/json.js";
import { card, events, replay, replayRows, TEST_CARD, type EventSpec, type RunOptions } from "./helpers/engine.js";

// known13: a unique item's first row in a cycle takes what it costs from its shape's facts (learnt with the
// shape's target) and asks the full path only whether the cycle holds its item; the shapes' table holds
// two 32-bit integers a shape. The known path (rows) against the full path (events, every row through
// price()), byte for byte, on logs where several shapes share an item (`visitor` is keyed by project and
// user, and rows differ in a channel nothing reads), across cycles, accounts and a card version switched
// in mid-cycle, most rows alone at their instant. test/setup.ts fixes the seed; FUZZ_RUNS sets the number of cases.
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const text = (st: Statement) => JSON.stringify(statementJson(st));

const row = fc.record({
  day: fc.integer({ min: 0, max: 95 }),
  second: fc.integer({ min: 0, max: 3 }),
  meter: fc.constantFrom("visitor", "visitor", "visitor", "read", "view"),
  project: fc.constantFrom("p", "q"),
  user: fc.constantFrom("u1", "u2", "u3"),
  channel: fc.constantFrom("web", "app", ""),
  account: fc.constantFrom("acct", "acct", "other"),
});
const log = fc.array(row, { minLength: 10, maxLength: 120 }).map((rows) =>
  rows
    .map((r) => ({ ...r, at: Date.UTC(2026, 0, 1 + r.day, 12, 0, r.second) }))
    .sort((a, b) => a.at - b.at)
    .map(({ at, meter, project, user, channel, account }): EventSpec => [new Date(at).toISOString(), meter, "1", channel === "" ? { project, user } : { project, user, channel }, { account }]),
);

describe(`a unique item's first row in a cycle on the known path (${RUNS} random logs)`, () => {
  it("rows of shapes sharing an item give the full path's statement", () => {
    // With versions, the first is effective from its start; the second, switched in mid-cycle, prices the item anew.
    const base = card(TEST_CARD.replace("provider:", 'effective: "2026-01-01"\nprovider:'));
    const later = card(TEST_CARD.replace("provider:", 'effective: "2026-02-14"\napplies: at_once\nprovider:').replace(/version: .*/, 'version: "v2"').replaceAll('price: "0.25"', 'price: "0.75"'));
    fc.assert(
      fc.property(log, fc.constantFrom("small", "paid"), fc.boolean(), fc.integer({ min: 1, max: 9 }), (specs, plan, switched, size) => {
        const evs = events(specs);
        const options: RunOptions = { plan, through: "2026-04-10T00:00:00Z", ...(switched ? { versions: [later] } : {}) };
        const c = switched ? base : card();
        expect(text(replayRows(c, evs, options, [size, 1]))).toBe(text(replay(c, evs, options)));
      }),
      { numRuns: RUNS },
    );
  }, 600_000);
});

describe("the known shapes' table", () => {
  const facts = (f: Partial<ShapeFacts>): ShapeFacts => ({ unique: false, gauge: false, whole: false, run: 0, detail: 0, slot: -1, itemUnits: -1, parts: undefined, rooms: undefined, ...f });

  it("holds a unique item's serial, line and cost, and a flow charge's line and unit price, past its first size", () => {
    const known = new KnownShapes();
    expect(known.set(3, UNIQUE_CHARGED, facts({ unique: true, run: 7, detail: 12, slot: 4, itemUnits: 250_000_000 }))).toBe(true);
    // A unit price past 32 bits (a price of 5,000 or 6,000 at six decimals) is kept whole, as the table grows too.
    expect(known.set(7, COVERED_FLOW, facts({ run: 1, detail: 6_000_000_000, slot: 2 }))).toBe(true);
    expect(known.set(5000, COVERED_FLOW, facts({ run: 2, detail: 5_000_000_000, slot: 9, rooms: [1] }))).toBe(true);
    expect([known.how(3), known.run(3), known.serial(3), known.itemSlot(3), known.amount(3)]).toEqual([UNIQUE_CHARGED, 7, 12, 4, 250_000_000]);
    expect([known.how(5000), known.run(5000), known.slot(5000), known.amount(5000), known.rooms(5000), known.parts(5000)]).toEqual([COVERED_FLOW, 2, 9, 5_000_000_000, [1], undefined]);
    expect([known.slot(7), known.amount(7)]).toEqual([2, 6_000_000_000]);
    known.charged(3, 13);
    expect(known.serial(3)).toBe(13);
    expect(known.how(4)).toBe(UNKNOWN);
    expect(known.how(1_000_000)).toBe(UNKNOWN);
  });

  it("knows nothing of a shape whose run ordinal or cycle serial does not fit it: its rows go the full way", () => {
    const known = new KnownShapes();
    expect(known.set(1, COVERED_FLOW, facts({ run: 2 ** 25 - 1, detail: 10, slot: 0 }))).toBe(true);
    expect(known.run(1)).toBe(2 ** 25 - 1);
    expect(known.set(2, COVERED_FLOW, facts({ run: 2 ** 25, detail: 10, slot: 0 }))).toBe(false);
    expect(known.how(2)).toBe(UNKNOWN);
    expect(known.set(3, UNIQUE_CHARGED, facts({ unique: true, detail: 2 ** 31 }))).toBe(false);
    expect(known.how(3)).toBe(UNKNOWN);
    expect(known.set(4, UNIQUE_CHARGED, facts({ unique: true, detail: 5 }))).toBe(true);
    known.charged(4, 2 ** 31);
    expect(known.how(4)).toBe(UNKNOWN);
  });
});
