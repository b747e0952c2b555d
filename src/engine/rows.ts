import type { Location } from "../errors.js";
import type { Decimal } from "../money.js";
import type { Instant } from "../time.js";
import type { EventIdColumn } from "./event-ids.js";
import type { UsageEvent } from "./types.js";

/**
 * What the rows of a `ShapedRows` batch refer to by number: each account's
 * name, each shape's meter and dimensions (one object a shape, shared by its
 * rows, whatever their accounts), and each numbered quantity (one Decimal a
 * distinct text).
 */
export interface RowSource {
  /** By account number, not by shape: a log of many accounts would otherwise have about a shape a row. */
  readonly accounts: readonly string[];
  readonly meters: readonly string[];
  readonly dimensions: readonly Readonly<Record<string, string>>[];
  readonly quantities: readonly Decimal[];
  origin(line: number): Location;
  /** Each shape's dimension values as the reader numbered their texts, where a number stands for its text alone. */
  readonly cells?: ShapeCells | undefined;
}

/**
 * A row source's shapes' values as numbers: within one column, one number a distinct text of a cell (an
 * empty cell's too), so that values are told apart by numbers, with no string hashed (ChargedItems).
 */
export interface ShapeCells {
  /** The number of shape `shape`'s text in `column`. */
  cell(shape: number, column: number): number;
  /** The column of a dimension, -1 where the source has none (every shape's value ""); undefined where its numbers may not stand for its values. */
  column(dimension: string): number | undefined;
}

/**
 * Usage rows as columns of numbers, as the row scanner reads them: the i-th row
 * is at `base + at[i]`, of shape `shape[i]` of its source. A replay reads them without
 * making an event of each row, and makes one only for a row it must work out
 * in full; either way the result is the one its events would give.
 */
export interface ShapedRows {
  readonly source: RowSource;
  readonly count: number;
  /** Row i is at `base + at[i]`: milliseconds from the batch's first row's instant. */
  readonly base: Instant;
  readonly at: Int32Array;
  readonly shape: Int32Array;
  /** Row i's account is `source.accounts[account[i]]`. */
  readonly account: Int32Array;
  /** A number of `source.quantities`, or -1: the row's quantity is the next of `otherQuantities`. */
  readonly quantity: Int32Array;
  readonly otherQuantities: readonly OtherQuantity[];
  /** Row i is on line `firstLine + line[i]` (the scanner's small offsets, or whole numbers from a reorder: the engine only hands them to `source.origin`). */
  readonly firstLine: number;
  readonly line: Uint16Array | Float64Array;
  /** Each row's event id as bytes, when the log has the column: decoded only for a row priced in full or ordered by it. */
  readonly ids: EventIdColumn | undefined;
}

/** A row's quantity with its meter's components (tokens beside a request): a row's own, not a shape's. */
interface RowQuantity {
  readonly quantity: Decimal;
  readonly components: Readonly<Record<string, Decimal>>;
}

/** A quantity given apart from the numbered ones: a quantity alone, or with components. */
export type OtherQuantity = Decimal | RowQuantity;

/** The quantity of a row's `OtherQuantity`. */
export function quantityPart(other: OtherQuantity): Decimal {
  return "components" in other ? other.quantity : other;
}

/** The components of a row's `OtherQuantity`, if it has them. */
export function componentsPart(other: OtherQuantity): Readonly<Record<string, Decimal>> | undefined {
  return "components" in other ? other.components : undefined;
}

/** What usage travels in: events, or rows of shapes. */
export type UsageBatch = readonly UsageEvent[] | ShapedRows;

export function isRows(batch: UsageBatch): batch is ShapedRows {
  return "source" in batch;
}

/**
 * The event of a row, with its shape: a reader's number for rows of the same
 * meter and dimension values, which then share one `dimensions` object, so that
 * the replay works out what such rows have in common once per number (and per
 * account, where it depends on the account). Results never depend on it; it is
 * the replay's, not the domain's.
 */
export type ShapedEvent = UsageEvent & { shape: number };

/** The event of a row. */
export function rowEvent(source: RowSource, row: { shape: number; account: number; quantity: Decimal; components?: Readonly<Record<string, Decimal>> | undefined; line: number; at: Instant; eventId: string | undefined }): ShapedEvent {
  const { shape, account, quantity, components, line, at, eventId } = row;
  const event: ShapedEvent = { at, account: source.accounts[account]!, meter: source.meters[shape]!, quantity, dimensions: source.dimensions[shape]!, eventId, origin: source.origin(line), shape };
  if (components !== undefined) event.components = components;
  return event;
}

/** The batch as events, each numbered by `number` of its shape. */
export function rowEvents(rows: ShapedRows, number: (shape: number) => number = (shape) => shape): ShapedEvent[] {
  const events: ShapedEvent[] = [];
  let other = 0;
  for (let i = 0; i < rows.count; i++) {
    const q = rows.quantity[i]!;
    const given = q >= 0 ? undefined : rows.otherQuantities[other++]!;
    const quantity = given === undefined ? rows.source.quantities[q]! : quantityPart(given);
    const components = given === undefined ? undefined : componentsPart(given);
    const event = rowEvent(rows.source, { shape: rows.shape[i]!, account: rows.account[i]!, quantity, components, line: lineOf(rows, i), at: instantOf(rows, i), eventId: eventIdOf(rows.ids, i) });
    event.shape = number(event.shape);
    events.push(event);
  }
  return events;
}

/** Event ids were checked to be UTF-8 when read; a mark in one is part of it. */
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** Row i's event id as text, if it has one. */
export function eventIdOf(ids: EventIdColumn | undefined, i: number): string | undefined {
  if (ids === undefined) return undefined;
  const from = i === 0 ? 0 : ids.ends[i - 1]!;
  return ids.ends[i]! === from ? undefined : utf8.decode(ids.bytes.subarray(from, ids.ends[i]!));
}

export function instantOf(rows: ShapedRows, i: number): Instant {
  return rows.base + rows.at[i]!;
}

function lineOf(rows: ShapedRows, i: number): number {
  return rows.firstLine + rows.line[i]!;
}

/** How many rows or events a batch holds, and the instant of each. */
export function sizeOf(batch: UsageBatch): number {
  return isRows(batch) ? batch.count : batch.length;
}

export function instantIn(batch: UsageBatch, i: number): Instant {
  return isRows(batch) ? instantOf(batch, i) : batch[i]!.at;
}

/** Rows of one instant, held until the next instant shows they are all in: a handful, kept in arrays reused from one instant to the next. */
export class HeldRows {
  count = 0;
  readonly shape: number[] = [];
  readonly account: number[] = [];
  /** A number of the source's quantities, or -1. */
  readonly quantityNumber: number[] = [];
  readonly quantity: Decimal[] = [];
  /** Each row's components, for a row of a meter with them. */
  readonly components: (Readonly<Record<string, Decimal>> | undefined)[] = [];
  readonly line: number[] = [];
  /** Each row's batch's event ids, and its place among them. */
  readonly ids: (EventIdColumn | undefined)[] = [];
  readonly idIndex: number[] = [];

  /** Hold row `i` of a batch, whose quantity (one of the source's, or given apart with its components) is `quantity`. */
  hold(rows: ShapedRows, i: number, quantity: Decimal, components: Readonly<Record<string, Decimal>> | undefined): void {
    const k = this.count;
    this.count = k + 1;
    this.shape[k] = rows.shape[i]!;
    this.account[k] = rows.account[i]!;
    this.quantityNumber[k] = rows.quantity[i]!;
    this.quantity[k] = quantity;
    this.components[k] = components;
    this.line[k] = rows.firstLine + rows.line[i]!;
    this.ids[k] = rows.ids;
    this.idIndex[k] = i;
  }

  eventId(k: number): string | undefined {
    return eventIdOf(this.ids[k], this.idIndex[k]!);
  }
}
