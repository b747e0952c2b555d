import type { Decimal } from "../../money.js";
import { spanEnd, type Instant } from "../../time.js";
import { NO_CREDITS, plusUnits } from "../credits.js";
import { sameEventId, type ScannedIdRow } from "../event-ids.js";
import { HeldRows, rowEvent, type RowSource } from "../rows.js";
import { instantOrder, itemsInLogOrder, type ItemFamilies, type ItemFamily, type InstantRows } from "../canonical-order.js";
import type { ForeseenRow, FullPath, KnownCharge, KnownPart, KnownRun, RowComponents, ShapeFacts } from "../full-path.js";
import { COVERED_FLOW, GAUGE_RISE, KnownShapes, UNIQUE_CHARGED, UNKNOWN } from "./known-shapes.js";
import { DrawnRooms } from "./drawn-rooms.js";

/** A held row's slot where it is a gauge's rise (knownCost): below the slots of charges and the -1 of a charge of nothing. */
const GAUGE_ROW = -2;

/** Held rows sorted by insertion; more are sorted by Array.prototype.sort, stable too, in as many comparisons as rows times their logarithm. */
const FEW_HELD = 16;

/**
 * The known path: the rows of one instant, held, and priced without an event
 * where their shape's earlier rows showed all price() would do, their covered
 * charges deferred and taken from the wallet together. It works on numbers
 * (shape numbers, run ordinals, line slots, units) and reaches the full path
 * only through `FullPath` (full-path.ts): any other row is priced there.
 */
export class KnownRows<Run extends KnownRun> {
  /** The rows of the instant being read. */
  readonly held = new HeldRows();
  /** The held rows' order (instantOrder, then itemsInLogOrder), by their places. */
  private readonly heldOrder: number[] = [];
  private known = new KnownShapes();
  private source: RowSource | undefined;
  /** The instant of the rows being priced. */
  private instant: Instant = -Infinity;
  private readonly runs: readonly Run[];

  /** What known rows drew on the checks' rooms, settled with their deferred charges. */
  private readonly drawn: DrawnRooms;

  constructor(
    private readonly full: FullPath<Run>,
    private readonly families: () => ItemFamilies,
  ) {
    this.runs = full.runs;
    this.drawn = new DrawnRooms(full.rooms);
    this.foldEnd = full.foldCharges === undefined ? Infinity : -Infinity;
  }

  /** The source the held rows come from: a replay reads the rows of one. */
  read(source: RowSource): void {
    if (this.source === source) return;
    if (this.source !== undefined) throw new Error("a replay reads the rows of one source");
    this.source = source;
  }

  /** Rows `from` to `to` of a batch of `n` rows, of these shapes, are priced soon: their shapes' numbers are read ahead (KnownShapes.touch). */
  ahead(shapes: Int32Array, from: number, to: number, n: number): void {
    this.touched ^= this.known.touch(shapes, from, Math.min(to, n));
  }

  /** What ahead() read, kept so that its reads are made. */
  private touched = 0;

  /** Price the held rows, all of instant `at`. */
  flush(at: Instant): void {
    const held = this.held;
    const n = held.count;
    held.count = 0;
    this.instant = at;
    // What a room held may not hold at this instant (a daily limit's next day): what rows drew on it is recorded first, on their own day.
    if (at >= this.drawn.until) this.settleDeferred();
    // A folding ledger's entry holds one span's rows: what they deferred is taken as the next span starts.
    if (at >= this.foldEnd) {
      this.settleDeferred();
      this.foldEnd = spanEnd(at, this.full.foldCharges!);
    }
    if (n === 1) return this.priceRow(0);
    // Rows that all take the known path give the same result in any order (see
    // knownCost): only a group with another row needs the order of an instant.
    if (this.allKnown(n)) {
      for (let k = 0; k < n; k++) this.priceKnown(k);
      return;
    }
    const order = this.heldOrder;
    if (n > FEW_HELD) {
      // An instant of many rows (a log's inventory, all at its first instant): insertion sort's comparisons grow with the square of the rows.
      order.length = n;
      for (let k = 0; k < n; k++) order[k] = k;
      order.sort(this.byRowOrder);
    } else {
      // Insertion sort, stable like Array.prototype.sort, on one reused array: most instants hold a handful of rows.
      for (let k = 0; k < n; k++) {
        let j = k;
        for (; j > 0 && this.rowOrder(order[j - 1]!, k) > 0; j--) order[j] = order[j - 1]!;
        order[j] = k;
      }
    }
    itemsInLogOrder(this.heldRows(this.source!), order, n);
    for (let k = 0; k < n; k++) this.priceRow(order[k]!);
  }

  private readonly byRowOrder = (a: number, b: number): number => this.rowOrder(a, b);

  /** What earlier rows showed is forgotten: a change of card or terms changes prices, plans and checks. */
  forget(): void {
    this.known = new KnownShapes();
  }

  /** Before anything but a known row reads or moves a wallet. */
  settleDeferred(): void {
    for (const run of this.deferring) this.settleRun(run);
    this.deferring.length = 0;
    this.drawn.settle();
  }

  /** The held rows, by their places, read as instantOrder reads an instant's events. */
  private heldRowsOf: { source: RowSource; families: ItemFamilies; rows: InstantRows } | undefined;

  private heldRows(source: RowSource): InstantRows {
    const families = this.families();
    if (this.heldRowsOf?.source !== source || this.heldRowsOf.families !== families) {
      const held = this.held;
      // Each shape's family looked up once: null for a shape of none.
      const shapeFamilies: (ItemFamily | null | undefined)[] = [];
      const familyOf = (shape: number): ItemFamily | undefined => {
        let family = shapeFamilies[shape];
        if (family === undefined) shapeFamilies[shape] = family = families.get(source.meters[shape]!) ?? null;
        return family ?? undefined;
      };
      this.heldRowsOf = {
        source,
        families,
        rows: {
          account: (k) => source.accounts[held.account[k]!]!,
          meter: (k) => source.meters[held.shape[k]!]!,
          dimensions: (k) => source.dimensions[held.shape[k]!]!,
          family: (k) => familyOf(held.shape[k]!),
          quantity: (k) => held.quantity[k]!,
          components: (k) => held.components[k],
          id: (k) => held.eventId(k),
          sameParts: (a, b) => held.shape[a] === held.shape[b] && held.account[a] === held.account[b],
        },
      };
    }
    return this.heldRowsOf.rows;
  }

  /** The order of two held rows, as of their events (instantOrder). */
  private rowOrder(a: number, b: number): number {
    return instantOrder(this.heldRows(this.source!), a, b);
  }

  private priceRow(k: number): void {
    const known = !this.idMayRepeat(k, k) && this.knownCost(k, k, true);
    // The wallet's room first: past the balance every row is charged at once (chargeNow), and the checks' rooms opened for it would be worked out again a row.
    if (known && this.room(k, k) && this.roomsHold(k, k)) return this.priceKnown(k);
    this.settleDeferred();
    if (known && this.chargeNow(k)) return;
    const held = this.held;
    const shape = held.shape[k]!;
    this.full.price(rowEvent(this.source!, { shape, account: held.account[k]!, quantity: held.quantity[k]!, components: held.components[k], line: held.line[k]!, at: this.instant, eventId: held.eventId(k) }));
    this.learn(shape);
  }

  /**
   * Whether the held rows from `start` to `end` can all take the known path at
   * once, their runs' rooms holding them together. Units pass between these
   * methods in `scratch`, never as arguments or results: a count of units is
   * most often past a small integer, and a number passed or returned so is a
   * heap object to collect, a row.
   */
  private allKnown(end: number, start = 0): boolean {
    for (let k = start; k < end; k++) {
      if (this.idMayRepeat(k, start) || !this.knownCost(k, start, end - start === 1) || !this.room(k, start) || !this.roomsHold(k, start)) return false;
    }
    return true;
  }

  /**
   * Whether held row `k`'s units can be deferred for its run, after those of the
   * run's rows from `start`: within its room, or within a room opened afresh
   * once what it deferred is taken. The room is the headroom every balance rule
   * declares (rules.ts), so that no row in it sets anything off.
   */
  private room(k: number, start: number): boolean {
    const scratch = this.scratch;
    const ordinal = scratch.run[k]!;
    let units = scratch.units[k]!;
    for (let j = start; j < k; j++) if (scratch.run[j] === ordinal) units = plusUnits(units, scratch.units[j]!);
    const run = this.runs[ordinal]!;
    const deferred = run.deferred;
    if (deferred.open && deferred.fits(units)) return true;
    if (deferred.open && !deferred.pending) return false;
    if (!deferred.open) this.deferring.push(run);
    this.settleRun(run);
    const room = this.full.headroom(run);
    // A bound already passed (an expiry left the balance below the low-balance
    // level, say) leaves no room: even a free row goes the full way, to set it off.
    if (room < NO_CREDITS) return false;
    deferred.start(this.full.units.within(room));
    return deferred.fits(units);
  }

  /**
   * Whether held row `k`'s draws on the rooms its shape's checks declare (rules.ts), after those of the rows
   * from `start`, stay within them: its credits or its quantity, as each room is drawn on.
   */
  private roomsHold(k: number, start: number): boolean {
    const scratch = this.scratch;
    const rooms = scratch.slot[k]! < 0 ? undefined : this.known.rooms(this.held.shape[k]!);
    if (rooms === undefined) return true;
    for (let i = 0; i < rooms.length; i++) {
      const room = rooms[i]!;
      const draws = this.drawn.open(room, this.instant) ? scratch.units : scratch.count;
      let amount = draws[k]!;
      for (let j = start; j < k; j++) if (scratch.slot[j]! >= 0 && this.known.rooms(this.held.shape[j]!)?.includes(room) === true) amount = plusUnits(amount, draws[j]!);
      if (!this.drawn.fits(room, amount)) return false;
    }
    return true;
  }

  /** Take what a run deferred from its wallet, in burn order, as its rows would have. */
  private settleRun(run: Run): void {
    const last = run.deferred.last;
    const units = run.deferred.end();
    // A row of no units is still a charge a folding ledger shows (its instant).
    if (units > 0 || (this.full.foldCharges !== undefined && last > -Infinity)) this.full.debit(run, units, last);
  }

  /** Where the span of a folding ledger's charges being deferred ends (FullPath.foldCharges); Infinity for none. */
  private foldEnd: Instant;

  /** Runs with a room open, each once. */
  private readonly deferring: Run[] = [];

  /**
   * What a held row costs on the known path, where what earlier rows of its
   * shape showed is all price() would do with its event: its clock moves nothing
   * (no cycle ends, no grant expires, no purchase is due), and it is a unique
   * item already charged this cycle (no credits), or a charge that nothing but
   * the credits could refuse to a line open this cycle, or one the full path
   * can open as the charge would (opensLine: a line's first row in a new
   * cycle): its units in `scratch`.
   * False for any other row. Changes nothing else. Such rows commute: each adds to counts and sums, and their
   * debits, taken in burn order, leave the same grants whatever their order. The held rows from `start` to `k`
   * were found so before it, and are priced after it (allKnown).
   */
  private knownCost(k: number, start: number, alone: boolean): boolean {
    const held = this.held;
    const q = held.quantityNumber[k]!;
    // A quantity given apart is a row's with components (or one the source did not number): counted below, not by its number.
    if (q < 0 && held.components[k] === undefined) return false;
    const known = this.known;
    const shape = held.shape[k]!;
    const run = this.accountRun(held.account[k]!);
    // A quiet instant first: price() checks the instant and moves the clock (a card version switching in) before anything is priced.
    if (run === undefined || !this.full.quietAt(run, this.instant)) return false;
    // What the shape's earlier rows showed holds for the account whose rows showed it: for another's, its facts are
    // foreseen again, but not while a held row found before this one has the shape. Its rooms and target are read by
    // shape as it is priced, and would be this account's (red team, stop 44: one account's reads counted in another's quota).
    const rebinds = known.how(shape) !== UNKNOWN && run.ordinal !== known.run(shape);
    if (rebinds) for (let j = start; j < k; j++) if (held.shape[j] === shape) return false;
    if ((rebinds || known.how(shape) === UNKNOWN) && !this.foresee(shape, run, alone ? held.line[k]! : -1)) return false;
    const how = known.how(shape);
    const scratch = this.scratch;
    scratch.run[k] = run.ordinal;
    scratch.item[k] = -1;
    if (how === GAUGE_RISE) {
      // A gauge's level rises: nothing is charged (its level is, at cycle starts), so no credit, line or rule is touched.
      scratch.slot[k] = GAUGE_ROW;
      scratch.units[k] = 0;
      return true;
    }
    if (how === UNIQUE_CHARGED) {
      scratch.slot[k] = -1;
      scratch.units[k] = 0;
      if (known.serial(shape) === run.serial) return true;
      // A row of no events charges no item (price()): the full way says so, the known path does not repeat it.
      return alone && !held.quantity[k]!.isZero() && this.newItemCost(k, shape, run);
    }
    const count = q < 0 ? (this.full.count(held.quantity[k]!) ?? -1) : (this.knownCounts[q] ??= this.full.count(held.quantity[k]!) ?? -1);
    // Where the card rounds each event, a row of a part of an event costs its own rounded amount: the full way.
    if (known.wholeOnly(shape) && !held.quantity[k]!.isInteger()) return false;
    const parts = known.parts(shape);
    // What the shape's row showed holds for rows with components as its had, or without as its had not.
    if ((parts === undefined) !== (held.components[k] === undefined)) return false;
    let units = count < 0 ? undefined : this.full.units.cost(count, known.amount(shape));
    if (parts !== undefined && units !== undefined) units = this.partsCost(held.components[k]!, parts, units);
    const slot = known.slot(shape);
    if (units === undefined || (!run.cycle.hasSlot(slot) && !this.full.opensLine(shape, run, slot))) return false;
    scratch.slot[k] = slot;
    scratch.count[k] = count;
    scratch.quantity[k] = held.quantity[k]!;
    scratch.units[k] = units;
    return true;
  }

  /**
   * A row's cost with its components, `units` its quantity's: each component's
   * quantity times its unit price, as the charge prices them, where each is a
   * safe count of millionths and the sum safe units; else undefined.
   */
  private partsCost(components: RowComponents, parts: readonly KnownPart[], units: number): number | undefined {
    const full = this.full;
    let sum: number | undefined = units;
    for (let j = 0; j < parts.length && sum !== undefined; j++) {
      const quantity = components[parts[j]!.name];
      if (quantity === undefined) continue;
      const count = full.count(quantity);
      const cost = count === undefined || count < 0 ? undefined : full.units.cost(count, parts[j]!.perCount);
      // Two safe counts of units add up exactly, or past the safe ones: Units.cost of a millionth keeps only a safe sum.
      sum = cost === undefined ? undefined : full.units.cost(1, plusUnits(sum, cost));
    }
    return sum;
  }

  /**
   * The first row this cycle of a unique item's shape, alone at its instant (so
   * that no other row of the item is priced beside it): free where another
   * shape's row charged the item, else one item at its price, as the shape's
   * facts tell price() would charge it (where nothing but the credits could
   * refuse it), where its line is open.
   */
  private newItemCost(k: number, shape: number, run: Run): boolean {
    const known = this.known;
    const slot = known.itemSlot(shape);
    if (slot < 0) return false;
    const scratch = this.scratch;
    if (this.full.itemCharged(known.item(shape), run)) {
      scratch.item[k] = shape;
      scratch.slot[k] = -1;
      return true;
    }
    const units = known.amount(shape);
    if (units < 0 || (!run.cycle.hasSlot(slot) && !this.full.opensLine(shape, run, slot))) return false;
    const item = this.full.item;
    scratch.item[k] = shape;
    scratch.slot[k] = slot;
    scratch.count[k] = item.count;
    scratch.quantity[k] = item.quantity;
    scratch.units[k] = units;
    return true;
  }

  /**
   * Whether a held row's id may make it a repeat: the id is known, or another
   * held row of the instant has it (which of them repeats is for the order of
   * an instant). A row whose id is new is priced as if it had none, so it may take
   * the known path; priceKnown makes its id known.
   */
  private idMayRepeat(k: number, start: number): boolean {
    const held = this.held;
    const ids = held.ids[k];
    if (ids === undefined) return false;
    const i = held.idIndex[k]!;
    const owner = this.idOwner;
    owner.account = this.source!.accounts[held.account[k]!]!;
    owner.meter = this.source!.meters[held.shape[k]!]!;
    if (this.full.seenIds.rowRepeats(ids, i, owner, this.instant)) return true;
    for (let j = start; j < k; j++) if (held.ids[j] !== undefined && sameEventId(held.ids[j]!, held.idIndex[j]!, ids, i)) return true;
    return false;
  }

  /**
   * A held row of a flow charge as knownCost found it, that its run's room cannot hold (room): charged at
   * once, wallets settled, where the full path can charge it so (FullPath.chargeKnown).
   */
  private chargeNow(k: number): boolean {
    const scratch = this.scratch;
    // A unique item charged already: price() charges nothing and sets nothing off, whatever the balance.
    if (scratch.slot[k]! < 0) {
      this.priceKnown(k);
      return true;
    }
    const row = (this.knownCharge ??= { quantity: scratch.quantity[k]!, count: 0, components: undefined, units: 0, at: 0, item: -1 });
    row.quantity = scratch.quantity[k]!;
    row.count = scratch.count[k]!;
    row.components = this.held.components[k];
    row.units = scratch.units[k]!;
    row.at = this.instant;
    const itemShape = scratch.item[k]!;
    row.item = itemShape < 0 ? -1 : this.known.item(itemShape);
    const run = this.runs[scratch.run[k]!]!;
    if (!this.full.chargeKnown(this.held.shape[k]!, run, row)) return false;
    this.taken(k, run);
    // A unique item's row refused leaves the item to be charged by a later row: its shape learns only a charge.
    if (row.item >= 0 && this.full.itemCharged(row.item, run)) this.known.charged(itemShape, run.serial);
    return true;
  }

  /** The row chargeNow hands over, one object reused. */
  private knownCharge: KnownCharge | undefined;

  /** The account and meter whose ids idMayRepeat asks about, one object reused. */
  private readonly idOwner = { account: "", meter: "" };

  /** The row whose id taken() makes known, one object reused. */
  private idRow: ScannedIdRow | undefined;

  /** A held row priced without an event: its id known, the row counted. */
  private taken(k: number, run: Run): void {
    const held = this.held;
    if (held.ids[k] !== undefined) {
      const row = (this.idRow ??= { ids: held.ids[k]!, index: 0, account: "", meter: "", source: this.source!, line: 0, at: 0 });
      row.ids = held.ids[k]!;
      row.index = held.idIndex[k]!;
      row.account = this.source!.accounts[held.account[k]!]!;
      row.meter = this.source!.meters[held.shape[k]!]!;
      row.source = this.source!;
      row.line = held.line[k]!;
      row.at = this.instant;
      this.full.seenIds.knowRow(row);
    }
    this.full.counted(run, this.instant);
  }

  /** Price a held row as knownCost found it, its room checked (room). */
  private priceKnown(k: number): void {
    const held = this.held;
    const scratch = this.scratch;
    const run = this.runs[scratch.run[k]!]!;
    this.taken(k, run);
    const slot = scratch.slot[k]!;
    if (slot === GAUGE_ROW) return this.full.raiseGauge(held.shape[k]!, run, held.quantity[k]!);
    const shape = scratch.item[k]!;
    if (shape >= 0) {
      // A unique item's first row of its shape this cycle: the item is charged now, or was by another shape's row.
      if (slot >= 0) this.full.chargeItem(this.known.item(shape), run);
      this.known.charged(shape, run.serial);
    }
    if (slot < 0) return;
    run.deferred.take(scratch.units[k]!, this.instant);
    const rooms = this.known.rooms(held.shape[k]!);
    if (rooms !== undefined) for (let i = 0; i < rooms.length; i++) this.drawn.take(rooms[i]!, this.drawn.open(rooms[i]!, this.instant) ? scratch.units[k]! : scratch.count[k]!, this.instant);
    if (run.cycle.hasSlot(slot)) run.cycle.addToSlot(slot, scratch.quantity[k]!, scratch.count[k]!);
    else this.full.openLine(held.shape[k]!, run, { quantity: scratch.quantity[k]!, count: scratch.count[k]! });
    const components = held.components[k];
    if (components !== undefined) this.full.addComponents(held.shape[k]!, run, components);
  }

  /** After its row was priced in full: what a shape's next rows may skip (knownCost). */
  private learn(shape: number): void {
    this.know(shape, this.full.learn(shape));
  }

  /** Before any of its rows was priced: what a shape's rows of the run may skip, as its group's target shows (FullPath.foresee); `line` -1 but for a row priced in its turn. */
  private foresee(shape: number, run: Run, line: number): boolean {
    const row = (this.foreseen ??= { source: this.source!, line });
    row.line = line;
    return this.know(shape, this.full.foresee(shape, run, row));
  }

  /** The row foresee hands over, one object reused. */
  private foreseen: ForeseenRow | undefined;

  /**
   * What a shape's rows may skip, as the full path now tells it; where it tells nothing (or nothing the
   * shapes' table holds), what it told before is forgotten: a row priced in full (a repeat, say) binds the
   * shape to its own run, and the shape's facts must not stay its last known run's while the shape is another's.
   */
  private know(shape: number, facts: ShapeFacts | undefined): boolean {
    if (facts === undefined) {
      this.known.forget(shape);
      return false;
    }
    if (!this.known.set(shape, facts.unique ? UNIQUE_CHARGED : facts.gauge ? GAUGE_RISE : COVERED_FLOW, facts)) return false;
    if (facts.unique) this.known.setItem(shape, this.full.itemOf(shape));
    return true;
  }

  /** The run of the row source's account of this number, once it has one: looked up by name once an account. */
  private accountRun(account: number): Run | undefined {
    let run = this.accountRuns[account];
    if (run === undefined) {
      run = this.full.runOf(this.source!.accounts[account]!);
      if (run !== undefined) this.accountRuns[account] = run;
    }
    return run;
  }

  private readonly accountRuns: Run[] = [];
  /** The row source's quantities in millionths, by their numbers; -1 for one that is not a safe count. */
  private readonly knownCounts: number[] = [];
  /** What knownCost found of each held row, for priceKnown. */
  private readonly scratch = { run: [] as number[], units: [] as number[], slot: [] as number[], count: [] as number[], quantity: [] as Decimal[], item: [] as number[] };
}
