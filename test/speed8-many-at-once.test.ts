import { describe, expect, it } from "vitest";
import type { Statement } from "../src/engine/types.js";
import { statementJson } from "../src/render/statement/json.js";
import { card, events, replay, replayRows, type EventSpec } from "./helpers/engine.js";

// An instant of many rows (a log's inventory, all at its first instant) is put in
// the canonical order by Array.prototype.sort on the known path, an instant of a
// few by insertion (known-rows.ts): either way the rows are priced as the full path
// prices the instant's events, sorted (account, meter, dimensions, quantity, id),
// ties in arrival order.
const text = (st: Statement) => JSON.stringify(statementJson(st));

/** `n` rows at one instant, of meters, projects, users and quantities in an order far from the canonical one, some the same row again. */
function crowd(n: number, at: string): EventSpec[] {
  const meters = ["view", "read", "call", "visitor"];
  const specs: EventSpec[] = [];
  for (let i = 0; i < n; i++) {
    const meter = meters[(i * 7) % meters.length]!;
    const project = `p${(n - i) % 5}`;
    const dims: Record<string, string> = meter === "visitor" ? { project, user: `u${i % 3}` } : { project };
    specs.push([at, meter, String(1 + ((i * 5) % 4)), dims, i % 4 === 0 ? { account: "other" } : {}]);
  }
  return specs;
}

describe("rows of one instant, many or few, in the canonical order on the known path", () => {
  for (const n of [3, 16, 17, 60, 400]) {
    it(`${n} rows at the first instant, then rows a second apart: the rows' statement is the events'`, () => {
      // The small plan's 10 credits run out within the crowd, so which rows are refused, and the first refused row's line, depend on the order.
      const specs = [...crowd(n, "2026-01-02T00:00:00Z"), ["2026-01-02T00:00:01Z", "read", "2"], ["2026-01-02T00:00:02Z", "call", "1"]] as EventSpec[];
      const evs = events(specs);
      for (const plan of ["small", "paid"]) {
        const full = text(replay(card(), evs, { plan }));
        expect(text(replayRows(card(), evs, { plan }))).toBe(full);
        expect(text(replayRows(card(), evs, { plan }, [7, 64]))).toBe(full);
      }
    });
  }

});
