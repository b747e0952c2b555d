import type { Location } from "../errors.js";
import type { AccountChange } from "../engine/types.js";
import type { Decimal } from "../money.js";
import type { Plan, RateCard } from "../ratecard/types.js";
import type { Instant, Zone } from "../time.js";
import type { Schedule } from "./schedule.js";
import type { ScenarioNote } from "./notes.js";
import type { Distribution, Growth } from "./schema.js";

/** One kind of row the scenario produces: a meter with its dimensions, and where the scenario says so. */
export interface Activity {
  meter: string;
  dimensions: Readonly<Record<string, string>>;
  /** Quantities of the meter's priced components per unit of the row's quantity (per request); undefined for meters without. */
  components: Readonly<Record<string, Decimal>> | undefined;
  /** Components drawn under --samples around their per-event quantity (a mean), by name; the rest are fixed. */
  drawn: Readonly<Record<string, Drawn>>;
  /** The meter adds a charge per event for these dimensions (web search +15): rows must be one event each. */
  perEvent: boolean;
  origin: Location;
}

export type Drawn = Exclude<Distribution, "fixed">;

/** Something each user does per cycle. Unique meters give one row per user; flows are summed into hourly rows. */
export interface UserActivity extends Activity {
  perUser: Decimal;
  unique: boolean;
  /** How --samples draws each user's quantity: the item's `distribution:`, else its population's. */
  distribution: Distribution;
}

export interface Population {
  name: string;
  /** Where the scenario writes it. */
  origin: Location;
  users: number;
  growth: Growth | undefined;
  userDimension: string;
  /** Every user an account of their own (NAME-1, NAME-2, ...) rather than the scenario's account paying. */
  perUser: boolean;
  activities: UserActivity[];
}

/** A row at fixed instants: scheduled automations, sends, inventory. */
export interface Timed extends Activity {
  /** How reports name it: its `name:`, else its meter. */
  label: string;
  /** Which list of the scenario holds it. */
  kind: "schedule" | "send" | "inventory";
  quantity: Decimal;
  when: { kind: "schedule"; schedule: Schedule } | { kind: "once"; at: Instant };
}

export interface Scenario {
  file: string;
  name: string;
  card: RateCard;
  cardFile: string;
  /** Whether the scenario (or --card) names its card by an absolute path, which an emitted account file keeps as it is. */
  cardAbsolute: boolean;
  plan: Plan;
  /** The plans `--compare-plans` prices: those every card version in force over the cycles offers, the earliest's order. */
  plans: ReadonlyMap<string, Plan>;
  /** The negotiated allowance, when the scenario overrides the plan's. */
  allowance: Decimal | undefined;
  start: Instant;
  cycles: number;
  zone: Zone;
  populations: Population[];
  timed: Timed[];
  /** Dated changes of the account's terms (an upgrade in month 3). */
  changes: AccountChange[];
  /** Overage billing on every plan: requests past a quota go through, billed in money. */
  overage: boolean;
  /** The grant kind bought where a plan runs short, where the scenario names one (`buys:`); else the card's first (cardPurchase). */
  buys?: string;
  /** Credits per local day per value of the card's daily-limit dimension. */
  dailyLimits: ReadonlyMap<string, Decimal>;
  /** Said on standard error before the run: what the scenario's numbers do that its reader may not expect. */
  warnings: readonly string[];
  /** Said on standard error and among the report's notes: what --samples or --plan makes of the scenario unasked. */
  notes: readonly ScenarioNote[];
}
