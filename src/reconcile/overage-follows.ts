import { OVERAGE } from "../bill/mapping.js";
import { Decimal, formatExact, ZERO } from "../money.js";
import { minorDigits } from "../ratecard/cycle-money.js";
import type { RateCard } from "../ratecard/types.js";
import type { Verdict } from "./classify.js";
import type { AlignedLine } from "./types.js";

/**
 * An overage line in money that no reason explains, where the bill's usage lines of the same account and cycle differ
 * from the usage: past the allowance, every credit those lines charge more is a credit of overage, at the credit price.
 * Where the overage's gap is theirs at that price (to what the bill's rounding of each of their rows and of the overage leaves), it
 * follows them, and takes their reason: a provider's price rise on one model also raises the overage of a customer past
 * the allowance (newcomer60 M2: the overage of a claude drift's customer read "No reason found", which no tolerance
 * passes, beside the drift itself). The overage must be in credits alone, at the credit price (no quota's requests),
 * and more than the usage's gap where the bill charges less.
 */
export function overagesFollowing(lines: ReadonlyMap<string, AlignedLine>, verdicts: ReadonlyMap<string, Verdict | undefined>, card: RateCard, versionOf: (line: AlignedLine) => RateCard): [string, Verdict][] {
  const found: [string, Verdict][] = [];
  for (const [id, line] of lines) {
    const { bill, computed } = line;
    if (verdicts.get(id)?.class !== "unexplained" || !line.money || line.fee !== undefined || !line.meters.includes(OVERAGE) || bill === undefined || computed === undefined) continue;
    const price = versionOf(line).creditPrice;
    if (price === undefined || computed.unitPrice === undefined || !computed.unitPrice.eq(price)) continue;
    const causes = [...lines].filter(([other, l]) => !l.money && l.account === line.account && l.cycle === line.cycle && isCause(verdicts.get(other)));
    if (causes.length === 0) continue;
    const credits = causes.reduce((sum, [, l]) => sum.plus(l.bill?.amount ?? ZERO).minus(l.computed?.amount ?? ZERO), ZERO);
    const gap = bill.amount.minus(computed.amount);
    // What the bill's own rounding leaves between them: half a step for each of the usage lines' rows it rounded, and
    // for the overage's own (red60b F1: a cent a line let 16 lines' drift of 0.16 USD explain an overage 0.32 over).
    const rounded = causes.reduce((sum, [, l]) => sum.plus(halfSteps(l)), ZERO).mul(price);
    const slack = rounded.plus(new Decimal(10).pow(-minorDigits(card.currency)).div(2));
    const follows = gap.minus(credits.mul(price)).abs().lte(slack);
    // Less usage on the bill takes overage away only down to none.
    if (!follows || gap.isZero() || credits.isZero() || gap.isNegative() !== credits.isNegative() || (credits.isNegative() && computed.amount.lt(credits.mul(price).neg()))) continue;
    const classes = [...new Set(causes.map(([other]) => verdicts.get(other)!.class))];
    const cause = classes.length === 1 ? classes[0]! : "quantity_mismatch";
    const named = causes.slice(0, 3).map(([other, l]) => `${l.meters.join(", ")}${dimensionsText(l.dimensions)} (${verdicts.get(other)!.class})`).join(", ");
    const more = causes.length > 3 ? ` and ${causes.length - 3} more` : "";
    found.push([id, {
      class: cause,
      explanation: `the overage follows this account's usage lines on the bill: ${named}${more} charge ${signed(credits)} ${card.unit} beside the usage, ${signed(credits.mul(price))} ${card.currency} past the allowance at ${formatExact(price)} a credit; the bill's overage is ${signed(gap)} ${card.currency} beside the usage's ${formatExact(computed.amount)}`,
      shiftable: false,
    }]);
  }
  return found;
}

/** Half the step of each of a line's bill rows that the bill rounded (a row given in money), in the card's unit. */
function halfSteps(line: AlignedLine): Decimal {
  let sum = ZERO;
  for (const part of line.bill?.parts ?? []) if (part.step !== undefined) sum = sum.plus(part.step.div(2));
  return sum;
}

/** A usage line's difference that can be the overage's: a reason found for it, not rounding. */
function isCause(verdict: Verdict | undefined): boolean {
  return verdict !== undefined && verdict.class !== "rounding" && verdict.class !== "unexplained";
}

function signed(v: Decimal): string {
  return `${v.isNegative() ? "" : "+"}${formatExact(v)}`;
}

function dimensionsText(dimensions: Readonly<Record<string, string>>): string {
  const parts = Object.entries(dimensions).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? "" : ` ${parts.join(" ")}`;
}
