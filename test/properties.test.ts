import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Statement, UsageEvent } from "../src/engine/types.js";
import { Decimal, ZERO } from "../src/money.js";
import { statementJson } from "../src/render/statement-json.js";
import { card, events, replay, type EventSpec } from "./helpers/engine.js";

// The invariants of SPEC 2, over random event streams through the engine.
const C = card();
const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);

const meters = ["call", "read", "view", "visitor", "site", "site_closed", "disk", "disk_freed"] as const;

const rawEvent = fc.record({
  day: fc.integer({ min: 0, max: 95 }),
  hour: fc.integer({ min: 0, max: 3 }),
  meter: fc.constantFrom(...meters),
  quantity: fc.integer({ min: 0, max: 40 }),
  tenths: fc.integer({ min: 0, max: 9 }),
  project: fc.constantFrom("p", "q"),
  user: fc.constantFrom("u1", "u2", "u3"),
  account: fc.constantFrom("acct", "other"),
  /** Sent twice with the same event_id, as a retrying client would. */
  resend: fc.boolean(),
});
type RawEvent = typeof rawEvent extends fc.Arbitrary<infer T> ? T : never;

/** Random rows made consistent: an item is closed only while open, a level lowered only as far as it goes. */
function consistent(raw: RawEvent[]): EventSpec[] {
  const sorted = raw.map((r, i) => ({ r, i })).sort((a, b) => a.r.day - b.r.day || a.r.hour - b.r.hour || a.i - b.i);
  const open = new Set<string>();
  const level = new Map<string, number>();
  const out: EventSpec[] = [];
  for (const { r, i } of sorted) {
    const key = `${r.account}/${r.project}`;
    let quantity = `${r.quantity}.${r.tenths}`;
    if (r.meter === "site") open.add(key);
    if (r.meter === "site_closed" && !open.delete(key)) continue;
    if (r.meter === "disk") level.set(key, (level.get(key) ?? 0) + r.quantity);
    if (r.meter === "disk_freed") {
      const have = level.get(key) ?? 0;
      if (have === 0) continue;
      const take = Math.min(have, Math.max(1, r.quantity));
      level.set(key, have - take);
      quantity = String(take);
    }
    if (r.meter === "disk") quantity = String(r.quantity);
    const row: EventSpec = [new Date(START + r.day * DAY + r.hour * 3_600_000).toISOString(), r.meter, quantity, { project: r.project, user: r.user }, { account: r.account, id: `e${i}` }];
    out.push(row);
    if (r.resend) out.push(row);
  }
  return out;
}

const stream = fc.array(rawEvent, { maxLength: 120 }).map(consistent);
const purchases = fc.array(fc.record({
  kind: fc.constantFrom("topup", "addon"),
  amount: fc.integer({ min: 1, max: 60 }).map(String),
  day: fc.integer({ min: 0, max: 95 }),
}), { maxLength: 4 }).map((ps) => ps.map((p) => ({ kind: p.kind, amount: p.amount, at: new Date(START + p.day * DAY + 1800_000).toISOString() })));
const plan = fc.constantFrom("small", "paid");

const run = (specs: EventSpec[], ps: { kind: string; amount: string; at: string }[], p: string, evs?: UsageEvent[]) =>
  replay(C, evs ?? events(specs), { plan: p, purchases: ps, subscriptionEnd: "2026-03-20T00:00:00Z", through: "2026-04-15T00:00:00Z" });
const text = (st: Statement) => JSON.stringify(statementJson(st));

describe("engine invariants", () => {
  it("conserves credits: opening + granted = consumed + expired + closing, per grant kind and in total", () => {
    fc.assert(fc.property(stream, purchases, plan, (specs, ps, p) => {
      for (const account of run(specs, ps, p).accounts) {
        for (const c of account.cycles) {
          let left = ZERO;
          let right = ZERO;
          for (const g of c.grants) {
            expect(g.opening.plus(g.granted).toFixed()).toBe(g.consumed.plus(g.expired).plus(g.closing).toFixed());
            expect(g.closing.gte(0) && g.consumed.gte(0)).toBe(true);
            left = left.plus(g.opening).plus(g.granted);
            right = right.plus(g.consumed).plus(g.expired).plus(g.closing);
          }
          expect(left.eq(right)).toBe(true);
        }
      }
    }), { numRuns: RUNS });
  });

  it("the lines sum to the total, the total is what the grants gave plus what was uncovered, and pool splits sum to it", () => {
    fc.assert(fc.property(stream, purchases, plan, (specs, ps, p) => {
      for (const account of run(specs, ps, p).accounts) {
        for (const c of account.cycles) {
          const lines = c.lines.reduce((t, l) => t.plus(l.amount), ZERO);
          expect(lines.toFixed()).toBe(c.total.toFixed());
          const consumed = c.grants.reduce((t, g) => t.plus(g.consumed), ZERO);
          expect(consumed.plus(c.uncovered).toFixed()).toBe(c.total.toFixed());
          const pools = new Map<string, Decimal>();
          for (const l of c.lines) pools.set(l.pool, (pools.get(l.pool) ?? ZERO).plus(l.amount));
          expect([...pools.values()].reduce((t, v) => t.plus(v), ZERO).toFixed()).toBe(c.total.toFixed());
          expect(c.uncovered.gte(0)).toBe(true);
        }
      }
    }), { numRuns: RUNS });
  });

  it("replaying the same input gives identical output", () => {
    fc.assert(fc.property(stream, purchases, plan, (specs, ps, p) => {
      expect(text(run(specs, ps, p))).toBe(text(run(specs, ps, p)));
    }), { numRuns: RUNS / 3 });
  });

  it("shuffling rows within the same instant, or splitting the log in two files, changes nothing", () => {
    fc.assert(fc.property(stream, purchases, plan, fc.integer(), (specs, ps, p, seed) => {
      const evs = events(specs);
      const expected = text(run(specs, ps, p, evs));
      // Shuffle inside each instant, deterministically from the seed.
      let x = seed | 1;
      const rnd = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      const shuffled = evs.map((e) => ({ e, k: rnd() })).sort((a, b) => a.e.at - b.e.at || a.k - b.k).map(({ e }) => e);
      expect(text(run(specs, ps, p, shuffled))).toBe(expected);
      // Two files read one after the other, then merged by time (ties: first file first).
      const [one, two] = [evs.filter((_, i) => i % 2 === 0), evs.filter((_, i) => i % 2 === 1)];
      const merged = [...one, ...two].map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i).map(({ e }) => e);
      expect(text(run(specs, ps, p, merged))).toBe(expected);
    }), { numRuns: RUNS / 3 });
  });
});
