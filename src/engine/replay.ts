import type { RateCard } from "../ratecard/types.js";
import type { CycleStatement, LedgerSink, ReplaySetup, Statement, UsageEvent } from "./types.js";
import type { Instant } from "../time.js";
import { familiesAt, sortInstant, type ItemFamilies } from "./canonical-order.js";
import { versionSwitches } from "../ratecard/versions.js";
import type { UnitPrice } from "./pricing.js";
import { componentsPart, eventIdOf, quantityPart, rowEvent, type RowSource, type ShapedRows } from "./rows.js";
import { Charging, ITEM_QUANTITY } from "./charging.js";
import { creatorOnly } from "./creator-only.js";
import { FAR_AWAY, type AccountRun, type ChargeTarget, type Shape, type ShapePart } from "./replay-state.js";
import type { ForeseenRow, FullPath, KnownCharge, KnownPart, RowComponents, ShapeFacts } from "./full-path.js";
import { NO_CREDITS } from "./credits.js";
import type { Refused } from "./limits.js";
import type { Decimal } from "../money.js";
import { KnownRows } from "./fast/known-rows.js";
import { withoutIdleUnnamed } from "./unnamed-account.js";

/** Thrown when an event is earlier than one already replayed; the caller sorts the input and replays again. */
/** How many rows ahead of the one held pushRows has their shapes' numbers read (KnownRows.ahead), in steps of as many. */
const AHEAD = 32;

export class OutOfOrder extends Error {
  constructor(readonly event: UsageEvent) {
    super("usage is not in time order");
    this.name = "OutOfOrder";
  }
}

/**
 * The one pricing engine: statement, simulate, reconcile and diff all replay
 * usage through it. It is pure: events in, a statement out, no IO.
 *
 * Events must arrive in time order. Events at the same instant are buffered and
 * taken in one order (instantOrder): a canonical order (account, meter, dimensions,
 * quantity, id), so the result never depends on how rows of one instant were
 * shuffled or split across files, but for the rows of one item or gauge, which keep the log's order.
 */
export class Replay extends Charging {
  /** The known path, composed, not inherited: it sees this replay only as `FullPath` (fullPath below). */
  private readonly fast: KnownRows<AccountRun>;
  /**
   * The meters of each item and gauge in the version in force at an instant, whose rows the order of the instant keeps
   * in the log's order: the version switched in as the timeline switches it, known before the instant's rows are
   * priced (red team, stop 38: read from the card in force, the instant a version took effect was ordered by the
   * version before it, whose switch its first row's price applies).
   */
  private readonly familiesAt: (at: Instant) => ItemFamilies;

  /** A ledger wants an entry a charge, which the known path does not make: with one, every row goes the full way. */
  private readonly chargeByCharge: boolean;

  constructor(card: RateCard, setup: ReplaySetup, ledger?: LedgerSink) {
    super(card, setup, ledger);
    this.chargeByCharge = this.ledger?.chargeByCharge === true;
    this.familiesAt = familiesAt(setup.versions?.[0]?.card ?? card, setup.versions === undefined ? undefined : versionSwitches(setup.versions, setup.calendar));
    this.fast = new KnownRows(this.fullPath(), () => this.families());
    // The version in force at the anchor opens the accounts' first cycles: a plan it adds is one an account may start
    // on, and its allowance is granted as the cycle opens, not as a change at the anchor (red62 F7).
    for (const version of this.timeline.takeVersionsUntil(setup.calendar.start(0))) this.switchVersion(version.card, version.at);
    this.nextDueAt = Math.min(this.purchases[0]?.at ?? Infinity, this.timeline.nextAt());
    for (const account of setup.accounts.keys()) if (account !== setup.unnamed && setup.part?.has(account) !== false) this.run(account);
  }

  /** The item families of the version in force at the instant being priced. */
  private families(): ItemFamilies {
    return this.familiesAt(this.instant);
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
   * are held until the next instant, then priced in the order of an instant as
   * events are; a row the shape's earlier rows have shown to need nothing but a
   * count, or a covered charge to a known line, is priced without an event.
   */
  pushRows(rows: ShapedRows): void {
    this.take("rows");
    this.fast.read(rows.source);
    this.rowSource = rows.source;
    const { count, base, at, shape, account, quantity, firstLine, line, ids, otherQuantities } = rows;
    const quantities = rows.source.quantities;
    const held = this.fast.held;
    let other = 0;
    this.fast.ahead(shape, 0, AHEAD, count);
    for (let i = 0; i < count; i++) {
      if (i % AHEAD === 0) this.fast.ahead(shape, i + AHEAD, i + 2 * AHEAD, count);
      const t = base + at[i]!;
      const q = quantity[i]!;
      const given = q >= 0 ? undefined : otherQuantities[other++]!;
      const value = given === undefined ? quantities[q]! : quantityPart(given);
      const components = given === undefined ? undefined : componentsPart(given);
      if (t !== this.instant) {
        if (t < this.instant) throw new OutOfOrder(rowEvent(rows.source, { shape: shape[i]!, account: account[i]!, quantity: value, components, line: firstLine + line[i]!, at: t, eventId: eventIdOf(ids, i) }));
        this.flush();
        this.instant = t;
      }
      held.hold(rows, i, value, components);
    }
  }

  protected take(route: "events" | "rows"): void {
    if (this.route !== route) {
      if (this.route !== undefined) throw new Error("a replay takes events or rows, not both");
      this.route = route;
    }
  }

  /**
   * The statement, once every row is in. `elsewhere` is the latest instant of the log's rows that another part's
   * accounts have (ReplaySetup.part): the statement runs through its cycle, as a replay of every account's rows does.
   */
  finish(elsewhere?: Instant): Statement {
    this.flush();
    this.settleDeferred();
    // A part without a run of its own is not a log without any: the unnamed account is listed only where a row is its.
    if (this.runs.size === 0 && this.setup.unnamed !== undefined && this.setup.part === undefined) this.run(this.setup.unnamed);
    if (elsewhere !== undefined) this.reachedElsewhere(elsewhere);
    this.applyDueUntil(Infinity);
    const end = this.setup.calendar.start(this.lastCycle + 1);
    // Each account's last cycle is made as its statement is read (finalCycle), unless the versions used are asked, which its lines tell,
    // or the replay is one part of many accounts', whose last cycles would all be held open until the last part's statement is read.
    const lastMadeWhenRead = this.setup.versions === undefined && this.setup.part === undefined;
    const last = new Map<AccountRun, () => CycleStatement>();
    for (const run of this.runs.values()) {
      // A re-anchored run's cycles do not end with the replay's: it runs through its own cycle holding the last instant.
      if (run.calendar !== undefined) this.advance(run, this.lastInstant);
      this.advance(run, run.calendar === undefined ? end - 1 : run.cycle.end - 1);
      if (lastMadeWhenRead) last.set(run, this.finalCycle(run));
      else this.closedCycles.add(run.ordinal, this.close(run));
    }
    // The accounts a grant of the setup's names: a purchase makes an account a customer's (creatorOnly, withoutIdleUnnamed).
    const bought = new Set(this.setup.purchases.map((p) => p.account));
    const made = [...this.runs.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((r) => creatorOnly(this.closedCycles.statement(r.ordinal, r.id, r.terms.plan.key, last.get(r)), { madeByReward: this.rewardMade.has(r.id), own: r.rowsRead || bought.has(r.id) }));
    // Another part's accounts: its rows, or the accounts the setup names (each part makes the runs of its own).
    const othersElsewhere = elsewhere !== undefined || (this.setup.part !== undefined && [...this.setup.accounts.keys()].some((a) => a !== this.setup.unnamed && !this.setup.part!.has(a)));
    const unnamed = this.setup.unnamed === undefined ? undefined : this.runs.get(this.setup.unnamed);
    const accounts = withoutIdleUnnamed(made, { unnamed: this.setup.unnamed, own: unnamed !== undefined && (unnamed.rowsRead || bought.has(unnamed.id)), othersElsewhere });
    if (this.ledger !== undefined) {
      // Once, not an account list's scan a held account: a log of 30,000 creators took 16 s where it took 3 (red62f F1).
      const customers = new Set(accounts.filter((a) => a.rewardsOnly !== true).map((a) => a.account));
      this.ledger.finish(this.runList, (id) => customers.has(id));
    }
    const versions = this.versionsUsed(this.closedCycles.versions);
    const usage = this.lastUsage();
    const before = this.rowsBefore.result();
    const unbudgeted = new Map([...this.runs.values()].flatMap((r) => (r.unbudgeted === undefined ? [] : [[r.id, r.unbudgeted] as const])));
    return {
      provider: this.card.provider,
      version: this.card.version,
      unit: this.card.unit,
      currency: this.card.currency,
      timezone: this.setup.calendar.zone.name,
      accounts,
      events: { ...this.counts },
      duplicateEvents: this.duplicateList.result(),
      ...(usage === undefined ? {} : { lastUsage: usage }),
      ...(before === undefined ? {} : { beforeFirstCycle: { ...before, cycleStart: this.setup.calendar.start(0) } }),
      ...(versions === undefined ? {} : { versions }),
      ...(unbudgeted.size === 0 ? {} : { unbudgeted }),
    };
  }

  /**
   * Another part's latest row (Replay.finish): the statement reaches its cycle and instant as that row does here. A row
   * past the cycles a statement may reach is not: it is refused in its own part, and no part's statement stands.
   */
  protected reachedElsewhere(at: Instant): void {
    const index = this.cycleOf(at);
    if (index < 0 || index === FAR_AWAY || index > this.throughCycle) return;
    this.lastCycle = Math.max(this.lastCycle, index);
    if (at > this.lastInstant) this.lastInstant = at;
  }

  protected flush(): void {
    if (this.fast.held.count > 0) return this.fast.flush(this.instant);
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 1) return this.price(batch[0]!);
    for (const event of sortInstant(this.families(), batch)) this.price(event);
  }

  protected settleDeferred(): void {
    this.fast.settleDeferred();
  }

  protected override dropCaches(): void {
    super.dropCaches();
    this.fast.forget();
  }

  /** All the known path sees of this replay (full-path.ts): what a row's shape showed, in numbers, and the rules' answers. */
  private fullPath(): FullPath<AccountRun> {
    const facts: ShapeFacts = { unique: false, gauge: false, whole: false, run: 0, detail: 0, slot: -1, itemUnits: -1, parts: undefined, rooms: undefined };
    const foldCharges = this.ledger?.span;
    return {
      units: this.units,
      seenIds: this.seenIds,
      runs: this.runList,
      // Asked once an account of the rows' source has a run (KnownRows caches it), never a row: a row of it is being
      // priced, on the known path, which price() does not see.
      runOf: (account) => {
        const run = this.runs.get(account);
        if (run !== undefined) run.rowsRead = true;
        return run;
      },
      quietAt: (run, at) => this.quietAt(run, at),
      headroom: (run) => this.headroom(run),
      rooms: this.checkRooms,
      debit: (run, units, last) => {
        const credits = this.units.credits(units);
        if (units > 0) run.wallet.debit(credits, run.cycle);
        this.ledger?.charge(run, { at: last, meter: undefined, dimensions: undefined, quantity: undefined, credits });
      },
      foldCharges,
      count: (quantity) => this.book.count(quantity),
      counted: (run, at) => {
        this.counts.read++;
        this.counts.priced++;
        // A re-anchored run (new_cycle) numbers its cycles on its own calendar: the replay's cycle is that of the row's instant.
        this.reachedBy(run.calendar === undefined ? run.cycle.index : this.setup.calendar.indexOf(at));
        this.usageAt(at);
      },
      price: (event) => this.price(event),
      learn: (id) => this.learnShape(id, facts),
      foresee: (id, run, row) => this.foreseeShape(id, run, row, facts),
      itemOf: (id) => this.shapeItem(this.shapes[id]!),
      itemCharged: (item, run) => this.items.has(item, run),
      item: this.oneItem,
      chargeKnown: (id, run, row) => this.chargeKnown(id, run, row),
      chargeItem: (item, run) => this.items.add(item, run),
      opensLine: (id, run, slot) => {
        const shape = this.shapes[id];
        return shape !== undefined && this.opensKnownLine(shape, run, slot);
      },
      openLine: (id, run, row) => this.openKnownLine(this.shapes[id]!, run, row),
      addComponents: (id, run, components) => this.addKnownComponents(this.shapes[id]!, run, components),
      raiseGauge: (id, run, quantity) => {
        const shape = this.shapes[id]!;
        const { meter } = shape.event;
        if (meter.aggregation !== "gauge") throw new Error(`${meter.key} is not a gauge`);
        this.increase(run, meter, { dimensions: shape.dimensions, quantity });
      },
    };
  }

  /** A known row's components on their lines, as charge() adds them after the row's own line. */
  private addKnownComponents(shape: Shape, run: AccountRun, components: RowComponents): void {
    const { meter } = shape.event;
    const target = shape.target!;
    this.addComponentLines(run, { meter, name: meter.key, component: undefined, kind: "usage", category: target.category, pool: target.pool, dims: shape.dimensions }, { target, parts: shape.parts!, components });
  }

  /**
   * What a shape's row, just priced in full, showed of the shape's next rows:
   * a charge's unique item and whether this cycle holds it, or a flow charge
   * that nothing but the credits can refuse but beyond its checks' rooms. None where the ledger wants an entry
   * a charge (chargeByCharge).
   */
  private learnShape(id: number, facts: ShapeFacts): ShapeFacts | undefined {
    const shape = this.shapes[id];
    if (shape === undefined || shape.event.role !== "charge" || this.chargeByCharge) return undefined;
    const { meter } = shape.event;
    const { run } = shape;
    facts.run = run.ordinal;
    facts.whole = this.card.precision.roundAt === "event";
    facts.gauge = meter.aggregation === "gauge";
    const { target } = shape;
    if (facts.gauge) {
      facts.unique = false;
      facts.slot = -1;
      facts.detail = 0;
      facts.itemUnits = -1;
      facts.parts = undefined;
      facts.rooms = undefined;
      return facts;
    }
    if (meter.aggregation === "unique") {
      facts.unique = true;
      facts.detail = this.items.has(this.shapeItem(shape), run) ? run.serial : 0;
      this.itemFacts(target, shape, facts);
      facts.parts = undefined;
      facts.rooms = undefined;
      return facts;
    }
    if (meter.aggregation !== "flow" || target === undefined) return undefined;
    const parts = this.chargedByParts(target, shape) ? this.knownParts(shape.parts!) : undefined;
    if (parts === undefined && !this.chargedByUnits(target, shape)) return undefined;
    const perCount = this.units.perCount(this.eventUnit(target).exact);
    if (perCount === undefined) return undefined;
    facts.unique = false;
    facts.detail = perCount;
    facts.slot = target.slot!;
    facts.itemUnits = -1;
    facts.parts = parts;
    facts.rooms = target.creditsOnly ? undefined : target.rooms;
    return facts;
  }

  /** A shape's components' unit prices in units a millionth, or undefined where one is not a safe integer. */
  private knownParts(parts: readonly ShapePart[]): KnownPart[] | undefined {
    const known: KnownPart[] = [];
    for (const part of parts) {
      const perCount = this.units.perCount(part.unit.exact);
      if (perCount === undefined) return undefined;
      known.push({ name: part.name, perCount });
    }
    return known;
  }

  /**
   * A shape no row has shown, or none of the run's since another account's rows showed it (rebound), of a run the replay has: its target is its group's (shapeTarget), made by a row
   * of another shape of the group, or made now for a flow charge's row priced in its turn, as its charge
   * would make it before anything else could refuse it. With it, learnShape answers as it would after the
   * shape's first row priced in full. Most of a log's shapes differ from another only in a dimension nothing
   * reads (an end user), and most groups' first rows are flow charges a target away from the known path.
   */
  private foreseeShape(id: number, run: AccountRun, { source, line }: ForeseenRow, facts: ShapeFacts): ShapeFacts | undefined {
    if (this.chargeByCharge) return undefined;
    const shape = this.shapes[id] === undefined ? this.newShape(id, { meter: source.meters[id]!, dimensions: source.dimensions[id]! }, () => run) : this.rebound(this.shapes[id], run, source);
    if (shape === undefined || shape.event.role !== "charge" || !this.foreseeable(shape)) return undefined;
    const { meter } = shape.event;
    // A unique item's row charges nothing where the item is charged: its target is made at a charge only.
    const own = this.ownTarget(run, shape);
    // Another account's shared target only where a target is made here, a flow row alone at its instant and priced
    // next: seen() notes its values at once, and a row of an instant of several may be priced otherwise or dropped
    // as a repeat (red53: a budget warning named a value of a row never charged).
    const group = own ?? (line < 0 || meter.aggregation !== "flow" ? undefined : this.sharedTarget(run, shape));
    shape.target = group ?? (line < 0 || meter.aggregation !== "flow" ? undefined : this.shapeTarget(run, { meter, dims: shape.dimensions }, source.origin(line), shape));
    if (shape.target === undefined) return undefined;
    const learnt = this.learnShape(id, facts);
    // A group's first row of the run, charged on the known path, is noted as charge() notes it; the run's own target was made by a row noted so, another's shared one was not.
    if (learnt !== undefined && own === undefined) this.seen(run, shape.dimensions);
    return learnt;
  }

  /**
   * Whether a shape's rows are charged to a target of the shape's, as charge() makes it: at its unit price alone, or
   * with its components' each at theirs where a row of the shape priced them already (its parts, the same in every
   * account). A gateway's token-priced requests of many customers took the full path a row (newcomer57's month of
   * 1,200 customers: 292,090 rows of 297,000), each rebinding its model's shape to another account.
   */
  private foreseeable(shape: Shape): boolean {
    const { meter } = shape.event;
    return this.byEventPrice(meter) || (shape.parts !== undefined && this.byUnits(meter, shape.dimensions));
  }

  /**
   * A shape whose rows so far were another account's, taken for this one's as shapeOf takes it for a row priced
   * in full: what depends on the account (its run, its target) is worked out again, the rest (its group, line,
   * parts, item) is the same in every account. None for a shape of this run, which foresee has nothing to add to:
   * a row of its priced in full already told what its rows may skip (learnShape).
   */
  private rebound(shape: Shape, run: AccountRun, source: RowSource): Shape | undefined {
    if (shape.run === run || shape.dimensions !== source.dimensions[shape.id] || shape.meter !== source.meters[shape.id]) return undefined;
    shape.run = run;
    shape.target = undefined;
    return shape;
  }

  /**
   * A known row of a flow shape charged as charge() charges it, with what it may skip skipped: its target is
   * its shape's, its cost its units. The checks that apply to it (each with a room) refuse it first, then
   * the full way, naming its row; the credits pay it, or go past the balance into the pool's grace, or
   * refuse it; the checks record what was paid and the balance rules see it.
   */
  private chargeKnown(id: number, run: AccountRun, row: KnownCharge): boolean {
    const shape = this.shapes[id];
    const target = shape?.target;
    // A split crossing charges the part the credits cover: chargeFlow's, the full way.
    if (shape === undefined || shape.run !== run || target === undefined || this.card.crossing === "split") return false;
    const amount = this.units.credits(row.units);
    const { meter } = shape.event;
    const charge = { run, meter, dims: shape.dimensions, quantity: row.quantity, amount, at: row.at };
    const refused = target.creditsOnly ? undefined : this.refusal(charge);
    if (refused !== undefined) return this.rejectKnown(run, { meter, reason: refused, quantity: row.quantity, count: row.count, at: row.at, event: undefined, knownRow: true, outOfCredits: false, credits: amount });
    const { pool } = target;
    const short = this.pastBalance(run, amount);
    const grace = short === NO_CREDITS ? NO_CREDITS : this.graceFor(run, pool, short, false);
    if (grace === undefined) return this.rejectKnown(run, { meter, reason: this.exhaustedReason(run, pool), quantity: row.quantity, count: row.count, at: row.at, event: undefined, knownRow: true, outOfCredits: true, credits: amount });
    // A refused row opens no line; a paid one opens its line as charge() does, where the known path can (opensLine).
    const open = run.cycle.hasSlot(target.slot!);
    if (!open && !this.opensKnownLine(shape, run, target.slot!)) return false;
    this.pay(run, { amount, short, grace, pool });
    if (row.item >= 0) this.items.add(row.item, run);
    if (open) run.cycle.addToSlot(target.slot!, row.quantity, row.count);
    else this.openKnownLine(shape, run, row);
    if (row.components !== undefined) this.addKnownComponents(shape, run, row.components);
    if (!target.creditsOnly) this.account(charge);
    this.afterCharge(run, { amount, at: row.at });
    this.ledger?.charge(run, { at: row.at, meter: meter.key, dimensions: shape.dimensions, quantity: row.quantity, credits: amount });
    return true;
  }

  /** A known row refused as charge() refuses it, true; false, nothing changed, for the first refusal of its meter and reason in the cycle, which goes the full way so that the statement names its row, and for every refusal a setup weighs at other prices. */
  private rejectKnown(run: AccountRun, refused: Refused): boolean {
    if (this.worthOf !== undefined || !run.cycle.rejects(refused.meter.key, refused.reason)) return false;
    this.reject(run, refused);
    return true;
  }

  /** Whether a charge of the shape's row of the run would open its line `slot` as openKnownLine opens it, nothing else differing. */
  private opensKnownLine(shape: Shape, run: AccountRun, slot: number): boolean {
    const target = shape.target;
    return shape.run === run && target !== undefined && target.slot === slot && (this.chargedByUnits(target, shape) || this.chargedByParts(target, shape));
  }

  /** The shape's line opened in the run's cycle as charge() adds an accepted charge's line: a known row's amount is quantity x unit price, worked out at close. */
  private openKnownLine(shape: Shape, run: AccountRun, { quantity, count }: { quantity: Decimal; count: number }): void {
    const { meter } = shape.event;
    const target = shape.target!;
    run.cycle.addLine({ meter, name: meter.key, component: undefined, kind: "usage", category: target.category, pool: target.pool, dims: shape.dimensions }, { quantity, count, unit: target.unit, amount: undefined, eventPrice: target.head?.eventPrice, slot: target.slot, dimensions: target.dimensions, head: target.head });
  }

  /**
   * What the first row in a cycle of a unique item's shape, of the shape's run, would be charged, as price()
   * would charge it: learnt with the shape's target, which changes only as a row of the shape is priced in
   * full or foreseen, each learnt again, so that such a row asks only whether the cycle holds its item.
   */
  private itemFacts(target: ChargeTarget | undefined, shape: Shape, facts: ShapeFacts): void {
    facts.slot = -1;
    facts.itemUnits = -1;
    // Its checks' rooms are not drawn on: only a charge that nothing but the credits can refuse.
    if (target === undefined || !target.creditsOnly || !this.chargedByUnits(target, shape)) return;
    facts.slot = target.slot!;
    facts.itemUnits = target.itemUnits ??= this.itemUnits(target);
  }

  /** One item's units at the target's unit price, -1 where they are not a safe integer: the same for every shape of the target's group. */
  private itemUnits(target: ChargeTarget): number {
    const perCount = this.units.perCount(this.eventUnit(target).exact);
    return (perCount === undefined ? undefined : this.units.cost(this.oneItem.count, perCount)) ?? -1;
  }

  /** One unique item, as its first row in a cycle charges it: its count is the same in every card's book. */
  private readonly oneItem = { quantity: ITEM_QUANTITY, count: this.book.quantity(ITEM_QUANTITY).count! };

  /** Whether a charge to this target is its quantity's and its components' each times a fixed unit price (the shape's parts), refused by nothing but the credits within its checks' rooms: what a known row with components may cost. */
  private chargedByParts(target: ChargeTarget, shape: Shape): boolean {
    return target.rooms !== undefined && shape.parts !== undefined && this.byUnits(shape.event.meter, shape.dimensions);
  }

  /** Whether a charge to this target is its quantity times the unit price, refused by nothing but the credits within its checks' rooms: what a known row may cost. */
  private chargedByUnits(target: ChargeTarget, shape: Shape): boolean {
    return target.rooms !== undefined && this.byEventPrice(shape.event.meter);
  }

  /** What one whole event costs at the target: its unit price, or where the card rounds each event, its line's rounded price of one event (LineHead.eventPrice). */
  private eventUnit(target: ChargeTarget): UnitPrice {
    const head = target.head;
    return head === undefined || head.eventPrice === target.unit.value ? target.unit : this.book.text(head.eventPrice);
  }
}
