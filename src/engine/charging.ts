import { cellOf, UserError, shown, type Location } from "../errors.js";
import { Decimal, ONE, ZERO, roundToStep } from "../money.js";
import type { Meter, RateCard } from "../ratecard/types.js";
import { EventPrices } from "./event-prices.js";
import { formatInstant, type Instant } from "../time.js";
import { add, min, NO_CREDITS, sub, unitsOf, wholeUnits, type Credits } from "./credits.js";
import { componentUnits, itemKey, itemNamed, lineDimensions, priceDimensions, pricedByUnitAlone, pricedByUnits, priceEvent, resolve, type PricedEvent, type UnitPrice } from "./pricing.js";
import type { UsageEvent } from "./types.js";
import { Limits } from "./limits.js";
import { ledgerParts } from "./ledger-parts.js";
import { beforeFirstCycle } from "./rows-before.js";
import type { ShapedEvent } from "./rows.js";
import { LineHead, type LineOf } from "./cycle-lines.js";
import { flatKey, lengthPrefixed } from "./keys.js";
import { CHARGE_CHECKS } from "./rules.js";
import { endsBy, planServes } from "./subscription-end.js";
import { FAR_AWAY, FAR_CYCLES, mapOf, setOf, type AccountRun, type ActiveItem, type ChargeRequest, type ChargeTarget, type Dimensions, type GaugeLevel, type Shape, type ShapeLine, type ShapePart } from "./replay-state.js";

/** The parts of a key being made (flatKey). */
const KEY_PARTS: string[] = [];

/** What a unique meter charges for an item: one unit, at the item's first row in a cycle. */
export const ITEM_QUANTITY = ONE;

/** The full path: an event priced by its meter, charged to its line against the credits and every limit. */
export abstract class Charging extends Limits {
  protected price(event: UsageEvent): void {
    const index = this.cycleOf(event.at);
    if (index < 0) {
      const refusal = beforeFirstCycle({ event, card: this.card, calendar: this.setup.calendar, skip: this.setup.beforeFirstCycle === "skip" });
      if (refusal !== undefined) throw refusal;
      // Not read, as a row skip_rows: leaves out is not; its id is known, so that a retry in the first cycle is a repeat (red54).
      this.seenIds.firstSeen(event);
      return this.rowsBefore.add(event);
    }
    this.counts.read++;
    if (index === FAR_AWAY) {
      const anchor = this.setup.calendar.start(0);
      throw new UserError(`usage more than ${FAR_CYCLES} cycles after the anchor ${formatInstant(anchor)}`, event.origin, `an instant before ${formatInstant(this.farFrom)}, or --through a date in its cycle`, formatInstant(event.at));
    }
    if (index > this.throughCycle) {
      throw new UserError("usage after the statement's last cycle", event.origin, `an instant before ${formatInstant(this.setup.calendar.start(this.throughCycle + 1))} (--through)`, formatInstant(event.at));
    }
    this.reachedBy(index);
    this.usageAt(event.at);
    this.applyDueUntil(event.at);
    let shape = this.shapeOf(event);
    const run = shape?.run ?? this.run(event.account);
    run.rowsRead = true;
    const epoch = this.epoch;
    this.advance(run, event.at);
    // A downgrade that applied at the cycle start the clock just crossed dropped the shapes: this one's target may be stale.
    if (this.epoch !== epoch) shape = this.shapeOf(event);

    const meterEvent = shape?.event ?? this.card.events.get(event.meter);
    if (!meterEvent) throw this.unknownMeter(event);
    const firstSeen = this.seenIds.firstSeen(event);
    if (firstSeen) {
      this.counts.duplicates++;
      this.duplicateList.add({ eventId: event.eventId!, meter: event.meter, first: firstSeen, repeat: event.origin, at: event.at, account: event.account });
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
    // Noted as the known path notes its rows (a gauge's rise is charged at cycle starts, not by its row): whatever then refuses the row.
    if (meter.aggregation !== "gauge") this.seen(run, event.dimensions);
    switch (meter.aggregation) {
      case "flow":
        return this.chargeFlow(run, meter, event, shape);
      case "unique": {
        // A row's quantity counts its events (a pre-aggregated bucket): a bucket of none is no visit, and charges nothing.
        if (event.quantity.isZero()) return;
        const item = shape === undefined ? this.items.number(meter, event.dimensions) : this.shapeItem(shape);
        if (this.items.has(item, run)) return;
        if (this.charge(run, { at: event.at, meter, kind: "usage", dims: event.dimensions, quantity: ITEM_QUANTITY, event, probe: false, shape })) this.items.add(item, run);
        return;
      }
      case "recurring":
        return this.activate(run, meter, event);
      case "gauge":
        return this.increase(run, meter, event);
    }
  }

  /**
   * Whether price() of a row of the run at `at` goes straight to its charge:
   * the instant is in the run's open cycle and the statement's, so none of
   * price()'s checks of the instant throws and advance() closes no cycle; no
   * purchase or change is due (applyDueUntil); no grant expires by then.
   */
  protected quietAt(run: AccountRun, at: Instant): boolean {
    const index = this.cycleOf(at);
    // A run re-anchored by an upgrade numbers its cycles apart from the calendar's: its own end decides.
    // The subscription's end is a clock change as an expiry is: the row that crosses it goes the full way (advance ends the plan).
    return index === run.cycle.index && at < run.cycle.end && index <= this.throughCycle && this.nextDueAt > at && !run.wallet.dueBy(at) && !endsBy(run, at);
  }

  /** A meter the card in force lacks: with versions, the reader took it because another version has it. */
  protected unknownMeter(event: UsageEvent): UserError {
    if (this.setup.versions === undefined) return new UserError(`unknown meter ${shown(event.meter)}`, event.origin, "a meter of the rate card");
    const defining = this.setup.versions.filter((v) => v.card.events.has(event.meter)).map((v) => shown(v.card.version));
    const which = defining.length === 0 ? "" : ` (version ${defining.join(", ")} has it)`;
    return new UserError(`meter ${shown(event.meter)} is not in card version ${shown(this.card.version)}, in force at this row's instant${which}`, event.origin, `a meter of version ${shown(this.card.version)}`, shown(event.meter));
  }

  /** A unique meter's item's number (ChargedItems) of a shape: its meter's and values', the shape's in every cycle and account, so found once. */
  protected shapeItem(shape: Shape): number {
    if (shape.item === undefined) {
      const { meter } = shape.event;
      if (meter.aggregation !== "unique") throw new Error(`${meter.key} is not a unique meter`);
      const source = this.rowSource;
      // A card of versions may key a meter by other dimensions from one to the next: its items are found by their values.
      const ofSource = source !== undefined && this.setup.versions === undefined && source.dimensions[shape.id] === shape.dimensions;
      shape.item = ofSource ? this.items.cellNumber(meter, source, shape.id) : this.items.number(meter, shape.dimensions);
    }
    return shape.item;
  }

  /** The event's shape, worked out at its first row; none for an event without one, or whose shape number does not match it. */
  protected shapeOf(event: UsageEvent): Shape | undefined {
    const id = (event as Partial<ShapedEvent>).shape;
    if (id === undefined) return undefined;
    const known = this.shapes[id];
    if (known !== undefined) {
      if (known.dimensions !== event.dimensions || known.meter !== event.meter) return undefined;
      // Rows of a shape come from any account: what depends on the account is the last one's, worked out again for another.
      if (known.run.id !== event.account) {
        known.run = this.run(event.account);
        known.target = undefined;
      }
      return known;
    }
    return this.newShape(id, event, () => this.run(event.account));
  }

  /** Shape number `id`, of its row's meter and dimensions (the same objects as its events'), kept: none for a meter the card lacks. */
  protected newShape(id: number, row: { meter: string; dimensions: Dimensions }, runOf: () => AccountRun): Shape | undefined {
    const meterEvent = this.card.events.get(row.meter);
    if (meterEvent === undefined) return undefined;
    const shape: Shape = { id, meter: row.meter, dimensions: row.dimensions, run: runOf(), event: meterEvent, target: undefined, item: undefined, group: undefined, line: undefined, parts: undefined };
    // Numbers come in order from 0: filled without a gap, the array stays a fast one.
    while (this.shapes.length < id) this.shapes.push(undefined);
    this.shapes[id] = shape;
    return shape;
  }

  protected chargeFlow(run: AccountRun, meter: Meter, event: UsageEvent, shape: Shape | undefined): void {
    const splittable = this.card.crossing === "split" && pricedByUnitAlone(meter);
    const usage: ChargeRequest = { at: event.at, meter, kind: "usage", dims: event.dimensions, quantity: event.quantity, event, probe: false, shape };
    if (!splittable || this.charge(run, { ...usage, probe: true })) {
      this.charge(run, usage);
      return;
    }
    // Split: accept the whole units the credits (and grace) still cover, reject the rest.
    // A unit is an event (pricing.ts, eachOf): where the card rounds each event, a unit costs its price rounded.
    const price = this.book.unit(meter, event.dimensions, event.origin);
    const unit = this.card.precision.roundAt === "event" ? this.scale.of(this.round(price.value)) : this.scale.product(this.book.quantity(ONE), price.exact);
    const pool = resolve(meter.pool, event.dimensions, "pool", meter, event.origin);
    const room = planServes(run) ? add(run.wallet.balance(), run.cycle.graceLeft(pool)) : run.wallet.balance();
    const units = unit === NO_CREDITS ? event.quantity : Decimal.min(event.quantity, new Decimal(wholeUnits(room, unit).toString()));
    if (units.gt(0)) this.charge(run, { ...usage, quantity: units, shape: undefined });
    const rest = event.quantity.minus(units);
    // What the rest would have been charged: its units at a unit's price, rounded where the card rounds each event
    // (red63b M1, red63d M1: a split card's refusals had none, and diff's worth of them fell below zero).
    const credits = this.card.precision.roundAt === "event" ? unitsOf(unit, rest) : this.scale.product(this.book.quantity(rest), price.exact);
    if (rest.gt(0)) this.reject(run, { meter, reason: this.exhaustedReason(run, pool), quantity: rest, at: event.at, event, outOfCredits: true, credits });
  }

  protected activate(run: AccountRun, meter: Meter & { aggregation: "recurring" }, event: UsageEvent): void {
    const key = itemKey(meter.keyBy, event.dimensions);
    const items = mapOf<ActiveItem>((run.active ??= new Map()), meter.key);
    const charged = run.cycle.chargedItems(meter.key);
    // An active item started again is free within its cycle, but what it was started with holds from then on: a
    // channel published again private bills private's price from the next cycle (red team, stop 38: kept public).
    if (items.has(key) || charged.has(key)) {
      items.set(key, { dims: { ...event.dimensions } });
      return;
    }
    if (this.charge(run, { at: event.at, meter, kind: "usage", dims: event.dimensions, quantity: ONE, event, probe: false, shape: undefined })) {
      items.set(key, { dims: { ...event.dimensions } });
      charged.add(key);
    } else {
      setOf((run.refused ??= new Map()), meter.key).add(key);
    }
  }

  protected deactivate(run: AccountRun, meter: Meter & { aggregation: "recurring" }, event: UsageEvent): void {
    const key = itemKey(meter.keyBy, event.dimensions);
    const items = mapOf<ActiveItem>((run.active ??= new Map()), meter.key);
    if (!items.delete(key) && !run.refused?.get(meter.key)?.delete(key)) {
      // Said at the item's cell (its key's first column), the value the reader looks up in vain.
      throw new UserError(`${shown(event.meter)} for an item that is not active`, cellOf(event.origin, meter.keyBy[0]!), `an earlier ${shown(meter.key)} for ${itemNamed(meter.keyBy, event.dimensions)}`, "none");
    }
  }

  protected increase(run: AccountRun, meter: Meter & { aggregation: "gauge" }, event: Pick<UsageEvent, "dimensions" | "quantity">): void {
    const key = itemKey(meter.keyBy, event.dimensions);
    const levels = mapOf<GaugeLevel>((run.gauges ??= new Map()), meter.key);
    const gauge = levels.get(key);
    if (gauge) gauge.level = gauge.level.plus(event.quantity);
    else levels.set(key, { level: event.quantity, dims: { ...event.dimensions }, chargedLevel: ZERO, chargedPrice: ZERO, refundedLevel: ZERO });
  }

  /** A decrease refunds the part of the level charged at cycle start that is now gone, never more. */
  protected decrease(run: AccountRun, meter: Meter & { aggregation: "gauge" }, event: UsageEvent): void {
    const key = itemKey(meter.keyBy, event.dimensions);
    const gauge = mapOf<GaugeLevel>((run.gauges ??= new Map()), meter.key).get(key);
    if (!gauge || gauge.level.lt(event.quantity)) {
      throw new UserError(`${shown(event.meter)} takes ${itemNamed(meter.keyBy, event.dimensions)} below zero`, event.origin, `at most the level ${gauge ? gauge.level.toFixed() : "0"}`, event.quantity.toFixed());
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
    // Labelled with the version that priced the charge at the cycle's start, whose price it gives back (red team, stop 37),
    // and whose pool's policy and credit price billed it past zero (red56b F3).
    const version = this.versionAt(run.cycle.start);
    const charged = version === undefined ? this.card : this.setup.versions?.find((v) => v.card.version === version)?.card ?? this.card;
    run.cycle.recordRefund(allocation, fromUncovered, billedAt(charged, pool));
    // A grant that paid for the charge and has since expired cannot take credits back.
    const given = this.scale.decimal(sub(amount, left));
    run.cycle.addLine({ meter, name: event.meter, component: undefined, kind: "refund", category, pool, dims: gauge.dims }, { quantity: refundable.neg(), count: undefined, unit: this.book.text(gauge.chargedPrice), amount: given.neg(), slot: undefined, version });
    this.log(run, { at: event.at, type: "refund", meter: event.meter, dimensions: gauge.dims, quantity: refundable.neg(), amount: given });
  }

  /**
   * Charge credits for `quantity` of a meter. Accepted only if the grants, plus
   * the pool's grace buffer, cover the whole amount (unless the card lets the
   * crossing event through), and the plan's gates, quota, limits and budgets
   * allow it; otherwise rejected and no balance changes.
   * With `probe`, only answers whether the credits would cover it. A usage
   * charge of a shape keeps its target for the shape's next rows.
   */
  protected charge(run: AccountRun, request: ChargeRequest): boolean {
    const { at, meter, kind, dims, quantity, event, probe, shape } = request;
    const origin = event?.origin ?? meter.location;
    const rounding = this.card.precision.roundAt === "event";
    // Most events cost their quantity times the unit price: two integers multiplied, no Decimal.
    let priced: PricedEvent | undefined;
    let parts: ShapePart[] | undefined;
    let target: ChargeTarget;
    let amount: Credits;
    const exactQuantity = this.book.quantity(quantity);
    const components = event?.components;
    if (this.byUnitPrice(meter)) {
      target = shape === undefined ? this.target(run, request, origin, this.book.unit(meter, dims, origin)) : (shape.target ??= this.shapeTarget(run, request, origin, shape));
      amount = this.scale.product(exactQuantity, target.unit.exact);
    } else if (shape !== undefined && components !== undefined && this.byUnits(meter, dims)) {
      // A shape's components are priced as priceEvent prices them, each quantity times its unit price, in integers; its lines have numbers.
      parts = shape.parts ??= this.shapeParts(meter, dims, origin);
      target = shape.target ??= this.shapeTarget(run, request, origin, shape);
      amount = this.scale.product(exactQuantity, target.unit.exact);
      for (const part of parts) amount = add(amount, this.scale.product(this.book.quantity(components[part.name] ?? ZERO), part.unit.exact));
    } else {
      priced = priceEvent(this.book, this.card, { meter, dims, quantity, components: event?.components, origin });
      // Rounded per event, a shape's row still goes to its shape's target and line by number (a key string a row cost most).
      target = shape !== undefined && this.byEventPrice(meter) ? (shape.target ??= this.shapeTarget(run, request, origin, shape)) : this.target(run, request, origin, priced.unit);
      amount = this.scale.of(priced.amount);
    }
    const byEvents /* whole events at one event's rounded price, which the line's head holds (EventPrices) */ = rounding && target.head !== undefined && target.head.eventPrice !== target.head.unitPrice && quantity.isInteger() && !quantity.isNegative();
    const { unit, pool, category } = target;
    const limited = event !== undefined && kind === "usage" && !target.creditsOnly;
    if (limited && !probe) {
      const reason = this.refusal({ run, meter, dims, quantity, amount, at });
      if (reason !== undefined) {
        this.reject(run, { meter, reason, quantity, at, event, outOfCredits: false, credits: amount });
        return false;
      }
    }
    const short = this.pastBalance(run, amount);
    const grace = short === NO_CREDITS ? NO_CREDITS : this.graceFor(run, pool, short, probe);
    if (grace === undefined) {
      if (!probe) this.reject(run, { meter, reason: this.exhaustedReason(run, pool), quantity, at, event, outOfCredits: true, credits: amount });
      return false;
    }
    if (probe) return true;
    this.pay(run, { amount, short, grace, pool });
    const line: LineOf = { meter, name: meter.key, component: undefined, kind, category, pool, dims };
    run.cycle.addLine(line, { quantity, count: exactQuantity.count, unit, amount: rounding && !byEvents ? priced!.own : undefined, eventPrice: target.head?.eventPrice, slot: target.slot, dimensions: target.dimensions, head: target.head });
    for (const p of priced?.extras ?? []) {
      if (p.quantity.isZero()) continue;
      run.cycle.addLine({ ...line, component: p.component }, { quantity: p.quantity, count: undefined, unit: p.unit, amount: rounding ? p.amount : undefined, slot: undefined });
    }
    if (parts !== undefined) this.addComponentLines(run, line, { target, parts, components: components! });
    if (limited) this.account({ run, meter, dims, quantity, amount, at });
    this.afterCharge(run, { amount, at });
    this.ledger?.charge(run, { at, meter: meter.key, dimensions: dims, quantity, credits: amount, ...(this.ledger.wantsParts ? { parts: ledgerParts({ priced, parts, components }, this.book, this.scale) } : {}) });
    return true;
  }

  /** A shape's charge's components on their lines, after its own `line`: each quantity at its unit price, a zero component on none. */
  protected addComponentLines(run: AccountRun, line: LineOf, charged: { target: ChargeTarget; parts: readonly ShapePart[]; components: Readonly<Record<string, Decimal>> }): void {
    const { target, parts, components } = charged;
    for (const part of parts) {
      const q = components[part.name] ?? ZERO;
      if (q.isZero()) continue;
      const slot = part.line;
      const count = this.book.count(q);
      // An open line takes the count in its sums, as addLine, finding it by its number, would: no line object a row.
      if (count !== undefined && run.cycle.hasSlot(slot)) run.cycle.addToSlot(slot, q, count);
      else run.cycle.addLine({ ...line, component: part.name }, { quantity: q, count, unit: part.unit, amount: undefined, slot, dimensions: target.dimensions });
    }
  }

  /** How far a charge of `amount` goes past the run's balance (0 where the balance covers it). */
  protected pastBalance(run: AccountRun, amount: Credits): Credits {
    const balance = run.wallet.balance();
    return amount > balance ? sub(amount, balance) : NO_CREDITS;
  }

  /**
   * Of a charge `short` credits past the balance, what the pool's grace buffer
   * takes (the rest uncovered), where the pool lets usage past its credits, the
   * buffer holds it, or the card lets the crossing charge through (not asked of
   * a probe); undefined where the credits refuse it. The crossing charge is the
   * one that finds something left (credits, or the buffer) and goes past it: once
   * nothing is left, no later charge crosses anything, and each is refused.
   */
  protected graceFor(run: AccountRun, pool: string, short: Credits, probe: boolean): Credits | undefined {
    // The buffer, a pool that allows usage past its credits and the crossing charge are the plan's: none once it ended.
    if (!planServes(run)) return undefined;
    const policy = this.card.pools.get(pool)!.whenExhausted;
    const graceLeft = policy === "grace" ? run.cycle.graceLeft(pool) : NO_CREDITS;
    const crosses = this.card.crossing === "accept" && !probe && (graceLeft > NO_CREDITS || run.wallet.balance() > NO_CREDITS);
    return policy === "allow" || policy === "overage" || short <= graceLeft || crosses ? min(short, graceLeft) : undefined;
  }


  /** Pay an accepted charge: from the grants, in burn order, all but what goes `short` past the balance, `grace` of that from the pool's buffer. */
  protected pay(run: AccountRun, { amount, short, grace, pool }: { amount: Credits; short: Credits; grace: Credits; pool: string }): void {
    this.beforePay(run);
    run.wallet.debit(sub(amount, short), run.cycle);
    run.cycle.recordDebit(short, grace, pool, short !== NO_CREDITS ? billedAt(this.card, pool) : undefined);
  }

  /** Whether a charge of the meter is its quantity times the unit price (two integers multiplied, no Decimal), rather than priced per event. */
  protected byUnitPrice(meter: Meter): boolean {
    return this.card.precision.roundAt !== "event" && this.byEventPrice(meter);
  }

  /** Whether a whole number of events of the meter costs that number times one price (EventPrices). */
  protected byEventPrice(meter: Meter): boolean {
    return this.eventPrices.byEventPrice(this.card, meter);
  }
  private readonly eventPrices = new EventPrices();

  /** Whether a charge of the meter with these dimensions is its quantity and its components' each times a unit price (in integers), rather than priced per event. */
  protected byUnits(meter: Meter, dims: Dimensions): boolean {
    return this.card.precision.roundAt !== "event" && pricedByUnits(meter, dims);
  }

  /** A shape's components: their unit prices, looked up after the meter's own as priceEvent looks them up, and their lines' numbers (a line's key with its component last). */
  protected shapeParts(meter: Meter, dims: Dimensions, origin: Location): ShapePart[] {
    this.book.checkConditions(meter, dims, origin); // as priceEvent checks each event's: a surcharge's condition values
    this.book.unit(meter, dims, origin);
    const units = componentUnits(this.book, meter, dims, origin);
    return meter.components.map((c, j) => {
      const parts = KEY_PARTS;
      parts.push(lengthPrefixed(meter.key));
      for (const d of meter.dimensions) parts.push(lengthPrefixed(dims[d] ?? ""));
      parts.push(lengthPrefixed(units[j]!.text), lengthPrefixed(this.version ?? ""), lengthPrefixed(c.name));
      return { name: c.name, unit: units[j]!, line: this.lineId(flatKey(parts)) };
    });
  }

  /** A line's number by its key, given the next one at its first. */
  private lineId(key: string): number {
    let id = this.lineIds.get(key);
    if (id === undefined) {
      this.lineIds.set(key, (id = this.lineIds.size));
      // A component's line has no ShapeLine: its place is filled, so that the array stays without a gap.
      this.shapeLines[id] ??= undefined;
    }
    return id;
  }

  /**
   * A shape's target, shared with every shape of the same account, meter and
   * values of the dimensions a target depends on: the hundred thousand shapes of
   * one end-user each differ only in a dimension no target reads. The meter and
   * values are numbered once a shape (its group), so that a row of another
   * account than the shape's last finds its target by two numbers, not a key.
   */
  protected shapeTarget(run: AccountRun, { meter, dims }: Pick<ChargeRequest, "meter" | "dims">, origin: Location, shape: Shape): ChargeTarget {
    let target = this.groupTarget(run, shape);
    if (target === undefined) {
      target = this.target(run, { meter, dims }, origin, this.book.unit(meter, dims, origin), shape);
      const group = shape.group!;
      this.targetsByDimensions.set(group, run.ordinal, target);
    }
    return target;
  }

  /** The run's target of the shape's group, where a row of a shape of the group made it (shapeTarget), or the group's that no check applies to: nothing priced. */
  protected groupTarget(run: AccountRun, shape: Shape): ChargeTarget | undefined {
    return this.ownTarget(run, shape) ?? this.sharedTarget(run, shape);
  }

  /** The target a row of the run of a shape of the group made (shapeTarget): found by two numbers. */
  protected ownTarget(run: AccountRun, shape: Shape): ChargeTarget | undefined {
    const group = (shape.group ??= this.groupOf(shape.event.meter, shape));
    return this.targetsByDimensions.get(group, run.ordinal);
  }

  /** The group's target that no check applies to (GroupTargets.shared), another run's, where none applies to this run's charges of the group either. */
  protected sharedTarget(run: AccountRun, shape: Shape): ChargeTarget | undefined {
    const shared = this.targetsByDimensions.shared((shape.group ??= this.groupOf(shape.event.meter, shape)));
    return shared !== undefined && this.checkRooms.of(run, shape.event.meter, shape.dimensions)?.length === 0 ? shared : undefined;
  }

  /** The number of the meter and the values of the dimensions its target reads. */
  protected groupOf(meter: Meter, shape: Shape): number {
    let reads = this.targetDimensions.get(meter);
    if (reads === undefined) this.targetDimensions.set(meter, (reads = this.dimensionsOfTarget(meter)));
    const source = this.rowSource;
    return source !== undefined && source.dimensions[shape.id] === shape.dimensions ? this.targetGroups.ofShape(meter, reads, source, shape.id) : this.targetGroups.of(meter, reads, shape.dimensions);
  }

  /** Every dimension a usage target of this meter reads: its line's, its price's, its pool's and category's, and those of gates, limits, budgets and rewards. */
  protected dimensionsOfTarget(meter: Meter): readonly string[] {
    const card = this.card;
    const reads = new Set([...meter.dimensions, ...priceDimensions(meter)]);
    for (const lookup of [meter.pool, meter.category]) if (lookup.kind === "by") reads.add(lookup.dimension);
    for (const check of CHARGE_CHECKS) for (const dim of check.reads(card)) reads.add(dim);
    return [...reads];
  }

  /**
   * Where a charge goes; for a shape's usage, with its line's number in the account. A log of many accounts
   * makes a target about every row (each row a line of its account's), so a shape keeps what is not the account's.
   */
  protected target(run: AccountRun, { meter, dims }: Pick<ChargeRequest, "meter" | "dims">, origin: Location, unit: UnitPrice, shape?: Shape): ChargeTarget {
    if (shape === undefined) return { unit, pool: resolve(meter.pool, dims, "pool", meter, origin), category: resolve(meter.category, dims, "category", meter, origin), slot: undefined, dimensions: undefined, head: undefined, creditsOnly: false, rooms: undefined, itemUnits: undefined };
    const { id, pool, category, dimensions, head } = (shape.line ??= this.shapeLine(meter, dims, origin, unit));
    const rooms = this.checkRooms.of(run, meter, dims);
    return { unit, pool, category, slot: id, dimensions, head, creditsOnly: rooms?.length === 0, rooms, itemUnits: undefined };
  }

  /** The number of a shape's line (its meter, the line's dimension values, unit price and card version), its pool and category. */
  protected shapeLine(meter: Meter, dims: Dimensions, origin: Location, unit: UnitPrice): ShapeLine {
    const pool = resolve(meter.pool, dims, "pool", meter, origin);
    const category = resolve(meter.category, dims, "category", meter, origin);
    // Keys of parts each prefixed with its length: no part can run into the next, whatever it holds.
    const parts = KEY_PARTS;
    parts.push(lengthPrefixed(meter.key));
    for (const d of meter.dimensions) parts.push(lengthPrefixed(dims[d] ?? ""));
    parts.push(lengthPrefixed(unit.text), lengthPrefixed(this.version ?? ""));
    const id = this.lineId(flatKey(parts));
    // The shapes of a line (a log of many accounts has about five a line, one an account) share it, where it is the same.
    const made = this.shapeLines[id];
    if (made !== undefined && made.pool === pool && made.category === category && made.head.unitPrice === unit.value && made.head.version === this.version) return made;
    const dimensions = lineDimensions(meter, dims);
    const eventPrice = this.eventPrices.of(this.book, this.card, { meter, dims, origin, unit });
    const shapeLine = { id, pool, category, dimensions, head: new LineHead({ meter: meter.key, kind: "usage", category, pool, dimensions, unitPrice: unit.value, eventPrice, source: meter, version: this.version }) };
    // Ids come in order from 0, each made here first: the array is filled without a gap.
    if (made === undefined) this.shapeLines[id] = shapeLine;
    return shapeLine;
  }

  /** Each line's ShapeLine, by its id (lineIds), as the first of its shapes made it. */
  private readonly shapeLines: (ShapeLine | undefined)[] = [];

  protected round(amount: Decimal): Decimal {
    const p = this.card.precision;
    return p.roundAt === "event" ? roundToStep(amount, p.step, p.rounding) : amount;
  }
}

/** The credit price a card's pool bills its credits past zero at (when_exhausted: overage), undefined where it bills none. */
function billedAt(card: RateCard, pool: string): Decimal | undefined {
  const policy = card.pools.get(pool)?.whenExhausted;
  return policy === "overage" ? card.creditPrice : undefined;
}
