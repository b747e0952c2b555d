import { isPaidGrant } from "../ratecard/cycle-money.js";
import { versionOf } from "../ratecard/plan-fee.js";
import type { RateCard } from "../ratecard/types.js";

/** What a replay's open cycles read of the card's grant kinds: one object for all of them, held by their shared terms (cycle.ts). */
export interface GrantRules {
  /** The kinds whose consumption moves the allowance's percentage (Fliplet: top-ups do not). */
  readonly counting: ReadonlySet<string>;
  /**
   * Whether credits of a kind granted while a card version is in force were bought: isPaidGrant on that version, as
   * they are priced at its credit price (a cycle knows its version by name only). A kind it gives free (paid: false) is no purchase.
   */
  bought(version: string, kind: string): boolean;
}

/** The rules of a replay's card, which holds every version given (versionOf): the kinds counting are its earliest's, as the replay's order is. */
export function grantRules(card: RateCard): GrantRules {
  return {
    counting: new Set([...card.grantKinds.values()].filter((k) => k.countsTowardAllowance).map((k) => k.key)),
    bought: (version, kind) => isPaidGrant(versionOf(card, version), kind),
  };
}
