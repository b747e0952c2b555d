import { isRows, rowEvents, type UsageBatch } from "../../src/engine/rows.js";
import type { UsageEvent } from "../../src/engine/types.js";
import { NeedsFullParser } from "../../src/usage/plain-csv.js";

/** What an event says, as data a test can compare: a reader's and the row scanner's must be equal. */
function seen(e: UsageEvent) {
  const components = e.components === undefined ? undefined : Object.fromEntries(Object.entries(e.components).map(([name, q]) => [name, q.toFixed()]));
  return { at: e.at, account: e.account, meter: e.meter, quantity: e.quantity.toFixed(), negative: e.quantity.isNeg(), components, dimensions: { ...e.dimensions }, eventId: e.eventId, origin: { ...e.origin, columns: [...(e.origin.columns ?? [])] } };
}

/** A reader's answer: its events, that it gave the file up (to the next reader), or its error's message. */
export type Outcome = ReturnType<typeof seen>[] | "gave up" | `error: ${string}`;

/** Every event of a reader's batches, rows made events as the replay makes them. */
export async function collect(batches: AsyncIterable<UsageBatch>): Promise<Outcome> {
  const out: ReturnType<typeof seen>[] = [];
  try {
    for await (const batch of batches) for (const e of isRows(batch) ? rowEvents(batch) : batch) out.push(seen(e));
  } catch (e) {
    if (e instanceof NeedsFullParser) return "gave up";
    return `error: ${(e as Error).message}`;
  }
  return out;
}
