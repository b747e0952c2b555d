import { readText } from "../inputs.js";
import type { RateCard } from "../ratecard/types.js";
import { versionInstants, type CardVersion } from "../ratecard/versions.js";
import { BEFORE_ALL, type Instant, type Zone } from "../time.js";
import { cardChanges, type CardChange } from "./card-changes.js";

/**
 * How the base's rules differ from the new card's. Two single cards compare
 * as wholes. When either side is a set of versions (`--base` or `--card`
 * repeated), the sets compare version by version: at every effective instant
 * of either set, the base version in force then against the new one in force
 * then, each pair once, and every change says from when and which versions.
 * A pair of the same file changes nothing.
 */
export function versionChanges(base: RateCard, card: RateCard, zone: Zone): CardChange[] {
  if (base.versions === undefined && card.versions === undefined) return cardChanges(readText(base.file), base.file, readText(card.file), card.file);
  const [old, neu] = [dated(base, zone), dated(card, zone)];
  // Before the earliest effective instant both sides price by their earliest versions, as at that instant.
  const points = [...new Set([...old, ...neu].map((v) => v.effective).filter((at) => at !== BEFORE_ALL))].sort((a, b) => a - b);
  const out: CardChange[] = [];
  const compared = new Set<string>();
  for (const point of points) {
    const [from, to] = [inForce(old, point), inForce(neu, point)];
    const pair = JSON.stringify([from.card.file, to.card.file]);
    if (compared.has(pair)) continue;
    compared.add(pair);
    // The version that comes into force at this point names it, as its card writes its effective date.
    const since = (to.effective === point ? to : from).card.effective;
    const versions = { from: since, base: from.card.version, card: to.card.version };
    for (const change of cardChanges(readText(from.card.file), from.card.file, readText(to.card.file), to.card.file)) out.push({ ...change, versions });
  }
  return out;
}

/** A single card stands for all time: it is in force from before any version of the other side. */
function dated(card: RateCard, zone: Zone): CardVersion[] {
  return versionInstants(card, zone) ?? [{ card, effective: BEFORE_ALL }];
}

/** The latest version effective at the instant; before the earliest's effective, the earliest prices (as in the replay). */
function inForce(versions: readonly CardVersion[], at: Instant): CardVersion {
  return versions.filter((v) => v.effective <= at).at(-1) ?? versions[0]!;
}
