import { Decimal, ZERO } from "../money.js";
import { cycleFee } from "../ratecard/plan-fee.js";
import { minorDigits } from "../ratecard/cycle-money.js";
import type { RateCard } from "../ratecard/types.js";
import { formatInstant, type Instant } from "../time.js";
import { nearest } from "./cents.js";

/** A cycle whose plan changed during it: the plans in force over its parts, and the card version at its end. */
export interface ChangedPlans {
  readonly periods: readonly { plan: string; from: Instant; to: Instant }[];
  readonly start: Instant;
  readonly end: Instant;
  readonly version: string | undefined;
  /** The subscription's end, where it falls in the cycle: the plans served to it, no further. */
  readonly subscriptionEnd?: Instant;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * Where a bill's plan fee is the plans' fees prorated by the time each was in force, rounded to the currency's minor
 * unit, how: the card bills the plan in force at the cycle's end, whole (docs/accounts.md), and a provider that
 * prorates an upgrade's fee bills less. A prorated fee of 69.65 read "the card may be out of date, or the account on
 * another plan" beside a plan change the account file has (newcomer72a M2). Undefined where the bill is not that.
 */
export function proratedFeeCause(card: RateCard, changed: ChangedPlans, billed: Decimal): string | undefined {
  const length = changed.end - changed.start;
  // With several card versions a plan's price may change within the cycle, which the parts would need each at its own
  // version's (red72a M4): not said. Nor of a bill of nothing (red72a L3).
  if (changed.periods.length < 2 || length <= 0 || (card.versions?.length ?? 0) > 1 || !billed.gt(0)) return undefined;
  // Served to the subscription's end, no further (red72a M3: growth's 18 days where the subscription ended after 6).
  const until = Math.min(changed.end, changed.subscriptionEnd ?? changed.end);
  const served = changed.periods.map((p) => ({ plan: p.plan, from: p.from, to: Math.min(p.to, until) })).filter((p) => p.to > p.from);
  if (served.length < 2) return undefined;
  const parts = served.map((p) => ({ plan: p.plan, ms: p.to - p.from, fee: cycleFee(card, { plan: p.plan, version: changed.version, start: changed.start }) }));
  const exact = parts.reduce((sum, p) => sum.plus(p.fee.mul(p.ms).div(length)), ZERO);
  if (nearest(exact, billed, new Decimal(10).pow(-minorDigits(card.currency))) === undefined) return undefined;
  const unit = parts.every((p) => p.ms % DAY === 0) && length % DAY === 0 ? { ms: DAY, name: "days" } : { ms: HOUR, name: "hours" };
  const share = (ms: number) => new Decimal(ms).div(unit.ms).toDecimalPlaces(2).toFixed();
  const each = parts.map((p) => `${p.plan}'s ${p.fee.toFixed()} for ${share(p.ms)}`).join(", ");
  const from = served.slice(1).map((p) => `${p.plan} from ${formatInstant(p.from)}`).join(", ");
  const ended = until < changed.end ? `, to the subscription's end at ${formatInstant(until)}` : "";
  return `the plan changed during the cycle (${from}), and the bill prorates the fees by the time each plan was in force${ended}: ${each} of its ${share(length)} ${unit.name}, ${exact.toDecimalPlaces(6).toFixed()} ${card.currency} rounded; the card bills the plan in force at the cycle's end, whole (plan fees are not prorated)`;
}
