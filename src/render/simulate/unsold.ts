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

/** Why a kind is not sold where a version of the card gives it free (paid: false): said, or "Pro cannot buy top-ups" hides it (red72b M2). */
export function givenFree(card: RateCard, kind: string): string {
  const versions = (card.versions ?? [card]).filter((v) => v.grantKinds.get(kind)?.paid === false);
  if (versions.length === 0) return "";
  const whose = card.versions === undefined ? "the card gives" : `card version${versions.length === 1 ? "" : "s"} ${versions.map((v) => `"${v.version}"`).join(", ")} ${versions.length === 1 ? "gives" : "give"}`;
  return ` (${whose} ${kind} free: paid: false, sold by none)`;
}
