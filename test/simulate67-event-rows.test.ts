import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replayEvents } from "../src/replay/replay-events.js";
import { EventRows } from "../src/replay/event-rows.js";
import { expand, turning } from "../src/scenario/expand.js";
import { loadScenario } from "../src/scenario/load.js";
import { Random } from "../src/scenario/random.js";
import { scenarioTerms, simulationSettings } from "../src/scenario/settings.js";
import type { UsageEvent } from "../src/engine/types.js";
import { Calendar } from "../src/time.js";
import { Decimal } from "../src/money.js";
import { ROOT } from "./helpers/cli.js";

// Simulate hands its generated events to the replay as rows of shapes (EventRows), which the replay prices on its
// known path; pushed one by one they are priced in full. The two must give the same statement, to the last field,
// for every bundled scenario, at the means and drawn (--samples).
const SCENARIOS = join(ROOT, "fixtures/scenarios");
const bundled = readdirSync(SCENARIOS)
  .filter((d) => !["bad", "scale", "expected"].includes(d))
  .flatMap((d) => readdirSync(join(SCENARIOS, d)).filter((f) => f.endsWith(".yaml")).map((f) => join(SCENARIOS, d, f)));

async function both(file: string, seed: string | undefined) {
  const scenario = loadScenario(file);
  const settings = simulationSettings(scenario, { terms: scenarioTerms(scenario, scenario.plan, true), purchases: [] });
  const events = () => expand(scenario, new Calendar(scenario.start, scenario.zone), seed === undefined ? undefined : new Random(seed, 0));
  const full = await replayEvents(scenario.card, settings, [...events()]);
  const rows = await replayEvents(scenario.card, settings, turning(events(), undefined));
  return { full, rows };
}

describe("a simulation's events as rows (EventRows) against the same events one by one", () => {
  it.each(bundled)("%s, at the means and drawn", async (file) => {
    for (const seed of [undefined, "7"]) {
      const { full, rows } = await both(file, seed);
      expect(rows).toEqual(full);
    }
    expect(bundled.length).toBeGreaterThanOrEqual(17);
  });

  it("numbers one shape for one dimensions object and meter, an account and a quantity text once, and splits a batch before 2^31 ms", () => {
    const dims = { project: "p" };
    const origin = { file: "s.yaml", line: 3, column: 1 };
    const ev = (at: number, meter: string, q: string, dimensions: Record<string, string> = dims): UsageEvent => ({ at, account: "a", meter, quantity: new Decimal(q), dimensions, eventId: undefined, origin });
    const rows = new EventRows();
    // 2^31 ms is 24.8 days: the third event, 25 days on, starts a second batch with its own base.
    const day = 86_400_000;
    const batches = [...rows.rows([ev(0, "m", "1"), ev(1, "n", "1.0"), ev(25 * day, "m", "2", { project: "p" })])];
    expect(batches.map((b) => [b.count, b.base])).toEqual([[2, 0], [1, 25 * day]]);
    expect([...batches[0]!.shape, ...batches[1]!.shape]).toEqual([0, 1, 2]);
    // "1" and "1.0" are one quantity; 2 is another.
    expect([...batches[0]!.quantity, ...batches[1]!.quantity]).toEqual([0, 0, 1]);
    expect(rows.source.meters).toEqual(["m", "n", "m"]);
    expect(rows.source.origin(batches[1]!.firstLine + batches[1]!.line[0]!)).toBe(origin);
  });
});
