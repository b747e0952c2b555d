import { ONE, type Decimal } from "../money.js";
import type { Location } from "../errors.js";
import type { Meter, RateCard } from "../ratecard/types.js";
import { pricedByUnitAlone, priceEvent, type PriceBook, type UnitPrice } from "./pricing.js";
import type { Dimensions } from "./replay-state.js";

/**
 * What one whole event of a meter costs, for the card in force: its unit price, or where the card rounds each
 * event (round_at: event), one event as priceEvent prices it. A whole number of events costs that many times
 * this (priceEvent's own rule for a bucket of events), so a line of such rows is its quantity at this price, and
 * the known path prices its rows of whole events in integers.
 */
export class EventPrices {
  /** Whether a meter is priced by its unit price alone, each meter worked out once for the card in force: the known path asks it a row. */
  private memo: { card: RateCard; meters: Map<Meter, boolean> } | undefined;

  /** Whether a whole number of events of the meter costs that number times one price (the unit price, or one event's rounded price). */
  byEventPrice(card: RateCard, meter: Meter): boolean {
    let memo = this.memo;
    if (memo === undefined || memo.card !== card) this.memo = memo = { card, meters: new Map() };
    let byUnit = memo.meters.get(meter);
    if (byUnit === undefined) memo.meters.set(meter, (byUnit = pricedByUnitAlone(meter)));
    return byUnit;
  }

  /** One whole event's price at this unit price: the unit price itself (the same object) where the card does not round each event or the meter is priced otherwise. */
  of(book: PriceBook, card: RateCard, at: { meter: Meter; dims: Dimensions; origin: Location; unit: UnitPrice }): Decimal {
    const { meter, dims, origin, unit } = at;
    if (card.precision.roundAt !== "event" || !this.byEventPrice(card, meter)) return unit.value;
    return priceEvent(book, card, { meter, dims, quantity: ONE, components: undefined, origin }).amount;
  }
}
