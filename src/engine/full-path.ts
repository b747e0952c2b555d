import type { Decimal } from "../money.js";
import type { Instant } from "../time.js";
import type { Credits, Deferred, Units } from "./credits.js";
import type { SeenEventIds } from "./event-ids.js";
import type { RowSource } from "./rows.js";
import type { UsageEvent } from "./types.js";

/**
 * All the known path (src/engine/fast/) may read of the full path and call on
 * it (issue 16): the replay gives it one object of this shape, and the fast
 * path reaches nothing else (scripts/check-engine-shape.mjs holds fast/ to
 * this module and pure helpers). What crosses is numbers: shape numbers, run
 * ordinals, line slots, units; the rules and the domain objects stay on the
 * full side, which answers what a shape's next rows may skip.
 */
export interface FullPath<Run extends KnownRun> {
  /** The replay's unit arithmetic: the covered charges a known row defers. */
  readonly units: Units;
  /** The event_id rule: a row whose id may repeat goes the full way. */
  readonly seenIds: SeenEventIds;
  /** The account runs by ordinal. */
  readonly runs: readonly Run[];
  /** An account's run, once it has one (a known row's account always has). */
  runOf(account: string): Run | undefined;
  /** Whether a row of the run at `at` goes straight to its charge: its clock moves nothing, nothing is due. */
  quietAt(run: Run, at: Instant): boolean;
  /** How far the run's balance may fall with no balance rule set off (rules.ts); below zero when one is due. */
  headroom(run: Run): Credits;
  /** The rooms the charge checks declare (rules.ts), by the numbers of a shape's facts. */
  readonly rooms: CheckRoomsByNumber;
  /**
   * Take `units` the run deferred from its wallet, in burn order, the last of its rows at `last`: one charge of a
   * ledger that folds them (LedgerSink.foldCharges).
   */
  debit(run: Run, units: number, last: Instant): void;
  /** The span a ledger's charges are folded within (LedgerSink.foldCharges): what the known path deferred is taken at each span's end. */
  readonly foldCharges: number | undefined;
  /** A quantity in millionths (a safe count), or undefined. */
  count(quantity: Decimal): number | undefined;
  /** A known row of the run at `at` was priced: it is counted, and the statement reaches its cycle and instant. */
  counted(run: Run, at: Instant): void;
  /** Price an event in full, against every rule. */
  price(event: UsageEvent): void;
  /** After a row of the shape was priced in full: what its next rows may skip, or undefined when every one must go the full way. */
  learn(shape: number): ShapeFacts | undefined;
  /**
   * Before any row of the shape (of `row.source`) was priced, or before any of the run's since rows of another
   * run were: what its rows of the run may skip, as learn
   * would answer after one of its rows, where the run's charge target of its group (the same meter and
   * values of every dimension a charge reads) is made: by a row of another shape of the group, or, for a
   * flow charge's row priced in its turn (`row.line` its line, -1 for a row of an instant being screened),
   * now, as its charge would make it (a missing price refused at that line). Undefined where its first row
   * must go the full way.
   */
  foresee(shape: number, run: Run, row: ForeseenRow): ShapeFacts | undefined;
  /**
   * Charge a known row at once, where its run's room or a check's cannot hold it (a balance rule it sets
   * off, a charge past the balance, a check that refuses it): as charge() pays or refuses it and applies the
   * balance rules, true; a paid row's line opened where it was not (as opensLine tells), a unique item's
   * (`row.item`) charged. False, nothing changed, where it must go the full way: the first refusal of its
   * meter and reason in the cycle, which the statement names by its row, or a line it cannot open.
   */
  chargeKnown(shape: number, run: Run, row: KnownCharge): boolean;
  /** The number of a unique item's shape's item, the same in every cycle and account (a shape of another item's is another number). */
  itemOf(shape: number): number;
  /** Whether the run's cycle charged the unique item of this number (itemOf), which a row of any shape of the item may have charged. */
  itemCharged(item: number, run: Run): boolean;
  /** One unique item, the quantity its first row in a cycle charges (`count` millionths). */
  readonly item: { readonly quantity: Decimal; readonly count: number };
  /** The run's cycle charges the unique item of this number (its first row took the known path at a cost). */
  chargeItem(item: number, run: Run): void;
  /** Whether a charge of the shape's row of the run would open the line `slot` in the run's cycle as openLine does, nothing else differing. */
  opensLine(shape: number, run: Run, slot: number): boolean;
  /** Open the shape's line in the run's cycle with a known row's quantity (`count` millionths), as the row's charge would. */
  openLine(shape: number, run: Run, row: { quantity: Decimal; count: number }): void;
  /** Add a known row's components to their lines in the run's cycle, after its own line, as the row's charge adds them (a zero component to none). */
  addComponents(shape: number, run: Run, components: RowComponents): void;
  /** Raise the level of the gauge item of the shape's row in the run by its quantity, as price() raises it: a gauge's level is charged at cycle starts, never at its rows. */
  raiseGauge(shape: number, run: Run, quantity: Decimal): void;
}

/**
 * The charge checks' rooms (rules.ts), numbered: one a run and key (its quota, a budget's value). A row
 * draws on a room by its credits, in units (Units), or by its quantity, in millionths.
 */
export interface CheckRoomsByNumber {
  drawsCredits(room: number): boolean;
  /** What the room's rows may draw in all from `at` on, as it stands, with its check neither refusing nor setting anything off: -1 for none. */
  left(room: number, at: Instant): number;
  /** Where what left() told at `at` stops holding (Infinity: at the run's next clock event, which settles every room). */
  until(room: number, at: Instant): Instant;
  /** Record what rows drew on rooms, each the last row's at `at`, as the rows' charges one by one would record it. */
  recordAll(draws: readonly RoomDraw[]): void;
}

/** What known rows drew on a room since it opened: units or millionths, the last of them at `at`. */
export interface RoomDraw {
  readonly room: number;
  readonly drawn: number;
  readonly at: Instant;
}

/** A row's components by name, as the scanner reads them beside its quantity. */
export type RowComponents = Readonly<Record<string, Decimal>>;

/** An account run as the known path sees it. */
export interface KnownRun {
  readonly ordinal: number;
  /** A number for its open cycle, unique across accounts and cycles. */
  readonly serial: number;
  /** Covered charges of known rows not yet taken from its wallet. */
  readonly deferred: Deferred;
  readonly cycle: KnownLines;
}

/** The open cycle's usage lines, by slot. */
interface KnownLines {
  hasSlot(slot: number): boolean;
  addToSlot(slot: number, quantity: Decimal, count: number): void;
}

/**
 * What a shape's row priced in full showed of its next rows of the same run:
 * a unique item (`detail`: the serial of the cycle that holds it, 0 for none;
 * `slot`: the line its first row in a cycle charges one item to, costing
 * `itemUnits` (-1 where that is not a safe count), where nothing but the credits
 * could refuse it, else -1), or a flow charge that nothing but the credits can
 * refuse (`detail`: its unit price in units a millionth, on line `slot`), with
 * its meter's components' fixed unit prices where it has components (`parts`,
 * else undefined), but beyond the rooms of the checks that apply to it
 * (`rooms`, undefined for none). Where the card rounds each event, `detail` is
 * one whole event's rounded price, and only rows of whole events (`whole`) cost
 * their count at it.
 */
export interface ShapeFacts {
  unique: boolean;
  /** A gauge's rise (its meter's own rows, not its decreases): it raises a level and charges nothing, so no rule sees it. */
  gauge: boolean;
  whole: boolean;
  run: number;
  detail: number;
  slot: number;
  itemUnits: number;
  parts: readonly KnownPart[] | undefined;
  rooms: readonly number[] | undefined;
}

/** A component of a shape's charge: its name in a row's components, and its unit price in units a millionth. */
export interface KnownPart {
  readonly name: string;
  readonly perCount: number;
}

/**
 * A known row charged at once (chargeKnown): its quantity (`count` millionths), its components (none for a
 * meter without), its cost in `units`, its instant; for a unique item's first row in the cycle, the item's
 * number (itemOf), which the charge charges, and its quantity one item (`FullPath.item`); else -1.
 */
export interface KnownCharge {
  quantity: Decimal;
  count: number;
  components: RowComponents | undefined;
  units: number;
  at: Instant;
  item: number;
}

/** The row that asks foresee, one object reused: its source, and its line there when it is priced in its turn, else -1. */
export interface ForeseenRow {
  source: RowSource;
  line: number;
}
