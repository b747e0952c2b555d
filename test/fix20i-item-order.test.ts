import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Statement } from "../src/engine/types.js";
import { statementJson } from "../src/render/statement/json.js";
import { card, events, replay, replayRows, type EventSpec, type RunOptions } from "./helpers/engine.js";

// Red team, stop 38: the rows of one item or gauge at one instant keep the log's order, every other row the
// content order (src/engine/canonical-order.ts, instantOrder). On random valid logs of crowded instants (up to
// 40 rows, past the known path's insertion sort), where sites are closed and opened again and disks freed and
// filled again within one instant: the known path and the full path agree, and any order of an instant's rows
// that keeps each item's rows in their order gives the same statement.
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

const c = card();
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);

interface Draw {
  account: number;
  project: number;
  action: number;
  quantity: number;
}

const draw = fc.record({ account: fc.integer({ min: 0, max: 1 }), project: fc.integer({ min: 0, max: 2 }), action: fc.integer({ min: 0, max: 7 }), quantity: fc.integer({ min: 1, max: 4 }) });
const instants = fc.array(fc.array(draw, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 8 });

/** A valid log in its own order: an item ended only while active, a disk freed only down to zero. */
function log(groups: Draw[][]): EventSpec[][] {
  const active = new Set<string>();
  const level = new Map<string, number>();
  return groups.map((group, g) => {
    const at = new Date(START + g * 9 * DAY + 3_600_000).toISOString();
    return group.map(({ account, project, action, quantity }): EventSpec => {
      const dims = { project: `p${project}` };
      const extra = { account: `a${account}` };
      const item = `${account}/${project}`;
      if (action <= 1) {
        const meter = active.has(item) ? "site_closed" : "site";
        if (meter === "site") active.add(item);
        else active.delete(item);
        return [at, meter, "1", dims, extra];
      }
      if (action <= 3) {
        const held = level.get(item) ?? 0;
        const freed = action === 3 && held >= quantity;
        level.set(item, held + (freed ? -quantity : quantity));
        return [at, freed ? "disk_freed" : "disk", String(quantity), dims, extra];
      }
      const flow = ["call", "read", "view", "visitor"][action - 4]!;
      return [at, flow, String(quantity), flow === "visitor" ? { ...dims, user: `u${quantity}` } : dims, extra];
    });
  });
}

/** Each instant's rows shuffled by `seed`, the rows of one item (account, family, project) keeping their order. */
function interleave(groups: EventSpec[][], seed: number): EventSpec[] {
  let s = seed >>> 0 || 1;
  const next = () => ((s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296);
  const family: Record<string, string> = { site: "site", site_closed: "site", disk: "disk", disk_freed: "disk" };
  return groups.flatMap((group) => {
    const keyed = group.map((spec) => ({ spec, r: next() }));
    const items = new Map<string, { r: number }[]>();
    for (const k of keyed) {
      const f = family[k.spec[1]];
      if (f === undefined) continue;
      const item = `${k.spec[4]!.account}/${f}/${k.spec[3]!.project}`;
      items.set(item, [...(items.get(item) ?? []), k]);
    }
    for (const rows of items.values()) {
      const rs = rows.map((k) => k.r).sort((a, b) => a - b);
      rows.forEach((k, n) => (k.r = rs[n]!));
    }
    return keyed.sort((a, b) => a.r - b.r).map((k) => k.spec);
  });
}

// A row's file and line name where it was: the same rows in another order name other lines.
const PLACES = new Set(["file", "line", "first", "first_line", "repeat", "origin"]);
const text = (st: Statement) => JSON.stringify(statementJson(st), (key, value: unknown) => (PLACES.has(key) ? undefined : value));
const options: RunOptions = { plan: "small", through: "2026-04-01T00:00:00Z" };

describe(`an item's rows at one instant keep their order, every other row the content order (${RUNS} random logs)`, () => {
  it("the known path and the full path agree, and orders keeping each item's rows give one statement", () => {
    fc.assert(
      fc.property(instants, fc.integer(), fc.integer({ min: 1, max: 40 }), (groups, seed, size) => {
        const written = log(groups);
        const evs = events(written.flat());
        const full = text(replay(c, evs, options));
        expect(text(replayRows(c, evs, options, [size]))).toBe(full);
        const moved = events(interleave(written, seed));
        expect(text(replay(c, moved, options))).toBe(full);
        expect(text(replayRows(c, moved, options, [size]))).toBe(full);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);
});
