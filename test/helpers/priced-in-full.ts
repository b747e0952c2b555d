import { vi } from "vitest";
import { Charging } from "../../src/engine/charging.js";
import type { Statement, UsageEvent } from "../../src/engine/types.js";
import type { RateCard } from "../../src/ratecard/types.js";
import { replayRows, type RunOptions } from "./engine.js";

/** The statement of the events given as rows (the known path where it may), in batches of `sizes`, and how many of them went the full way (Charging.price, spied). */
export function viaRows(c: RateCard, evs: readonly UsageEvent[], options: RunOptions, sizes: readonly number[] = [5, 64]): { statement: Statement; full: number } {
  const spy = vi.spyOn(Charging.prototype as unknown as { price(event: UsageEvent): void }, "price");
  try {
    const statement = replayRows(c, evs, options, sizes);
    return { statement, full: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}
