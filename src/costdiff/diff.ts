import type { Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import type { Zone } from "../time.js";
import type { CardChange } from "./card-changes.js";
import type { CostComparison } from "./compare.js";
import { exceeds } from "./compare.js";

/** Everything `burnrate diff` reports: the same usage priced by two cards, and how the cards differ. */
export interface CostDiff {
  base: RateCard;
  card: RateCard;
  usage: readonly string[];
  zone: Zone;
  comparison: CostComparison;
  cardChanges: CardChange[];
  failOver: { percent: Decimal; exceeded: boolean } | undefined;
}

export function costDiff(base: RateCard, card: RateCard, usage: readonly string[], zone: Zone, comparison: CostComparison, cardChanges: CardChange[], failOver: Decimal | undefined): CostDiff {
  return {
    base, card, usage, zone, comparison, cardChanges,
    failOver: failOver === undefined ? undefined : { percent: failOver, exceeded: exceeds(comparison.total, failOver) },
  };
}
