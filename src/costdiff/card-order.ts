import type { RateCard } from "../ratecard/types.js";

/** A card's latest version by its `effective:` day (the first ten characters of the date or instant), undefined where one has none. */
function latest(card: RateCard): { version: RateCard; day: string } | undefined {
  let best: { version: RateCard; day: string } | undefined;
  for (const version of card.versions ?? [card]) {
    const day = /^\d{4}-\d{2}-\d{2}/.exec(version.effective ?? "")?.[0];
    if (day === undefined) return undefined;
    if (best === undefined || day > best.day) best = { version, day };
  }
  return best;
}

/**
 * A warning where the new card takes effect on a day before the base's: in a CI job that writes the base from `git
 * show`, the flags given the wrong way round (newcomer66b F4: a price rise passed the gate as a 4.86% fall, exit 0).
 * Compared by day, as an instant's offset would set a version of the same day apart (red66c).
 */
export function swappedWarning(base: RateCard, card: RateCard): string | undefined {
  const [from, to] = [latest(base), latest(card)];
  if (from === undefined || to === undefined || base.provider !== card.provider || to.day >= from.day) return undefined;
  return `burnrate: warning: the new card (--card ${to.version.file}, version ${to.version.version}, effective ${to.day}) takes effect before the base (--base ${from.version.file}, version ${from.version.version}, effective ${from.day}): are --base and --card the wrong way round? The change is read from the base to the new card\n`;
}
