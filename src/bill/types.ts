import type { Location } from "../errors.js";
import type { Decimal } from "../money.js";
import type { Instant } from "../time.js";
import type { BillLayout, BoundaryRule, CreditRule, DeclaredCut } from "./mapping.js";

/** Which cycle a bill row belongs to, as the bill says it; resolved against the account's calendar once it is known. */
export type BillPeriod =
  /**
   * Canonical bill: the cycle's first local day; a month or a date range also
   * names its end: the next cycle's first day when `exclusive`, else the
   * cycle's last day or the next one's first (bills write either).
   */
  | { kind: "start-date"; date: string; end?: { date: string; exclusive: boolean }; text?: string }
  /** Canonical bill or FOCUS: the cycle's start instant; a range or a FOCUS row also names the cycle's end, or an instant inside it. */
  | { kind: "start-instant"; at: Instant; endAt?: Instant; text?: string; charge?: { at: Instant; cell: Location } }
  /** Ledger: a transaction somewhere in the cycle. */
  | { kind: "within"; at: Instant };

/** One charge on the bill: a canonical line, or one ledger transaction. */
export interface BillCharge {
  period: BillPeriod;
  /** The cell that gave the period, for an error if it is not a cycle start. */
  periodCell: Location;
  /** The bill's own wording for the activity. */
  activity: string;
  meters: readonly string[];
  account: string | undefined;
  dimensions: Readonly<Record<string, string>>;
  quantity: Decimal | undefined;
  /** Credits charged (a ledger's deduction turned positive); negative for a refund. Money for an overage or plan fee line. */
  amount: Decimal;
  /** An overage or plan fee line: money in the card's currency, not credits. */
  money: boolean;
  unitPrice: Decimal | undefined;
  origin: Location;
  /** A row that adjusts the line's cost and consumes nothing (FOCUS's Credit, Adjustment or Tax): its missing quantity leaves the line's as given. */
  adjustment?: boolean;
  /** A credit (charge category Credit): listed and totalled on its own, not compared on its line. */
  credit?: true;
  /** A row marked Credit whose amount charges (is positive): no money back, so it stays on its line, compared as a charge. */
  chargingCredit?: true;
  /** The amount in the card's currency: a money line's own, a usage line's at the credit price of its period; none without one. */
  inCurrency?: Decimal;
  /** Given in the card's currency (a fee, overage, or a usage row in dollars), not in its unit. */
  billedInCurrency?: true;
  /** The step its amount was rounded to, in the card's unit, where it gave the amount in money (a cent of the card's currency). */
  step?: Decimal;
  /** The decimal places its amount is written to, trailing zeros counted, where it is given in the card's unit. */
  places?: number;
  /** A canonical or FOCUS row that says nothing of what its amount is counted in (no currency cell, no mapping currency:): read in the card's unit. */
  currencyUnstated?: true;
}

/** Credits bought, as a ledger's Payment rows record them. */
export interface BillPayment {
  at: Instant;
  amount: Decimal;
  account: string | undefined;
  origin: Location;
}

/** A row a mapping told burnrate not to reconcile: kept, with its account and period, so that nothing disappears silently. */
export interface IgnoredRow {
  activity: string;
  amount: Decimal;
  /** The amount in the card's currency, at the credit price of its period; none without one. */
  inCurrency?: Decimal;
  /** Given in the card's currency, not in its unit. */
  billedInCurrency?: true;
  account: string | undefined;
  period: BillPeriod;
  periodCell: Location;
}

export interface Bill {
  file: string;
  layout: BillLayout;
  /** Dimension columns the bill carries: statement lines are summed over every other dimension. */
  dimensions: readonly string[];
  /** Whether the bill names accounts; without an account column it covers every account of the usage. */
  byAccount: boolean;
  charges: BillCharge[];
  payments: BillPayment[];
  ignored: IgnoredRow[];
  /** The mapping's `credits:`: whether a credit row needs attention. */
  credits: CreditRule;
  /** The mapping's `boundary_shift:`: whether a line a found boundary shift explains is judged at the bill's cut. */
  boundaryShift: BoundaryRule;
  /** The mapping's `cut:`: where the provider cuts its cycles, the one cut at which a found boundary shift passes. */
  cut: DeclaredCut;
}
