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

/** An instant as ISO text in UTC, as the engine writes one into a reason or a change (`subscription ended 2027-03-14T23:00:00Z`). */
const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g;

/**
 * A text's UTC instants in the statement's zone, as every other time of a table is written (newcomer65 M4: a Berlin
 * subscription that ended at its midnight read "2027-03-15 00:00" in one row and "2027-03-14T23:00:00Z" in the next);
 * to the second where the instant has seconds, so that none is rounded away.
 */
export function localInstants(ctx: RenderContext, text: string): string {
  return text.replace(ISO_INSTANT, (iso) => {
    const at = Date.parse(iso);
    return at % 60_000 === 0 ? localDateTime(ctx, at) : ctx.zone.dateTime(at).toFormat(at % 1000 === 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.SSS");
  });
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
