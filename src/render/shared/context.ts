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
  return ctx.zone.dateTime(at).toFormat("yyyy-MM-dd HH:mm");
}

export function localDate(ctx: RenderContext, at: number): string {
  return ctx.zone.localDate(at);
}
