import { UserError, shown } from "../errors.js";
import { parseInstant, type Calendar, type Instant, type Zone } from "../time.js";
import type { Plan, RateCard } from "./types.js";

/**
 * Several cards given at once (`--card` repeated) are versions of one
 * provider's card. The earliest stands for them all and carries every
 * version in `versions`; a single card is returned as it is, so that nothing
 * changes without a second version. Its `events` are every version's meters
 * (the earliest's first): a reader cannot know which version prices a row (a
 * grandfathered one waits for the account's cycle), so it accepts a meter any
 * version defines, and the replay refuses a row whose version lacks it.
 */
export function cardVersions(cards: readonly RateCard[]): RateCard {
  const first = cards[0];
  if (first === undefined) throw new Error("no card");
  if (cards.length === 1) return first;
  for (const card of cards) {
    if (card.provider !== first.provider) {
      throw new UserError(`cards of different providers: ${shown(first.provider)} (${first.file}) and ${shown(card.provider)}`, card.providerAt, `a version of ${shown(first.provider)}'s card`, shown(card.provider));
    }
    if (card.effective === "") throw new UserError("a card version without effective:", card.effectiveAt, "effective: a date or an instant, when --card is given more than once", "none");
    // Money of two currencies has no rate between them: summed, a cycle's fees read 9 USD + 8 EUR as 17 USD (red team, stop 36).
    if (card.currency !== first.currency) {
      throw new UserError(`versions of ${shown(first.provider)}'s card in two currencies: ${shown(first.currency)} (${first.file}) and ${shown(card.currency)}`, card.effectiveAt, `every version in ${shown(first.currency)}: money in two currencies cannot be summed or compared`, shown(card.currency));
    }
  }
  const sorted = inEffectiveOrder(cards);
  // The same effective text is the same instant in any time zone: refused here, where a tests file's set is loaded, not in each case.
  for (let i = 1; i < sorted.length; i++) {
    const [before, after] = [sorted[i - 1]!, sorted[i]!];
    if (before.effective === after.effective) throw sameInstant(before, after);
  }
  // Cycles are priced by their version's name (versionOf): two of one name priced every cycle by the first, the later
  // one's prices never billed, with no word (red70b #10: November and December billed 9 where the later version says 12).
  const same = sameNamed(sorted);
  if (same !== undefined) throw new UserError(`two versions of ${shown(same.later.provider)}'s card named ${shown(same.earlier.version)}`, same.later.effectiveAt, `a version: of its own for each (${same.earlier.file} is ${shown(same.earlier.version)} from ${same.earlier.effective}): cycles are priced by their version's name`, shown(same.later.version));
  const events = new Map(sorted[0]!.events);
  for (const version of sorted) for (const [name, event] of version.events) if (!events.has(name)) events.set(name, event);
  return { ...sorted[0]!, events, versions: sorted };
}

/** Cards by their `effective:`, earliest first; UTC orders them here, the account's time zone fixes each one's instant (versionSwitches). */
export function inEffectiveOrder(cards: readonly RateCard[]): RateCard[] {
  const utc = (card: RateCard) => Date.parse(card.effective.length === 10 ? `${card.effective}T00:00:00Z` : card.effective);
  return [...cards].sort((a, b) => utc(a) - utc(b));
}

/** The first card of `sorted` (inEffectiveOrder) named as an earlier one is, with it: as versions, the later one's prices are never billed. */
export function sameNamed(sorted: readonly RateCard[]): { earlier: RateCard; later: RateCard } | undefined {
  for (let i = 1; i < sorted.length; i++) {
    const earlier = sorted.slice(0, i).find((v) => v.version === sorted[i]!.version);
    if (earlier !== undefined) return { earlier, later: sorted[i]! };
  }
  return undefined;
}

/**
 * Every version's plans by key, each as the earliest version that has it writes it: a plan one version adds or
 * another drops is still a plan of the card's (the replay holds an account to the version in force).
 */
export function plansOfVersions(card: RateCard): ReadonlyMap<string, Plan> {
  if (card.versions === undefined) return card.plans;
  const plans = new Map<string, Plan>();
  for (const version of card.versions) for (const [key, plan] of version.plans) if (!plans.has(key)) plans.set(key, plan);
  return plans;
}

/** A version and the instant it takes effect, in the account's time zone. */
export interface CardVersion {
  card: RateCard;
  effective: Instant;
}

/** The versions' effective instants, earliest first: a located error when two share one. */
export function versionInstants(card: RateCard, zone: Zone): CardVersion[] | undefined {
  if (card.versions === undefined) return undefined;
  const dated = card.versions.map((version): CardVersion => {
    const parsed = parseInstant(version.effective, zone);
    if (!parsed.ok) throw new UserError(parsed.problem, version.effectiveAt, parsed.expected, shown(version.effective));
    return { card: version, effective: parsed.at };
  });
  dated.sort((a, b) => a.effective - b.effective);
  for (let i = 1; i < dated.length; i++) {
    const [before, after] = [dated[i - 1]!, dated[i]!];
    if (before.effective === after.effective) throw sameInstant(before.card, after.card);
  }
  return dated;
}

/**
 * When the card in force changes, for one calendar: a version that applies
 * at once switches at its effective instant, a grandfathered one (`applies:
 * next_cycle`) at the first cycle start on or after it. At any instant the
 * version in force is the latest effective one already switched in, so a
 * grandfathered version never replaces a later one that applied at once.
 */
export function versionSwitches(versions: readonly CardVersion[], calendar: Calendar): { at: Instant; card: RateCard }[] {
  const switchAt = (v: CardVersion): Instant => {
    if (v.card.applies === "at_once") return v.effective;
    const index = calendar.indexOf(v.effective);
    if (index < 0) return calendar.start(0);
    const start = calendar.start(index);
    return start === v.effective ? start : calendar.start(index + 1);
  };
  const timed = versions.map((v, rank) => ({ at: switchAt(v), rank, card: v.card })).sort((a, b) => a.at - b.at || a.rank - b.rank);
  const switches: { at: Instant; card: RateCard }[] = [];
  let inForce = -1;
  for (const t of timed) {
    if (t.rank <= inForce) continue;
    inForce = t.rank;
    if (switches.at(-1)?.at === t.at) switches.pop();
    switches.push({ at: t.at, card: t.card });
  }
  return switches;
}

/**
 * The card version in force at each instant, on a calendar (versionSwitches, as the replay switches them), and the
 * instants it switches at: what a simulated purchase then is sold as and charged at (a simulated cycle's credits were
 * priced, and sold or not, by the first version's whatever the version: red team, stop 37), and what diff weighs a
 * refused row at.
 */
export interface VersionsOn {
  at(instant: Instant): RateCard;
  switches: readonly Instant[];
}

export function versionsOn(card: RateCard, calendar: Calendar): VersionsOn {
  const versions = versionInstants(card, calendar.zone);
  if (versions === undefined) return { at: () => card, switches: [] };
  const switched = versionSwitches(versions, calendar);
  return {
    at: (instant) => {
      let inForce = versions[0]!.card;
      for (const s of switched) if (s.at <= instant) inForce = s.card;
      return inForce;
    },
    switches: switched.map((s) => s.at),
  };
}

function sameInstant(before: RateCard, after: RateCard): UserError {
  return new UserError(`two versions of ${shown(after.provider)} take effect at the same instant`, after.effectiveAt, `an effective instant other than that of version ${shown(before.version)} (${before.file})`, shown(after.effective));
}

/** How a card is named in a report: a set of versions by each version's file and version, earliest first ("a.yaml + b.yaml"). */
export function cardShown(card: RateCard): { file: string; provider: string; version: string } {
  const versions = card.versions ?? [card];
  return { file: versions.map((v) => v.file).join(" + "), provider: card.provider, version: versions.map((v) => v.version).join(" + ") };
}
