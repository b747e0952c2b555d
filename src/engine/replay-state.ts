import { Decimal } from "../money.js";
import { refuseKindsMissing } from "./grant-versions.js";
import { GroupTargets, TargetGroups } from "./target-groups.js";
import type { MeterEvent, RateCard, Meter } from "../ratecard/types.js";
import { cardNamedValues, type NamedValues } from "../ratecard/condition-values.js";
import { BEFORE_ALL, type Calendar, type Instant } from "../time.js";
import { Deferred, Scale, Units, type Credits } from "./credits.js";
import type { OpenCycle } from "./cycle.js";
import type { LineHead } from "./cycle-lines.js";
import { PriceBook, priceDecimals, type UnitPrice } from "./pricing.js";
import type { RowSource } from "./rows.js";
import { CellItems } from "./keys.js";
import { LedgerOut } from "./ledger-out.js";
import type { AccountTerms, GrantPurchase, LedgerSink, LineKind, ReplaySetup, Statement, TimelineEntry, UsageEvent } from "./types.js";
import { grantRules, type GrantRules } from "./grant-rules.js";
import type { Grant, Wallet } from "./wallet.js";
import { DuplicateList, SeenEventIds } from "./event-ids.js";
import { Timeline } from "./timeline.js";
import { ClosedCycles } from "./closed-cycles.js";
import { RowsBefore } from "./rows-before.js";

export interface ActiveItem {
  dims: Readonly<Record<string, string>>;
}

export interface GaugeLevel {
  level: Decimal;
  dims: Readonly<Record<string, string>>;
  /** The level charged at this cycle's start, and how much of it later decreases have refunded. */
  chargedLevel: Decimal;
  chargedPrice: Decimal;
  refundedLevel: Decimal;
}

export type Dimensions = Readonly<Record<string, string>>;

/**
 * What rows of one shape (`ShapedEvent` in rows.ts) have in common: their meter
 * event at once, the rest at the first row that needs it, exactly where a row of
 * its own would work it out. What depends on the account (its run, the target,
 * the item set) is the last row's account's, worked out again when a row of
 * another account comes: a shape is not an account's.
 */
export interface Shape {
  readonly meter: string;
  readonly dimensions: Dimensions;
  run: AccountRun;
  readonly event: MeterEvent;
  /** Shared by the shapes of one statement line, pool, category and checks. */
  target: ChargeTarget | undefined;
  /** Its number in its row source (its rows'), or its event's. */
  readonly id: number;
  /** A unique meter's item's number (ChargedItems), the same in every cycle and account: found at the shape's first row that asks. */
  item: number | undefined;
  /** The number of its meter and the values of the dimensions its target reads, worked out at its first charge: with the account, it finds the target. */
  group: number | undefined;
  /** What its target is made of but the account's: its line's number (lineIds), pool and category, worked out at its first charge. */
  line: ShapeLine | undefined;
  /** Its meter's components' unit prices and lines' numbers (lineIds), in the meter's order, worked out at its first charge priced by units (chargeParts). */
  parts: ShapePart[] | undefined;
}

/** A component of a shape's meter: its name, its unit price for the shape's values, and its line's number. */
export interface ShapePart {
  readonly name: string;
  readonly unit: UnitPrice;
  readonly line: number;
}

/** A shape's line, pool and category: the same for every account, so a row of another account makes its target without a key. */
export interface ShapeLine {
  readonly id: number;
  readonly pool: string;
  readonly category: string;
  readonly dimensions: Dimensions;
  /** The line as every account's cycles hold it, but for its sums. */
  readonly head: LineHead;
}

/** Where a usage charge goes: priced at `unit`, drawn from `pool`, shown under `category`, on line `slot` of every cycle. */
export interface ChargeTarget {
  readonly unit: UnitPrice;
  readonly pool: string;
  readonly category: string;
  readonly slot: number | undefined;
  /** Its line's dimension values, made once a shape and shared by the lines of every account's. */
  readonly dimensions: Dimensions | undefined;
  /** Its line but for the sums, shared by the lines of every account's (a shape's usage). */
  readonly head: LineHead | undefined;
  /** Nothing but credits can refuse it (no gate, quota, daily limit, budget) and nothing but its line counts it (no reward). */
  readonly creditsOnly: boolean;
  /**
   * For a shape's usage, the rooms (CheckRooms' numbers) of the checks that apply to it: charges within every
   * one may be taken together on the known path. None where creditsOnly; undefined where a check that applies
   * declares no room, and for a charge of no shape.
   */
  readonly rooms: readonly number[] | undefined;
  /** What a unique item's first row in a cycle costs charged here, in units (Replay.itemFacts), -1 where not known so; worked out at its first ask. */
  itemUnits: number | undefined;
}

/** A charge asked of charge(): a quantity of a meter at an instant, for an event (none for a cycle-start charge). */
export interface ChargeRequest {
  readonly at: Instant;
  readonly meter: Meter;
  readonly kind: LineKind;
  readonly dims: Dimensions;
  readonly quantity: Decimal;
  readonly event: UsageEvent | undefined;
  /** Only answer whether the credits would cover it. */
  readonly probe: boolean;
  /** A usage charge of a shape keeps its target for the shape's next rows. */
  readonly shape: Shape | undefined;
}

export interface AccountRun {
  id: string;
  /** Its place in the replay's list of runs. */
  ordinal: number;
  /** A number for its open cycle, unique across accounts and cycles. */
  serial: number;
  /** Covered charges of known rows not yet taken from the wallet. */
  deferred: Deferred;
  /**
   * A row of the account was read in its cycles, on either path: its statement is a customer's whatever its cycles
   * show (a storage row's level is billed at the next cycle's start: red61b F1).
   */
  rowsRead: boolean;
  terms: AccountTerms;
  wallet: Wallet;
  cycle: OpenCycle;
  /** Maps made at their first entry (most accounts of a large log need none). */
  active: Map<string, Map<string, ActiveItem>> | undefined;
  /** Items whose activation was refused for lack of credits: the log may still end them. */
  refused: Map<string, Set<string>> | undefined;
  gauges: Map<string, Map<string, GaugeLevel>> | undefined;
  /** Credits spent today per value of the daily-limit dimension; `day` is the local date they belong to. */
  daily: Map<string, Credits> | undefined;
  day: string | undefined;
  /** A downgrade that applies at the next cycle start (the card's plan_changes.downgrade). */
  pending: AccountTerms | undefined;
  /** When the subscription ends: the setup's, until a change says otherwise. */
  subscriptionEnd: Instant | undefined;
  /**
   * Whether the plan has stopped serving the run because its subscription ended: "cycle" where the open cycle
   * opened at or after the end (no fee, no included credits), "instant" where the clock passed the end within it.
   * From then on the plan gives nothing: no grace buffer, no overage, no charge let past the credits (subscription-end.ts).
   */
  ended?: "cycle" | "instant";
  /** Grants a subscription end brought forward, and that change: their lapse is shown in the timeline. Absent until one does. */
  capped?: Map<Grant, TimelineEntry>;
  /** The change that set the subscription's end in force, if a change did: the lapse of what is granted after it is its. */
  endChange?: TimelineEntry;
  /**
   * The run's own calendar from its cycle `index` on (that calendar's cycle 0), anchored at an upgrade that started a new cycle
   * (plan_changes.upgrade: new_cycle). Absent while the run follows the replay's calendar.
   */
  calendar?: { calendar: Calendar; index: number };
  /**
   * The values of the card's budget dimension its charges carried without a budget of their own: told beside the
   * account's budget keys, a key one typo from such a value caps nothing (budgets: { reserach: 100 }).
   */
  unbudgeted?: Set<string>;
}

/**
 * Cycles past the anchor that usage may reach without --through: ten years of
 * monthly cycles. Further is a typo of the year (9999 for 2026 made 95,678
 * cycles and a 101 MB report), not usage; --through asks for any range.
 */
export const FAR_CYCLES = 120;
/** cycleOf's answer for an instant FAR_CYCLES or more past the anchor. */
export const FAR_AWAY = Infinity;

/**
 * What the replay holds between rows: the account runs, the card and setup in
 * force, the caches of shapes and targets. The full path's parts (account
 * runs, timeline, limits, charging) extend it in that order; a part calls a
 * later one through the abstract methods below. The known path (fast/) is not
 * one of them: the replay holds it, and it sees the rest through full-path.ts.
 */
export abstract class ReplayState {
  protected readonly runs = new Map<string, AccountRun>();
  /** Accounts a reward made, the account file not naming them: each is a creator only, unless usage or a purchase of its own says otherwise. */
  protected readonly rewardMade = new Set<string>();
  protected readonly seenIds: SeenEventIds;
  protected readonly duplicateList = new DuplicateList();
  protected readonly purchases: GrantPurchase[];
  protected nextPurchase = 0;
  /** When the next purchase or timeline change is due (Infinity when none is left), read by every known row. */
  protected nextDueAt: Instant;
  protected readonly timeline: Timeline;
  /** The card version in force, when several are given; lines carry it. */
  protected version: string | undefined;
  /** Counts the times the cached shapes and targets were dropped (a change of terms or card), so a caller holding a shape knows. */
  protected epoch = 0;
  /** The instant of the rows held; -Infinity before the first. Always a number, so that setting it allocates nothing. */
  protected instant: Instant = BEFORE_ALL;
  protected pending: UsageEvent[] = [];
  protected lastCycle = 0;
  /** The latest cycle a usage row fell in, and how many rows did: a last cycle a few rows make is told (Statement.lastUsage). */
  private usageCycle = -1;
  private usageRows = 0;

  /** A usage row reached the replay's cycle `index`: the statement reaches it, and the rows of its latest are counted. */
  protected reachedBy(index: number): void {
    this.lastCycle = Math.max(this.lastCycle, index);
    if (index > this.usageCycle) {
      this.usageCycle = index;
      this.usageRows = 0;
    }
    if (index === this.usageCycle) this.usageRows++;
  }

  /** The usage rows of the statement's last cycle, where a usage row falls in it. */
  protected lastUsage(): Statement["lastUsage"] {
    if (this.usageCycle < 0 || this.usageCycle !== this.lastCycle) return undefined;
    const calendar = this.setup.calendar;
    return { index: this.usageCycle, rows: this.usageRows, starts: { first: calendar.start(0), before: calendar.start(Math.max(0, this.usageCycle - 1)), last: calendar.start(this.usageCycle) }, end: calendar.start(this.usageCycle + 1), latest: this.latestUsage };
  }
  /**
   * The latest instant the statement must hold (--through, a usage row or a purchase): an account whose upgrade re-anchored
   * its cycles (plan_changes.upgrade: new_cycle) runs through its own cycle holding it, not through the replay calendar's end.
   */
  protected lastInstant: Instant = BEFORE_ALL;
  /** The latest usage row's instant (Statement.lastUsage). */
  private latestUsage: Instant = BEFORE_ALL;
  /** A usage row at `at`, on either path: the statement holds it, and the latest is noted. */
  protected usageAt(at: Instant): void {
    if (at > this.lastInstant) this.lastInstant = at;
    if (at > this.latestUsage) this.latestUsage = at;
  }
  protected readonly counts = { read: 0, priced: 0, duplicates: 0, rejected: 0 };
  protected readonly rowsBefore = new RowsBefore();
  protected readonly order: { meters: string[]; kinds: string[] };
  protected readonly throughCycle: number;
  /** Where usage stops being believable without --through: FAR_CYCLES cycles past the anchor. */
  protected readonly farFrom: Instant;
  /** Unit prices of the card in force: a new version starts a new book. */
  protected book: PriceBook;
  /** The values the card (every version) names for each dimension: none is a near miss of a condition's (PriceBook.checkConditions). */
  protected readonly namedValues: NamedValues;
  /** Grant kinds whose consumption moves the allowance's percentage, and whether a grant under a version was bought. */
  protected readonly grantRules: GrantRules;
  protected readonly scale: Scale;
  protected readonly units: Units;
  /** Where the ledger's entries go, when one is asked for. */
  protected readonly ledger: LedgerOut | undefined;
  protected found = { index: -1, start: 0, end: 0 };
  /** Daily limits in credits, converted once. */
  protected readonly limits = new Map<Decimal, Credits>();
  protected readonly shapes: (Shape | undefined)[] = [];
  /** A number for each usage line's meter, dimension values and unit price, the same for every account. */
  protected readonly lineIds = new Map<string, number>();
  /** Targets by account and group (a meter and the values its target reads, numbered in `targetGroups`). */
  protected readonly targetsByDimensions = new GroupTargets();
  protected readonly targetGroups = new TargetGroups();
  protected readonly targetDimensions = new Map<Meter, readonly string[]>();
  protected readonly runList: AccountRun[] = [];
  /** The unique meters' items charged in the open cycles. */
  protected readonly items = new ChargedItems(this.runList);
  protected cyclesOpened = 0;
  /** The rows' source (pushRows), whose shapes are numbered by it. */
  protected rowSource: RowSource | undefined;
  /** Events come in one at a time (push) or as rows (pushRows), never both in one replay. */
  protected route: "events" | "rows" | undefined;
  protected readonly closedCycles: ClosedCycles;

  /** When each version other than the first switched in. */
  protected readonly switchedAt = new Map<string, Instant>();

  /** The version in force at `at`, of several given: the last to switch in at or before it, else the first. */
  protected versionAt(at: Instant): string | undefined {
    const first = this.setup.versions?.[0];
    if (first === undefined) return undefined;
    let version = first.card.version;
    for (const [v, from] of this.switchedAt) if (from <= at) version = v;
    return version;
  }

  constructor(
    protected card: RateCard,
    protected readonly setup: ReplaySetup,
    ledger?: LedgerSink,
  ) {
    refuseKindsMissing(setup);
    this.seenIds = new SeenEventIds(setup.eventIds);
    this.closedCycles = new ClosedCycles(setup.closedCycles);
    this.purchases = [...setup.purchases].sort((a, b) => a.at - b.at);
    this.timeline = new Timeline(setup);
    this.nextDueAt = Math.min(this.purchases[0]?.at ?? Infinity, this.timeline.nextAt());
    if (setup.versions !== undefined) this.version = card.version;
    // The card given holds every version's meters for the readers; pricing starts with the earliest version's own.
    if (setup.versions?.[0] !== undefined) this.card = setup.versions[0].card;
    this.namedValues = cardNamedValues(card);
    this.book = new PriceBook(this.namedValues);
    this.order = { meters: [...card.events.keys()], kinds: [...card.grantKinds.keys()] };
    this.grantRules = grantRules(card);
    if (setup.through !== undefined) this.lastCycle = Math.max(0, setup.calendar.indexOf(setup.through));
    if (setup.through !== undefined) this.lastInstant = setup.through;
    this.throughCycle = setup.through === undefined ? Infinity : this.lastCycle;
    this.farFrom = setup.through === undefined ? setup.calendar.start(FAR_CYCLES) : Infinity;
    this.scale = new Scale(creditDigits(card, setup));
    this.units = new Units(this.scale, Math.max(...(card.versions ?? [card]).map(priceDecimals)));
    // An account bought credits for is listed whatever else it has (withoutIdleUnnamed): its entries are not held.
    const unnamedHeld = setup.unnamed !== undefined && !setup.purchases.some((p) => p.account === setup.unnamed) ? setup.unnamed : undefined;
    this.ledger = ledger === undefined ? undefined : new LedgerOut(ledger, this.scale, unnamedHeld);
  }

  protected abstract charge(run: AccountRun, request: ChargeRequest): boolean;
  protected abstract dropCaches(): void;
  protected abstract settleDeferred(): void;
}

/** The largest serial ChargedItems holds in its array. */
const MOST_SERIAL = 2 ** 31 - 1;

/** Item numbers by a unique meter's key values, one level a value: the last level's values are numbers. */
type ItemLevel = Map<string, ItemLevel | number>;

/**
 * The unique meters' items each open cycle has charged, by item number: an item (its meter and key values) is
 * numbered once a replay, and a shape keeps its number, so that whether a cycle holds it is one read of
 * `charged` where it was a look-up of a string among a cycle's hundred thousand. Each item holds the serial
 * of the last cycle that charged it; an item charged by the open cycles of two accounts is held apart in the
 * first one's cycle (OpenCycle.holdApart), so a one-account replay never needs a set.
 */
class ChargedItems {
  /**
   * By meter and its number of key values (a card version may key a meter by others), then by each key value in
   * turn: the values' own strings, so that no key is made an item.
   */
  private readonly numbers = new Map<string, ItemLevel[]>();
  private nextId = 0;
  /** The one row source whose items are numbered by its cells, while no item was asked by its values (number). */
  private cellSource: RowSource | undefined;
  /** Its items, by meter and its number of key values, as `numbers`: undefined once an item was asked by its values. */
  private byCells: Map<string, (CellItems | undefined)[]> | undefined;
  /**
   * By item number, side by side: the serial (AccountRun.serial) of the cycle that charged it last, 0 for none,
   * and that cycle's run's ordinal. A cycle of a serial past MOST_SERIAL holds its items apart instead.
   */
  private charged = new Int32Array(2 * 1024);

  constructor(private readonly runs: readonly AccountRun[]) {}

  /** The number of the meter's item of these values (its key values, each "" where it has none), given at its first ask. */
  number(meter: Meter & { aggregation: "unique" }, dims: Dimensions): number {
    if (this.byCells !== undefined) this.byValues();
    return this.valuesNumber(meter, dims, -1);
  }

  /**
   * The number of the item of shape `shape` of a row source whose cells stand for its values (RowSource.cells), as `number`
   * gives it: found by the cells while every item was (no string hashed), by the values once one was not.
   */
  cellNumber(meter: Meter & { aggregation: "unique" }, source: RowSource, shape: number): number {
    const dims = source.dimensions[shape]!;
    const cells = source.cells;
    if (this.cellSource !== source) {
      if (this.cellSource !== undefined || this.nextId > 0 || cells === undefined) return this.number(meter, dims);
      this.cellSource = source;
      this.byCells = new Map();
    }
    const byCells = this.byCells;
    if (byCells === undefined || cells === undefined) return this.number(meter, dims);
    let byCount = byCells.get(meter.key);
    if (byCount === undefined) byCells.set(meter.key, (byCount = []));
    const table = (byCount[meter.keyBy.length] ??= CellItems.of(meter, cells));
    if (table === undefined) return this.number(meter, dims);
    const found = table.find(cells, shape);
    if (found >= 0) return found;
    const n = this.fresh();
    table.add(cells, shape, n);
    return n;
  }

  /** Items numbered by cells numbered by values too, and every item by values from now on: a row that asks by values must find them. */
  private byValues(): void {
    const source = this.cellSource!;
    for (const byCount of this.byCells!.values()) for (const table of byCount) table?.numbered(source, (meter, dims, n) => this.valuesNumber(meter, dims, n));
    this.byCells = undefined;
  }

  /** The number of the item by its values, `given` (or the next, where -1) at its first ask. */
  private valuesNumber(meter: Meter & { aggregation: "unique" }, dims: Dimensions, given: number): number {
    const keyBy = meter.keyBy;
    let byCount = this.numbers.get(meter.key);
    if (byCount === undefined) this.numbers.set(meter.key, (byCount = []));
    let level = (byCount[keyBy.length] ??= new Map());
    const last = keyBy.length - 1;
    for (let i = 0; i < last; i++) {
      const value = dims[keyBy[i]!] ?? "";
      let next = level.get(value) as ItemLevel | undefined;
      if (next === undefined) level.set(value, (next = new Map()));
      level = next;
    }
    const value = last < 0 ? "" : (dims[keyBy[last]!] ?? "");
    let n = level.get(value) as number | undefined;
    if (n === undefined) level.set(value, (n = given >= 0 ? given : this.fresh()));
    return n;
  }

  private fresh(): number {
    const n = this.nextId++;
    if (2 * n >= this.charged.length) this.grow();
    return n;
  }

  /** Whether the run's open cycle charged the item of number `id`. */
  has(id: number, run: AccountRun): boolean {
    return this.charged[2 * id] === run.serial || run.cycle.heldApart(id);
  }

  /** The run's open cycle charged the item of number `id`. */
  add(id: number, run: AccountRun): void {
    const charged = this.charged;
    const at = 2 * id;
    if (run.serial > MOST_SERIAL) return run.cycle.holdApart(id);
    const serial = charged[at]!;
    if (serial !== 0 && serial !== run.serial) {
      const owner = this.runs[charged[at + 1]!]!;
      if (owner.serial === serial) owner.cycle.holdApart(id);
    }
    charged[at] = run.serial;
    charged[at + 1] = run.ordinal;
  }

  private grow(): void {
    const charged = new Int32Array(this.charged.length * 2);
    charged.set(this.charged);
    this.charged = charged;
  }
}

export function mapOf<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = outer.get(key);
  if (!inner) outer.set(key, (inner = new Map()));
  return inner;
}

export function setOf(outer: Map<string, Set<string>>, key: string): Set<string> {
  let inner = outer.get(key);
  if (!inner) outer.set(key, (inner = new Set()));
  return inner;
}

/** Usage quantities are plain decimals of at most this many digits, so of at most this many decimals. */
const QUANTITY_DECIMALS = 40;

/**
 * Decimals of the replay's credit scale: enough for any quantity times any
 * price of the card, and for every grant, allowance and grace buffer.
 */
function creditDigits(card: RateCard, setup: ReplaySetup): number {
  // The cards refusals are weighed at (ReplaySetup.refusalWorth) price in the same scale.
  const priced = [card, ...(setup.refusalWorth?.cards ?? [])].flatMap((c) => c.versions ?? [c]);
  let digits = QUANTITY_DECIMALS + Math.max(...priced.map(priceDecimals));
  const need = (value: Decimal | undefined) => {
    if (value !== undefined && value.decimalPlaces() > digits) digits = value.decimalPlaces();
  };
  for (const c of priced) need(c.precision.step);
  need(card.lowBalance);
  for (const p of setup.purchases) need(p.amount);
  for (const c of setup.changes ?? []) {
    const allowance = c.change.kind === "allowance" ? c.change.allowance : c.change.kind === "plan" ? c.change.plan.included : undefined;
    need(allowance);
    // Grace buffers are a share of whichever allowance is in force on whichever plan.
    if (allowance !== undefined) for (const plan of card.plans.values()) for (const share of plan.grace.values()) need(share.mul(allowance));
  }
  for (const version of card.versions ?? []) for (const plan of version.plans.values()) need(plan.included);
  for (const terms of [setup.fallback, ...setup.accounts.values()]) {
    need(terms.allowance);
    need(terms.plan.onetime);
    need(terms.lowBalance);
    for (const g of terms.recurringGrants) need(g.amount);
    for (const limit of terms.dailyLimits.values()) need(limit);
    for (const share of terms.plan.grace.values()) need(share.mul(terms.allowance));
  }
  return digits;
}
