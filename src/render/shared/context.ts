import type { ChalkInstance } from "chalk";
import type { RateCard } from "../../ratecard/types.js";
import type { Zone } from "../../time.js";

/** What renderers need besides the data: the card's labels and precision, the zone for dates, and colour. */
export interface RenderContext {
  card: RateCard;
  zone: Zone;
  color: ChalkInstance;
}

export function localDateTime(ctx: RenderContext, at: number): string {
  return remembered(DATE_TIMES, ctx.zone, at, () => ctx.zone.dateTime(at).toFormat("yyyy-MM-dd HH:mm"));
}

export function localDate(ctx: RenderContext, at: number): string {
  return remembered(DATES, ctx.zone, at, () => ctx.zone.localDate(at));
}

/**
 * Local dates and times already written, by zone: a date in a zone takes Luxon some
 * microseconds, and a statement of many accounts writes the same cycle bounds for each.
 */
const DATES = new WeakMap<Zone, Map<number, string>>();
const DATE_TIMES = new WeakMap<Zone, Map<number, string>>();

function remembered(cache: WeakMap<Zone, Map<number, string>>, zone: Zone, at: number, format: () => string): string {
  let known = cache.get(zone);
  if (known === undefined) cache.set(zone, (known = new Map()));
  let text = known.get(at);
  if (text === undefined) {
    // Bounded: instants met once (an alert's, a refusal's) pass through.
    if (known.size >= 4096) known.clear();
    known.set(at, (text = format()));
  }
  return text;
}
