import type { Location } from "../errors.js";
import type { Decimal, RoundingMode } from "../money.js";

/** A value that is either fixed for a meter or looked up by one dimension of the event. */
export type Lookup<T> = { kind: "fixed"; value: T } | { kind: "by"; dimension: string; table: ReadonlyMap<string, T> };

/** Unit prices nest by dimension: `by: [model, provider]` gives model -> provider -> price. `*` matches any value. */
export type PriceTree = Decimal | ReadonlyMap<string, PriceTree>;
export type Price = { kind: "flat"; value: Decimal } | { kind: "table"; by: readonly string[]; tree: ReadonlyMap<string, PriceTree> };

/**
 * Applies when every dimension in `when` has the given value (a row without the
 * column does not match): `per_unit` adds to
 * the unit price (Fliplet: +2 for private distribution), `per_event` is a flat
 * charge for each of the row's events (its quantity), shown as its own line (the
 * app builder: +15 for web search).
 */
export type Surcharge =
  | { name: string; when: ReadonlyMap<string, string>; kind: "per_unit"; amount: Decimal }
  | { name: string; when: ReadonlyMap<string, string>; kind: "per_event"; amount: Decimal };

/** A second quantity on the same row, priced on its own: tokens beside a request, input tokens beside an image. */
export interface Component {
  /** The usage column holding its quantity. */
  name: string;
  price: Price;
}

interface MeterCommon {
  key: string;
  description: string | undefined;
  category: Lookup<string>;
  pool: Lookup<string>;
  /** Dimensions a row must carry; a statement line is one meter and one value of each. */
  dimensions: readonly string[];
  price: Price;
  surcharges: readonly Surcharge[];
  components: readonly Component[];
  /** Rows matching every dimension here cost nothing but are still shown (bring-your-own-key); a row without the column pays. */
  exemptWhen: ReadonlyMap<string, string> | undefined;
  /** Words the provider's bill uses for this meter. */
  labels: readonly string[];
  location: Location;
  /** Where each condition value is written: surcharge i's `when` by dimension, and `exempt_when`'s. */
  conditionsAt: { surcharges: readonly ReadonlyMap<string, Location>[]; exemptWhen: ReadonlyMap<string, Location> };
}

export type Meter =
  /** Priced when it happens. */
  | (MeterCommon & { aggregation: "flow" })
  /** Charged the first time its key appears in a cycle. */
  | (MeterCommon & { aggregation: "unique"; keyBy: readonly string[] })
  /** An item active from this meter's event until `endedBy`, charged on activation (once a cycle) and at every cycle start. */
  | (MeterCommon & { aggregation: "recurring"; keyBy: readonly string[]; endedBy: string })
  /** A level raised by this meter and lowered by `decreasedBy`, charged at cycle start; decreases refund that cycle's charge. */
  | (MeterCommon & { aggregation: "gauge"; keyBy: readonly string[]; decreasedBy: string });


/** What a usage row's meter column may name: a priced meter, or the event that ends or lowers one. */
export type MeterEvent = { role: "charge"; meter: Meter } | { role: "end"; meter: Meter & { aggregation: "recurring" } } | { role: "decrease"; meter: Meter & { aggregation: "gauge" } };

/**
 * What happens to an event the credits no longer cover: refused (`block`), drawn from the plan's grace buffer
 * (`grace`), charged past zero (`allow`), or charged past zero and billed in money at the card's credit price at
 * the period's end (`overage`, SPEC 2's fourth policy: a reseller's pay as you go).
 */
type ExhaustedPolicy = "block" | "grace" | "allow" | "overage";

export interface Pool {
  key: string;
  label: string;
  whenExhausted: ExhaustedPolicy;
}

export type Expiry = { kind: "never" } | { kind: "cycle_end" } | { kind: "after_months"; months: number; capAtSubscriptionEnd: boolean };

export interface GrantKind {
  key: string;
  priority: number;
  expires: Expiry;
  /** Whether consuming it moves the allowance percentage (Fliplet: top-ups do not). */
  countsTowardAllowance: boolean;
  /**
   * `paid:` as the card writes it, undefined where it does not: `false` says the kind's credits are given, not sold (a
   * support engineer's goodwill promo). Read through isPaidGrant (cycle-money.ts), which holds the default.
   */
  paid: boolean | undefined;
}

export interface Plan {
  key: string;
  label: string;
  /** Credits granted at every cycle start as the `included` grant. */
  included: Decimal;
  /** Money per cycle, in the card's currency. */
  price: Decimal;
  /** Share of the allowance each pool may draw beyond all credits. */
  grace: ReadonlyMap<string, Decimal>;
  /** Credits granted once, at the account's first cycle, as the `onetime` grant (Flikly Free: 5). */
  onetime: Decimal;
  /** Dimension values the plan may use; others are refused as plan-gated (Flikly's models). */
  only: ReadonlyMap<string, ReadonlySet<string>>;
  /** A monthly request quota on some meters, with the money price of each request past it when overage billing is on. */
  quota: RequestQuota | undefined;
  /** Whether the plan may buy top-up credits (Fliplet: "Top-ups are available on every paid plan"). */
  topups: boolean;
}

interface RequestQuota {
  meters: ReadonlySet<string>;
  requests: Decimal;
  overagePrice: Decimal;
}

/** Where the provider rounds: never (exact amounts) or each event's amount. */
type RoundAt = "none" | "event";

/** What happens to the event that crosses the end of the credits: refused, let through, or split. */
type Crossing = "reject" | "accept" | "split";

/**
 * What an upgrade does at once: grant the new allowance minus the old now, or that difference prorated to
 * the cycle left, or close the cycle and start a new one at the upgrade (the account's cycles re-anchored there).
 */
type UpgradeRule = "difference" | "prorated" | "new_cycle";
/** When a downgrade applies: at the next cycle start, or at once (removing included credits above the new allowance). */
type DowngradeRule = "next_cycle" | "at_once";

export interface RateCard {
  file: string;
  provider: string;
  version: string;
  effective: string;
  /** Where `effective` is written (or the card's first line without one), for errors about versions. */
  effectiveAt: Location;
  providerAt: Location;
  /** From `effective` on (at_once), or from the first cycle start at or after it (next_cycle: grandfathering). */
  applies: "at_once" | "next_cycle";
  planChanges: { upgrade: UpgradeRule; downgrade: DowngradeRule };
  /** Every version given with this one (`--card` repeated), earliest first; undefined for a single card. */
  versions?: readonly RateCard[];
  unit: string;
  currency: string;
  /** Money value of one credit where the provider sells credits (Fliplet top-ups: 0.01). */
  creditPrice: Decimal | undefined;
  precision: { display: number; rounding: RoundingMode; roundAt: RoundAt; step: Decimal };
  cycle: { period: "monthly" };
  categories: ReadonlyMap<string, { label: string }>;
  pools: ReadonlyMap<string, Pool>;
  grantKinds: ReadonlyMap<string, GrantKind>;
  plans: ReadonlyMap<string, Plan>;
  thresholds: readonly number[];
  crossing: Crossing;
  /** Default low-balance alert level, in credits; an account may set its own. */
  lowBalance: Decimal | undefined;
  /** A share of what an account spends on an app, earned by the app's creator (named by a dimension). */
  rewards: { share: Decimal; dimension: string } | undefined;
  /** Spending budgets per value of a dimension (Floopy: teams), on the plans that have them; amounts come from the account. */
  budgets: { dimension: string; plans: ReadonlySet<string> | undefined; alerts: readonly number[] } | undefined;
  /** Daily credit limits per value of a dimension (Flowly: servers); amounts come from the account. */
  dailyLimits: { dimension: string } | undefined;
  meters: ReadonlyMap<string, Meter>;
  /** Every name the usage meter column may hold. */
  events: ReadonlyMap<string, MeterEvent>;
  /** Names the card reads from a row and declares nowhere, by name (condition-dimensions.ts): `check` refuses each. */
  undeclared: ReadonlyMap<string, UndeclaredRead>;
}

/** A name a card reads from a row without declaring it: what reads it (`surcharge condition of meter "app_request"`) and where. */
export interface UndeclaredRead {
  what: string;
  at: Location;
}

/** The grant kind every plan's allowance is granted as. */
export const INCLUDED = "included";
/** The grant kind of a plan's one-time credits. */
export const ONETIME = "onetime";
