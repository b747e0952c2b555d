import type { AccountSettings } from "../account/account.js";
import { lineDimensions, PriceBook, priceEvent } from "../engine/pricing.js";
import { ZERO, type Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import type { Calendar, Instant } from "../time.js";
import { readUsage } from "../usage/read.js";
import { mappingResolver, type UsageInput } from "../replay/replay-files.js";
import type { Aligner } from "./align.js";

/** A flow event near a cycle boundary: what moving it across would move. */
export interface NearEvent {
  at: Instant;
  quantity: Decimal;
  amount: Decimal;
}

export interface UsageScan {
  /** Quantity of repeated event_ids behind each aligned line id. */
  duplicates: Map<string, Decimal>;
  /** Per boundary (the index of the cycle it starts), per line key, the flow events within the window around it, in time order. */
  near: Map<number, Map<string, NearEvent[]>>;
}

/**
 * One read of the usage, beside the replay, for what a statement does not
 * keep: which lines repeated event_ids belong to, and the events close to the
 * cycle boundaries a bill might cut elsewhere. Flow amounts come from the
 * engine's own event pricing, without the wallet: they only choose a boundary
 * hypothesis, which a replay then proves.
 */
export async function scanUsage(card: RateCard, settings: AccountSettings, input: UsageInput, calendar: Calendar, aligner: Aligner, boundaries: ReadonlySet<number>, window: number): Promise<UsageScan> {
  const duplicates = new Map<string, Decimal>();
  const near = new Map<number, Map<string, NearEvent[]>>();
  const seen = new Set<string>();
  const book = new PriceBook();
  const events = readUsage(input.files, { card, zone: settings.zone, defaultAccount: settings.name, mappingFor: mappingResolver(input) });
  for await (const batch of events) for (const event of batch) {
    const cycle = calendar.indexOf(event.at);
    if (cycle < 0) continue;
    const meterEvent = card.events.get(event.meter)!;
    const dims = meterEvent.role === "charge" ? lineDimensions(meterEvent.meter, event.dimensions) : event.dimensions;
    if (event.eventId !== undefined) {
      if (seen.has(event.eventId)) {
        const id = aligner.id(cycle, event.account, event.meter, dims);
        duplicates.set(id, (duplicates.get(id) ?? ZERO).plus(event.quantity));
        continue;
      }
      seen.add(event.eventId);
    }
    if (meterEvent.role !== "charge" || meterEvent.meter.aggregation !== "flow") continue;
    const around = [cycle, cycle + 1].filter((b) => boundaries.has(b) && Math.abs(event.at - calendar.start(b)) <= window);
    if (around.length === 0) continue;
    const { amount } = priceEvent(book, card, meterEvent.meter, event.dimensions, event.quantity, event.components, event.origin);
    const key = aligner.key(event.account, event.meter, dims);
    for (const b of around) {
      let byKey = near.get(b);
      if (!byKey) near.set(b, (byKey = new Map()));
      let list = byKey.get(key);
      if (!list) byKey.set(key, (list = []));
      list.push({ at: event.at, quantity: event.quantity, amount });
    }
  }
  for (const byKey of near.values()) for (const list of byKey.values()) list.sort((a, b) => a.at - b.at);
  return { duplicates, near };
}
