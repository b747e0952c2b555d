import { readText } from "../inputs.js";
import { parsePlainDecimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import { versionInstants, type CardVersion } from "../ratecard/versions.js";
import { BEFORE_ALL, type Instant, type Zone } from "../time.js";
import { cardChanges, type CardChange } from "./card-changes.js";
import { meterRises, type PriceRise } from "./priced-by.js";
import { PRICE_SETTINGS, segments } from "./unmeasured.js";

/**
 * How the base's rules differ from the new card's. Two single cards compare
 * as wholes. When either side is a set of versions (`--base` or `--card`
 * repeated), the sets compare version by version: at every effective instant
 * of either set, the base version in force then against the new one in force
 * then, each pair once, and every change says from when and which versions.
 * A pair of the same file changes nothing.
 */
export function versionChanges(base: RateCard, card: RateCard, zone: Zone): CardChange[] {
  if (base.versions === undefined && card.versions === undefined) return pairChanges(base, card);
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
    // The rows in the pair's time measure its changes: the lines the new version priced, or where the new card is
    // one for all time, those the base's version priced (a later base version deleted, its cut with it, is measured
    // only by rows in its time); two single cards, every row.
    const by = card.versions !== undefined ? to : base.versions !== undefined ? from : undefined;
    const measuredBy = by === undefined ? {} : { measuredBy: by.card.version };
    for (const change of pairChanges(from.card, to.card)) out.push({ ...change, versions, ...measuredBy });
  }
  return out;
}

/** The changes between two cards as written, each with the price rises it makes (on a meter both cards have). */
function pairChanges(old: RateCard, neu: RateCard): CardChange[] {
  const changes = cardChanges(readText(old.file), old.file, readText(neu.file), neu.file);
  for (const [key, meter] of neu.meters) {
    const before = old.meters.get(key);
    const rises = before === undefined ? undefined : meterRises(before, meter);
    if (rises === undefined) continue;
    // Every change to the meter's prices is judged by the rises found: one that makes none (a fall) is no rise.
    for (const c of changes) if (PRICE_SETTINGS.some((a) => under(c.path, `meters.${key}.${a}`))) c.rises ??= [];
    for (const rise of rises) {
      const cause = causeOf(changes, rise);
      if (cause !== undefined) (cause.rises ??= []).push(rise);
    }
  }
  return changes;
}

const under = (path: string, area: string) => path === area || path.startsWith(`${area}.`) || path.startsWith(`${area}[`);

/**
 * The change a rise is told under: a price leaf that changed by exactly the rise (a table entry, a surcharge's amount),
 * else the first change to the part's settings (a price restructured, a surcharge added), else the first to its meter.
 */
function causeOf(changes: readonly CardChange[], rise: PriceRise): CardChange | undefined {
  const meter = `meters.${rise.meter}`;
  const areas = rise.part.kind === "component" ? [`${meter}.components.${rise.part.name}`, `${meter}.exempt_when`]
    : rise.part.kind === "surcharge" ? [`${meter}.surcharges`, `${meter}.exempt_when`]
    : [`${meter}.price`, `${meter}.surcharges`, `${meter}.exempt_when`];
  const inArea = changes.filter((c) => areas.some((a) => under(c.path, a)));
  const step = rise.new.minus(rise.old);
  const exact = inArea.find((c) => {
    if (c.change !== "changed" || c.old === undefined || c.new === undefined) return false;
    const [was, is] = [parsePlainDecimal(c.old), parsePlainDecimal(c.new)];
    // A table entry is the rise's only where its keys are the point's values (or its "*").
    const keys = tableKeys(c.path);
    const values = Object.values(rise.point);
    return was !== undefined && is !== undefined && is.minus(was).eq(step) && keys.every((k) => k === "*" || values.includes(k));
  });
  return exact ?? inArea.find((c) => c.change !== "removed") ?? inArea[0] ?? changes.find((c) => under(c.path, meter));
}

/** The keys after `table` in a price leaf's path (`...table.gpt-4o["*"]`: gpt-4o, *); none for another path. */
function tableKeys(path: string): string[] {
  const keys = segments(path);
  const at = keys.indexOf("table");
  return at < 0 ? [] : keys.slice(at + 1);
}

/** A single card stands for all time: it is in force from before any version of the other side. */
function dated(card: RateCard, zone: Zone): CardVersion[] {
  return versionInstants(card, zone) ?? [{ card, effective: BEFORE_ALL }];
}

/** The latest version effective at the instant; before the earliest's effective, the earliest prices (as in the replay). */
function inForce(versions: readonly CardVersion[], at: Instant): CardVersion {
  return versions.filter((v) => v.effective <= at).at(-1) ?? versions[0]!;
}
