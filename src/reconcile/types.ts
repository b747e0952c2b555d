import type { FallbackNearMiss } from "../engine/fallback-prices.js";
import type { BillLayout, BoundaryRule, CreditRule } from "../bill/mapping.js";
import type { Location } from "../errors.js";
import type { Rejection, Statement } from "../engine/types.js";
import type { Decimal } from "../money.js";
import type { Instant, Zone } from "../time.js";
import type { SkipRule } from "../usage/read.js";
import type { ChangedPlans } from "./prorated-fee.js";

export const DIFFERENCE_CLASSES = [
  "rate_drift", "quantity_mismatch", "duplicate_events", "missing_on_bill", "missing_in_usage", "rounding", "boundary_shift", "unexplained",
] as const;
export type DifferenceClass = (typeof DIFFERENCE_CLASSES)[number];

/** What the bill says for one aligned line (possibly several bill rows summed). */
interface BillSide {
  /** Undefined when the bill gives no quantity for any of its rows. */
  quantity: Decimal | undefined;
  amount: Decimal;
  /** The price the bill states, when it has a unit_price column and one price. */
  unitPrice: Decimal | undefined;
  rows: number;
  origin: Location;
  /** The line's usage rows, as billed (not its credit, adjustment or tax rows): each one's rounding to a cent is tested on its own. */
  parts: readonly BillPart[];
  /** What the line's credit, adjustment and tax rows (FOCUS) add to its amount: none where it has none. */
  adjustments?: Decimal;
  /** The line's rows marked Credit that charge (a positive amount): their sum and the first's row, for the explanation. */
  chargingCredits?: { amount: Decimal; first: Location };
  /**
   * The step the bill's amount is rounded to, in the card's unit, where the line is one row given in money: a cent
   * of the currency (1 cent of a card in cents). Not for a line of several rows: each row's cent adds up, and an
   * adjustment or an overcharge under a cent would pass as a rounding (red team, stop 35).
   */
  step?: Decimal;
  /** The first bill row that repeats an earlier row of this line exactly (quantity and amount), with that earlier row: a line billed twice. */
  repeatedRow?: { first: Location; again: Location };
}

/** One usage row of a bill line: its amount and quantity, and the step it was rounded to where it gave the amount in money. */
export interface BillPart {
  amount: Decimal;
  quantity: Decimal | undefined;
  step: Decimal | undefined;
  /** The decimal places the row writes its amount to (BillCharge.places). */
  places?: number;
}

/** What the replay computed for one aligned line: statement lines summed over the dimensions the bill does not carry. */
export interface ComputedSide {
  quantity: Decimal;
  amount: Decimal;
  events: number;
  /** The card's price when every line behind it has the same one. */
  unitPrice: Decimal | undefined;
}

/** A cycle, account, activity and dimensions: the unit on which a bill and a statement are compared. */
export interface AlignedLine {
  cycle: number;
  /** Only when the bill has an account column; otherwise the bill covers every account. */
  account: string | undefined;
  /** The bill's word for it, or the meter key when the bill has no such line. */
  activity: string;
  meters: readonly string[];
  /** Overage and plan fees: in the card's currency rather than credits. */
  money: boolean;
  /**
   * A plan fee line: the plan in force at each cycle's end whose fee it holds (one an account, where the bill names no
   * accounts), or a re-cut bill's, whose periods have none; `ended`, the subscription's end, where the cycle starts at or
   * after it and so owes no fee (planBilled).
   */
  fee?: {
    plans: readonly string[];
    recut: boolean;
    /** A re-cut period's fee, where it owes one: how many of the account's own cycles start in it, each owing its plan's. */
    cycles?: number;
    /** The subscription's end, where it ended before this cycle: it owes no fee. */
    ended?: number;
    /** One account's cycle whose plan changed during it: the plans over its parts, which a bill may prorate the fee by. */
    changed?: ChangedPlans;
  };
  dimensions: Readonly<Record<string, string>>;
  bill: BillSide | undefined;
  computed: ComputedSide | undefined;
  /** The line's first repeat of an earlier event_id, where it has repeats. */
  firstRepeat?: FirstRepeat;
  /** A credits-bought line's credits that the account file's grants buy in the cycle where no credit price gives their money: not compared. */
  unpricedCredits?: Decimal;
  /** A credits-bought line's grants of kinds the card gives free (paid: false) in the cycle: what a billed line may be billing (red72b M3). */
  freeCredits?: readonly { kind: string; credits: Decimal }[];
  /** Quantity of the events the log repeats (same event_id) behind this line: priced once, perhaps billed twice. */
  duplicates: Decimal;
  /** What those repeats would cost as events, when each is a flow event (components and surcharges included). */
  duplicateAmount?: Decimal;
  /** What the usage rows a mapping's `skip_rows:` left out (a gateway's failed calls) would add to this line: billed, they are the bill's extra. */
  skipped?: SkippedOnLine;
  /** Where a boundary shift is found: what the bill's cut moves on this line (its figures above are then at that cut). */
  moved?: MovedByCut;
  /** The events of the line's meters that the replay refused in its cycle (credits exhausted, a limit): billed, they are what the card refuses. */
  refused?: readonly Rejection[];
}

/** What the bill's cut moves on a line: the usage at the cut less the account's cycles', and the line at those cycles. */
export interface MovedByCut {
  quantity: Decimal;
  amount: Decimal;
  into: number;
  outOf: number;
  /** The line's usage at the account's own cycles, as its statement has it; undefined where it had none. */
  accountCycles: ComputedSide | undefined;
}

/**
 * A boundary shift found for (a group of accounts of) the bill: every line of it is compared at the bill's cut. What the
 * cut moves into the bill's cycles (out of them, negative) is the neighbouring cycles', shown so that nothing is lost.
 */
export interface BoundaryFound {
  /** Where the bill cuts, in words ("the bill cuts cycles at 00:00 UTC, not 00:00 America/Los_Angeles"). */
  label: string;
  /** Whose cycles, where the bill's accounts are compared in several groups. */
  accounts: string | undefined;
  /** The usage the cut moves into the compared cycles: in the card's unit, and on money lines in its currency. */
  moved: Decimal;
  movedMoney: Decimal;
  /** The compared lines' usage at the account's own cycles, in the card's unit (the statement's figure). */
  accountTotal: Decimal;
  /** How many lines the cut explains (class boundary_shift). */
  explained: number;
  /** How a line it explains is judged: the mapping's boundary_shift:, or `fail` where the cut is not the declared one. */
  rule: BoundaryRule;
  /** The cut found ("00:00 America/Los_Angeles") and the one the bill mapping declares (00:00 UTC where unsaid); only at the declared one does a shift pass. */
  cut: { found: string; declared: string; declaredInMapping: boolean; atDeclared: boolean; accountZone: string };
}

/** Skipped usage rows of one line, priced as the events they would have been. */
export interface SkippedOnLine {
  rows: number;
  /** The line's quantity of them: events on a meter's own line, a component's units on a component's line. */
  quantity: Decimal;
  amount: Decimal;
  /** The `skip_rows:` column and value that left them out (status, failure), each once (their cells' places not kept). */
  rules: readonly SkipRule[];
  first: Location;
}

export interface Difference {
  line: AlignedLine;
  cycleStart: Instant;
  /** Bill minus computed: positive when the bill charges more. */
  delta: Decimal;
  class: DifferenceClass;
  explanation: string;
  withinTolerance: boolean;
  /** Rate drift: the price the bill implies and the card's. */
  prices: { bill: Decimal; card: Decimal } | undefined;
}

/** A line's standing on the sign-off sheet: amounts agree, they differ, or one side has no such line. */
export const LINE_STATUSES = ["agrees", "differs", "only_on_bill", "only_in_usage"] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

/** Every aligned line, agreeing or not: what a reviewer signs. */
export interface ReconciledLine {
  line: AlignedLine;
  cycleStart: Instant;
  status: LineStatus;
  /** Bill minus computed (within one rounding step when the line agrees). */
  delta: Decimal;
  /** Present unless the line agrees. */
  difference: Difference | undefined;
  /** Why an agreeing line still looks different (a refund billed as a positive quantity). */
  note: string | undefined;
  /** Compared at the bill's own periods, the usage re-cut there (class boundary_shift when the line agrees). */
  recut: boolean;
}

export interface Tolerance {
  absolute: Decimal;
  percent: Decimal;
}

export interface Reconciliation {
  provider: string;
  version: string;
  unit: string;
  /** The card's currency, which fees, overage and the invoice total are in. */
  currency: string;
  timezone: string;
  bill: { file: string; layout: BillLayout; dimensions: readonly string[] };
  /** The bill's cycles (its own calendar when it is re-cut). */
  cycles: { index: number; start: Instant; end: Instant }[];
  /**
   * A bill cut at other days than the account's cycles: where each calendar starts; `zone`, the one the bill's periods
   * are cut in where its mapping declares another than the account's; `accounts`, whose cycles those are,
   * where a bill that names accounts compares others at their own cycles.
   */
  recut: { accountStart: Instant; billStart: Instant; zone?: Zone; accounts?: string } | undefined;
  /** Boundary shifts found (a bill cut at another hour or zone), one per group of accounts that has one: its lines are compared at the bill's cut. */
  shifts: BoundaryFound[];
  tolerance: Tolerance;
  /** Credits only: money lines (overage) have their own totals. */
  billTotal: Decimal;
  computedTotal: Decimal;
  /** Overage lines in the card's currency, when the bill or the usage has any. */
  money: { currency: string; billTotal: Decimal; computedTotal: Decimal } | undefined;
  /** Aligned lines whose amounts agree. */
  agreeing: number;
  differences: Difference[];
  /** Every aligned line in the bill's cycles, in the order of the differences. */
  lines: ReconciledLine[];
  /** Accounts in the usage that a bill naming accounts does not name: not compared, but shown with their charges in the bill's cycles. */
  otherAccounts: { account: string; amount: Decimal }[];
  /** The days the usage's daily files skip (usage/missing-days.ts), set by the command: a difference may be usage missing from the log, not the bill's (newcomer70 M2). */
  usageGaps?: readonly string[];
  /** The run's warnings (commands/told.ts), set by the command: a sheet kept without the run's standard error says them, as --strict fails on them. */
  warnings?: readonly string[];
  /** `--every-account`: the bill is to invoice every account, so one of otherAccounts with usage charged needs attention. */
  everyAccount: boolean;
  /** The usage's overage in the bill's cycles where the bill, a bill of usage without an overage line, does not compare it (Aligner.comparesOverage). */
  overageNotCompared: UncomparedOverage | undefined;
  /** Computed cycles the bill does not cover: not compared, but shown. */
  outsideBill: { start: Instant; end: Instant; amount: Decimal }[];
  /** The rows a bill mapping ignores, summed by activity, account (where the bill names accounts) and cycle. */
  ignored: IgnoredRows[];
  /** A ledger's Payment rows against the grants of the account file, over the bill's cycles. */
  payments: { bill: Decimal; granted: Decimal; byKind: readonly { kind: string; credits: Decimal }[]; free: readonly { kind: string; credits: Decimal }[]; rows: number } | undefined;
  /** Values a price table's "*" entry priced that are listed values written otherwise: warned of on stderr, as statement does. */
  fallbacks: readonly FallbackNearMiss[];
  /** What the replay of the usage read: its accounts (for the warning of a customer spelled two ways, as statement's) and its rows, with those left out before the first cycle (--skip-before-anchor) and those counted once as repeats. */
  replayed: Pick<Statement, "accounts" | "events" | "beforeFirstCycle" | "duplicateEvents">;
  /** The bill's credit rows (charge category Credit), in bill order: listed and totalled, never inside a line's amount. */
  credits: CreditRow[];
  /** The bill mapping's `credits:`: whether each credit needs attention. */
  creditRule: CreditRule;
  /** The bill's total as billed and burnrate's for the same, in the card's currency; none where a row has no price in it (a card without a credit price), or for a ledger. */
  invoice: InvoiceTotal | undefined;
}

/**
 * A credit the bill gives (charge category Credit, a FOCUS Credit row): money back, not a price or a count, so it is
 * listed and totalled on its own, beside the line it was given on, which is compared without it (newcomer, stop 38:
 * a correct invoice with an SLA credit on its plan line was unexplained, and never reached exit 0).
 */
export interface CreditRow {
  cycleStart: Instant;
  account: string | undefined;
  /** The bill's wording, and the line it was given on. */
  activity: string;
  meters: readonly string[];
  dimensions: Readonly<Record<string, string>>;
  /** Given on a plan fee or overage line: in the card's currency, else in its unit. */
  money: boolean;
  amount: Decimal;
  origin: Location;
}

/**
 * Every row of a bill in what it is billed in, in its parts, against what burnrate computes for the compared ones: the
 * card's unit where every row is (a bill in credits), else its currency, rows in the unit turned into it at the credit price.
 */
export interface InvoiceTotal {
  /** The card's currency, or its unit for a bill wholly in it. */
  currency: string;
  /** The bill's rows compared with the usage: usage lines, plan fees, overage. */
  compared: Decimal;
  /** The rows the bill mapping ignores (taxes, say). */
  ignored: Decimal;
  credits: Decimal;
  /** What burnrate computes for the compared lines (the usage's credits at the credit price, fees and overage as they are). */
  computed: Decimal;
  /** Rows in the card's unit turned into its currency at the credit price (a bill of usage in credits and fees in money). */
  converted: boolean;
}

/** Bill rows of one activity a mapping ignores, of one account and cycle: not compared, shown so that the sheet holds every row's money. */
export interface IgnoredRows {
  activity: string;
  /** Where the bill names accounts. */
  account: string | undefined;
  /** The cycle their period names; undefined where it names none (an ignored row's period is not checked). */
  cycleStart: Instant | undefined;
  rows: number;
  amount: Decimal;
}

/** A row that repeats an earlier event_id: its id and where it is. */
export interface FirstRepeat {
  eventId: string;
  origin: Location;
}

/** Overage in money the bill's lines do not compare: what it adds up to, and the accounts past their allowance. */
export interface UncomparedOverage {
  amount: Decimal;
  accounts: readonly string[];
}
