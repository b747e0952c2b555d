import { formatExact, type Decimal } from "../../money.js";
import type { RateCard } from "../../ratecard/types.js";
import { versionInstants } from "../../ratecard/versions.js";
import type { CycleResult } from "../../scenario/simulate.js";
import type { Instant } from "../../time.js";
import { localDate, type RenderContext } from "../shared/context.js";

/** The card's versions as simulate's report names them: each from when it applies to the scenario's cycles, and the prices they set. */

/** The card's version, or its versions each from when it is effective ("2026-11, 2026-11b from 2026-11-15"). */
export function versionsText(card: RateCard): string {
  const versions = card.versions;
  if (versions === undefined || versions.length < 2) return card.version;
  return versions.map((v, i) => (i === 0 ? v.version : `${v.version} from ${v.effective}`)).join(", ");
}

/**
 * Each version of the card from when it applies to these cycles: one that applies from the next cycle (`applies:
 * next_cycle`) from the first cycle start on or after its date (red70e H1: Business read 6,600 from March 15 where March
 * was billed 6,000), named by that start; one at once from its date, named as the card writes it.
 */
export function timedVersions(card: RateCard, cycles: readonly CycleResult[], ctx: RenderContext): Timed[] | undefined {
  return versionInstants(card, ctx.zone)?.map(({ card: version, effective }): Timed => {
    if (version.applies !== "next_cycle") return { version, at: effective, from: version.effective };
    const at = cycles.find((c) => c.start >= effective)?.start ?? Infinity;
    return { version, at, from: at === Infinity ? version.effective : localDate(ctx, at) };
  });
}

/** A card version, the instant it applies to the scenario's cycles from, and how that is named. */
export interface Timed {
  version: RateCard;
  at: Instant;
  from: string;
}

/**
 * A plan as later card versions price it while it is in force (versions effective after `after` and before `until`),
 * where one changes its price or allowance: the headline named the first version's alone while the cycles were billed at
 * the later one's (red team, stop 37).
 */
export function laterTerms(versions: readonly Timed[] | undefined, key: string, start: { price: Decimal; included: Decimal }, span: { after: Instant; until: Instant | undefined; negotiated: boolean }, words: { unit: string; amount: (v: Decimal) => string; money: (v: Decimal) => string }): string {
  let before = start;
  const parts: string[] = [];
  for (const { version, at, from } of versions ?? []) {
    if (at <= span.after || at === Infinity || (span.until !== undefined && at >= span.until)) continue;
    const plan = version.plans.get(key);
    if (plan === undefined || (plan.price.eq(before.price) && (span.negotiated || plan.included.eq(before.included)))) continue;
    parts.push(`${span.negotiated || plan.included.eq(before.included) ? "" : `${words.amount(plan.included)} ${words.unit}, `}${words.money(plan.price)} from ${from} (${version.version})`);
    before = { price: plan.price, included: plan.included };
  }
  return parts.length === 0 ? "" : `; ${parts.join("; ")}`;
}

/**
 * A credit's price as the card gives it, then its later versions' where they differ ("0.01 USD per credit, then 0.02 from
 * 2026-11-15"), each from when it applies to the plan's cycles (red70f L2: one applying from the next cycle was dated by
 * its effective:, the cycle before billed at the old price).
 */
export function creditPrices(versions: readonly Timed[] | undefined, first: Decimal, per: string): string {
  const parts = [`${formatExact(first)} ${per}`];
  let last = first;
  for (const { version, from } of versions?.slice(1) ?? []) {
    const price = version.creditPrice;
    if (price === undefined || price.eq(last)) continue;
    parts.push(`then ${formatExact(price)} from ${from}`);
    last = price;
  }
  return parts.join(", ");
}
