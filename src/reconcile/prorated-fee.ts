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
  if (changed.periods.length < 2 || length <= 0) return undefined;
  const parts = changed.periods.map((p) => ({ plan: p.plan, ms: p.to - p.from, fee: cycleFee(card, { plan: p.plan, version: changed.version, start: changed.start }) }));
  const exact = parts.reduce((sum, p) => sum.plus(p.fee.mul(p.ms).div(length)), ZERO);
  if (nearest(exact, billed, new Decimal(10).pow(-minorDigits(card.currency))) === undefined) return undefined;
  const unit = parts.every((p) => p.ms % DAY === 0) && length % DAY === 0 ? { ms: DAY, name: "days" } : { ms: HOUR, name: "hours" };
  const share = (ms: number) => new Decimal(ms).div(unit.ms).toDecimalPlaces(2).toFixed();
  const each = parts.map((p) => `${p.plan}'s ${p.fee.toFixed()} for ${share(p.ms)}`).join(", ");
  const from = changed.periods.slice(1).map((p) => `${p.plan} from ${formatInstant(p.from)}`).join(", ");
  return `the plan changed during the cycle (${from}), and the bill prorates the fees by the time each plan was in force: ${each} of its ${share(length)} ${unit.name}, ${exact.toDecimalPlaces(6).toFixed()} ${card.currency} rounded; the card bills the plan in force at the cycle's end, whole (plan fees are not prorated)`;
}
