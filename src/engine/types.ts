import type { ClosedCycleSetup } from "./closed-cycles.js";
import type { Location } from "../errors.js";
import type { DuplicateEvent, EventIdRule, RepeatsByFiles } from "./event-ids.js";
import type { Decimal } from "../money.js";
import type { Plan, RateCard } from "../ratecard/types.js";
import type { CardVersion } from "../ratecard/versions.js";
import type { Calendar, Instant } from "../time.js";

/** One usage row, validated against the card: its meter exists and carries the dimensions it needs. */
export interface UsageEvent {
  at: Instant;
  account: string;
  /** A name from the card's events: a meter, or the event that ends or lowers one. */
  meter: string;
  quantity: Decimal;
  /** Quantities of the meter's components (tokens beside a request), by component name; none for meters without. */
  components?: Readonly<Record<string, Decimal>>;
  dimensions: Readonly<Record<string, string>>;
  eventId: string | undefined;
  /** Where the row came from, for errors found while pricing it. */
  origin: Location;
}

/** Credits bought or given at an instant (account file `grants:`). */
export interface GrantPurchase {
  kind: string;
  amount: Decimal;
  at: Instant;
  account: string;
  origin: Location | undefined;
  /** When what is left of it lapses, if before its kind's expiry: a simulation buys as needed only while the plan in force sells. */
  until?: Instant;
  /** Recorded on the account file's own plan and replayed on another that `--plan` asked for (a what-if): kept as given, not held to what that plan sells. */
  asGiven?: true;
}

/** What an account change (account file `changes:`) sets. */
export type ChangeKind =
  | { kind: "plan"; plan: Plan }
  | { kind: "overage"; on: boolean }
  | { kind: "allowance"; allowance: Decimal }
  | { kind: "subscription_end"; end: Instant }
  /** Takes back what waits for the cycle's end (a downgrade under next_cycle, an allowance cut): the terms in force stay. */
  | { kind: "cancel_scheduled" };

/** One dated change of an account's terms. */
export interface AccountChange {
  at: Instant;
  account: string;
  change: ChangeKind;
  origin: Location;
}

/** What the replay needs besides usage: who is on which plan, and from when. */
export interface ReplaySetup {
  calendar: Calendar;
  /** Plan and allowance per account; `fallback` serves accounts the setup does not name. */
  accounts: ReadonlyMap<string, AccountTerms>;
  /**
   * The one of `accounts` that nothing names (no account file, the plan and anchor given as flags; or a file
   * without `account:`, whose top level is the terms of the accounts it does not name): listed only when a row
   * is its, or when no account has a row. A log whose rows all name their accounts has no such account, and
   * listing it would add its plan's fee to the money of accounts that are there (newcomer60 M3).
   */
  unnamed?: string;
  fallback: AccountTerms;
  purchases: readonly GrantPurchase[];
  subscriptionEnd: Instant | undefined;
  /** Months between the subscription's renewals (12 for annual plans whose credits reset monthly). */
  renewalMonths: number;
  /** The statement runs through the cycle holding this instant, even with no usage in it (a month with only recurring charges). */
  through: Instant | undefined;
  /** Dated changes of the accounts' terms, in the order written. */
  changes?: readonly AccountChange[];
  /** Versions of the card with their effective instants, earliest first, when more than one is given. */
  versions?: readonly CardVersion[];
  /** How the event_id rule remembers ids (event-ids.ts): for a window, and past a first pass's screen; by default every id, for the whole log. */
  eventIds?: EventIdRule;
  /** How closed cycles are held until the statement is read (closed-cycles.ts); by default all as objects. */
  closedCycles?: ClosedCycleSetup;
  /** A usage row before the first cycle: by default refused; "skip" leaves it out, counted (Statement.beforeFirstCycle). */
  beforeFirstCycle?: "skip";
  /**
   * The accounts this replay bills, where it is one of several that each bill some of a log's many accounts
   * (src/replay/account-parts.ts). Another's account gets no run: neither its rows nor its purchases and changes come
   * here, and every cycle is closed as the others are (ClosedCycles), none held open for the statement's reading.
   */
  part?: AccountPart;
  /** What each refused row is worth, where not what this card would have charged it (Rejection.credits). */
  refusalWorth?: RefusalWorth;
}

/**
 * Prices a replay weighs its refused rows at instead of its own card's: `diff` weighs both cards' refusals at the base
 * card's, row by row, since lines that blend a card's versions cannot tell which rows one card refuses more (red63b H1).
 * `cards` are every card it prices by, so that the replay's credit scale holds their prices.
 */
export interface RefusalWorth {
  readonly cards: readonly RateCard[];
  /** Where it cannot weigh a row (an item's charge, a cycle start's), the replay's own charge of it stands: the base card's replay, whose own prices they are. */
  readonly ownElse: boolean;
  /** On one replay's calendar: a refused row's worth in credits (of `quantity`, all of it or the rest of a split row); undefined where it cannot be told. */
  on(calendar: Calendar): (row: UsageEvent, quantity: Decimal) => Decimal | undefined;
}

/** Some of a log's accounts (ReplaySetup.part): an account's statement is what its own rows, purchases and changes give. */
export interface AccountPart {
  has(account: string): boolean;
}

export interface AccountTerms {
  plan: Plan;
  /** Included credits per cycle: the plan's, or a negotiated override. */
  allowance: Decimal;
  /** Overage billing: requests past the plan's quota go through, billed in money at the period's end. */
  overage: boolean;
  /** Spending budget per value of the card's budget dimension (a team). */
  budgets: ReadonlyMap<string, Decimal>;
  /** Credits a value of the card's daily-limit dimension (a server) may spend per local day; `*` for any other. */
  dailyLimits: ReadonlyMap<string, Decimal>;
  /** Alert when the balance falls below this many credits. */
  lowBalance: Decimal | undefined;
  /** Grants added at every cycle start (a subscription that tops the balance up each period). */
  recurringGrants: readonly { kind: string; amount: Decimal }[];
  /**
   * When this account's subscription ends (the account file's `subscription_end`, the top level's for its own
   * account and those on its terms, an entry's of `accounts:` for that account); else the setup's, if any.
   */
  subscriptionEnd?: Instant;
}

export type LineKind = "usage" | "recurring" | "gauge" | "refund";

export interface StatementLine {
  meter: string;
  /** A component (tokens beside a request) or a per-event surcharge; undefined for the meter's own quantity. */
  component: string | undefined;
  kind: LineKind;
  category: string;
  pool: string;
  dimensions: Readonly<Record<string, string>>;
  quantity: Decimal;
  unitPrice: Decimal;
  amount: Decimal;
  /** How many events (or cycle-start charges) make up the line. */
  events: number;
  /** The card version that priced it, when several versions are given. */
  version?: string;
}

export interface GrantRow {
  kind: string;
  opening: Decimal;
  granted: Decimal;
  consumed: Decimal;
  expired: Decimal;
  closing: Decimal;
}

export interface Rejection {
  meter: string;
  reason: string;
  events: number;
  quantity: Decimal;
  firstAt: Instant;
  /** The usage row of the group's first rejected event; none for a charge no row made (a recurring item at a cycle start). */
  firstOrigin?: Location;
  /**
   * What the rows refused would have been charged, each at the card's prices when it was refused, or at the prices the
   * replay was asked to weigh them at (ReplaySetup.refusalWorth); undefined where one was not priced whole (the rest of
   * a row split at the credits) or could not be weighed. Not in the statement's JSON: `diff` weighs what a card refuses
   * by it, where a meter's average per event says nothing of a row's tokens (red62 F6).
   */
  credits?: Decimal;
}

export interface DuplicateCount {
  meter: string;
  events: number;
  quantity: Decimal;
}

export type Alert =
  | { kind: "low_balance"; level: Decimal; at: Instant }
  | { kind: "budget"; key: string; percent: number; at: Instant };

/** A plan, and the card version in force (several given), under which requests past a quota were billed as overage. */
export interface OverageTerms {
  plan: string;
  version: string | undefined;
}

export interface CycleStatement {
  index: number;
  start: Instant;
  /** The end, when the credits reset. */
  end: Instant;
  /** When the subscription next renews: the end for a monthly plan, the next anniversary for an annual one. */
  renews: Instant;
  allowance: Decimal;
  /** Credits consumed from grants that count toward the allowance (Fliplet: not top-ups): what the warning levels measure. */
  allowanceUsed: Decimal;
  total: Decimal;
  uncovered: Decimal;
  lines: StatementLine[];
  grants: GrantRow[];
  rejected: Rejection[];
  thresholds: { percent: number; at: Instant }[];
  duplicates: DuplicateCount[];
  /** Requests past the plan's quota, billed in money at the period's end. */
  /**
   * Money billed at the period's end: requests past the quota (`requests`), and credits charged past zero in a pool
   * that bills them (`credits`, when_exhausted: overage), each at its price; `amount` is both.
   */
  overage: { requests: Decimal; amount: Decimal; credits?: Decimal; billedUnder?: readonly OverageTerms[] };
  quota: { limit: Decimal; used: Decimal } | undefined;
  budgets: { key: string; budget: Decimal; spent: Decimal }[];
  alerts: Alert[];
  /** What this account earned as the creator of apps others used. */
  rewards: { earned: Decimal; from: { account: string; amount: Decimal }[] };
  /**
   * The first instant the credits could not cover a charge on their own: drawn to
   * zero, into grace, or an event refused for want of them (some may remain, too
   * few for that event). A simulation reports it as the allowance running out.
   */
  exhaustedAt: Instant | undefined;
  /** Changes of the account's terms in this cycle, in time order; empty without a timeline. */
  timeline: TimelineEntry[];
  /** The plans in force over the cycle's parts, when a plan changed during it; else empty. */
  plans: PlanPeriod[];
  /** The plan in force at the cycle's end. */
  plan: string;
  /** The card version in force at the cycle's end, when several versions are given: its plans' prices are the cycle's fees. */
  version?: string;
  /**
   * The subscription's end, when it falls before the cycle's end (the end in force then): the plan served until it.
   * At or before the cycle's start, the plan did not run in the cycle at all: no fee, no included credits (planBilled).
   * Absent otherwise, so that statements of subscriptions still running are as they were.
   */
  subscriptionEnd?: Instant;
  /** When several versions are given, the credits of paid grants by the version in force when each was granted: its credit price is theirs. */
  boughtIn?: { version: string; credits: Decimal }[];
}

/** A change of the account's terms in a cycle, and what it granted or removed. */
export interface TimelineEntry {
  at: Instant;
  change: ChangeKind["kind"];
  from: string;
  to: string;
  /** Included credits granted at once (an upgrade). */
  granted: Decimal;
  /**
   * Credits removed at once (a downgrade that applies at once), or, on the entry of the instant
   * a subscription ends, the capped grants' credits that lapse there.
   */
  removed: Decimal;
  /** When it takes effect, if not at `at` (a downgrade at the next cycle start). */
  appliesAt: Instant | undefined;
  /** A subscription end's change: the credits whose expiry it brought forward to the end, as they stood at the change. */
  capped?: Decimal;
  /** A `cancel_scheduled` change: the change waiting for the cycle's end that it took back. */
  tookBack?: WaitingChange;
  /**
   * A plan (or allowance) named again while a change waits for the cycle's end: it changes nothing at once, and the change
   * waiting still applies (newcomer72a H2: "scale -> scale, at once" read as if it undid the downgrade). `restatedAt` is
   * where the re-statement is written, for the note that says how to take the waiting change back.
   */
  stillWaits?: WaitingChange & { restatedAt: Location };
}

/** A change waiting for the cycle's end: a downgrade under `plan_changes.downgrade: next_cycle`, or an allowance cut. */
export interface WaitingChange {
  /** "plan" where the plan waiting is another; "allowance" where the same plan waits with a smaller allowance. */
  change: "plan" | "allowance";
  /** The plan key, or the allowance, it leads to. */
  to: string;
  appliesAt: Instant;
  /** The change that set it waiting. */
  origin: Location;
}

/** The plan in force over one part of a cycle. */
interface PlanPeriod {
  plan: string;
  from: Instant;
  to: Instant;
}

export interface AccountStatement {
  account: string;
  plan: string;
  /** A creator the account file does not name, with no usage of its own: shown its rewards, on no plan (creatorOnly). */
  rewardsOnly?: true;
  cycles: CycleStatement[];
}

export interface Statement {
  provider: string;
  version: string;
  unit: string;
  currency: string;
  timezone: string;
  accounts: AccountStatement[];
  events: { read: number; priced: number; duplicates: number; rejected: number };
  /** Every repeated event_id with both its rows, up to LISTED_DUPLICATES (event-ids.ts); absent where no replay of rows made the statement. */
  duplicateEvents?: { listed: readonly DuplicateEvent[]; omitted: number; byFiles?: readonly RepeatsByFiles[] };
  /** By account, the values of the card's budget dimension charged without a budget of their own, where the account has budgets. */
  unbudgeted?: ReadonlyMap<string, ReadonlySet<string>>;
  /** The card versions that priced lines, when several are given: each with the instant it switched in. */
  versions?: { version: string; effective: string; from: Instant; applies: "at_once" | "next_cycle" }[];
  /** Where a usage row falls in the statement's last cycle (of the replay's calendar): how many do, the starts of the first cycle, the one before and the last, the last's end, and the latest row's instant. */
  lastUsage?: { index: number; rows: number; starts: { first: Instant; before: Instant; last: Instant }; end: Instant; latest: Instant };
  /** The usage rows before the first cycle left out (ReplaySetup.beforeFirstCycle): how many (by account), the earliest and the latest instant, and where the first cycle starts. */
  beforeFirstCycle?: { rows: number; first: Instant; last: Instant; cycleStart: Instant; accounts: ReadonlyMap<string, number> };
}

type LedgerType = "payment" | "allowance" | "charge" | "refund" | "expiry";

/** One movement of credits, with the balance after it. */
export interface LedgerEntry {
  at: Instant;
  account: string;
  type: LedgerType;
  meter: string | undefined;
  grant: string | undefined;
  dimensions: Readonly<Record<string, string>>;
  quantity: Decimal | undefined;
  /** Credits in (+) or out (-) of the balance. */
  amount: Decimal;
  /** Charged beyond every grant (grace or allowed), which the balance cannot show. */
  uncovered: Decimal;
  balance: Decimal;
  /** A charge's components, where the sink asks for them (LedgerSink.parts): reconcile's re-cut at a bill's periods. */
  parts?: readonly LedgerPart[];
}

/** A component of a charge: its quantity, its unit price on the card, and the credits it came to (charged, so positive). */
export interface LedgerPart {
  component: string;
  quantity: Decimal;
  unitPrice: Decimal;
  amount: Decimal;
}

/**
 * Where a replay writes its ledger. A sink that reads, of an account's charges within each span of `foldCharges`
 * milliseconds from the epoch, only the last one's instant, balance and uncovered credits (a burn-down) declares it:
 * the known path then stays on and writes the covered charges it deferred within a span as one charge at the last
 * one's instant, their credits summed, naming no meter, dimensions or quantity. Without it every charge is an entry
 * of its own, and every row goes the full way.
 */
export interface LedgerSink {
  write(entry: LedgerEntry): void;
  readonly foldCharges?: number;
  /** Each charge's components (LedgerEntry.parts). */
  readonly parts?: boolean;
}
