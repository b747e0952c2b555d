import type { RateCard } from "../ratecard/types.js";
import type { AlignedLine } from "./types.js";

/**
 * Whether pricing the usage again with each event rounded (reconcile's check of a provider that rounds each request,
 * where the card rounds none) could bring a line to the bill's amount. A component's share of an event is cut down to
 * the step when the event is rounded (priceEvent), so a component's line, rounded event by event, is at most what it
 * is exact, as long as the same events are charged: where the replay refused none of the line's events, rounding can
 * only charge those events or fewer. A bill above such a line (a provider's price rise, the commonest drift) is out of
 * that replay's reach, and the replay, which rounds each event with decimals on the full path (10 times the
 * statement's time on a gateway's month: newcomer50 F5), is not run for it.
 */
export function roundingMayReach(line: AlignedLine, card: RateCard): boolean {
  const { bill, computed } = line;
  if (bill === undefined || computed === undefined || line.money) return true;
  if (line.refused !== undefined && line.refused.length > 0) return true;
  return !(bill.amount.gt(computed.amount) && line.meters.every((m) => isComponent(m, card)));
}

/** Whether a line's meter is a meter's component (`request:output_tokens`), not the meter's own quantity or an item. */
function isComponent(key: string, card: RateCard): boolean {
  const at = key.lastIndexOf(":");
  if (at < 0) return false;
  const meter = card.meters.get(key.slice(0, at));
  return meter !== undefined && meter.components.some((c) => c.name === key.slice(at + 1));
}
