import { UserError, shown, type Location } from "../errors.js";
import { Decimal, ONE, ZERO, roundToStep } from "../money.js";
import { INCLUDED, ONETIME, type GrantKind, type Meter, type MeterEvent, type RateCard } from "../ratecard/types.js";
import { BEFORE_ALL, formatInstant, type Instant } from "../time.js";
import { add, Deferred, min, NO_CREDITS, plusUnits, Scale, sub, Units, wholeUnits, type Credits } from "./credits.js";
import { grownTo, OpenCycle } from "./cycle.js";
import { itemKey, PriceBook, priceDecimals, priceDimensions, pricedByUnitAlone, priceEvent, resolve, unitPrice, type PricedEvent, type UnitPrice } from "./pricing.js";
import type {
  AccountChange, AccountStatement, AccountTerms, GrantPurchase, LedgerSink, LedgerType, LineKind, ReplaySetup, Statement, TimelineEntry, UsageEvent,
} from "./types.js";
import { Wallet, type Grant } from "./wallet.js";
import { canonicalOrder, idOrder, partsOrder, quantityOrder } from "./canonical-order.js";
import { DuplicateList, SeenEventIds } from "./event-ids.js";
import { HeldRows, rowEvent, type RowSource, type ShapedRows } from "./rows.js";
import { changedTerms, describeChange, termsOnVersion, Timeline, upgradeGrant, type TimelineItem } from "./timeline.js";

/** Thrown when an event is earlier than one already replayed; the caller sorts the input and replays again. */
export class OutOfOrder extends Error {
  constructor(readonly event: UsageEvent) {
    super("usage is not in time order");
    this.name = "OutOfOrder";
  }
}

interface ActiveItem {
  dims: Readonly<Record<string, string>>;
}

interface GaugeLevel {
  level: Decimal;
  dims: Readonly<Record<string, string>>;
  /** The level charged at this cycle's start, and how much of it later decreases have refunded. */
  chargedLevel: Decimal;
  chargedPrice: Decimal;
  refundedLevel: Decimal;
}

type Dimensions = Readonly<Record<string, string>>;

/**
 * What rows of one shape (`UsageEvent.shape`) have in common: their account's
 * run and meter event at once, the rest at the first row that needs it, exactly
 * where a row of its own would work it out.
 */
interface Shape {
  readonly account: string;
  readonly meter: string;
  readonly dimensions: Dimensions;
  readonly run: AccountRun;
  readonly event: MeterEvent;
  /** Shared by the shapes of one statement line, pool, category and checks. */
  target: ChargeTarget | undefined;
  /** A unique meter's item (its last key value), and the set of the cycle `itemsCycle` that holds such items. */
  item: string | undefined;
  items: Set<string> | undefined;
  itemsCycle: OpenCycle | undefined;
}

/** Where a usage charge goes: priced at `unit`, drawn from `pool`, shown under `category`, on line `slot` of every cycle. */
interface ChargeTarget {
  readonly unit: UnitPrice;
  readonly pool: string;
  readonly category: string;
  readonly slot: number | undefined;
  /** Nothing but credits can refuse it (no gate, quota, daily limit, budget) and nothing but its line counts it (no reward). */
  readonly creditsOnly: boolean;
}

interface AccountRun {
  id: string;
  /** Its place in the replay's list of runs. */
  ordinal: number;
  /** A number for its open cycle, unique across accounts and cycles. */
  serial: number;
  /** Its usage lines' numbers (slots), the same in every cycle, by the replay's number of each line (lineIds); made at its first line. */
  slots: Map<number, number> | undefined;
  /** Covered charges of known rows not yet taken from the wallet. */
  deferred: Deferred;
  terms: AccountTerms;
  wallet: Wallet;
  cycle: OpenCycle;
  closed: AccountStatement["cycles"];
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
}

/**
 * Cycles past the anchor that usage may reach without --through: ten years of
 * monthly cycles. Further is a typo of the year (9999 for 2026 made 95,678
 * cycles and a 101 MB report), not usage; --through asks for any range.
 */
const FAR_CYCLES = 120;
/** cycleOf's answer for an instant FAR_CYCLES or more past the anchor. */
const FAR_AWAY = Infinity;

/**
 * The one pricing engine: statement, simulate, reconcile and diff all replay
 * usage through it. It is pure: events in, a statement out, no IO.
 *
 * Events must arrive in time order. Events at the same instant are buffered and
 * taken in a canonical order (account, meter, dimensions, quantity, id), so the
 * result never depends on how rows of one instant were shuffled or split across files.
 */
export class Replay {
  private readonly runs = new Map<string, AccountRun>();
  private readonly seenIds = new SeenEventIds();
  private readonly duplicateList = new DuplicateList();
  private readonly purchases: GrantPurchase[];
  private nextPurchase = 0;
  /** When the next purchase or timeline change is due (Infinity when none is left), read by every known row. */
  private nextDueAt: Instant;
  private readonly timeline: Timeline;
  /** The card version in force, when several are given; lines carry it. */
  private version: string | undefined;
  /** Counts the times the cached shapes and targets were dropped (a change of terms or card), so a caller holding a shape knows. */
  private epoch = 0;
  /** The instant of the rows held; -Infinity before the first. Always a number, so that setting it allocates nothing. */
  private instant: Instant = BEFORE_ALL;
  private pending: UsageEvent[] = [];
  private lastCycle = 0;
  private readonly counts = { read: 0, priced: 0, duplicates: 0, rejected: 0 };
  private readonly order: { meters: string[]; kinds: string[] };
  private readonly throughCycle: number;
  /** Where usage stops being believable without --through: FAR_CYCLES cycles past the anchor. */
  private readonly farFrom: Instant;
  /** Unit prices of the card in force: a new version starts a new book. */
  private book = new PriceBook();
  /** Grant kinds whose consumption moves the allowance's percentage. */
  private readonly counting: ReadonlySet<string>;
  private readonly scale: Scale;
  private readonly units: Units;
  private found = { index: -1, start: 0, end: 0 };
  /** Daily limits in credits, converted once. */
  private readonly limits = new Map<Decimal, Credits>();
  private readonly shapes: (Shape | undefined)[] = [];
  /** A number for each usage line's meter, dimension values and unit price, the same for every account. */
  private readonly lineIds = new Map<string, number>();
  /** Charge targets by account, line number, pool, category and checks: one for the many shapes of one line. */
  private readonly targets = new Map<string, ChargeTarget>();
  /** Charge targets by account, meter and the values of the dimensions a target reads. */
  private readonly targetsByDimensions = new Map<string, ChargeTarget>();
  private readonly targetDimensions = new Map<Meter, readonly string[]>();
  private readonly runList: AccountRun[] = [];
  private cyclesOpened = 0;
  /** Events come in one at a time (push) or as rows (pushRows), never both in one replay. */
  private route: "events" | "rows" | undefined;
  private source: RowSource | undefined;
  private readonly held = new HeldRows();
  /** The held rows' canonical order, by their places. */
  private readonly heldOrder: number[] = [];
  private known = new KnownShapes();

  constructor(
    private card: RateCard,
    private readonly setup: ReplaySetup,
    private readonly ledger?: LedgerSink,
  ) {
    this.purchases = [...setup.purchases].sort((a, b) => a.at - b.at);
    this.timeline = new Timeline(setup);
    this.nextDueAt = Math.min(this.purchases[0]?.at ?? Infinity, this.timeline.nextAt());
    if (setup.versions !== undefined) this.version = card.version;
    // The card given holds every version's meters for the readers; pricing starts with the earliest version's own.
    if (setup.versions?.[0] !== undefined) this.card = setup.versions[0].card;
    this.order = { meters: [...card.events.keys()], kinds: [...card.grantKinds.keys()] };
    this.counting = new Set([...card.grantKinds.values()].filter((k) => k.countsTowardAllowance).map((k) => k.key));
    if (setup.through !== undefined) this.lastCycle = Math.max(0, setup.calendar.indexOf(setup.through));
    this.throughCycle = setup.through === undefined ? Infinity : this.lastCycle;
    this.farFrom = setup.through === undefined ? setup.calendar.start(FAR_CYCLES) : Infinity;
    this.scale = new Scale(creditDigits(card, setup));
    this.units = new Units(this.scale, Math.max(...(card.versions ?? [card]).map(priceDecimals)));
    for (const account of setup.accounts.keys()) this.run(account);
  }

  push(event: UsageEvent): void {
    this.take("events");
    if (event.at < this.instant) throw new OutOfOrder(event);
    if (event.at !== this.instant) {
      this.flush();
      this.instant = event.at;
    }
    this.pending.push(event);
  }

  /**
   * Take a batch of rows, in time order after those before. Rows of one instant
   * are held until the next instant, then priced in the canonical order as
   * events are; a row the shape's earlier rows have shown to need nothing but a
   * count, or a covered charge to a known line, is priced without an event.
   */
  pushRows(rows: ShapedRows): void {
    this.take("rows");
    if (this.source !== rows.source) {
      if (this.source !== undefined) throw new Error("a replay reads the rows of one source");
      this.source = rows.source;
    }
    const { count, base, at, shape, quantity, firstLine, line, eventIds, otherQuantities } = rows;
    const quantities = rows.source.quantities;
    const held = this.held;
    let other = 0;
    for (let i = 0; i < count; i++) {
      const t = base + at[i]!;
      const q = quantity[i]!;
      const value = q >= 0 ? quantities[q]! : otherQuantities[other++]!;
      if (t !== this.instant) {
        if (t < this.instant) throw new OutOfOrder(rowEvent(rows.source, shape[i]!, value, firstLine + line[i]!, t, eventIds?.[i]));
        this.flush();
        this.instant = t;
      }
      held.hold(shape[i]!, q, value, firstLine + line[i]!, eventIds?.[i]);
    }
  }

  private take(route: "events" | "rows"): void {
    if (this.route !== route) {
      if (this.route !== undefined) throw new Error("a replay takes events or rows, not both");
      this.route = route;
    }
  }

  finish(): Statement {
    this.flush();
    this.settleDeferred();
    this.applyDueUntil(Infinity);
    const end = this.setup.calendar.start(this.lastCycle + 1);
    for (const run of this.runs.values()) {
      this.advance(run, end - 1);
      run.closed.push(this.close(run));
    }
    const accounts = [...this.runs.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((r) => ({ account: r.id, plan: r.terms.plan.key, cycles: r.closed }));
    const versions = this.versionsUsed(accounts);
    return {
      provider: this.card.provider,
      version: this.card.version,
      unit: this.card.unit,
      currency: this.card.currency,
      timezone: this.setup.calendar.zone.name,
      accounts,
      events: { ...this.counts },
      duplicateEvents: this.duplicateList.result(),
      ...(versions === undefined ? {} : { versions }),
    };
  }

  /** The versions that priced a line, each with the instant it switched in. */
  private versionsUsed(accounts: readonly AccountStatement[]): Statement["versions"] {
    const given = this.setup.versions;
    if (given === undefined) return undefined;
    const used = new Set<string>();
    for (const a of accounts) for (const c of a.cycles) for (const l of c.lines) if (l.version !== undefined) used.add(l.version);
    return given.filter((v) => used.has(v.card.version)).map((v) => ({
      version: v.card.version,
      effective: v.card.effective,
      from: this.switchedAt.get(v.card.version) ?? v.effective,
      applies: v.card.applies,
    }));
  }

  /** When each version other than the first switched in. */
  private readonly switchedAt = new Map<string, Instant>();

  private flush(): void {
    if (this.held.count > 0) return this.flushRows();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 1) return this.price(batch[0]!);
    batch.sort(canonicalOrder);
    for (const event of batch) this.price(event);
  }

  private flushRows(): void {
    const held = this.held;
    const n = held.count;
    held.count = 0;
    if (n === 1) return this.priceRow(0);
    // Rows that all take the known path give the same result in any order (see
    // knownCost): only a group with another row needs the canonical order.
    if (this.allKnown(n)) {
      for (let k = 0; k < n; k++) this.priceKnown(k);
      return;
    }
    const order = this.heldOrder;
    // Insertion sort, stable like Array.prototype.sort, on one reused array: an instant holds a handful of rows.
    for (let k = 0; k < n; k++) {
      let j = k;
      for (; j > 0 && this.rowOrder(order[j - 1]!, k) > 0; j--) order[j] = order[j - 1]!;
      order[j] = k;
    }
    for (let k = 0; k < n; k++) this.priceRow(order[k]!);
  }

  /** The canonical order of two held rows, as of their events (canonicalOrder). */
  private rowOrder(a: number, b: number): number {
    const held = this.held;
    const source = this.source!;
    const sa = held.shape[a]!, sb = held.shape[b]!;
    return (
      (sa === sb ? 0 : partsOrder(source.accounts[sa]!, source.meters[sa]!, source.dimensions[sa]!, source.accounts[sb]!, source.meters[sb]!, source.dimensions[sb]!)) ||
      quantityOrder(held.quantity[a]!, held.quantity[b]!) ||
      idOrder(held.eventId[a], held.eventId[b])
    );
  }

  private priceRow(k: number): void {
    if (this.allKnown(k + 1, k)) return this.priceKnown(k);
    this.settleDeferred();
    const held = this.held;
    const shape = held.shape[k]!;
    this.price(rowEvent(this.source!, shape, held.quantity[k]!, held.line[k]!, this.instant, held.eventId[k]));
    this.learn(shape);
  }

  /** Whether the held rows from `start` to `end` can all take the known path at once, their runs' rooms holding them together. */
  private allKnown(end: number, start = 0): boolean {
    const scratch = this.scratch;
    for (let k = start; k < end; k++) {
      const units = this.knownCost(k, end - start === 1);
      if (units === undefined) return false;
      let spent = units;
      for (let j = start; j < k; j++) if (scratch.run[j] === scratch.run[k]) spent = plusUnits(spent, scratch.units[j]!);
      if (!this.room(this.runList[scratch.run[k]!]!, spent)) return false;
    }
    return true;
  }

  /**
   * Whether `units` more can be deferred for the run: within its room, or within
   * a room opened afresh once what it deferred is taken. The room keeps the
   * balance above zero and the low-balance level, and the allowance used below
   * the next warning level, so that no row in it sets anything off.
   */
  private room(run: AccountRun, units: number): boolean {
    const deferred = run.deferred;
    if (deferred.open && deferred.fits(units)) return true;
    if (deferred.open && !deferred.pending) return false;
    if (!deferred.open) this.deferring.push(run);
    this.settleRun(run);
    let room = sub(run.wallet.balance(), 1n);
    const next = run.cycle.allowance.isZero() ? undefined : run.cycle.nextLevel(this.card.thresholds);
    if (next !== undefined) room = min(room, sub(sub(next.credits, run.cycle.consumedTowardAllowance()), 1n));
    const low = run.cycle.lowBalanceRoom(run.wallet.balance(), run.terms.lowBalance ?? this.card.lowBalance);
    if (low !== undefined) room = min(room, low);
    // A bound already passed (an expiry left the balance below the low-balance
    // level, say) leaves no room: even a free row goes the full way, to set it off.
    if (room < NO_CREDITS) return false;
    deferred.start(this.units.within(room));
    return deferred.fits(units);
  }

  /** Take what a run deferred from its wallet, in burn order, as its rows would have. */
  private settleRun(run: AccountRun): void {
    const units = run.deferred.end();
    if (units > 0) run.wallet.debit(this.units.credits(units), run.cycle.consume);
  }

  /** Before anything but a known row reads or moves a wallet. */
  private settleDeferred(): void {
    for (const run of this.deferring) this.settleRun(run);
    this.deferring.length = 0;
  }

  /** Runs with a room open, each once. */
  private readonly deferring: AccountRun[] = [];

  /**
   * What a held row costs on the known path, where what earlier rows of its
   * shape showed is all price() would do with its event: its clock moves nothing
   * (no cycle ends, no grant expires, no purchase is due), and it is a unique
   * item already charged this cycle (no credits), or a charge to a line already
   * open that nothing but the credits could refuse. Undefined for any other row.
   * Changes nothing. Such rows commute: each adds to counts and sums, and their
   * debits, taken in burn order, leave the same grants whatever their order.
   */
  private knownCost(k: number, alone: boolean): number | undefined {
    const held = this.held;
    const q = held.quantityNumber[k]!;
    if (q < 0 || held.eventId[k] !== undefined) return undefined;
    const known = this.known;
    const shape = held.shape[k]!;
    const how = known.how(shape);
    if (how === UNKNOWN) return undefined;
    const ordinal = known.run(shape);
    const run = this.runList[ordinal]!;
    const at = this.instant;
    const index = this.cycleOf(at);
    if (index !== run.cycle.index || index > this.throughCycle || this.nextDueAt <= at || run.wallet.dueBy(at)) return undefined;
    const scratch = this.scratch;
    scratch.run[k] = ordinal;
    scratch.item[k] = -1;
    if (how === UNIQUE_CHARGED) {
      scratch.slot[k] = -1;
      if (known.detail(shape) === run.serial) return (scratch.units[k] = 0);
      return alone ? this.newItemCost(k, shape, run) : undefined;
    }
    const count = (this.knownCounts[q] ??= this.book.quantity(held.quantity[k]!).count ?? -1);
    const units = count < 0 ? undefined : this.units.cost(count, known.detail(shape));
    const slot = known.slot(shape);
    if (units === undefined || !run.cycle.hasSlot(slot)) return undefined;
    scratch.slot[k] = slot;
    scratch.count[k] = count;
    scratch.quantity[k] = held.quantity[k]!;
    return (scratch.units[k] = units);
  }

  /**
   * The first row this cycle of a unique item's shape, alone at its instant (so
   * that no other row of the item is priced beside it): free where another
   * shape's row charged the item, else one unit at its price, as price() would
   * charge it, where nothing but the credits could refuse it and its line is open.
   */
  private newItemCost(k: number, id: number, run: AccountRun): number | undefined {
    const shape = this.shapes[id]!;
    const target = shape.target;
    if (target === undefined || !this.chargedByUnits(target, shape.event.meter)) return undefined;
    const scratch = this.scratch;
    const { items, item } = this.shapeItem(shape, run);
    scratch.item[k] = id;
    if (items.has(item)) return (scratch.units[k] = 0);
    const one = this.book.quantity(ONE);
    const perCount = this.units.perCount(target.unit.exact);
    const units = perCount === undefined ? undefined : this.units.cost(one.count!, perCount);
    if (units === undefined || !run.cycle.hasSlot(target.slot!)) return undefined;
    scratch.slot[k] = target.slot!;
    scratch.count[k] = one.count!;
    scratch.quantity[k] = ONE;
    return (scratch.units[k] = units);
  }

  /** Price a held row as knownCost found it, its room checked (room). */
  private priceKnown(k: number): void {
    const scratch = this.scratch;
    const run = this.runList[scratch.run[k]!]!;
    this.counts.read++;
    this.counts.priced++;
    this.lastCycle = Math.max(this.lastCycle, run.cycle.index);
    const slot = scratch.slot[k]!;
    const id = scratch.item[k]!;
    if (id >= 0) {
      // A unique item's first row of its shape this cycle: the item is charged now, or was by another shape's row.
      const shape = this.shapes[id]!;
      if (slot >= 0) shape.items!.add(shape.item!);
      this.known.charged(id, run.serial);
    }
    if (slot < 0) return;
    run.deferred.take(scratch.units[k]!);
    run.cycle.addToSlot(slot, scratch.quantity[k]!, scratch.count[k]!);
  }

  /** After its row was priced in full: what a shape's next rows may skip (knownCost). */
  private learn(id: number): void {
    const shape = this.shapes[id];
    // A ledger wants an entry a charge: with one, every row goes the full way.
    if (shape === undefined || shape.event.role !== "charge" || this.ledger !== undefined) return;
    const { meter } = shape.event;
    const { run } = shape;
    if (meter.aggregation === "unique") {
      const charged = shape.itemsCycle === run.cycle && shape.items!.has(shape.item!);
      this.known.set(id, UNIQUE_CHARGED, run.ordinal, charged ? run.serial : 0, -1);
    } else if (meter.aggregation === "flow" && shape.target !== undefined && this.chargedByUnits(shape.target, meter)) {
      const perCount = this.units.perCount(shape.target.unit.exact);
      if (perCount !== undefined) this.known.set(id, COVERED_FLOW, run.ordinal, perCount, shape.target.slot!);
    }
  }

  /** Whether a charge to this target is its quantity times the unit price, refused by nothing but the credits: what a known row may cost. */
  private chargedByUnits(target: ChargeTarget, meter: Meter): boolean {
    return target.creditsOnly && this.card.precision.roundAt !== "event" && pricedByUnitAlone(meter);
  }

  /** The row source's quantities in millionths, by their numbers; -1 for one that is not a safe count. */
  private readonly knownCounts: number[] = [];
  /** What knownCost found of each held row, for priceKnown. */
  private readonly scratch = { run: [] as number[], units: [] as number[], slot: [] as number[], count: [] as number[], quantity: [] as Decimal[], item: [] as number[] };


  private price(event: UsageEvent): void {
    this.counts.read++;
    const index = this.cycleOf(event.at);
    if (index < 0) {
      throw new UserError("usage before the first cycle", event.origin, `an instant on or after the anchor ${formatInstant(this.setup.calendar.start(0))}`, formatInstant(event.at));
    }
    if (index === FAR_AWAY) {
      const anchor = this.setup.calendar.start(0);
      throw new UserError(`usage more than ${FAR_CYCLES} cycles after the anchor ${formatInstant(anchor)}`, event.origin, `an instant before ${formatInstant(this.farFrom)}, or --through a date in its cycle`, formatInstant(event.at));
    }
    if (index > this.throughCycle) {
      throw new UserError("usage after the statement's last cycle", event.origin, `an instant before ${formatInstant(this.setup.calendar.start(this.throughCycle + 1))} (--through)`, formatInstant(event.at));
    }
    this.lastCycle = Math.max(this.lastCycle, index);
    this.applyDueUntil(event.at);
    let shape = this.shapeOf(event);
    const run = shape?.run ?? this.run(event.account);
    const epoch = this.epoch;
    this.advance(run, event.at);
    // A downgrade that applied at the cycle start the clock just crossed dropped the shapes: this one's target may be stale.
    if (this.epoch !== epoch) shape = this.shapeOf(event);

    const meterEvent = shape?.event ?? this.card.events.get(event.meter);
    if (!meterEvent) throw this.unknownMeter(event);
    const firstSeen = this.seenIds.firstSeen(event.eventId, event.origin);
    if (firstSeen) {
      this.counts.duplicates++;
      this.duplicateList.add({ eventId: event.eventId!, meter: event.meter, first: firstSeen, repeat: event.origin });
      run.cycle.duplicate(event.meter, event.quantity);
      return;
    }
    this.counts.priced++;
    const { meter } = meterEvent;
    switch (meterEvent.role) {
      case "end":
        return this.deactivate(run, meterEvent.meter, event);
      case "decrease":
        return this.decrease(run, meterEvent.meter, event);
      case "charge":
        break;
    }
    switch (meter.aggregation) {
      case "flow":
        return this.chargeFlow(run, meter, event, shape);
      case "unique": {
        const { items, item } = shape === undefined ? itemOf(run.cycle, meter, event.dimensions) : this.shapeItem(shape, run);
        if (items.has(item)) return;
        if (this.charge(run, event.at, meter, "usage", event.dimensions, ONE, event, false, shape)) items.add(item);
        return;
      }
      case "recurring":
        return this.activate(run, meter, event);
      case "gauge":
        return this.increase(run, meter, event);
    }
  }

  /** A meter the card in force lacks: with versions, the reader took it because another version has it. */
  private unknownMeter(event: UsageEvent): UserError {
    if (this.setup.versions === undefined) return new UserError(`unknown meter ${shown(event.meter)}`, event.origin, "a meter of the rate card");
    const defining = this.setup.versions.filter((v) => v.card.events.has(event.meter)).map((v) => shown(v.card.version));
    const which = defining.length === 0 ? "" : ` (version ${defining.join(", ")} has it)`;
    return new UserError(`meter ${shown(event.meter)} is not in card version ${shown(this.card.version)}, in force at this row's instant${which}`, event.origin, `a meter of version ${shown(this.card.version)}`, shown(event.meter));
  }

  /** A unique meter's item of a shape, and the set of this cycle's that would hold it: kept on the shape for the cycle. */
  private shapeItem(shape: Shape, run: AccountRun): { items: Set<string>; item: string } {
    if (shape.itemsCycle !== run.cycle) {
      const { meter } = shape.event;
      if (meter.aggregation !== "unique") throw new Error(`${meter.key} is not a unique meter`);
      const { items, item } = itemOf(run.cycle, meter, shape.dimensions);
      shape.items = items;
      shape.item = item;
      shape.itemsCycle = run.cycle;
    }
    return { items: shape.items!, item: shape.item! };
  }

  /** The event's shape, worked out at its first row; none for an event without one, or whose shape number does not match it. */
  private shapeOf(event: UsageEvent): Shape | undefined {
    const id = event.shape;
    if (id === undefined) return undefined;
    const known = this.shapes[id];
    if (known !== undefined) return known.dimensions === event.dimensions && known.meter === event.meter && known.account === event.account ? known : undefined;
    const meterEvent = this.card.events.get(event.meter);
    if (meterEvent === undefined) return undefined;
    const shape: Shape = { account: event.account, meter: event.meter, dimensions: event.dimensions, run: this.run(event.account), event: meterEvent, target: undefined, item: undefined, items: undefined, itemsCycle: undefined };
    // Numbers come in order from 0: filled without a gap, the array stays a fast one.
    while (this.shapes.length < id) this.shapes.push(undefined);
    this.shapes[id] = shape;
    return shape;
  }

  /** The cycle holding `at`: the last one found, unless `at` left it. */
  private cycleOf(at: Instant): number {
    const found = this.found;
    if (at >= found.start && at < found.end) return found.index;
    if (at >= this.farFrom) return FAR_AWAY;
    const calendar = this.setup.calendar;
    const index = calendar.indexOf(at);
    if (index >= 0) this.found = { index, start: calendar.start(index), end: calendar.start(index + 1) };
    return index;
  }

  private chargeFlow(run: AccountRun, meter: Meter, event: UsageEvent, shape: Shape | undefined): void {
    const splittable = this.card.crossing === "split" && pricedByUnitAlone(meter);
    if (!splittable || this.charge(run, event.at, meter, "usage", event.dimensions, event.quantity, event, true, shape)) {
      this.charge(run, event.at, meter, "usage", event.dimensions, event.quantity, event, false, shape);
      return;
    }
    // Split: accept the whole units the credits (and grace) still cover, reject the rest.
    const unit = this.scale.product(this.book.quantity(ONE), this.book.unit(meter, event.dimensions, event.origin).exact);
    const pool = resolve(meter.pool, event.dimensions, "pool", meter, event.origin);
    const room = add(run.wallet.balance(), run.cycle.graceLeft(pool));
    const units = unit === NO_CREDITS ? event.quantity : Decimal.min(event.quantity, new Decimal(wholeUnits(room, unit).toString()));
    if (units.gt(0)) this.charge(run, event.at, meter, "usage", event.dimensions, units, event);
    const rest = event.quantity.minus(units);
    if (rest.gt(0)) this.reject(run, meter, this.exhaustedReason(run, pool), rest, event.at, event, true);
  }

  private activate(run: AccountRun, meter: Meter & { aggregation: "recurring" }, event: UsageEvent): void {
    const key = itemKey(meter.keyBy, event.dimensions);
    const items = mapOf<ActiveItem>((run.active ??= new Map()), meter.key);
    const charged = run.cycle.chargedItems(meter.key);
    if (items.has(key)) return;
    if (charged.has(key)) {
      items.set(key, { dims: { ...event.dimensions } });
      return;
    }
    if (this.charge(run, event.at, meter, "usage", event.dimensions, ONE, event)) {
      items.set(key, { dims: { ...event.dimensions } });
      charged.add(key);
    } else {
      setOf((run.refused ??= new Map()), meter.key).add(key);
    }
  }

  private deactivate(run: AccountRun, meter: Meter & { aggregation: "recurring" }, event: UsageEvent): void {
    const key = itemKey(meter.keyBy, event.dimensions);
    const items = mapOf<ActiveItem>((run.active ??= new Map()), meter.key);
    if (!items.delete(key) && !run.refused?.get(meter.key)?.delete(key)) {
      throw new UserError(`${shown(event.meter)} for an item that is not active`, event.origin, `an earlier ${shown(meter.key)} for ${meter.keyBy.join(", ")} ${shown(key)}`, "none");
    }
  }

  private increase(run: AccountRun, meter: Meter & { aggregation: "gauge" }, event: UsageEvent): void {
    const key = itemKey(meter.keyBy, event.dimensions);
    const levels = mapOf<GaugeLevel>((run.gauges ??= new Map()), meter.key);
    const gauge = levels.get(key);
    if (gauge) gauge.level = gauge.level.plus(event.quantity);
    else levels.set(key, { level: event.quantity, dims: { ...event.dimensions }, chargedLevel: ZERO, chargedPrice: ZERO, refundedLevel: ZERO });
  }

  /** A decrease refunds the part of the level charged at cycle start that is now gone, never more. */
  private decrease(run: AccountRun, meter: Meter & { aggregation: "gauge" }, event: UsageEvent): void {
    const key = itemKey(meter.keyBy, event.dimensions);
    const gauge = mapOf<GaugeLevel>((run.gauges ??= new Map()), meter.key).get(key);
    if (!gauge || gauge.level.lt(event.quantity)) {
      throw new UserError(`${shown(event.meter)} takes ${meter.keyBy.join(", ")} ${shown(key)} below zero`, event.origin, `at most the level ${gauge ? gauge.level.toFixed() : "0"}`, event.quantity.toFixed());
    }
    gauge.level = gauge.level.minus(event.quantity);
    const refundable = Decimal.max(ZERO, gauge.chargedLevel.minus(gauge.level).minus(gauge.refundedLevel));
    if (refundable.isZero()) return;
    gauge.refundedLevel = gauge.refundedLevel.plus(refundable);
    const amount = this.scale.of(this.round(refundable.mul(gauge.chargedPrice)));
    const pool = resolve(meter.pool, gauge.dims, "pool", meter, event.origin);
    const category = resolve(meter.category, gauge.dims, "category", meter, event.origin);
    // Uncovered (grace) charges are given back first, then grants in burn order.
    const fromUncovered = min(amount, run.cycle.uncovered);
    const { allocation, left } = run.wallet.refund(sub(amount, fromUncovered));
    run.cycle.recordRefund(allocation, fromUncovered);
    // A grant that paid for the charge and has since expired cannot take credits back.
    const given = this.scale.decimal(sub(amount, left));
    run.cycle.addLine(meter, event.meter, undefined, "refund", category, pool, gauge.dims, refundable.neg(), undefined, this.book.text(gauge.chargedPrice), given.neg());
    this.log(run, event.at, "refund", event.meter, undefined, gauge.dims, refundable.neg(), given);
  }

  /**
   * Charge credits for `quantity` of a meter. Accepted only if the grants, plus
   * the pool's grace buffer, cover the whole amount (unless the card lets the
   * crossing event through), and the plan's gates, quota, limits and budgets
   * allow it; otherwise rejected and no balance changes.
   * With `probe`, only answers whether the credits would cover it. A usage
   * charge of a shape keeps its target for the shape's next rows.
   */
  private charge(run: AccountRun, at: Instant, meter: Meter, kind: LineKind, dims: Dimensions, quantity: Decimal, event: UsageEvent | undefined, probe = false, shape?: Shape): boolean {
    const origin = event?.origin ?? meter.location;
    const rounding = this.card.precision.roundAt === "event";
    // Most events cost their quantity times the unit price: two integers multiplied, no Decimal.
    let priced: PricedEvent | undefined;
    let target: ChargeTarget;
    let amount: Credits;
    const exactQuantity = this.book.quantity(quantity);
    if (!rounding && pricedByUnitAlone(meter)) {
      target = shape === undefined ? this.target(run, meter, dims, origin, this.book.unit(meter, dims, origin), undefined) : (shape.target ??= this.shapeTarget(run, meter, dims, origin, shape));
      amount = this.scale.product(exactQuantity, target.unit.exact);
    } else {
      priced = priceEvent(this.book, this.card, meter, dims, quantity, event?.components, origin);
      target = this.target(run, meter, dims, origin, priced.unit, undefined);
      amount = this.scale.of(priced.amount);
    }
    const { unit, pool, category } = target;
    const limited = event !== undefined && kind === "usage" && !target.creditsOnly;
    if (limited && !probe) {
      const refusal = this.refusal(run, meter, dims, quantity, amount);
      if (refusal !== undefined) {
        this.reject(run, meter, refusal, quantity, at, event, false);
        return false;
      }
    }
    const balance = run.wallet.balance();
    let uncovered = NO_CREDITS;
    let grace = NO_CREDITS;
    if (amount > balance) {
      const policy = this.card.pools.get(pool)!.whenExhausted;
      const short = sub(amount, balance);
      const graceLeft = policy === "grace" ? run.cycle.graceLeft(pool) : NO_CREDITS;
      if (policy === "allow" || short <= graceLeft || (this.card.crossing === "accept" && !probe)) {
        uncovered = short;
        grace = min(short, graceLeft);
      } else {
        if (!probe) this.reject(run, meter, this.exhaustedReason(run, pool), quantity, at, event, true);
        return false;
      }
    }
    if (probe) return true;
    this.settle(run, at, amount, balance, uncovered, grace, pool);
    run.cycle.addLine(meter, meter.key, undefined, kind, category, pool, dims, quantity, exactQuantity.count, unit, rounding ? priced!.own : undefined, target.slot);
    for (const p of priced?.extras ?? []) {
      if (p.quantity.isZero()) continue;
      run.cycle.addLine(meter, meter.key, p.component, kind, category, pool, dims, p.quantity, undefined, p.unit, rounding ? p.amount : undefined);
    }
    if (limited) this.account(run, meter, dims, quantity, amount, at);
    this.afterCharge(run, at);
    if (this.ledger) this.log(run, at, "charge", meter.key, undefined, dims, quantity, this.scale.decimal(amount).neg());
    return true;
  }

  /** Pay an accepted charge of `amount`: from the grants, and beyond them `uncovered`, `grace` of it from the pool's buffer. */
  private settle(run: AccountRun, at: Instant, amount: Credits, balance: Credits, uncovered: Credits, grace: Credits, pool: string): void {
    run.wallet.debit(uncovered === NO_CREDITS ? amount : balance, run.cycle.consume);
    run.cycle.recordDebit(uncovered, grace, pool);
    if (amount > NO_CREDITS && (uncovered > NO_CREDITS || amount === balance)) run.cycle.markExhausted(at);
  }

  /** What a charge's new balance sets off: warning levels crossed, a low balance. */
  private afterCharge(run: AccountRun, at: Instant): void {
    this.crossThresholds(run, at);
    const low = run.terms.lowBalance ?? this.card.lowBalance;
    if (low !== undefined) run.cycle.checkLowBalance(run.wallet.balance(), low, at);
  }

  /**
   * A shape's target, shared with every shape of the same account, meter and
   * values of the dimensions a target depends on: the hundred thousand shapes of
   * one end-user each differ only in a dimension no target reads.
   */
  private shapeTarget(run: AccountRun, meter: Meter, dims: Dimensions, origin: Location, shape: Shape): ChargeTarget {
    let reads = this.targetDimensions.get(meter);
    if (reads === undefined) this.targetDimensions.set(meter, (reads = this.dimensionsOfTarget(meter)));
    const key = [run.id, meter.key, ...reads.map((d) => dims[d])].map((v) => (v === undefined ? "-" : lengthPrefixed(v))).join("");
    let target = this.targetsByDimensions.get(key);
    if (target === undefined) this.targetsByDimensions.set(key, (target = this.target(run, meter, dims, origin, this.book.unit(meter, dims, origin), shape)));
    return target;
  }

  /** Every dimension a usage target of this meter reads: its line's, its price's, its pool's and category's, and those of gates, limits, budgets and rewards. */
  private dimensionsOfTarget(meter: Meter): readonly string[] {
    const card = this.card;
    const reads = new Set([...meter.dimensions, ...priceDimensions(meter)]);
    for (const lookup of [meter.pool, meter.category]) if (lookup.kind === "by") reads.add(lookup.dimension);
    for (const plan of card.plans.values()) for (const dim of plan.only.keys()) reads.add(dim);
    for (const dim of [card.dailyLimits?.dimension, card.budgets?.dimension, card.rewards?.dimension]) if (dim !== undefined) reads.add(dim);
    return [...reads];
  }

  /** Where a charge goes; for a shape's usage, kept on the shape with its line's number. */
  private target(run: AccountRun, meter: Meter, dims: Dimensions, origin: Location, unit: UnitPrice, shape: Shape | undefined): ChargeTarget {
    const pool = resolve(meter.pool, dims, "pool", meter, origin);
    const category = resolve(meter.category, dims, "category", meter, origin);
    if (shape === undefined) return { unit, pool, category, slot: undefined, creditsOnly: false };
    // Keys of parts each prefixed with its length: no part can run into the next, whatever it holds.
    const line = [meter.key, ...meter.dimensions.map((d) => dims[d] ?? ""), unit.text, this.version ?? ""].map(lengthPrefixed).join("");
    let lineId = this.lineIds.get(line);
    if (lineId === undefined) this.lineIds.set(line, (lineId = this.lineIds.size));
    // Numbered per account, from 0: an account's cycles hold arrays as long as its own lines, not every account's.
    const slots = (run.slots ??= new Map());
    let slot = slots.get(lineId);
    if (slot === undefined) slots.set(lineId, (slot = slots.size));
    const creditsOnly = this.creditsOnly(run, meter, dims);
    const key = `${run.ordinal}:${slot}:${lengthPrefixed(pool)}${lengthPrefixed(category)}${creditsOnly ? 1 : 0}`;
    let target = this.targets.get(key);
    if (target === undefined) this.targets.set(key, (target = { unit, pool, category, slot, creditsOnly }));
    return target;
  }

  /**
   * Whether no check but the credits' can refuse a usage charge of these
   * dimensions, and nothing but its line counts it: then refusal() would find
   * nothing and account() would change nothing, and neither needs to run.
   */
  private creditsOnly(run: AccountRun, meter: Meter, dims: Dimensions): boolean {
    const { plan } = run.terms;
    for (const dim of plan.only.keys()) if (dims[dim] !== undefined) return false;
    if (plan.quota?.meters.has(meter.key)) return false;
    const daily = this.card.dailyLimits?.dimension;
    if (daily !== undefined && dims[daily] !== undefined) return false;
    if (this.budget(run, dims) !== undefined) return false;
    const rewards = this.card.rewards;
    return rewards === undefined || dims[rewards.dimension] === undefined;
  }

  /** Why an event that credits could pay for is still refused: a gated plan, a spent quota, a daily limit, a budget. */
  private refusal(run: AccountRun, meter: Meter, dims: Readonly<Record<string, string>>, quantity: Decimal, amount: Credits): string | undefined {
    const { plan } = run.terms;
    for (const [dim, allowed] of plan.only) {
      const value = dims[dim];
      if (value !== undefined && !allowed.has(value)) return `plan-gated: ${dim} ${shown(value)} is not on plan ${plan.key}`;
    }
    const quota = plan.quota;
    if (quota?.meters.has(meter.key) && !run.terms.overage && run.cycle.quotaUsed.plus(quantity).gt(quota.requests)) {
      return `monthly request quota of ${quota.requests.toFixed()} reached`;
    }
    const daily = this.dailyLimit(run, dims);
    if (daily && add(daily.spent, amount) > this.limitCredits(daily.limit)) return `daily limit of ${daily.limit.toFixed()} reached for ${daily.dimension} ${shown(daily.value)}`;
    const budget = this.budget(run, dims);
    if (budget && run.cycle.spentFrom(budget.value).plus(this.scale.decimal(amount)).gt(budget.amount)) return `budget of ${budget.amount.toFixed()} spent for ${budget.dimension} ${shown(budget.value)}`;
    return undefined;
  }

  /** Count an accepted event against the quota, the day's limit and the budget, and credit its creator. */
  private account(run: AccountRun, meter: Meter, dims: Readonly<Record<string, string>>, quantity: Decimal, amount: Credits, at: Instant): void {
    const quota = run.terms.plan.quota;
    if (quota?.meters.has(meter.key)) {
      const before = run.cycle.quotaUsed;
      run.cycle.quotaUsed = before.plus(quantity);
      const past = run.cycle.quotaUsed.minus(Decimal.max(before, quota.requests));
      if (past.gt(0)) run.cycle.overage(past, quota.overagePrice);
    }
    const daily = this.dailyLimit(run, dims);
    if (daily) (run.daily ??= new Map()).set(daily.value, add(daily.spent, amount));
    const budget = this.budget(run, dims);
    if (budget) run.cycle.spend(budget.value, this.scale.decimal(amount), budget.amount, this.card.budgets!.alerts, at);
    const rewards = this.card.rewards;
    const creator = rewards ? dims[rewards.dimension] : undefined;
    if (rewards && creator !== undefined && creator !== run.id && amount > NO_CREDITS) {
      const earner = this.run(creator);
      this.advance(earner, at);
      earner.cycle.earn(run.id, this.scale.decimal(amount).mul(rewards.share));
    }
  }

  private limitCredits(limit: Decimal): Credits {
    let credits = this.limits.get(limit);
    if (credits === undefined) this.limits.set(limit, (credits = this.scale.of(limit)));
    return credits;
  }

  private dailyLimit(run: AccountRun, dims: Readonly<Record<string, string>>): { dimension: string; value: string; limit: Decimal; spent: Credits } | undefined {
    const dimension = this.card.dailyLimits?.dimension;
    const value = dimension === undefined ? undefined : dims[dimension];
    if (dimension === undefined || value === undefined) return undefined;
    const limit = run.terms.dailyLimits.get(value) ?? run.terms.dailyLimits.get("*");
    if (limit === undefined) return undefined;
    const day = this.setup.calendar.zone.localDate(this.instant);
    if (run.day !== day) {
      run.day = day;
      run.daily?.clear();
    }
    return { dimension, value, limit, spent: run.daily?.get(value) ?? NO_CREDITS };
  }

  private budget(run: AccountRun, dims: Readonly<Record<string, string>>): { dimension: string; value: string; amount: Decimal } | undefined {
    if (!this.budgetsApply(run)) return undefined;
    const budgets = this.card.budgets!;
    const value = dims[budgets.dimension];
    const amount = value === undefined ? undefined : run.terms.budgets.get(value);
    return amount === undefined ? undefined : { dimension: budgets.dimension, value: value!, amount };
  }

  private close(run: AccountRun) {
    const renews = this.setup.calendar.renewalAfter(run.cycle.index, this.setup.renewalMonths);
    const statement = { ...run.cycle.close(run.wallet, this.order, { quota: run.terms.plan.quota?.requests, budgets: this.budgetsApply(run) ? run.terms.budgets : new Map() }), renews };
    run.cycle.release();
    return statement;
  }

  private budgetsApply(run: AccountRun): boolean {
    const budgets = this.card.budgets;
    return budgets !== undefined && (budgets.plans === undefined || budgets.plans.has(run.terms.plan.key));
  }

  private exhaustedReason(run: AccountRun, pool: string): string {
    return run.cycle.graceLimit(pool) > NO_CREDITS ? "grace buffer exhausted" : "credits exhausted";
  }

  private reject(run: AccountRun, meter: Meter, reason: string, quantity: Decimal, at: Instant, event: UsageEvent | undefined, outOfCredits: boolean): void {
    this.counts.rejected += event ? 1 : 0;
    run.cycle.reject(meter.key, reason, quantity, at, event?.origin);
    if (outOfCredits) run.cycle.markExhausted(at);
  }

  private crossThresholds(run: AccountRun, at: Instant): void {
    if (run.cycle.allowance.isZero()) return;
    // Levels are crossed in order, so only the next one needs a comparison.
    for (let next = run.cycle.nextLevel(this.card.thresholds); next && run.cycle.consumedTowardAllowance() >= next.credits; next = run.cycle.nextLevel(this.card.thresholds)) {
      run.cycle.cross(next.percent, at);
    }
  }

  private round(amount: Decimal): Decimal {
    const p = this.card.precision;
    return p.roundAt === "event" ? roundToStep(amount, p.step, p.rounding) : amount;
  }

  private run(account: string): AccountRun {
    let run = this.runs.get(account);
    if (!run) {
      const terms = this.setup.accounts.get(account) ?? this.setup.fallback;
      run = {
        id: account, ordinal: this.runList.length, serial: 0, slots: undefined, deferred: new Deferred(), terms: this.version === undefined ? terms : termsOnVersion(terms, this.card, account), wallet: new Wallet(),
        cycle: undefined as unknown as OpenCycle, closed: [], active: undefined, refused: undefined, gauges: undefined, daily: undefined, day: undefined, pending: undefined, subscriptionEnd: this.setup.subscriptionEnd,
      };
      this.runs.set(account, run);
      this.runList.push(run);
      this.openCycle(run, 0);
    }
    return run;
  }

  /** Move an account's clock to `at`: close every cycle that ended, expire what is due. */
  private advance(run: AccountRun, at: Instant): void {
    const calendar = this.setup.calendar;
    for (let next = calendar.start(run.cycle.index + 1); next <= at; next = calendar.start(run.cycle.index + 1)) {
      this.expire(run, next, false);
      run.closed.push(this.close(run));
      this.lapse(run, next);
      this.openCycle(run, run.cycle.index + 1);
    }
    if (run.wallet.dueBy(at)) this.expire(run, at, true);
  }

  /** Grants that end with the cycle lapse at its boundary: the old cycle shows them as closing, the new one starts without them. */
  private lapse(run: AccountRun, boundary: Instant): void {
    for (const grant of run.wallet.expire(boundary, true)) this.logExpiry(run, grant);
  }

  private expire(run: AccountRun, at: Instant, inclusive: boolean): void {
    for (const grant of run.wallet.expire(at, inclusive)) {
      run.cycle.expired(grant.kind.key, grant.remaining);
      this.logExpiry(run, grant);
    }
  }

  /** An expired grant's unspent credits leave the ledger at its expiry (a lapsing grant expires at the boundary it lapses at). */
  private logExpiry(run: AccountRun, grant: Grant): void {
    if (grant.remaining > NO_CREDITS) this.log(run, grant.expiresAt!, "expiry", undefined, grant.kind.key, {}, undefined, this.scale.decimal(grant.remaining).neg());
  }

  private openCycle(run: AccountRun, index: number): void {
    const calendar = this.setup.calendar;
    const start = calendar.start(index);
    const end = calendar.start(index + 1);
    if (run.pending !== undefined) {
      run.terms = run.pending;
      run.pending = undefined;
      this.dropCaches();
    }
    const { plan, allowance } = run.terms;
    run.wallet.startCycle();
    const included = this.card.grantKinds.get(INCLUDED)!;
    if (allowance.gt(0)) run.wallet.add(included, this.scale.of(allowance), start, this.expiryOf(included, start, end, run));
    const onetime = this.card.grantKinds.get(ONETIME);
    if (index === 0 && onetime && plan.onetime.gt(0)) run.wallet.add(onetime, this.scale.of(plan.onetime), start, this.expiryOf(onetime, start, end, run));
    // The cycle opens with its allowance: it is part of the opening balance, not a grant during the cycle.
    const opening = new Map<string, Credits>();
    for (const kind of run.wallet.kinds()) opening.set(kind, run.wallet.balanceOf(kind));
    run.cycle = new OpenCycle(index, start, end, allowance, plan, opening, this.counting, this.scale);
    run.cycle.version = this.version;
    run.serial = ++this.cyclesOpened;
    if (allowance.gt(0)) this.log(run, start, "allowance", undefined, INCLUDED, {}, undefined, allowance);
    if (index === 0 && onetime && plan.onetime.gt(0)) this.log(run, start, "allowance", undefined, ONETIME, {}, undefined, plan.onetime);
    // A subscription that tops the balance up each period pays in at the cycle's start, before its charges.
    for (const g of run.terms.recurringGrants) {
      const kind = this.card.grantKinds.get(g.kind)!;
      run.wallet.add(kind, this.scale.of(g.amount), start, this.expiryOf(kind, start, end, run));
      run.cycle.granted(g.kind, g.amount);
      this.log(run, start, "payment", undefined, g.kind, {}, undefined, g.amount);
    }
    this.chargeCycleStart(run, start);
  }

  /** Recurring items and gauge levels are charged at the cycle's start, before any of its events. */
  private chargeCycleStart(run: AccountRun, start: Instant): void {
    for (const meter of this.card.meters.values()) {
      if (meter.aggregation === "recurring") {
        const charged = run.cycle.chargedItems(meter.key);
        for (const [key, item] of run.active?.get(meter.key) ?? []) {
          if (this.charge(run, start, meter, "recurring", item.dims, ONE, undefined)) charged.add(key);
        }
      } else if (meter.aggregation === "gauge") {
        for (const gauge of run.gauges?.get(meter.key)?.values() ?? []) {
          gauge.chargedLevel = ZERO;
          gauge.refundedLevel = ZERO;
          if (gauge.level.isZero()) continue;
          gauge.chargedPrice = unitPrice(meter, gauge.dims, meter.location);
          if (this.charge(run, start, meter, "gauge", gauge.dims, gauge.level, undefined)) gauge.chargedLevel = gauge.level;
        }
      }
    }
  }

  private expiryOf(kind: GrantKind, at: Instant, cycleEnd: Instant, run: AccountRun): Instant | undefined {
    switch (kind.expires.kind) {
      case "never":
        return undefined;
      case "cycle_end":
        return cycleEnd;
      case "after_months": {
        const after = this.setup.calendar.addMonths(at, kind.expires.months);
        const cap = kind.expires.capAtSubscriptionEnd ? run.subscriptionEnd : undefined;
        return cap !== undefined && cap < after ? cap : after;
      }
    }
  }

  /** Apply the purchases and timeline changes due by `at`, in time order (a change before a purchase at one instant). */
  private applyDueUntil(at: Instant): void {
    for (;;) {
      const purchaseAt = this.purchases[this.nextPurchase]?.at ?? Infinity;
      const changeAt = this.timeline.nextAt();
      if (changeAt === Infinity && purchaseAt === Infinity) break;
      if (changeAt <= at && changeAt <= purchaseAt) {
        // After the last cycle, with no purchase left to extend the statement, a change has nothing to show.
        if (changeAt >= this.setup.calendar.start(this.lastCycle + 1) && purchaseAt === Infinity) this.timeline.drop();
        else this.applyTimeline(this.timeline.take());
      } else if (purchaseAt <= at) {
        this.applyPurchase();
      } else break;
      this.nextDueAt = Math.min(this.purchases[this.nextPurchase]?.at ?? Infinity, this.timeline.nextAt());
    }
  }

  private applyPurchase(): void {
    const p = this.purchases[this.nextPurchase++]!;
    if (p.at >= this.farFrom) throw new UserError(`grant more than ${FAR_CYCLES} cycles after the anchor ${formatInstant(this.setup.calendar.start(0))}`, p.origin, `an instant before ${formatInstant(this.farFrom)}, or --through a date in its cycle`, formatInstant(p.at));
    const index = this.setup.calendar.indexOf(p.at);
    if (index < 0) throw new UserError("grant before the first cycle", p.origin, "an instant on or after the anchor", formatInstant(p.at));
    this.lastCycle = Math.max(this.lastCycle, index);
    const run = this.run(p.account);
    this.advance(run, p.at);
    const kind = this.card.grantKinds.get(p.kind)!;
    run.wallet.add(kind, this.scale.of(p.amount), p.at, this.expiryOf(kind, p.at, this.setup.calendar.start(index + 1), run));
    run.cycle.granted(p.kind, p.amount);
    this.log(run, p.at, "payment", undefined, p.kind, {}, undefined, p.amount);
  }

  private applyTimeline(item: TimelineItem): void {
    // What the known rows deferred is taken at the terms they were priced at.
    this.settleDeferred();
    if (item.kind === "version") this.switchVersion(item.card, item.at);
    else this.changeTerms(item.change);
    this.dropCaches();
  }

  /**
   * A new card version prices everything from `at` on. Every account's clock
   * is first brought to just before it, so that cycles it closes and opens
   * on the way (and their cycle-start charges) are priced by the old one.
   */
  private switchVersion(card: RateCard, at: Instant): void {
    for (const run of this.runList) this.advance(run, at - 1);
    this.card = card;
    this.book = new PriceBook();
    this.version = card.version;
    this.switchedAt.set(card.version, at);
    for (const run of this.runList) {
      run.terms = termsOnVersion(run.terms, card, run.id);
      if (run.pending !== undefined) run.pending = termsOnVersion(run.pending, card, run.id);
      run.cycle.version = card.version;
    }
  }

  /**
   * An account's terms change at `change.at`. At a cycle start the new cycle
   * simply opens on them. Inside a cycle, an overage switch or a new
   * subscription end applies at once; a plan or allowance change follows the
   * card's plan_changes: an upgrade grants included credits now, a downgrade
   * waits for the next cycle or removes included credits now.
   */
  private changeTerms(c: AccountChange): void {
    const run = this.run(c.account);
    this.advance(run, c.at - 1);
    const before = run.terms;
    const after = changedTerms(before, c.change);
    const values = describeChange(before, c.change, run.subscriptionEnd);
    const entry: TimelineEntry = { at: c.at, change: c.change.kind, ...values, granted: ZERO, removed: ZERO, appliesAt: undefined };
    const newCycle = this.setup.calendar.indexOf(c.at) > run.cycle.index;
    if (c.change.kind === "subscription_end") {
      run.subscriptionEnd = c.change.end;
      run.wallet.capExpiry(c.change.end, (kind) => kind.expires.kind === "after_months" && kind.expires.capAtSubscriptionEnd);
    }
    const sizing = c.change.kind === "plan" || c.change.kind === "allowance";
    if (sizing) run.pending = undefined;
    else if (run.pending !== undefined) run.pending = changedTerms(run.pending, c.change);
    if (newCycle) {
      run.terms = after;
      this.advance(run, c.at);
      run.cycle.note(entry);
      return;
    }
    const cycle = run.cycle;
    // At the start of the first cycle (already open) the next cycle is this one: a downgrade applies at once.
    if (sizing && after.allowance.lt(before.allowance) && this.card.planChanges.downgrade === "next_cycle" && c.at !== cycle.start) {
      run.pending = after;
      cycle.note({ ...entry, appliesAt: cycle.end });
      return;
    }
    run.terms = after;
    cycle.retarget(after.plan, after.allowance, c.at);
    if (sizing && after.allowance.gt(before.allowance)) {
      const grant = upgradeGrant(this.card, before.allowance, after.allowance, cycle, c.at);
      const included = this.card.grantKinds.get(INCLUDED)!;
      if (grant.gt(0)) {
        run.wallet.add(included, this.scale.of(grant), c.at, this.expiryOf(included, c.at, cycle.end, run));
        cycle.granted(INCLUDED, grant);
        this.log(run, c.at, "allowance", undefined, INCLUDED, {}, undefined, grant);
      }
      entry.granted = grant;
    } else if (sizing && after.allowance.lt(before.allowance)) {
      const removed = run.wallet.remove(INCLUDED, this.scale.of(before.allowance.minus(after.allowance)));
      cycle.expired(INCLUDED, removed);
      entry.removed = this.scale.decimal(removed);
      if (removed > NO_CREDITS) this.log(run, c.at, "expiry", undefined, INCLUDED, {}, undefined, entry.removed.neg());
    }
    cycle.note(entry);
  }

  /** Shapes and targets remember prices, plans and checks: after a change of card or terms they are worked out again. */
  private dropCaches(): void {
    this.shapes.length = 0;
    this.known = new KnownShapes();
    this.targets.clear();
    this.targetsByDimensions.clear();
    this.targetDimensions.clear();
    this.epoch++;
  }

  private log(run: AccountRun, at: Instant, type: LedgerType, meter: string | undefined, grant: string | undefined, dims: Readonly<Record<string, string>>, quantity: Decimal | undefined, amount: Decimal): void {
    if (!this.ledger) return;
    this.ledger({ at, account: run.id, type, meter, grant, dimensions: dims, quantity, amount, uncovered: this.scale.decimal(run.cycle.uncovered), balance: this.scale.decimal(run.wallet.balance()) });
  }
}

/** How rows of a shape may be priced without an event: not known yet, a unique item, a flow charge. */
const UNKNOWN = 0;
const UNIQUE_CHARGED = 1;
const COVERED_FLOW = 2;

/**
 * What knownCost needs of each shape, four numbers a shape side by side in one
 * array: a row reads one place in memory where an object a shape, among a
 * hundred thousand, would cost a trip to memory for each field.
 */
class KnownShapes {
  private table: Float64Array<ArrayBuffer> = new Float64Array(STRIDE * 1024);

  how(shape: number): number {
    const at = STRIDE * shape;
    return at < this.table.length ? this.table[at]! : UNKNOWN;
  }

  /** The ordinal of the shape's account run. */
  run(shape: number): number {
    return this.table[STRIDE * shape + 1]!;
  }

  /** For a unique item, the serial of the cycle whose set holds it (0 for none); for a flow charge, its unit price in units a millionth (Units). */
  detail(shape: number): number {
    return this.table[STRIDE * shape + 2]!;
  }

  /** For a flow charge, its line's number. */
  slot(shape: number): number {
    return this.table[STRIDE * shape + 3]!;
  }

  /** A unique item's shape whose item the cycle of this serial holds. */
  charged(shape: number, serial: number): void {
    this.table[STRIDE * shape + 2] = serial;
  }

  set(shape: number, how: number, run: number, detail: number, slot: number): void {
    const at = STRIDE * shape;
    if (at >= this.table.length) this.table = grownTo(this.table, Math.max(at + STRIDE, this.table.length * 2));
    this.table[at] = how;
    this.table[at + 1] = run;
    this.table[at + 2] = detail;
    this.table[at + 3] = slot;
  }
}

const STRIDE = 4;

function itemOf(cycle: OpenCycle, meter: Meter & { aggregation: "unique" }, dims: Dimensions): { items: Set<string>; item: string } {
  return { items: cycle.uniqueItems(meter.key, meter.keyBy, dims), item: dims[meter.keyBy[meter.keyBy.length - 1]!] ?? "" };
}

function lengthPrefixed(part: string): string {
  return `${part.length}:${part}`;
}

function mapOf<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = outer.get(key);
  if (!inner) outer.set(key, (inner = new Map()));
  return inner;
}

function setOf(outer: Map<string, Set<string>>, key: string): Set<string> {
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
  let digits = QUANTITY_DECIMALS + Math.max(...(card.versions ?? [card]).map(priceDecimals));
  const need = (value: Decimal | undefined) => {
    if (value !== undefined && value.decimalPlaces() > digits) digits = value.decimalPlaces();
  };
  need(card.precision.step);
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
