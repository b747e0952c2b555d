import type { RateCard } from "../ratecard/types.js";

/**
 * A card's latest version by its `effective:` instant (a date is its UTC midnight, as a date's day is compared), undefined
 * where one has none: two offsets of one day compare as instants (red66d: compared by their days, +09:00 read a day late).
 */
function latest(card: RateCard): { version: RateCard; at: number } | undefined {
  let best: { version: RateCard; at: number } | undefined;
  for (const version of card.versions ?? [card]) {
    const at = Date.parse(version.effective ?? "");
    if (Number.isNaN(at)) return undefined;
    if (best === undefined || at > best.at) best = { version, at };
  }
  return best;
}

/**
 * A warning where the new card takes effect before the base: in a CI job that writes the base from `git
 * show`, the flags given the wrong way round (newcomer66b F4: a price rise passed the gate as a 4.86% fall, exit 0).
 */
export function swappedWarning(base: RateCard, card: RateCard): string | undefined {
  const [from, to] = [latest(base), latest(card)];
  if (from === undefined || to === undefined || base.provider !== card.provider || to.at >= from.at) return undefined;
  return `burnrate: warning: the new card (--card ${to.version.file}, version ${to.version.version}, effective ${to.version.effective}) takes effect before the base (--base ${from.version.file}, version ${from.version.version}, effective ${from.version.effective}): are --base and --card the wrong way round? The change is read from the base to the new card\n`;
}
