import { shown, UserError, type Location } from "../errors.js";
import { nearest } from "../nearest.js";
import { BOUGHT_KINDS, GIVEN_KINDS } from "../ratecard/purchases.js";
import type { RateCard } from "../ratecard/types.js";
import { buyableKinds, purchaseWords } from "./purchases.js";
import type { ScenarioNote } from "./notes.js";

/**
 * The scenario's `buys:`, checked against the card: a kind a customer can buy of it (buyableKinds). A card that sells
 * top-ups and an add-on pack was quoted with top-ups alone, the first it declares, and the pack could not be quoted
 * (newcomer72b M3).
 */
export function purchaseKind(card: RateCard, buys: string | undefined, at: () => Location): string | undefined {
  if (buys === undefined) return undefined;
  const buyable = buyableKinds(card);
  if (buyable.includes(buys)) return buys;
  const declared = (card.versions ?? [card]).some((v) => v.grantKinds.has(buys));
  const why = !declared
    ? `the card declares no grant kind ${shown(buys)}${nearName(buys, buyable)}`
    : GIVEN_KINDS.has(buys)
      ? `grant kind ${shown(buys)} is given by the plan, not bought`
      : `grant kind ${shown(buys)} is given free (paid: false) by a version of the card: no customer buys it`;
  throw new UserError(why, at(), buyable.length === 0 ? "no buys: (the card sells no credits)" : `a kind the card sells: ${buyable.join(", ")}`, shown(buys));
}

function nearName(name: string, names: readonly string[]): string {
  const near = nearest(name, names);
  return near === undefined ? "" : `; did you mean ${shown(near)}?`;
}

/** Where the card sells more than one of the kinds a simulation buys unasked, which it buys and how to buy another. */
export function kindsNote(card: RateCard, at: Location): ScenarioNote[] {
  const kinds = buyableKinds(card).filter((k) => BOUGHT_KINDS.includes(k));
  if (kinds.length < 2) return [];
  const [first, ...others] = kinds as [string, ...string[]];
  return [{ about: "plan", at, text: `the card sells ${kinds.join(" and ")}: a plan that runs short is priced with ${purchaseWords(first)}, the first; buys: ${others[0]} in the scenario prices it with ${purchaseWords(others[0])}` }];
}
