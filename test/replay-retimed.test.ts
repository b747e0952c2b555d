import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import { replayRetimed } from "../src/reconcile/replay-retimed.js";
import { statementJson } from "../src/render/statement/json.js";
import { mappingResolver } from "../src/replay/replay-files.js";
import { replayEvents } from "../src/replay/replay-events.js";
import { readUsageInTurn } from "../src/usage/read.js";
import { retimedEvents } from "../src/usage/account-rows.js";
import { sortByTime } from "../src/usage/sort-runs.js";
import { card } from "./helpers/engine.js";

// A boundary hypothesis's replay (reconcile) moves the events between the account's boundary and the bill's onto it.
// It read the files as events through csv-parse, moved them, and sorted them by the moved instants, ties in the files'
// order (on disk, where the log came out of order). It now reads them as any replay does (the row scanner, a reorder
// stage), the instants moved before the rows are put in order (stop 45). Held here to that reading of events, on random
// logs with items, repeated ids, rows late by minutes or days, and rows collapsed onto the boundary.

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const C = card();
const settings = resolveAccount(C, undefined, { plan: "paid", anchor: "2026-01-01" });
const dir = mkdtempSync(join(tmpdir(), "burnrate-retimed-"));
const BOUNDARY = Date.UTC(2026, 1, 1);
const MINUTE = 60_000;

const rawRow = fc.record({
  minutes: fc.integer({ min: -24 * 60, max: 24 * 60 }),
  meter: fc.constantFrom("call", "read", "view", "visitor", "site", "disk"),
  quantity: fc.integer({ min: 1, max: 30 }),
  project: fc.constantFrom("p", "q"),
  user: fc.constantFrom("u1", "u2"),
  id: fc.integer({ min: 0, max: 8 }),
  late: fc.constantFrom(0, 0, 0, 30, 3 * 24 * 60),
});

let round = 0;

describe("a boundary hypothesis's replay (stop 45)", () => {
  it("gives the statement of the events read, moved and sorted by their moved instants", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rawRow, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 12 * 60 }), fc.boolean(), async (raw, window, after) => {
        // Rows in time order, then each late one written that many minutes of log later.
        const rows = [...raw].sort((a, b) => a.minutes - b.minutes).map((r, i) => ({ r, key: r.minutes + r.late, i }));
        rows.sort((a, b) => a.key - b.key || a.i - b.i);
        const lines = rows.map(({ r }) => `${new Date(BOUNDARY + r.minutes * MINUTE).toISOString()},${r.meter},${r.quantity},${r.project},${r.user},e${r.id}`);
        const file = join(dir, `usage-${round++}.csv`);
        writeFileSync(file, `timestamp,meter,quantity,project,user,event_id\n${lines.map((l) => `${l}\n`).join("")}`);
        // Events just after the boundary moved back onto its eve, or just before it onto the boundary: never past another.
        const retime = after
          ? (at: number) => (at >= BOUNDARY && at < BOUNDARY + window * MINUTE ? BOUNDARY - 1 : at)
          : (at: number) => (at >= BOUNDARY - window * MINUTE && at < BOUNDARY ? BOUNDARY : at);
        const input = { files: [file], mappingFile: undefined, mapFlags: [] };
        const options = { card: C, zone: settings.zone, defaultAccount: settings.name, mappingFor: mappingResolver(input) };
        const reference = await replayEvents(C, settings, sortByTime(retimedEvents(readUsageInTurn([file], options), retime)));
        const given = await replayRetimed(C, settings, input, retime);
        expect(JSON.stringify(statementJson(given))).toBe(JSON.stringify(statementJson(reference)));
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});
