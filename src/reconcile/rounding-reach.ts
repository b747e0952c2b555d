import type { Statement, StatementLine } from "../engine/types.js";
import { ZERO, type Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import type { AlignedLine } from "./types.js";

/** What the replay priced in a line's cycle for the accounts the line covers: its lines, and whether it refused any event. */
export interface CycleUsage {
  lines: readonly StatementLine[];
  refused: boolean;
}

/**
 * Whether pricing the usage again with each event rounded (reconcile's check of a provider that rounds each request,
 * where the card rounds none) could bring a line to the bill's amount. That replay rounds each event with decimals on
 * the full path (10 times the statement's time on a gateway's month: newcomer50 F5), and is not run for a line out of
 * its reach. As long as the same events are charged (the replay refused none of the line's, or for a money line none
 * of its cycle's, which rounding could let through):
 * - a plan's fee is the plan's, whatever the usage;
 * - a component's share of an event is cut down to the step when the event is rounded (priceEvent), so a component's
 *   line, rounded event by event, is at most what it is exact: a bill above it is out of reach;
 * - an event's amount rounded is less than a step above it exact, each of a bucket's whole events so (a row of
 *   quantity 100 is 100 events), and its own line takes the rest of what its cut-down parts leave: less than a step more
 *   a part. A bill above the line by more than that for each of its events is out of reach, and a bill's overage above
 *   the cycle's by more than its credits' reach at the credit price (newcomer57 M1: a plan fee of 59 for 49 and an
 *   overage 40% over, on a LiteLLM month, made the 2.2 s replay for either).
 * A bill below the line may be reached by events rounding refuses, and is.
 */
export function roundingMayReach(line: AlignedLine, card: RateCard, usage: CycleUsage | undefined): boolean {
  const { bill, computed } = line;
  if (bill === undefined || computed === undefined) return true;
  if (line.fee !== undefined) return false;
  if (line.refused !== undefined && line.refused.length > 0) return true;
  if (!bill.amount.gt(computed.amount)) return true;
  const cards = [card, ...(card.versions ?? [])];
  const step = cards.reduce((most, c) => (c.precision.step.gt(most) ? c.precision.step : most), ZERO);
  if (line.money) {
    const price = creditPrice(cards);
    if (usage === undefined || usage.refused || price === undefined) return true;
    let reach = ZERO;
    for (const l of usage.lines) if (l.component === undefined) reach = reach.plus(ownReach(l.quantity, l.events, partsOf([l.meter], cards)).mul(step));
    return !bill.amount.gt(computed.amount.plus(reach.mul(price)));
  }
  if (line.meters.every((m) => isComponent(m, card))) return false;
  return !bill.amount.gt(computed.amount.plus(ownReach(computed.quantity, computed.events, partsOf(line.meters, cards)).mul(step)));
}

/**
 * The replay's lines of a line's cycle, for its account or, on a bill of no accounts, every account of the group
 * compared (`accounts`, all where undefined); and whether any event of that cycle was refused. Undefined where the
 * replay has no such account or cycle: nothing then bounds what rounding may reach.
 */
export function cycleUsage(replayed: Statement, line: AlignedLine, accounts: ReadonlySet<string> | undefined): CycleUsage | undefined {
  const of = replayed.accounts.filter((a) => (line.account === undefined ? accounts === undefined || accounts.has(a.account) : a.account === line.account));
  if (of.length === 0) return undefined;
  const cycles = of.flatMap((a) => a.cycles.filter((c) => c.index === line.cycle));
  if (cycles.length === 0) return undefined;
  return { lines: cycles.flatMap((c) => c.lines), refused: cycles.some((c) => c.rejected.length > 0) };
}

/** In steps, how far a line's events rounded each may lift it: a step for each whole event (a bucket's quantity) or each event, and one for each part cut down. */
function ownReach(quantity: Decimal, events: number, parts: number): Decimal {
  return quantity.abs().plus(events).mul(parts + 1);
}

/** The most components and per-event surcharges any of the meters has in any version. */
function partsOf(meters: readonly string[], cards: readonly RateCard[]): number {
  let most = 0;
  for (const key of meters) {
    for (const c of cards) {
      const meter = c.meters.get(key.includes(":") ? key.slice(0, key.lastIndexOf(":")) : key);
      if (meter !== undefined) most = Math.max(most, meter.components.length + meter.surcharges.length);
    }
  }
  return most;
}

/** The highest credit price of the versions, undefined where one has none (its overage has no money to bound). */
function creditPrice(cards: readonly RateCard[]): Decimal | undefined {
  let most: Decimal | undefined;
  for (const c of cards) {
    if (c.creditPrice === undefined) return undefined;
    if (most === undefined || c.creditPrice.gt(most)) most = c.creditPrice;
  }
  return most;
}

/** Whether a line's meter is a meter's component (`request:output_tokens`), not the meter's own quantity or an item. */
function isComponent(key: string, card: RateCard): boolean {
  const at = key.lastIndexOf(":");
  if (at < 0) return false;
  const meter = card.meters.get(key.slice(0, at));
  return meter !== undefined && meter.components.some((c) => c.name === key.slice(at + 1));
}
