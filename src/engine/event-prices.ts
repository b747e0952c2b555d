import { ONE, type Decimal } from "../money.js";
import type { Location } from "../errors.js";
import type { Meter, RateCard } from "../ratecard/types.js";
import { pricedByUnitAlone, priceEvent, type PriceBook, type UnitPrice } from "./pricing.js";
import type { Dimensions } from "./replay-state.js";
import type { LineAddition, LineSum } from "./cycle-lines.js";

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

/** An addition's price of one whole event where the card rounds each event (not its unit price), else undefined. */
export function roundedPrice(added: LineAddition): Decimal | undefined {
  return added.eventPrice === undefined || added.eventPrice === added.unit.value ? undefined : added.eventPrice;
}

/**
 * An addition of whole events with no amount of its own, to a line held as an object: where the card rounds each
 * event, its quantity at the price of one event. The line's own price, or the addition's where the line was opened
 * by a charge of no shape (a split crossing's accepted part, which gives its amount): a line of explicit amounts
 * must never take a quantity without its amount (red team, stop 39: a split line left out every row after it).
 */
export function addAtEventPrice(line: LineSum, quantity: Decimal, added: Decimal | undefined): void {
  const eventPrice = line.eventPrice ?? added;
  if (eventPrice === undefined) return;
  line.amount = line.amount!.plus(quantity.mul(eventPrice));
  line.eventPrice = eventPrice;
}

/** An addition of its own amount to a line held as an object; the line keeps one whole event's price where the addition knows it, for whole events added later by count alone. */
export function learnEventPrice(line: LineSum, amount: Decimal, eventPrice: Decimal | undefined): void {
  line.amount = line.amount!.plus(amount);
  if (eventPrice !== undefined) line.eventPrice ??= eventPrice;
}
