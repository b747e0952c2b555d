import { priceEvent, PriceBook } from "../engine/pricing.js";
import type { RefusalWorth, UsageEvent } from "../engine/types.js";
import { UserError } from "../errors.js";
import type { Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import { versionsOn } from "../ratecard/versions.js";
import type { Calendar } from "../time.js";

type RowPrice = (row: UsageEvent, quantity: Decimal) => Decimal | undefined;

/**
 * Each refused row, under either card's replay, worth what the base card charges it (the version in force at the row,
 * as the replay switches them), or the new card's price where the base card's is 0: what the customer would pay to
 * get it back (red team, stop 38: images free under the base card). Row by row, so that lines blending a card's
 * versions do not price a row of one version at the other's (red63b H1: a row the base card charged 21 at its first
 * version read 34.70, and --fail-over failed on 10.74% where 6.48% was refused more). A meter's usage whose charge
 * is not the row's alone (an item's, a gauge's level) has none here: its worth is the lines', where the base card's
 * replay keeps its own charge of each such row refused.
 */
export function atBasePrices(base: RateCard, card: RateCard, replayed: "base" | "new"): RefusalWorth {
  return {
    cards: [base, card],
    // The base card's own charge of a row is its price; the new card's is not (red64 L1: a seat refused by the base
    // card read at the meter's average, 4.6 for 10).
    ownElse: replayed === "base",
    on(calendar) {
      const [old, now] = [rowPrice(base, calendar), rowPrice(card, calendar)];
      return (row, quantity) => {
        const worth = old(row, quantity);
        return worth === undefined || !worth.isZero() ? worth : (now(row, quantity) ?? worth);
      };
    },
  };
}

function rowPrice(card: RateCard, calendar: Calendar): RowPrice {
  const versions = versionsOn(card, calendar);
  const books = new Map<RateCard, PriceBook>();
  return (row, quantity) => {
    const version = versions.at(row.at);
    const meter = version.meters.get(row.meter);
    // The rest of a row split at the credits: a meter priced by its quantity alone splits (chargeFlow).
    if (meter === undefined || meter.aggregation !== "flow" || (!quantity.eq(row.quantity) && meter.components.length > 0)) return undefined;
    let book = books.get(version);
    if (book === undefined) books.set(version, (book = new PriceBook()));
    try {
      return priceEvent(book, version, { meter, dims: row.dimensions, quantity, components: row.components, origin: row.origin }).amount;
    } catch (e) {
      // A value one card's table lacks: that card would refuse the row, and has no price for it.
      if (e instanceof UserError) return undefined;
      throw e;
    }
  };
}
