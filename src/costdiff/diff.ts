import type { RateCard } from "../ratecard/types.js";
import type { Zone } from "../time.js";
import type { EffectiveInside } from "./single-effective.js";
import type { CardChange } from "./card-changes.js";
import { ZERO, type Decimal } from "../money.js";
import type { CostComparison, RefusedRow, Totals } from "./compare.js";
import { delta, exceeds, pastPercent, type PricedLine } from "./compare.js";
import { checkGates, type GateLimit, type GateResult } from "./gates.js";
import type { MoneyComparison } from "./money.js";
import { rateRises, unmeasuredRises } from "./unmeasured.js";

/** Everything `burnrate diff` reports: the same usage priced by two cards, how the cards differ, and the gates. */
export interface CostDiff extends DiffInputs {
  failOver: FailOver | undefined;
  /** The per-meter gates asked for, in the order of GATE_FLAGS. */
  gates: GateResult[];
  /**
   * `--fail-over-line PCT`: the priced lines whose cost over the corpus rose by more, largest rise
   * first, and the card's price rises by more on lines the corpus priced (`rates`), which a
   * refusal under the new price can hide from the cost.
   */
  failOverLine: LineGate | undefined;
  /** Price rises in the card the usage never exercises (a line it never priced, money it never pays): no gate can measure them. */
  unmeasured: CardChange[];
  /** `--fail-on-unmeasured`: those rises fail the run, as a CI gate that cannot measure a rise fails closed. */
  failOnUnmeasured: boolean;
  /**
   * The usage refused (for any reason) in the accounts' cycles and meters where the new card refuses more of it: a
   * refused event is charged nothing, so the credit and money gates read less where the customer gets less (newcomer,
   * stop 36: Pro's included credits halved, 334 → 489 events refused, "credits fall", exit 0). Compared by quantity,
   * meter by meter, not by events: one 10,000-fetch row refused for one of 1,000 is ten times the usage lost (red
   * team, stop 38). Its worth at the base card's prices is judged by --fail-over; it fails --fail-on-unmeasured, as
   * before. The per-meter gates judge what each meter is charged, as before: a price rise that refuses some of the
   * same meter would count twice there, in its charge and in what it refuses.
   */
  refusedMore: RefusedMore | undefined;
}

export interface RefusedMore {
  /** Events refused under each card, summed over `rows`. */
  old: number;
  new: number;
  /** The worth at the base card's prices of the usage refused in those cycles, every meter's whose quantity differs (those whose worth is known). */
  worth: Totals;
  rows: RefusedRow[];
}

/** What the command line asks to check: the total, each meter in each cycle and account, and each priced line over the corpus. */
export interface DiffLimits {
  failOver: Decimal | undefined;
  gates: readonly GateLimit[];
  failOverLine: Decimal | undefined;
  failOnUnmeasured: boolean;
}

/**
 * `--fail-over PCT`: over the whole usage, the credits charged, the money (plan, credits bought, overage) and
 * the credits drawn from paid grants: what the change costs customers, whichever way it reaches them.
 */
interface FailOver {
  percent: Decimal;
  exceeded: boolean;
  credits: boolean;
  money: boolean;
  paidCredits: boolean;
  /**
   * The credits of the usage both cards serve (`comparison.served`) rose by more, where the credits charged did not: a
   * price rise hidden by the events the new card refuses, which are charged nothing (newcomer, stop 37).
   */
  prices: boolean;
  /**
   * The worth of the usage the new card refuses more of (refusedMore.worth, at the base card's prices) is more than
   * the percentage of the credits the base card charged, or some of it has no price to be worth anything at (fail
   * closed): what the customer no longer gets, as a share of what the change costs (red team, stop 38).
   */
  refused: boolean;
  /**
   * The credits customers lose under the new card that they did not under the base card (money.lost: a grant kind's
   * expiry changed, a paid pack made to end with its cycle) are more than the percentage of the credits the base card
   * charged: what the change takes from what customers hold, as a share of what it charges them (newcomer, stop 38:
   * 1,800 paid credits lost, "No change in credits", exit 0).
   */
  expired: boolean;
}

export interface LineGate {
  percent: Decimal;
  tripped: PricedLine[];
  rates: CardChange[];
}

/** Whether `--fail-over-line` trips: on a line's cost or on a price. */
export const lineGateTripped = (gate: LineGate | undefined): boolean => gate !== undefined && (gate.tripped.length > 0 || gate.rates.length > 0);

export interface DiffInputs {
  base: RateCard;
  card: RateCard;
  usage: readonly string[];
  zone: Zone;
  comparison: CostComparison;
  money: MoneyComparison;
  cardChanges: CardChange[];
  /** The new card, a later version given alone, whose effective: falls inside the usage's cycles, which it does not apply. */
  effectiveInside: EffectiveInside | undefined;
}

export function costDiff(inputs: DiffInputs, limits: DiffLimits): CostDiff {
  const { comparison } = inputs;
  const more = refusedMore(comparison.refused);
  return {
    ...inputs,
    failOver: limits.failOver === undefined ? undefined : failOver(inputs, limits.failOver, more),
    gates: checkGates(comparison.rows, inputs.money.changes, limits.gates, inputs.card.creditPrice ?? inputs.base.creditPrice),
    failOverLine: limits.failOverLine === undefined ? undefined : lineGate(inputs, limits.failOverLine),
    unmeasured: unmeasuredRises(inputs.cardChanges, comparison.lines, inputs.money.exercised),
    failOnUnmeasured: limits.failOnUnmeasured,
    refusedMore: more,
  };
}

/**
 * The usage refused, for any reason (credits, a quota, a plan's gate, a budget, a limit), in the accounts' cycles where
 * the new card refuses more of it: cycle by cycle, so that one customer's loss is not netted against another's gain,
 * and every reason, so that refusals moved from one reason to another are not counted as more (red team, stop 36). By
 * quantity, meter by meter, as a meter's events may be of any size, and by worth across a cycle's meters, so that a
 * price cut whose credits now reach a large row and refuse a small one of another meter is not more (red team, stop
 * 38). A cycle refuses more where its refused usage is worth more at the base card's prices, or where some it refuses
 * more of has no price there (fail closed); its rows listed are the meters it refuses more of, by quantity or by worth.
 */
function refusedMore(refused: readonly RefusedRow[]): RefusedMore | undefined {
  const cycles = new Map<string, RefusedRow[]>();
  for (const r of refused) {
    const key = JSON.stringify([r.account, r.start]);
    cycles.set(key, [...(cycles.get(key) ?? []), r]);
  }
  const more = [...cycles.values()].filter((rows) => rows.some((r) => !r.priced && r.quantity.new.gt(r.quantity.old)) || rows.reduce((n, r) => n.plus(delta(r)), ZERO).gt(0));
  // A meter may refuse less of its quantity and more of its worth: rows moved from a cheap line to a dear one (red59 F3).
  const rows = more.flat().filter((r) => r.quantity.new.gt(r.quantity.old) || (r.priced && r.new.gt(r.old)));
  if (rows.length === 0) return undefined;
  const sum = (side: "old" | "new") => more.flat().reduce((n, r) => n.plus(r[side]), ZERO);
  return { old: rows.reduce((n, r) => n + r.events.old, 0), new: rows.reduce((n, r) => n + r.events.new, 0), worth: { old: sum("old"), new: sum("new") }, rows };
}

/** The row whose worth rose most, of those the new card refuses more of; one of unknown worth first, as --fail-over takes it to be past any limit. */
export const largestRefused = (more: RefusedMore): RefusedRow => [...more.rows].sort((a, b) => Number(a.priced) - Number(b.priced) || delta(b).comparedTo(delta(a)))[0]!;

function failOver({ comparison, money }: DiffInputs, percent: Decimal, more: RefusedMore | undefined): FailOver {
  const credits = exceeds(comparison.total, percent);
  const inMoney = money.total !== undefined && exceeds(money.total, percent);
  // Of the credits the base card charged, as the per-cycle gates take it: the share of the usage now paid from top-ups.
  const rises = (t: Totals & { percentOf: Decimal }) => t.new.gt(t.old) && pastPercent(t, percent);
  const paidCredits = rises({ ...money.paidDrawn, percentOf: money.baseCredits });
  const prices = !credits && exceeds(comparison.served, percent);
  // Of the credits the base card charged, as the paid credits: the worth of the usage now refused, each cycle's rise alone.
  const refused = more !== undefined && (more.rows.some((r) => !r.priced) || rises({ ...more.worth, percentOf: comparison.total.old }));
  const expired = money.lost !== undefined && rises({ ...money.lost.credits, percentOf: comparison.total.old });
  return { percent, exceeded: credits || inMoney || paidCredits || prices || refused || expired, credits, money: inMoney, paidCredits, prices, refused, expired };
}

function lineGate(inputs: DiffInputs, percent: Decimal): LineGate {
  const { lines } = inputs.comparison;
  const tripped = lines.filter((l) => exceeds(l, percent)).sort((a, b) => delta(b).comparedTo(delta(a)));
  return { percent, tripped, rates: rateRises(inputs.cardChanges, { priced: lines, tripped }, percent) };
}
