import { ZERO, type Decimal } from "../money.js";
import type { Difference, Reconciliation } from "./types.js";

/** A difference the caller must act on: nothing explains it, or it is larger than the tolerance allows. */
export function needsAttention(d: Difference): boolean {
  return d.class === "unexplained" || !d.withinTolerance;
}

export type Status = "agrees" | "within_tolerance" | "attention";

/** Differences in one direction: how many, what they add up to (credits, and money for overage lines), and which. */
export interface Direction {
  count: number;
  amount: Decimal;
  money: Decimal;
  differences: Difference[];
}

export interface Summary {
  status: Status;
  /** The bill above usage, whatever the reason: an explained overcharge is still an overcharge. */
  overcharged: Direction;
  /** The bill below usage. */
  undercharged: Direction;
  /** Neither: a line a found boundary shift explains to the unit, as billed at the bill's cut (it differs at the account's cycles). */
  asBilled: Direction;
  explained: { count: number; amount: Decimal; money: Decimal };
  unexplained: { count: number; amount: Decimal; money: Decimal };
  overTolerance: number;
  attention: Difference[];
  /** A ledger's payments that the account file's grants do not match: the statement itself is then wrong. */
  paymentsDiffer: boolean;
  /** The bill's credits that need attention: every one where the bill mapping says `credits: fail`, else none. */
  failingCredits: number;
  /** Under `--every-account`, the accounts with usage charged in the bill's cycles that the bill names no line of. */
  unbilled: Reconciliation["otherAccounts"];
}

/** Explained and unexplained deltas add up, as overcharged and undercharged ones do, to bill total minus computed total (and likewise in money): every credit of the gap is accounted for. */
export function summarize(r: Reconciliation): Summary {
  const attention = r.differences.filter(needsAttention);
  const paymentsDiffer = r.payments !== undefined && !r.payments.bill.eq(r.payments.granted);
  const failingCredits = r.creditRule === "fail" ? r.credits.length : 0;
  const unbilled = r.everyAccount ? r.otherAccounts.filter((a) => !a.amount.isZero()) : [];
  return {
    overcharged: direction(r.differences.filter((d) => d.delta.gt(0))),
    undercharged: direction(r.differences.filter((d) => d.delta.lt(0))),
    asBilled: direction(r.differences.filter((d) => d.delta.isZero())),
    status: attention.length > 0 || paymentsDiffer || failingCredits > 0 || unbilled.length > 0 ? "attention" : r.differences.length === 0 ? "agrees" : "within_tolerance",
    explained: tally(r.differences.filter((d) => d.class !== "unexplained")),
    unexplained: tally(r.differences.filter((d) => d.class === "unexplained")),
    overTolerance: r.differences.filter((d) => !d.withinTolerance).length,
    attention,
    paymentsDiffer,
    failingCredits,
    unbilled,
  };
}

// Credits and money are never added together: overage lines sum apart.
const sum = (ds: Difference[], money: boolean) => ds.filter((d) => d.line.money === money).reduce((s, d) => s.plus(d.delta), ZERO);
const tally = (ds: Difference[]) => ({ count: ds.length, amount: sum(ds, false), money: sum(ds, true) });
const direction = (ds: Difference[]): Direction => ({ ...tally(ds), differences: ds });

/**
 * For a report read by eye: each direction without its rounding differences that pass, and those apart. A
 * dollar bill rounded line by line made 30 of its 35 lines rounding differences, which buried its 3 real ones among
 * the overcharged and undercharged (newcomer, stop 42). The JSON keeps the summary's directions whole.
 */
export function roundingApart(s: Summary): { overcharged: Direction; undercharged: Direction; rounding: Direction } {
  // A rounding difference over the tolerance (a bill's rows each rounded up) fails: it stays with the others (red team, stop 42).
  const passing = (x: Difference) => x.class === "rounding" && !needsAttention(x);
  const real = (d: Direction) => direction(d.differences.filter((x) => !passing(x)));
  return { overcharged: real(s.overcharged), undercharged: real(s.undercharged), rounding: direction([...s.overcharged.differences, ...s.undercharged.differences].filter(passing)) };
}

/** The meter a line stands for: its key, or the bill's word when the bill groups several meters. */
export function meterName(d: Pick<Difference, "line">): string {
  return d.line.meters.length === 1 ? d.line.meters[0]! : d.line.activity;
}

/** A quantity summed over several meters (a ledger's Request: input and output tokens) means nothing: shown only for one meter. */
export function computedQuantity(d: Pick<Difference, "line">): Decimal | undefined {
  return d.line.meters.length === 1 ? d.line.computed?.quantity : undefined;
}
