import type { Plan, RateCard } from "../ratecard/types.js";
import { cardVersions, versionsOn } from "../ratecard/versions.js";
import type { Calendar } from "../time.js";


/**
 * The plans a simulation may price: those of the card versions in force over its cycles, not of the earliest
 * version given. With versions, `--compare-plans` compared the first version's plans alone, so a plan a later
 * version adds was never priced (and the wrong plan named the cheapest), and a scenario on it was refused though
 * that version prices every cycle (red team, stop 38).
 */
export interface ScenarioPlans {
  /** Offered by every version in force over the cycles, in the order the earliest of them lists them (its Plan). */
  everywhere: Map<string, Plan>;
  /** Offered by some version in force over the cycles, not by all: a replay on it would meet a version without it. */
  somewhere: Map<string, { plan: Plan; offeredBy: RateCard[]; missingFrom: RateCard[] }>;
  /** The versions in force over the cycles, earliest first. */
  versions: RateCard[];
}

export function scenarioPlans(card: RateCard, calendar: Calendar, cycles: number): ScenarioPlans {
  const on = versionsOn(card, calendar);
  const start = calendar.start(0);
  const end = calendar.start(cycles);
  const versions = [...new Set([on.at(start), ...on.switches.filter((at) => at > start && at < end).map((at) => on.at(at))])];
  const everywhere = new Map<string, Plan>();
  const somewhere: ScenarioPlans["somewhere"] = new Map();
  for (const version of versions) {
    for (const [key, plan] of version.plans) {
      if (everywhere.has(key) || somewhere.has(key)) continue;
      const missingFrom = versions.filter((v) => !v.plans.has(key));
      if (missingFrom.length === 0) everywhere.set(key, plan);
      else somewhere.set(key, { plan, offeredBy: versions.filter((v) => v.plans.has(key)), missingFrom });
    }
  }
  return { everywhere, somewhere, versions };
}

/** The versions' names for a message: "2026-11 and 2026-12". */
export function versionNames(versions: readonly RateCard[]): string {
  const names = versions.map((v) => v.version);
  return names.length < 2 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * The card a simulation replays: the versions in force over its cycles. One that prices none of them is left out,
 * so that an account opens on the version in force at the start (a plan only a later version offers would
 * otherwise be looked for in the earliest version given, and refused).
 */
export function cardInForce(card: RateCard, plans: ScenarioPlans): RateCard {
  if (card.versions === undefined || plans.versions.length === card.versions.length) return card;
  return plans.versions.length === 1 ? plans.versions[0]! : cardVersions(plans.versions);
}
