import type { RenderContext } from "../shared/context.js";

/**
 * What the card lets past the credits, which is all `uncovered` can be: a grace pool's buffer, an `allow` pool's usage
 * (pay as you go: charged past zero, no buffer, nothing refused) and the crossing charge of `crossing: accept`. Named
 * by those, not "grace" on a card that has none (newcomer, stop 38: a pay-as-you-go card read "Uncovered (grace)").
 */
export function uncoveredLabel(card: RenderContext["card"]): string {
  const policies = new Set([...card.pools.values()].map((p) => p.whenExhausted));
  const ways = [
    ...(policies.has("grace") ? ["grace"] : []),
    ...(policies.has("allow") ? ["allowed past zero"] : []),
    ...(policies.has("overage") ? ["billed past zero"] : []),
    ...(card.crossing === "accept" ? ["crossing charge"] : []),
  ];
  if (ways.length === 1 && ways[0] === "allowed past zero") return "Charged past zero";
  if (ways.length === 1 && ways[0] === "billed past zero") return "Billed past zero";
  return ways.length === 0 ? "Uncovered" : `Uncovered (${ways.join(" or ")})`;
}
