import { Decimal, formatExact, roundToStep, ZERO, type RoundingMode } from "../money.js";
import { CREDITS_BOUGHT, OVERAGE, PLAN_FEE } from "../bill/mapping.js";
import type { RateCard } from "../ratecard/types.js";
import type { Rejection } from "../engine/types.js";
import { formatInstant } from "../time.js";
import { formatLocation, shown } from "../errors.js";
import { centRounding, nearest } from "./cents.js";
import { proratedFeeCause } from "./prorated-fee.js";
import type { AlignedLine, BillPart, DifferenceClass } from "./types.js";

export interface Verdict {
  class: DifferenceClass;
  explanation: string;
  prices?: { bill: Decimal; card: Decimal };
  /** A gap that events landing in the neighbouring cycle could explain: worth testing a boundary shift. */
  shiftable: boolean;
}

const n = (v: Decimal) => formatExact(v);
/** Implied prices are quotients: shown to enough places to compare, not to sixty digits. */
const price = (v: Decimal) => formatExact(v.toDecimalPlaces(8));

/**
 * Why a line whose amounts agree still shows different quantities: a refund
 * billed as a positive quantity, or a bill that counts in its own way. Amounts
 * decide agreement, so this is a note for the reader, never a difference.
 */
export function agreementNote(line: AlignedLine): string | undefined {
  const { bill, computed } = line;
  if (!bill && computed && !computed.quantity.isZero()) return `free in usage (quantity ${n(computed.quantity)} for 0); the bill has no such line`;
  // A plan of no price billed as a line of its own (Floopy's free plan, a row a customer): the statement bills no fee line for it (newcomer, stop 44: the usage's events were blamed).
  if (bill && !computed && line.fee !== undefined) return `the bill shows a fee of 0 for plan ${line.fee.plans.join(", ")}${line.account === undefined ? "" : ` of account ${line.account}`}, which has no price: the statement bills no fee line for it`;
  if (bill && !computed && bill.quantity !== undefined && !bill.quantity.isZero()) return `the bill shows quantity ${n(bill.quantity)} for 0; the usage log has no such events`;
  if (!bill || !computed || bill.quantity === undefined || line.meters.length > 1 || bill.quantity.eq(computed.quantity)) return undefined;
  const shown = `the bill shows quantity ${n(bill.quantity)}, usage ${n(computed.quantity)}`;
  if (bill.quantity.eq(computed.quantity.neg())) return `amounts agree; ${shown}: the same quantity with the other sign (a refund billed as a positive quantity)`;
  return `amounts agree; ${shown}: the bill counts in its own way`;
}

/**
 * Class a line's difference without touching the usage again; undefined when the line agrees. A
 * bill row that repeats another of the line exactly is named beside whatever explains the gap: the
 * rows are summed, as a bill split over several rows is, but a line pasted twice is the likelier
 * reading of a gap of that row's size.
 */
export function classify(line: AlignedLine, card: RateCard, tolerated?: Tolerated): Verdict | undefined {
  const verdict = chargingCredits(line, card, refusedBeside(line, classifyLine(line, card, tolerated)));
  const twice = line.bill?.repeatedRow;
  if (verdict === undefined || twice === undefined) return verdict;
  const at = (l: { file: string; line: number }) => `${l.file}:${l.line}`;
  return { ...verdict, explanation: `${verdict.explanation}; the bill gives this line on ${line.bill!.rows} rows, and ${at(twice.again)} repeats ${at(twice.first)} exactly (quantity and amount)` };
}

/**
 * A line with rows marked Credit that charge (a positive amount) says so beside whatever explains its gap: a credit is
 * money back, so such a row is read as the charge it is, on its line, not set apart as a credit (red team, stop 38).
 */
function chargingCredits(line: AlignedLine, card: RateCard, verdict: Verdict | undefined): Verdict | undefined {
  const credits = line.bill?.chargingCredits;
  if (verdict === undefined || credits === undefined) return verdict;
  const unit = line.money ? card.currency : card.unit;
  const where = `${credits.first.file}:${credits.first.line}`;
  return { ...verdict, explanation: `${verdict.explanation}; the bill's row(s) marked Credit on this line (the first at ${where}) charge +${n(credits.amount)} ${unit}: a credit is money back, a negative amount, so a positive one is compared as a charge (its sign is wrong, or it is no credit)` };
}

/**
 * A bill above the usage in quantity on a line whose meters had events refused in the cycle: the
 * refusals are named beside the reason (a quantity the bill counts and burnrate refused is the
 * likelier gap). Beside repeats too: a client retries a refused event under its id, so the repeat's
 * quantity can be the refused one's, and the bill's extra the event burnrate refused, not a retry it
 * counted twice. A rate drift or a rounding is about the price, which refusals do not touch.
 */
function refusedBeside(line: AlignedLine, verdict: Verdict | undefined): Verdict | undefined {
  if (verdict === undefined || !line.computed || !line.bill || line.refused === undefined || line.refused.length === 0) return verdict;
  if (!["quantity_mismatch", "unexplained", "duplicate_events"].includes(verdict.class) || !line.bill.amount.gt(line.computed.amount)) return verdict;
  return { ...verdict, explanation: `${verdict.explanation}; the usage also has ${refusedText(line.refused)}` };
}

/** The refused events of a line's meters in its cycle, by reason: how many, and the first's time and row. */
function refusedText(refused: readonly Rejection[]): string {
  const groups = refused.map((r) => {
    const where = r.firstOrigin === undefined ? "" : `${r.firstOrigin.file}:${r.firstOrigin.line}, `;
    return `${r.events} ${r.meter} event(s) of quantity ${n(r.quantity)} in this cycle, refused (${r.reason}; the first at ${where}${formatInstant(r.firstAt)})`;
  });
  return groups.join(" and ");
}

/** Whether what is left of a line's gap, once a reason is taken off it, is within the run's tolerance. */
export type Tolerated = (line: AlignedLine, rest: Decimal) => boolean;

function classifyLine(line: AlignedLine, card: RateCard, tolerated: Tolerated | undefined): Verdict | undefined {
  if (line.meters[0] === PLAN_FEE) return classifyFee(line, card);
  const { bill, computed } = line;
  // The card's rounding step, or the bill's where it is coarser: money rounded to a cent of the currency.
  const step = bill?.step !== undefined && bill.step.gt(card.precision.step) ? bill.step : card.precision.step;
  const unit = line.money ? card.currency : card.unit;
  if (!bill) {
    if (!computed || computed.amount.isZero()) return undefined;
    return {
      class: "missing_on_bill",
      explanation: `usage has ${line.money ? "" : `${computed.events} event(s), `}quantity ${n(computed.quantity)}, ${n(computed.amount)} ${unit}; the bill has no such line`,
      shiftable: true,
    };
  }
  if (!computed) {
    if (bill.amount.isZero()) return undefined;
    // Events burnrate refused are in the log, not missing from it: the bill charges what the card refuses.
    const refused = line.refused !== undefined && line.refused.length > 0 ? `; the usage has no priced events on this line, but ${refusedText(line.refused)}: the bill charges what the card refuses` : "; the usage log has no such events";
    // What the log has on this line only as repeats of an earlier event_id (a retry routed to another model) is there,
    // counted once on the first row's line: the bill charges the repeat (red team, stop 35: "no such events").
    if (line.duplicates.gt(0)) {
      return { class: "duplicate_events", explanation: `the bill charges ${n(bill.amount)} ${unit} for events the log has on this line only as repeats of an earlier event_id (quantity ${n(line.duplicates)}), counted once by burnrate, on the first row's line${repeatAt(line)}`, shiftable: false };
    }
    if (line.meters[0] === CREDITS_BOUGHT) return boughtVerdict(card, bill, line.unpricedCredits, line.freeCredits);
    const failed = skippedVerdict(line, { step, money: step !== card.precision.step, unit, tolerated }, "missing_in_usage");
    if (failed) return failed;
    // A credit the bill gives on a line the usage has none of (FOCUS credits often carry none of the usage's tags) is a credit, not a charge.
    if (bill.adjustments !== undefined && bill.adjustments.eq(bill.amount)) {
      return { class: "missing_in_usage", explanation: `the bill's credit, adjustment or tax rows come to ${n(bill.amount)} ${unit} on a line with no usage on either side: a credit, adjustment or tax written without its usage's tags (dimensions) lands on a line of its own: map it with ignore, or give it the tags of the line it adjusts`, shiftable: false };
    }
    return {
      class: "missing_in_usage",
      explanation: `the bill charges ${n(bill.amount)} ${unit}${bill.quantity === undefined ? "" : ` for quantity ${n(bill.quantity)}`}${refused}`,
      shiftable: line.refused === undefined || line.refused.length === 0,
    };
  }
  const delta = bill.amount.minus(computed.amount);
  const quantityKnown = bill.quantity !== undefined;
  const sameQuantity = !quantityKnown || bill.quantity!.eq(computed.quantity) || shownRounded(bill.quantity!, computed.quantity);
  // Amounts decide: a quantity shown otherwise behind the same amount is a note (agreementNote), not a difference.
  if (delta.isZero()) return undefined;

  // A credit, adjustment or tax on the line, before any rounding: where its usage rows come to the usage's amount, the
  // difference is the adjustment's, not a price (newcomer, stop 35: a goodwill credit read "the card may be out of
  // date"), and not a rounding either (red team: a tax under a cent passed as the bill rounding 5.6 to 6).
  // Usage rows in money were each rounded to a cent, so they come to the usage's amount only so rounded: a tax on a
  // dollar invoice read "the card may be out of date", and passed so within a wide --tolerance-percent (newcomer, stop 36).
  const adjusted = bill.adjustments;
  if (adjusted !== undefined && !adjusted.isZero()) {
    const rows = bill.amount.minus(adjusted);
    const cents = rows.eq(computed.amount) ? undefined : centRounding(bill.parts, computed);
    if (rows.minus(computed.amount).abs().lte(card.precision.step) || cents !== undefined) {
      const usage = rows.eq(computed.amount)
        ? "as the usage does"
        : cents === undefined
          ? `the usage ${n(computed.amount)}`
          : `the usage's ${n(computed.amount)} ${cents.rows === 1 ? "rounded" : `with each of its ${cents.rows} rows rounded`} to a cent of its currency (step ${n(cents.step)})`;
      return { class: "unexplained", explanation: `the bill's usage rows come to ${n(rows)} ${unit}, ${usage}; its credit, adjustment or tax rows add ${n(adjusted)}: the difference is theirs, no price or count`, shiftable: false };
    }
  }

  // Rounding only where rounding can give the bill's amount: the computed amount rounded to the card's step, in its
  // mode or another a provider uses. A bill one step off an amount already exact at the step (1.01 for 1.00), or with
  // more decimals than the step, is a price or a count, not a rounding: 500 such lines were 5 credits passed as rounding.
  // At a bill's cent of money, coarser than the card's step, only rounding to the nearest cent counts: a line of 3.3
  // cents billed 4 (up) is 21% over, not a rounding (newcomer, stop 35: it passed, exit 0).
  const money = step !== card.precision.step;
  // A line of several rows in money, each rounded to a cent on its own (up, down or to the nearest): the rounding adds
  // up, to less than a cent a row. Said so, and held to the tolerance: 3 requests of 0.45 cents billed 0.01 USD each
  // is 1.65 cents over, a rounding the gate still fails (red team, stop 35: it read as a price that differs). Told
  // before the line's sum rounded once, which its rows' cents may also come to: each row was rounded, not the sum.
  const cents = bill.parts.length > 1 && bill.adjustments === undefined && sameQuantity ? centRounding(bill.parts, computed) : undefined;
  if (cents !== undefined) {
    return { class: "rounding", explanation: `the bill rounds each of its ${cents.rows} rows to a cent of its currency (step ${n(cents.step)}), less than ${n(cents.step.mul(cents.rows))} in all; it is ${n(delta)} off the usage's ${n(computed.amount)}`, shiftable: false };
  }
  const mode = sameQuantity && delta.abs().lte(step) ? roundingMode(computed.amount, bill.amount, step, money ? NEAREST : card.precision.rounding) : undefined;
  if (mode !== undefined) {
    return { class: "rounding", explanation: `the bill rounds ${n(computed.amount)} to ${n(bill.amount)} (step ${n(step)}, ${mode})`, shiftable: false };
  }
  // A bill's amount is exact only to the places it writes: one that writes the usage's amount to fewer places than it
  // has, and more than the step (a card that shows 4 places and rounds at a cent), rounds at its last place. Every right
  // line of such a bill was a rate_drift, and the wrong one was lost among them (newcomer, stop 52). Its last place is
  // finer than the step, so it explains less than a rounding at the step would.
  const written = writtenStep(bill);
  const placed = sameQuantity && written.lt(step) && delta.abs().lte(written) ? roundingMode(computed.amount, bill.amount, written, money ? NEAREST : card.precision.rounding) : undefined;
  if (placed !== undefined) {
    return { class: "rounding", explanation: `the bill rounds ${n(computed.amount)} to ${n(bill.amount)} (step ${n(written)}, the places the bill writes, ${placed})`, shiftable: false };
  }

  const cardPrice = computed.unitPrice;
  const roundsEachEvent = card.precision.roundAt === "event";
  if (quantityKnown && sameQuantity) {
    if (computed.quantity.isZero()) {
      return { class: "unexplained", explanation: `quantity 0 on both sides, yet the bill charges ${n(bill.amount)} ${unit} and usage ${n(computed.amount)}`, shiftable: false };
    }
    const billPrice = bill.unitPrice ?? bill.amount.div(bill.quantity!);
    const card = cardPrice ?? computed.amount.div(computed.quantity);
    // A line of several prices (a request and its tokens) has no one price per unit: the figure is an average, and
    // the gap may be a count of tokens as well as a price (newcomer, stop 35: "the card 0.19922725 per unit").
    const averaged = cardPrice === undefined;
    // The gap as a share of the usage's amount: what finance reads first (newcomer53 L3: a 2% over-bill read as two prices).
    // A gap under a hundredth of a percent is said so, not "0%" (newcomer61 L3: 0.35 on 22,405.35 read "0% under").
    const percent = delta.div(computed.amount.isZero() ? 1 : computed.amount).mul(100).abs().toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    const share = computed.amount.isZero() ? "" : ` (${percent.isZero() ? "less than 0.01" : n(percent)}% ${delta.gt(0) ? "over" : "under"} the usage's amount)`;
    // A card that rounds each event cuts a component's line (METER:COMPONENT) down to the step an event, the rest of the
    // event on the meter's own line (docs/ratecards.md, "Rounding"): a bill at the card's own unit price is then no
    // price of another card, and "the card may be out of date" beside two equal prices read as a contradiction
    // (newcomer61 M1). Still a difference, held as one: only the line beside the meter's own says whether the rest
    // was billed there too (red61c F1: classed rounding, a bill charging the rest twice passed).
    const cutDown = cardPrice !== undefined && !money && roundsEachEvent && billPrice.eq(cardPrice) && line.meters.every((m) => m.includes(":"));
    const why = averaged
      ? `the bill comes to ${price(billPrice)} per unit and the card's prices to ${price(card)} on average over the line's components${share}: a component's price or count differs (a bill by component, METER:COMPONENT, says which)`
      : cutDown
        ? `the bill charges the card's own ${price(billPrice)} per unit${share}: the card rounds each event (round_at: event), and this line holds each of its ${computed.events} events' part cut down to the step ${n(step)}, the rest of each event on the meter's own line; a bill of quantity x unit price differs so, and is right only where it leaves that rest out`
        : `the bill charges ${price(billPrice)} per unit and the card ${price(card)}${share}: the card may be out of date`;
    return {
      class: "rate_drift",
      // The bill's quantity as it prints it beside the usage's where it rounds it (newcomer57 L5: "same quantity
      // (2465.8432748)" quoted the usage's figure as if the bill had it).
      explanation: `${bill.quantity !== undefined && !bill.quantity.eq(computed.quantity) ? `same quantity (the bill's ${n(bill.quantity)}, rounded from the usage's ${n(computed.quantity)})` : `same quantity (${n(computed.quantity)})`}, but ${why}`,
      prices: { bill: billPrice, card },
      // A boundary that moves as many events in as out keeps the count and changes the amount where events differ in
      // size (their tokens): tested before the price is blamed (newcomer, stop 37).
      shiftable: true,
    };
  }

  // The gap in quantity, and whether the bill prices its own quantity at the card's rate.
  const gap = quantityKnown ? bill.quantity!.minus(computed.quantity) : cardPrice && !cardPrice.isZero() ? delta.div(cardPrice) : undefined;
  // A line of several rows each with its quantity prices its own at the card's rate where each row does, each rounded to the bill's step.
  // A line with a credit, adjustment or tax is not its rows alone: its difference is theirs too (red48b #1).
  const rowsPriced = (at: Decimal) => bill.parts.length > 1 && bill.adjustments === undefined && bill.parts.every((p) => p.quantity !== undefined && billedAs(p.quantity.mul(at), p.amount, step, money));
  const pricedAtCard = cardPrice !== undefined && (quantityKnown ? billedAs(bill.quantity!.mul(cardPrice), bill.amount, step, money) || rowsPriced(cardPrice) : gap!.isInteger());
  if (gap !== undefined && pricedAtCard && line.duplicates.gt(0) && gap.eq(line.duplicates)) {
    return {
      class: "duplicate_events",
      explanation: `the bill counts ${n(gap)} more than usage, exactly the quantity of events the log repeats under an existing event_id (counted once by burnrate)${repeatAt(line)}`,
      // A boundary may move as many: it is tested, and is the reason where it explains other lines too (boundary.ts).
      shiftable: true,
    };
  }
  // A line of several prices (a token meter's components, surcharges) has no one rate to price the
  // gap at: the repeats are priced as the events they are, and the bill's extra compared with that.
  const repeats = line.duplicateAmount;
  // Exactly, or the line with them rounded to the bill's step: to the nearest cent where the bill gives money. Within
  // a whole cent, 1.42 USD for 141.3012 cents passed as "exactly" what the repeats cost (newcomer, stop 36).
  if (repeats !== undefined && line.duplicates.gt(0) && billedAs(computed.amount.plus(repeats), bill.amount, step, money) && (!quantityKnown || bill.quantity!.minus(computed.quantity).eq(line.duplicates))) {
    const cost = delta.eq(repeats)
      ? "exactly what the events the log repeats under an existing event_id cost"
      : `what the events the log repeats under an existing event_id cost, ${n(repeats)} ${unit}, ${money ? `the line's ${n(computed.amount.plus(repeats))} rounded to the nearest cent of the bill's currency (step ${n(step)})` : `within the card's step of ${n(step)}`}`;
    return {
      class: "duplicate_events",
      explanation: `the bill charges ${n(delta)} ${unit} more than usage${quantityKnown ? ` and counts ${n(line.duplicates)} more` : ""}: ${cost} (counted once by burnrate)${repeatAt(line)}`,
      shiftable: true,
    };
  }
  const failed = skippedVerdict(line, { step, money, unit, tolerated }, "quantity_mismatch");
  if (failed) return failed;
  if (quantityKnown && pricedAtCard) {
    return {
      class: "quantity_mismatch",
      explanation: `the bill counts ${n(bill.quantity!)}, usage has ${n(computed.quantity)}${fromEvents(line)}; both priced at the card's ${price(cardPrice!)}`,
      shiftable: true,
    };
  }
  return {
    class: "unexplained",
    explanation: quantityKnown
      ? `${cardPrice === undefined ? `the quantity differs, and the line has several prices (${line.meters[0] === OVERAGE ? "requests past a quota and credits past zero" : "components, surcharges or rates by dimension"}), so the bill's quantity has no one price to check` : "quantity and price both differ"}: the bill has ${n(bill.quantity!)} for ${n(bill.amount)}, usage ${n(computed.quantity)}${fromEvents(line)} for ${n(computed.amount)}`
      : `the bill gives no quantity; it charges ${n(bill.amount)} ${unit}, usage ${n(computed.amount)}${fromEvents(line)}`,
    shiftable: true,
  };
}

/**
 * A bill above the usage by what the rows a mapping's `skip_rows:` left out of this line would add, priced as the
 * events they would have been (the classic "did they bill the failed calls?"): said, with the key that counts them
 * where the contract bills them (newcomer, stop 38: 14,516 tokens of 6 failed calls read as a bare quantity_mismatch).
 * The quantity, where the bill gives one, exactly; the amount within the bill's step (to the nearest cent of its
 * currency), or what is left within the run's tolerance.
 */
function skippedVerdict(line: AlignedLine, at: { step: Decimal; money: boolean; unit: string; tolerated: Tolerated | undefined }, cls: DifferenceClass): Verdict | undefined {
  const { skipped, bill } = line;
  if (skipped === undefined || bill === undefined || !(skipped.amount.gt(0) || skipped.quantity.gt(0))) return undefined;
  const computed = line.computed ?? { quantity: ZERO, amount: ZERO };
  if (!bill.amount.gt(computed.amount)) return undefined;
  const withThem = computed.amount.plus(skipped.amount);
  if (bill.quantity !== undefined && !bill.quantity.eq(computed.quantity.plus(skipped.quantity))) return undefined;
  // Within the places the bill writes where they are finer than the step, as a rounding is (newcomer53 M3: 3 failed
  // calls matched a bill written to 4 places within a cent, by a coincidence of counts; the gap was another account's).
  const written = writtenStep(bill);
  const step = !at.money && written.lt(at.step) ? written : at.step;
  const exact = billedAs(withThem, bill.amount, step, at.money);
  if (!exact && at.tolerated?.(line, bill.amount.minus(withThem)) !== true) return undefined;
  const within = step === at.step ? `within the card's step of ${n(step)}` : `within the places the bill writes (${n(step)})`;
  const fit = withThem.eq(bill.amount) ? "exactly the bill's" : exact ? `the bill's ${n(bill.amount)} ${at.money ? "to the nearest cent of its currency" : within}` : `${n(bill.amount.minus(withThem))} off the bill's ${n(bill.amount)}, within the tolerance`;
  const rules = skipped.rules.map((r) => `${r.column} ${shown(r.value)}`).join(", ");
  const columns = [...new Set(skipped.rules.map((r) => r.column))].join(", ");
  const quantity = bill.quantity === undefined ? "" : `quantity ${n(skipped.quantity)} and `;
  return {
    class: cls,
    explanation: `the bill counts the ${skipped.rows} usage row(s) that skip_rows: leaves out as not usage (${rules}; the first at ${formatLocation(skipped.first)}): priced as the events they would have been, they add ${quantity}${n(skipped.amount)} ${at.unit}, and the usage with them comes to ${n(withThem)}, ${fit}; if the contract bills them, skip_rows: without those values of ${columns} counts them (in the usage mapping, and the --map skip: flags, which add to it), else the bill charges what was not used`,
    shiftable: false,
  };
}

/**
 * A cycle's plan fee: one a cycle, at the card's price of the plan in force at the cycle's end. Told apart from a
 * meter's line: a fee has no events, and a fee that differs is the plan's price or the plan itself.
 */
function classifyFee(line: AlignedLine, card: RateCard): Verdict | undefined {
  const { bill, computed } = line;
  const currency = card.currency;
  const plans = line.fee?.plans ?? [];
  const named = [...new Set(plans)].join(", ");
  // One account's fee, or the fees of several where the bill names no accounts (each account's owed once).
  const cycles = line.fee?.cycles;
  const whose = plans.length === 0 ? "the plan's fee" : plans.length === 1 ? `plan ${named}'s fee` : cycles !== undefined
    ? `the fees of the ${plans.length} cycles of ${line.account === undefined ? "the accounts" : "the account"} that start in this period (${plans.join(", ")})`
    : `the fees of ${plans.length} accounts' plans (${named})`;
  if (!bill) {
    if (!computed) return undefined;
    return { class: "missing_on_bill", explanation: `the cycle owes ${whose}, ${n(computed.amount)} ${currency}; the bill has no such line`, shiftable: false };
  }
  const times = bill.quantity !== undefined && !bill.quantity.eq(computed?.quantity ?? 1) ? ` ${n(bill.quantity)} times` : "";
  if (!computed) {
    if (bill.amount.isZero()) return undefined;
    const why = line.fee?.recut === true
      ? "the bill's periods are not the account's cycles (re-cut), so no cycle's fee is compared"
      : line.fee?.ended !== undefined
        ? `the subscription ended ${formatInstant(line.fee.ended)}, before this cycle: it owes no fee`
        : cycles !== undefined
        ? `the account's ${cycles === 1 ? "cycle" : "cycles"} that start in this period (${plans.join(", ")}) owe no fee on the card`
        : plans.length > 0
        ? `the account's plan at this cycle's end, ${named}, has no fee on the card`
        : "the usage has no cycle of this account here (no usage of it, or an account the log does not name): the statement owes no fee";
    return { class: "missing_in_usage", explanation: `the bill charges a plan fee of ${n(bill.amount)} ${currency}${times}; ${why}`, shiftable: false };
  }
  const delta = bill.amount.minus(computed.amount);
  if (delta.isZero()) return undefined;
  const adjusted = bill.adjustments;
  if (adjusted !== undefined && !adjusted.isZero() && bill.amount.minus(adjusted).eq(computed.amount)) {
    return { class: "unexplained", explanation: `the bill charges ${whose}, ${n(computed.amount)} ${currency}, and its credit, adjustment or tax rows add ${n(adjusted)}: the difference is theirs`, shiftable: false };
  }
  const each = computed.amount.div(computed.quantity);
  // Every fee owed at one price, and the bill a whole number of them: a count that differs (a fee billed twice, or one
  // account's where the bill names none and two accounts owe theirs), not a price.
  const count = computed.unitPrice === undefined ? undefined : bill.amount.div(each);
  if (count !== undefined && count.isInteger() && !count.isZero() && (bill.quantity === undefined || bill.quantity.eq(count))) {
    const owed = computed.quantity.eq(1) ? "once" : `${n(computed.quantity)} times`;
    return { class: "quantity_mismatch", explanation: `the bill charges ${n(each)} ${currency} a fee ${count.eq(1) ? "once" : `${n(count)} times`}, where the cycle owes ${whose} ${owed}, ${n(computed.amount)} ${currency}`, shiftable: false };
  }
  const prorated = line.fee?.changed === undefined || times !== "" ? undefined : proratedFeeCause(card, line.fee.changed, bill.amount);
  return {
    class: "rate_drift",
    explanation: `the bill charges ${n(bill.amount)} ${currency} as plan fees${times}, where the card prices ${whose} at ${n(computed.amount)} ${currency}: ${prorated ?? feeCause(card, { billed: bill.amount, owed: computed.amount, plans })}`,
    prices: { bill: bill.quantity !== undefined && !bill.quantity.isZero() ? bill.amount.div(bill.quantity) : bill.amount.div(computed.quantity), card: each },
    shiftable: false,
  };
}

/** Where a line's first repeat is, its event id named: what to send the provider (newcomer66 L8: found by hand). */
function repeatAt(line: AlignedLine): string {
  const first = line.firstRepeat;
  return first === undefined ? "" : `; the first repeat at ${formatLocation(first.origin)}, event_id ${shown(first.eventId)}`;
}

/**
 * A bill's line of credits bought that the statement puts no money on: the account file buys none in the cycle, or
 * the card has no credit price to price what it buys (Flikly's packs). It read "the usage log has no such events"
 * either way (newcomer66 M2), where the one case is a purchase the account file lacks and the other cannot be checked.
 */
function boughtVerdict(card: RateCard, bill: NonNullable<AlignedLine["bill"]>, unpriced: Decimal | undefined, free: AlignedLine["freeCredits"]): Verdict {
  const billed = `the bill charges ${n(bill.amount)} ${card.currency} for credits bought${bill.quantity === undefined ? "" : `, quantity ${n(bill.quantity)}`}`;
  if (unpriced !== undefined) {
    return { class: "unexplained", explanation: `${billed}; the account file's grants buy ${n(unpriced)} credits in this cycle, but the card gives no credit_price to price them: checked by hand, the line is listed apart with ignore in the bill mapping's activities:`, shiftable: false };
  }
  // The account file grants credits the card gives free: the invoice bills a gift, or the card is wrong to give it (red72b M3:
  // "buy no credits" read as if the account file lacked the grant).
  if (free !== undefined && free.length > 0) {
    const gifts = free.map((g) => `${n(g.credits)} ${g.kind}`).join(", ");
    return { class: "missing_in_usage", explanation: `${billed}; the account file grants ${gifts} credits in this cycle, which the card gives free (paid: false): the invoice bills a gift, or the card is wrong to give it?`, shiftable: false };
  }
  return { class: "missing_in_usage", explanation: `${billed}; the account file's grants buy no credits in this cycle: a purchase missing from its grants:, or dated in another cycle?`, shiftable: false };
}

/**
 * What a plan fee billed at another price most likely is: another plan's fee on the card (a plan change the account
 * file does not have: newcomer66 M5, where 16 lines of usage were the symptoms), the fee in cents where the card's is
 * in its currency (newcomer66 L7: 3500 for 35), or else the card out of date.
 */
function feeCause(card: RateCard, fee: { billed: Decimal; owed: Decimal; plans: readonly string[] }): string {
  const others = [...card.plans.values()].filter((plan) => !fee.plans.includes(plan.key) && plan.price.eq(fee.billed)).map((plan) => plan.key);
  if (others.length > 0) {
    const named = others.join(" or ");
    return `${n(fee.billed)} ${card.currency} is plan ${named}'s fee on the card: the account on ${named} in this cycle, a plan change the account file does not have (changes:)? The usage refused on other lines would then be priced`;
  }
  if (!fee.owed.isZero() && fee.owed.mul(100).eq(fee.billed)) return `${n(fee.billed)} is ${n(fee.owed)} times 100: the bill's fees in cents, where the card's are in ${card.currency}?`;
  return "the card may be out of date, or the account on another plan";
}

/**
 * Whether the bill's amount is `exact` as the bill gives it: within a step of the card's own, or, where the bill gives
 * money, rounded to the nearest cent (half a step either way), as a money amount is taken to be rounded.
 */
function billedAs(exact: Decimal, billed: Decimal, step: Decimal, money: boolean): boolean {
  return money ? nearest(exact, billed, step) !== undefined : billed.minus(exact).abs().lte(step);
}

/** The rounding (the card's mode first, then the others providers use) that takes `computed` to `billed` at `step`; undefined for none. */
function roundingMode(computed: Decimal, billed: Decimal, step: Decimal, cardMode: RoundingMode | typeof NEAREST): string | undefined {
  if (cardMode === NEAREST) return nearest(computed, billed, step);
  for (const mode of [cardMode, ...ROUNDING_MODES.filter((m) => m !== cardMode)]) if (roundToStep(computed, step, mode).eq(billed)) return mode;
  return computed.div(step).ceil().mul(step).eq(billed) ? "up" : undefined;
}

/**
 * The step of the last place a bill line's amount is written to: 0.0001 for 0.6108 or 11.1080, 1 for 12. Its rows'
 * own places where they say (trailing zeros), the most of them; else its amount's.
 */
function writtenStep(bill: { amount: Decimal; parts: readonly BillPart[] }): Decimal {
  let places = bill.amount.decimalPlaces();
  for (const part of bill.parts) places = Math.max(places, part.places ?? 0);
  return new Decimal(1).div(new Decimal(10).pow(places));
}

/** Rounding to the nearest step, half-even or half-up, and no other: what a money amount's cent is taken to be. */
const NEAREST = "nearest";

const ROUNDING_MODES: readonly RoundingMode[] = ["half-even", "half-up", "down"];

/**
 * Whether a bill's quantity is the usage's written to fewer places, to the nearest: an invoice prints 704.15 credits for
 * the usage's 704.14632. Read as another count, a line of the right cent was a quantity_mismatch, and a wrong rate on
 * such a line was blamed on the count (newcomer56 M6, M7).
 */
function shownRounded(billed: Decimal, computed: Decimal): boolean {
  const places = billed.decimalPlaces();
  return places < computed.decimalPlaces() && computed.toDecimalPlaces(places, Decimal.ROUND_HALF_UP).eq(billed);
}

/**
 * " from N event(s)" of a usage line; nothing of a money line (a fee, overage, credits bought), which has no events of
 * its own: "from 0 event(s)" read as usage missing (newcomer56 LOW 10).
 */
function fromEvents(line: AlignedLine): string {
  return line.money ? "" : ` from ${line.computed?.events ?? 0} event(s)`;
}
