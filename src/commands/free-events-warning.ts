import type { Statement } from "../engine/types.js";
import { shown } from "../errors.js";
import { freeFlowMeters } from "../lint/rounding.js";
import { formatExact, sum } from "../money.js";
import type { RateCard } from "../ratecard/types.js";

/**
 * The warnings for usage of a meter whose unit price rounds to 0 at a card's per-event step (freeFlowMeters): a row's
 * whole-number quantity counts its events, so a bucket of 2,000,000 tokens at 0.000025 was billed 0 and shown as
 * "4,000,000.5 x 0.000025 = 50.00", with exit 0 and nothing on stderr (newcomer61 H1). Said once a meter, with its
 * usage's quantity and what was charged for it; nothing is read where the card has no such meter.
 */
export function freeEventsWarnings(card: RateCard, statement: Statement): string[] {
  const cards = card.versions ?? [card];
  const free = new Map(cards.flatMap((c) => [...freeFlowMeters(c)]));
  if (free.size === 0) return [];
  const lines = statement.accounts.flatMap((a) => a.cycles.flatMap((c) => c.lines.filter((l) => l.kind === "usage" && l.component === undefined && free.has(l.meter))));
  const warnings: string[] = [];
  for (const [meter, price] of free) {
    const own = lines.filter((l) => l.meter === meter);
    if (own.length === 0) continue;
    const { step } = card.precision;
    warnings.push(
      `burnrate: warning: meter ${shown(meter)} was charged ${formatExact(sum(own.map((l) => l.amount)))} credits for a quantity of ${formatExact(sum(own.map((l) => l.quantity)))}: a unit of it costs ${price.toFixed()}, which rounds to 0 at the card's step of ${step.toFixed()} an event, and a row's whole-number quantity counts its events (a row of 2,000,000 costs 0); burnrate check names the price (rounds-to-zero): price the meter per event with its units as a component, or round_at: none if the provider does not round each event\n`,
    );
  }
  return warnings;
}
