import type { Decimal } from "../money.js";
import { isPaidGrant } from "../ratecard/cycle-money.js";
import type { RateCard } from "../ratecard/types.js";
import type { CardVersion } from "../ratecard/versions.js";
import type { Instant } from "../time.js";

/**
 * The card version in force at an instant for an account whose own cycles start at `starts`, as the replay switches
 * them (versionSwitches): a version that applies at once from its effective instant, a grandfathered one from the first
 * of the account's cycle starts on or after it, the latest one switched in winning. Reconcile's re-cut reads the
 * account's purchases off the ledger, which names no version; each must be judged by the version it was bought under,
 * as the statement's money is (red72b H1: with versions given, every credit bought in a re-cut period read as none).
 */
function versionAtOnCycles(versions: readonly CardVersion[], starts: readonly Instant[]): (at: Instant) => RateCard {
  const switched = versions.map((v, rank) => ({ rank, at: v.card.applies === "at_once" ? v.effective : starts.find((s) => s >= v.effective) ?? Infinity }));
  return (at) => {
    let rank = 0;
    for (const s of switched) if (s.at <= at && s.rank > rank) rank = s.rank;
    return versions[rank]!.card;
  };
}

/** A grant the ledger logged (a payment entry), in the re-cut period it falls in. */
export interface LoggedGrant {
  period: number;
  at: Instant;
  kind: string;
  amount: Decimal;
}

/**
 * The credits bought in each re-cut period, by the version in force when bought, where several versions are given:
 * the `boughtIn` a statement's cycle carries, which creditsBoughtIn and reconcile's money read in place of the grants.
 * A grant of a kind its version gives free (paid: false) is none.
 */
export function boughtByPeriod(versions: readonly CardVersion[], starts: readonly Instant[], logged: readonly LoggedGrant[]): Map<number, { version: string; credits: Decimal }[]> {
  const versionAt = versionAtOnCycles(versions, starts);
  const periods = new Map<number, { version: string; credits: Decimal }[]>();
  for (const g of logged) {
    const version = versionAt(g.at);
    const bought = periods.get(g.period) ?? [];
    periods.set(g.period, bought);
    if (!isPaidGrant(version, g.kind)) continue;
    const seen = bought.find((b) => b.version === version.version);
    if (seen === undefined) bought.push({ version: version.version, credits: g.amount });
    else seen.credits = seen.credits.plus(g.amount);
  }
  return periods;
}
