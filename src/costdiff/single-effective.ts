import type { Statement } from "../engine/types.js";
import type { Location } from "../errors.js";
import type { RateCard } from "../ratecard/types.js";
import { parseInstant, type Instant, type Zone } from "../time.js";

/**
 * The new card given alone, a later version than the base (its `effective:` after the base's), whose effective instant
 * falls inside the usage's cycles: a single card does not apply it, and prices the whole usage, before that date too
 * (docs/diff.md). A reviewer of the PR comment saw a gate fail on a month priced whole at the new version, with nothing
 * but the card change row to tell it (newcomer62 M5). Two cards of one effective (a card edited in place) say nothing.
 */
export interface EffectiveInside {
  effective: string;
  at: Instant;
  location: Location;
}

export function effectiveInside(cards: { base: RateCard; card: RateCard }, statement: Statement, zone: Zone): EffectiveInside | undefined {
  const { base, card } = cards;
  if (card.versions !== undefined || card.effective === "") return undefined;
  const at = parseInstant(card.effective, zone);
  if (!at.ok) return undefined;
  // The base's latest version: the new card is a later one where it takes effect after it.
  const since = base.effective === "" ? undefined : parseInstant((base.versions?.at(-1) ?? base).effective, zone);
  if (since === undefined || !since.ok || since.at >= at.at) return undefined;
  // Account by account, not every cycle at once: a statement of many accounts makes each account's cycles from their
  // text as they are read, and a list of them all held every one (and was too long to spread into Math.min).
  let first = Infinity;
  let last = -Infinity;
  for (const account of statement.accounts) {
    for (const c of account.cycles) {
      first = Math.min(first, c.start);
      last = Math.max(last, c.end);
    }
  }
  return at.at > first && at.at < last ? { effective: card.effective, at: at.at, location: card.effectiveAt } : undefined;
}

/** What the report and standard error say of it. */
export function effectiveInsideText(e: EffectiveInside): string {
  return `the new card, a later version than the base, is given alone, so it prices the whole usage, before its effective: ${e.effective} too; to price the usage before that date at the base card's prices, give both versions: --card BASE.yaml --card NEW.yaml`;
}
