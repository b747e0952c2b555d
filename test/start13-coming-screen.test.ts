import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventIdKey, SeenEventIds, type ComingScreen, type IdScreen } from "../src/engine/event-ids.js";
import { binary, ROOT } from "./helpers/cli.js";
import { stamp } from "./helpers/stamp.js";

// A large log's first pass goes on on the reading thread as the replay begins
// (PassUnderWay in src/usage/id-screen.ts): until its screen comes, the rule
// remembers every id with its key, then lets go those the screen found on one
// row. The rule must stay the plain one: a repeat is a repeat wherever the
// screen came.

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const encoder = new TextEncoder();

function keyOf(id: string): number {
  const bytes = encoder.encode(id);
  return eventIdKey(bytes, 0, bytes.length);
}

/** The screen of the whole stream: the keys of ids on more than one row. */
function screenOf(ids: readonly string[]): IdScreen {
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(keyOf(id), (counts.get(keyOf(id)) ?? 0) + 1);
  const repeated = Float64Array.from([...counts].filter(([, n]) => n > 1).map(([key]) => key)).sort();
  return { mayRepeat: (key) => (counts.get(key) ?? 0) > 1, repeated, timeOrdered: false };
}

/** A screen to come, given when the test says. */
class Later implements ComingScreen {
  found: IdScreen | null | undefined;
}

/** The ids' bytes as the scanner's column holds them. */
function column(ids: readonly string[]): { bytes: Uint8Array; ends: Int32Array } {
  const parts = ids.map((id) => encoder.encode(id));
  const bytes = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  const ends = new Int32Array(ids.length);
  let at = 0;
  for (const [i, part] of parts.entries()) {
    bytes.set(part, at);
    ends[i] = at += part.length;
  }
  return { bytes, ends };
}

describe("the event_id rule with a screen that comes as the replay goes", () => {
  it("finds every repeat a plain map finds, wherever the screen comes (or the pass gives up), by string and by the scanner's bytes", () => {
    const stream = fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }).map((n) => `ev-${n}`), fc.constantFrom("acme", "bolt")), { minLength: 1, maxLength: 3000 });
    fc.assert(
      fc.property(stream, fc.nat(), fc.boolean(), fc.boolean(), (rows, cut, gaveUp, scanned) => {
        const comesAt = cut % (rows.length + 1);
        const screen = screenOf(rows.map(([id]) => id));
        const later = new Later();
        const seen = new SeenEventIds({ screen: later });
        const ids = column(rows.map(([id]) => id));
        const plain = new Map<string, number>();
        for (const [i, [id, account]] of rows.entries()) {
          if (i === comesAt) later.found = gaveUp ? null : screen;
          let repeat: boolean;
          if (scanned) {
            repeat = seen.rowRepeats(ids, i, account, i);
            if (!repeat) seen.knowRow({ ids, index: i, account, source: { origin: (line) => ({ file: "f", line, column: 1 }) }, line: i + 2, at: i });
          } else {
            repeat = seen.repeats(id, account, i);
          }
          const key = `${account}\n${id}`;
          expect(repeat).toBe(plain.has(key));
          if (!plain.has(key)) plain.set(key, i);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("lets go, once the screen comes, the ids it finds on one row, and keeps those it does not", () => {
    const later = new Later();
    const seen = new SeenEventIds({ screen: later });
    for (const id of ["a", "b", "c"]) expect(seen.repeats(id, "acme", 0)).toBe(false);
    // A screen that finds "b" on more than one row, and the others on one (the table grows and shrinks with the coming ids in the test above).
    later.found = { mayRepeat: (key) => key === keyOf("b"), repeated: Float64Array.of(keyOf("b")), timeOrdered: false };
    expect(seen.repeats("b", "acme", 1)).toBe(true);
    // "a" was let go: had the screen been wrong, its second row would not be caught.
    expect(seen.repeats("a", "acme", 1)).toBe(false);
  });

  it("keeps every id where the pass gives up", () => {
    const later = new Later();
    const seen = new SeenEventIds({ screen: later });
    expect(seen.repeats("a", "acme", 0)).toBe(false);
    later.found = null;
    expect(seen.repeats("a", "acme", 1)).toBe(true);
    expect(seen.repeats("z", "acme", 2)).toBe(false);
    expect(seen.repeats("z", "acme", 3)).toBe(true);
  });
});

describe("a large log with ids, its first pass under way as the replay begins", () => {
  const CARD = join(ROOT, "ratecards/fliplet.yaml");
  const START = Date.parse("2026-11-02T00:00:00Z");
  const COUNT = 250_000;
  // Past the rows the replay takes before it waits for the screen (196,608): repeats of rows before it and after it.
  const repeats = new Map([
    [100_001, 100_000],
    [240_000, 3],
    [249_999, 230_000],
  ]);

  it("finds the repeats of rows read before the screen came and after, through the binary", () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-start13-"));
    const lines = Array.from({ length: COUNT }, (_, i) => `${stamp(START + i * 1000)},data_read,1,alpha,ev-${repeats.get(i) ?? i}\n`);
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project,event_id\n${lines.join("")}`);
    expect(statSync(join(dir, "usage.csv")).size).toBeGreaterThan(8 << 20);
    writeFileSync(join(dir, "account.yaml"), `card: ${CARD}\nplan: pro\nallowance: 1000000\nanchor: 2026-11-01\ntimezone: UTC\n`);
    const run = binary(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", "--no-progress"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const statement = JSON.parse(run.stdout);
    expect(statement.events.duplicates).toBe(3);
    // Row i is on line i + 2 (the header is line 1); repeats listed in the replay's (time) order.
    expect(statement.duplicate_events.listed.map((d: { event_id: string; repeat: string }) => `${d.event_id} ${d.repeat.split(":").pop()}`)).toEqual(["ev-100000 100003", "ev-3 240002", "ev-230000 250001"]);
    // 249,997 reads priced at 0.01 credits.
    expect(statement.accounts[0].cycles[0].total).toBe("2499.97");
  }, 180_000);
});
