import { DateTime } from "luxon";
import type { RateCard } from "../ratecard/types.js";
import { versionInstants } from "../ratecard/versions.js";
import type { Instant, Zone } from "../time.js";
import type { BillPeriod } from "./types.js";

/**
 * The card version whose credit price turns a bill's money into credits: the one in force at the row's period start
 * (a ledger's transaction instant), in the account's zone, as the statement charges credits at the price of the version
 * in force when bought (docs/timelines.md). A bill in dollars was read at the first version's price in every month:
 * December's 2.00 USD at a version's 0.02 was "the card may be out of date", and 1.00 USD at the old price passed
 * (red team, stop 37). A period start is a cycle start, where every version effective on or before it is in force
 * whether it applies at once or from the next cycle (versionSwitches), so the latest one effective by then is it,
 * without the calendar the bill is read before. A single card is its own version.
 */
export function versionAtPeriod(card: RateCard, zone: Zone): (period: BillPeriod) => RateCard {
  const atInstant = versionAtInstant(card, zone);
  return (period) => atInstant(periodStart(period, zone));
}

/** The card version in force at a cycle's start (see versionAtPeriod). */
export function versionAtInstant(card: RateCard, zone: Zone): (at: Instant) => RateCard {
  const versions = versionInstants(card, zone);
  if (versions === undefined) return () => card;
  return (at) => {
    let inForce = versions[0]!.card;
    for (const v of versions) if (v.effective <= at) inForce = v.card;
    return inForce;
  };
}

function periodStart(period: BillPeriod, zone: Zone): Instant {
  if (period.kind === "start-date") return DateTime.fromISO(period.date, { zone: zone.name }).startOf("day").toMillis();
  return period.at;
}
