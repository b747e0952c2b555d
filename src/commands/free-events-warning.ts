import type { Statement } from "../engine/types.js";
import { shown } from "../errors.js";
import { freeFlowMeters } from "../lint/rounding.js";
import { formatExact, roundToStep, sum } from "../money.js";
import { versionOf } from "../ratecard/plan-fee.js";
import type { RateCard } from "../ratecard/types.js";

/**
 * The warnings for usage of a meter whose unit price rounds to 0 at a card's per-event step (freeFlowMeters): a row's
 * whole-number quantity counts its events, so a bucket of 2,000,000 tokens at 0.000025 was billed 0 and shown as
 * "4,000,000.5 x 0.000025 = 50.00", with exit 0 and nothing on stderr (newcomer61 H1). Said once a meter, with the
 * quantity and amount of its lines at such a price alone (red61c F7: a table's other entries, or another version's
 * price, were counted in); nothing is read where no version of the card has such a meter.
 */
export function freeEventsWarnings(card: RateCard, statement: Statement): string[] {
  const versions = card.versions ?? [card];
  const meters = new Set(versions.flatMap((v) => [...freeFlowMeters(v)]));
  if (meters.size === 0) return [];
  const free = (l: Statement["accounts"][number]["cycles"][number]["lines"][number]) => {
    if (l.kind !== "usage" || l.component !== undefined || !meters.has(l.meter) || l.unitPrice.isZero()) return false;
    // The version that priced the line rounds each event (red61d N2: a version of round_at: none bills 0.004 exactly).
    const { step, rounding, roundAt } = versionOf(card, l.version).precision;
    return roundAt === "event" && roundToStep(l.unitPrice, step, rounding).isZero();
  };
  const lines = statement.accounts.flatMap((a) => a.cycles.flatMap((c) => c.lines.filter(free)));
  const warnings: string[] = [];
  for (const meter of meters) {
    const own = lines.filter((l) => l.meter === meter);
    if (own.length === 0) continue;
    const prices = [...new Set(own.map((l) => l.unitPrice.toFixed()))].join(", ");
    const { step } = versionOf(card, own[0]!.version).precision;
    warnings.push(
      `burnrate: warning: meter ${shown(meter)} was charged ${formatExact(sum(own.map((l) => l.amount)))} credits for a quantity of ${formatExact(sum(own.map((l) => l.quantity)))} at ${prices} a unit, which rounds to 0 at the card's step of ${step.toFixed()} an event, and a row's whole-number quantity counts its events (a row of 2,000,000 costs 0); burnrate check names the price (rounds-to-zero): price the meter per event with its units as a component, or round_at: none if the provider does not round each event\n`,
    );
  }
  return warnings;
}
