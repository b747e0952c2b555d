import type { RateCard } from "../../ratecard/types.js";
import { isEndedReason } from "../../engine/subscription-end.js";
import type { PlanResult } from "../../scenario/simulate.js";

/** The plans of the cycles that refuse usage and sell no top-ups to cover it. */
export function unsoldPlans(p: PlanResult): string[] {
  // A cycle after the subscription's end buys nothing on any plan: its plan is not one that sells none (red63 M3).
  const unsold = p.cycles.filter((c) => c.topupsSoldAt === undefined && c.rejected.some((r) => !isEndedReason(r.reason)));
  return [...new Set(unsold.map((c) => c.plan.label))].map((label) => {
    // A plan that buys in some of its cycles is named with the others alone (red72b M2: "Pro cannot buy top-ups" beside a
    // November that bought them, where a card version from December gives them free).
    const sold = p.cycles.some((c) => c.plan.label === label && c.topupsSoldAt !== undefined);
    const cycles = unsold.filter((c) => c.plan.label === label).map((c) => c.index + 1);
    return sold ? `${label} in cycle${cycles.length === 1 ? "" : "s"} ${cycles.join(", ")}` : label;
  });
}

/**
 * Why a kind is not sold where a version of the card gives it free (paid: false) or declares it not at all: said, or
 * "Pro cannot buy top-ups" hides it (red72b M2; red72d L1, a later version without the kind).
 */
export function givenFree(card: RateCard, kind: string): string {
  const versions = card.versions ?? [card];
  const named = (list: readonly RateCard[], one: string, many: string) => (card.versions === undefined ? `the card ${one}` : `card version${list.length === 1 ? "" : "s"} ${list.map((v) => `"${v.version}"`).join(", ")} ${list.length === 1 ? one : many}`);
  const free = versions.filter((v) => v.grantKinds.get(kind)?.paid === false);
  const lacking = versions.filter((v) => !v.grantKinds.has(kind));
  const why = [
    ...(free.length === 0 ? [] : [`${named(free, "gives", "give")} ${kind} free: paid: false, sold by none`]),
    ...(lacking.length === 0 ? [] : [`${named(lacking, "declares", "declare")} no ${kind}`]),
  ];
  return why.length === 0 ? "" : ` (${why.join("; ")})`;
}
