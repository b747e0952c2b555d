import type { CycleStatement, GrantPurchase, Statement } from "../engine/types.js";
import type { RateCard } from "../ratecard/types.js";
import type { VersionsOn } from "../ratecard/versions.js";
import { ZERO, type Decimal } from "../money.js";
import { asNeeded, boughtAt, simulatedMoney, type Purchase } from "./purchases.js";
import { ownLimit } from "./own-limit.js";

/**
 * What a simulated cycle's usage past its credits means for the customer. A pool of `when_exhausted: overage` bills
 * its usage past zero in money at the credit price of the card version in force when it is charged, as the statement
 * bills it: that usage is served and paid, not a shortfall. A grace buffer's, an `allow` pool's or a crossing charge's
 * usage past zero is billed nothing: that is what a plan falls short by (newcomer68 M2: a plan without top-ups read "no:
 * usage past zero, billed as overage" beside the same plan with them at the same money).
 */

/** Credits charged past zero that no pool bills in money: a grace buffer's, an allow pool's, a crossing charge's. */
function unbilledPastZero(c: CycleStatement): Decimal {
  return c.uncovered.minus(c.overage.credits ?? ZERO);
}

/** Whether the plan serves the cycle's usage as bought: nothing refused by the plan (a limit the scenario sets is its own), and nothing past zero unbilled. */
export function serves(c: CycleStatement): boolean {
  return refusedRows(c) === 0 && unbilledPastZero(c).isZero();
}

function refusedRows(c: CycleStatement): number {
  return c.rejected.reduce((n, r) => n + (ownLimit(r) ? 0 : r.events), 0);
}

/** What buying as needed reads: the card and its versions' prices, what it sells, and the account buying. */
export interface Buyer {
  card: RateCard;
  versions: VersionsOn;
  purchase: Purchase;
  account: string;
}

/**
 * A replay buying credits as needed, kept to the cycles where buying is worth it (worthBuying): one replay more where
 * buying everywhere bought some cycle's credits that its overage bills no dearer. `bare` is the account bought nothing.
 */
export async function buyWhereWorth(buyer: Buyer, bare: Statement, replay: (purchases: GrantPurchase[]) => Promise<Statement>): Promise<Statement> {
  const without = cyclesOf(bare, buyer.account);
  const everywhere = await replay(asNeeded(without, buyer.versions, buyer.purchase, buyer.account));
  const bought = cyclesOf(everywhere, buyer.account);
  // A cycle that took nothing bought is the same bought or not: only one that took credits not worth buying asks for another replay.
  const skip = without.map((c, i) => bought[i] !== undefined && consumed(bought[i]!, buyer.purchase).gt(0) && !worthBuying(buyer, c, bought[i]!));
  if (!skip.includes(true)) return unlessServedAsIs(buyer, bare, everywhere);
  const kept = asNeeded(without, buyer.versions, buyer.purchase, buyer.account, (c) => !skip[without.indexOf(c)]);
  return kept.length === 0 ? bare : unlessServedAsIs(buyer, bare, await replay(kept));
}

/**
 * The replay bought, unless the plan serves every cycle as is for no more money: then nothing is bought. The cycles'
 * choices above are each made alone, and cycles draw on what others bought (red70a H1: top-ups drawn before the
 * included credits bought in a cycle that never ran out; H2: a grant that expires with its cycle moved a purchase into
 * the next at a dearer version's price). The runs' money settles it, as the plans' rows are ranked by it, so a row with
 * top-ups is only ever the cheaper one.
 */
function unlessServedAsIs(buyer: Buyer, bare: Statement, bought: Statement): Statement {
  const without = cyclesOf(bare, buyer.account);
  if (!without.every(serves)) return bought;
  if (buyer.purchase.price === undefined) return bare;
  const asIs = without.reduce((sum, c) => sum.plus(simulatedMoney(buyer.card, c, { credits: ZERO, price: undefined })), ZERO);
  let buying = ZERO;
  for (const [i, c] of cyclesOf(bought, buyer.account).entries()) {
    const credits = consumed(c, buyer.purchase);
    const price = priceOf(buyer, without[i]!);
    // Credits a version sells at no price cannot be shown cheaper than the usage served as is.
    if (price === undefined && credits.gt(0)) return bare;
    buying = buying.plus(simulatedMoney(buyer.card, c, { credits, price }));
  }
  return buying.lt(asIs) ? bought : bare;
}

/** The credit price top-ups are bought at in a cycle: the version's in force when the plan first sells them in it, as the plan's row prices them. */
function priceOf(buyer: Buyer, bare: CycleStatement): Decimal | undefined {
  return buyer.versions.at(boughtAt(bare, buyer.versions, buyer.purchase) ?? bare.start).creditPrice;
}

/**
 * Whether a cycle buys the credits it takes: always, unless what went past its credits unbought was billed as an
 * overage pool's overage; then only where buying serves usage the plan refused or let past zero unbilled (another pool
 * that blocks), or costs less than the overage (red69b H1: a version raising credit_price mid-cycle makes the credits
 * bought at the cycle's start cheaper than the overage billed after it). At the same money the customer buys nothing:
 * the card bills that usage (red69b M1, L2: credits bought for usage an overage pool billed the same).
 */
function worthBuying(buyer: Buyer, bare: CycleStatement, bought: CycleStatement): boolean {
  // A cycle its own credits served, nothing past zero: what it takes bought (top-ups drawn before the included credits)
  // serves nothing more and costs more (red70c H2: 1,000 credits bought in a cycle that never ran out).
  if (serves(bare) && !(bare.overage.credits ?? ZERO).gt(0)) return false;
  if (!(bare.overage.credits ?? ZERO).gt(0)) return true;
  if (refusedRows(bought) < refusedRows(bare) || unbilledPastZero(bought).lt(unbilledPastZero(bare))) return true;
  if (buyer.purchase.price === undefined) return false;
  const price = priceOf(buyer, bare);
  if (price === undefined) return false;
  return simulatedMoney(buyer.card, bought, { credits: consumed(bought, buyer.purchase), price }).lt(simulatedMoney(buyer.card, bare, { credits: ZERO, price: undefined }));
}

function consumed(c: CycleStatement, purchase: Purchase): Decimal {
  return c.grants.find((g) => g.kind === purchase.kind)?.consumed ?? ZERO;
}

function cyclesOf(statement: Statement, account: string): CycleStatement[] {
  return statement.accounts.find((a) => a.account === account)?.cycles ?? [];
}
