import fc from "fast-check";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import type { UsageEvent } from "../src/engine/types.js";
import { Decimal, ONE } from "../src/money.js";
import { sortByTime } from "../src/usage/sort-runs.js";

const columns = new Map([["project", 4]]);
const event = (at: number, line: number, quantity: string): UsageEvent => ({
  at,
  account: line % 3 === 0 ? "acme" : "globex",
  meter: "data_read",
  quantity: quantity === "1" ? ONE : new Decimal(quantity),
  ...(line % 5 === 0 ? { components: { tokens: new Decimal(line) } } : {}),
  dimensions: line % 2 === 0 ? { project: `p${line}`, user: "ü,\"x\"\n" } : {},
  eventId: line % 4 === 0 ? `id-${line}` : undefined,
  origin: { file: "usage.csv", line, column: 1, columns },
});

async function collect(source: AsyncIterable<readonly UsageEvent[]>): Promise<UsageEvent[]> {
  const out: UsageEvent[] = [];
  for await (const batch of source) out.push(...batch);
  return out;
}

async function* batches(events: UsageEvent[], size: number): AsyncGenerator<UsageEvent[]> {
  for (let i = 0; i < events.length; i += size) yield events.slice(i, i + size);
}

const spills = () => readdirSync(tmpdir()).filter((f) => f.startsWith("burnrate-sort-")).length;

describe("sorting usage by time in bounded runs", () => {
  it("gives every event back, in time order, ties in the order they came, whatever the run size", async () => {
    const before = spills();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.constantFrom("1", "2", "0.5", "1.50", "0")), { maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 7 }),
        async (rows, run, batch) => {
          const events = rows.map(([at, q], i) => event(at * 1000, i + 2, q));
          const expected = [...events].sort((a, b) => a.at - b.at);
          const got = await collect(sortByTime(batches(events, batch), run));
          expect(got.map((e) => e.origin.line)).toEqual(expected.map((e) => e.origin.line));
          // Read back from the runs, every field is what was written.
          expect(got.map(({ quantity, components, ...rest }) => ({ ...rest, quantity: quantity.toFixed(), components: components && Object.fromEntries(Object.entries(components).map(([k, v]) => [k, v.toFixed()])) }))).toEqual(
            expected.map(({ quantity, components, ...rest }) => ({ ...rest, quantity: quantity.toFixed(), components: components && Object.fromEntries(Object.entries(components).map(([k, v]) => [k, v.toFixed()])) })),
          );
          expect(got.every((e) => e.origin.columns === undefined || e.origin.columns === columns)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
    expect(spills()).toBe(before);
  });

  it("removes its temporary files when the reader stops early", async () => {
    const before = spills();
    const events = Array.from({ length: 50 }, (_, i) => event(50 - i, i + 2, "1"));
    for await (const batch of sortByTime(batches(events, 4), 5)) {
      expect(batch[0]!.at).toBe(1);
      break;
    }
    expect(spills()).toBe(before);
  });
});
