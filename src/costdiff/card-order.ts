import type { RateCard } from "../ratecard/types.js";

/** The latest `effective:` of a card or of its versions (ISO dates, compared as text). */
function latest(card: RateCard): string {
  return (card.versions ?? [card]).map((v) => v.effective).reduce((a, b) => (b > a ? b : a));
}

/**
 * A warning where the new card takes effect before the base does: in a CI job that writes the base from `git show`,
 * the flags given the wrong way round (newcomer66b F4: a price rise passed the gate as a 4.86% fall, exit 0).
 */
export function swappedWarning(base: RateCard, card: RateCard): string | undefined {
  const [from, to] = [latest(base), latest(card)];
  if (base.provider !== card.provider || to >= from) return undefined;
  return `burnrate: warning: the new card (--card ${card.file}, version ${card.version}, effective ${to}) takes effect before the base (--base ${base.file}, version ${base.version}, effective ${from}): are --base and --card the wrong way round? The change is read from the base to the new card\n`;
}
