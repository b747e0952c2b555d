import { Decimal, scaledText, ZERO } from "../money.js";
import type { Meter } from "../ratecard/types.js";
import { lineDimensions } from "./pricing.js";
import type { UnitPrice } from "./pricing.js";
import type { LineKind, StatementLine } from "./types.js";
import { addCount, COUNT_DECIMALS, countDecimal } from "./credits.js";
import { addAtEventPrice, learnEventPrice, roundedPrice } from "./event-prices.js";
import { flatKey, lengthPrefixed } from "./keys.js";
import { closeTogether, grown, grownLength, indexOf, LOOKED_THROUGH, placeIn, PREALLOCATED, SCANNED, withSlot } from "./line-positions.js";
import type { SlotIndex } from "./line-positions.js";

/**
 * A statement line being summed: without explicit amounts, its amount is quantity
 * x unit price. Quantities are counted in millionths (`count`) where that is
 * exact, and added as Decimals only where it is not.
 */
/**
 * A line held as an object of its own. `eventPrice`, on a line of a card that rounds each event, is what one whole
 * event costs there (PricedLine): its amount is then always a sum, and an addition of no amount of its own adds its
 * quantity at that price.
 */
export type LineSum = Omit<StatementLine, "amount"> & { amount: Decimal | undefined; count: number; source: Meter; eventPrice?: Decimal };

/** A statement line's identity: its meter (named `name`: the meter, or the event that refunds it), component, kind, category, pool and dimension values. */
export interface LineOf {
  readonly meter: Meter;
  readonly name: string;
  readonly component: string | undefined;
  readonly kind: LineKind;
  readonly category: string;
  readonly pool: string;
  readonly dims: Readonly<Record<string, string>>;
}

/**
 * What an event adds to its line. `amount` is given only where it is not
 * quantity x the price of one event (the unit price, or `eventPrice`): rounded per
 * event but for a whole number of events, or a refund cut short; `slot` is
 * the replay's number for the line, the same in every cycle.
 */
export interface LineAddition {
  readonly quantity: Decimal;
  readonly count: number | undefined;
  readonly unit: UnitPrice;
  readonly amount: Decimal | undefined;
  /** Where the card rounds each event: one whole event's rounded price (the line head's), so that an addition of whole events gives no amount. */
  readonly eventPrice?: Decimal;
  readonly slot: number | undefined;
  /** The line's dimension values (lineDimensions), when made once for many lines. */
  readonly dimensions?: Readonly<Record<string, string>>;
  /** What a numbered line of a shape is, made once for the lines of every account's cycles (`LineHead`). */
  readonly head?: LineHead;
  /** The card version that priced the line, where not the one in force now (a refund of a charge made at the cycle's start). */
  readonly version?: string;
}

/**
 * What a usage line of a shape is but its sums: the same for that line in every
 * account's cycles, so a cycle holds such a line as its slot's sums and this
 * head, shared, not as an object of its own (a log of 100,000 accounts has
 * about a line a row).
 */
export class LineHead {
  readonly meter: string;
  readonly kind: LineKind;
  readonly category: string;
  readonly pool: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly unitPrice: Decimal;
  /**
   * What one whole event costs on the line: its unit price, or (the same object where the card does not round each
   * event) that price rounded as priceEvent rounds one event. The line's amount is its quantity at this price.
   */
  readonly eventPrice: Decimal;
  readonly source: Meter;
  readonly version: string | undefined;

  constructor(head: Omit<LineHead, "heads">) {
    ({ meter: this.meter, kind: this.kind, category: this.category, pool: this.pool, dimensions: this.dimensions, unitPrice: this.unitPrice, eventPrice: this.eventPrice, source: this.source, version: this.version } = head);
  }

  /** Whether a line opened with `of` and `added` in a cycle of card version `version` is this head's: a line of its own (LineSum) would hold the same. */
  heads(of: LineOf, added: LineAddition, version: string | undefined): boolean {
    return (
      of.meter === this.source && of.name === this.meter && of.component === undefined && of.kind === this.kind && of.category === this.category && of.pool === this.pool &&
      added.dimensions === this.dimensions && added.unit.value === this.unitPrice && added.amount === undefined && added.count !== undefined && version === this.version &&
      (added.eventPrice ?? this.unitPrice) === this.eventPrice
    );
  }
}

/** An event's quantity added to its line: counted where that is exact, as a Decimal where not. */
function addEvent(line: LineSum, quantity: Decimal, count: number | undefined): void {
  const sum = count === undefined ? undefined : addCount(line.count, count);
  if (sum === undefined) line.quantity = line.quantity.plus(quantity);
  else line.count = sum;
  line.events++;
}

/** One array for every key's parts. */
const KEY_PARTS: string[] = [];

/** A line's key: its name, kind, component, dimension values (in its meter's order), unit price and card version, each prefixed with its length, so that no part can run into the next whatever it holds. */
function lineKey(meter: Meter, line: { name: string; kind: string; component: string | undefined; version: string | undefined }, dims: Readonly<Record<string, string>>, unit: string): string {
  const parts = KEY_PARTS;
  parts.push(lengthPrefixed(line.name), lengthPrefixed(line.kind), lengthPrefixed(line.component ?? ""));
  for (const d of meter.dimensions) parts.push(lengthPrefixed(dims[d] ?? ""));
  parts.push(lengthPrefixed(line.version === undefined ? unit : `${unit} ${line.version.length}:${line.version}`));
  return flatKey(parts);
}

/**
 * An open cycle's lines: by key where a line has no number, by slot where it
 * has one, each a line of its own (LineSum) or, for a shape's usage line, its
 * shared head and its sums.
 */
export abstract class CycleLines {
  /** The card version that prices lines from now on, when several are given. */
  version: string | undefined;

  /**
   * Lines by meter, kind, component, dimension values and unit price, in one
   * flat map: a log of many accounts has an index an account, most of them of a
   * few lines, where a tree of maps cost a kilobyte a line. Rows of a known
   * line find it by its number (slots) without a key. It holds the lines of
   * the names in `indexedNames` only (indexed()). It gives a line's position: a
   * line never moves, and looking it up among the lines was a walk through a
   * cycle's 25,000 lines a row (a card that rounds each event, stop 39).
   */
  private lineIndex: Map<string, number> | undefined;
  /**
   * The names (LineOf.name) whose lines are in the index: those a line without a number came for. Only a line
   * of the same name can be such a line's, so a numbered line of another name needs no key: the 2M-row log's
   * cycles open 25,000 lines each, and the few thousand of its recurring meters and gauges (charged at cycle
   * start, without a number) made a key and an index entry of every other. A short list: a cycle has a few such names.
   */
  private indexedNames: string[] | undefined;
  /**
   * The lines in the order they opened, each at its position: a line of its own, or a line of a shape held as its
   * head (LineHead, shared by every account's cycles) and the sums at its position: no object a line, where a log
   * of 100,000 accounts has about a line a row.
   */
  private lines: (LineSum | LineHead | undefined)[] = NO_LINES;
  /** How many of `lines` are lines: past them it is room to grow into (`grown`), not lines. */
  private lineCount = 0;
  /**
   * Lines the cycle makes room for at its first: as many as its account's last cycle held (linesAtClose). An
   * account of a log of 100,000 has some 7 to 35 lines a cycle, and its lists grown from four lines by half again
   * were a copy of each at every growth, garbage past the young generation: 120 MB a 2M-row log.
   */
  private roomForLines = 0;
  /**
   * By position, side by side: the count of millionths added, the events, and the number the replay gave the line
   * (its slot; NO_SLOT for none): one array, not three. A plain array of numbers, not a typed one: an ArrayBuffer is
   * about 280 bytes an account of 100,000, and its memory outside the heap makes the collector run more often as
   * accounts open cycles.
   */
  private lineSums: number[] = NO_LINE_SUMS;
  /** The position of each line by its slot, plus one, past LOOKED_THROUGH lines or once a line has two slots (line-positions.ts). */
  private positions: SlotIndex | undefined;
  /** The highest slot the cycle's lines hold, NO_SLOT for none: whether a list by slot would be mostly holes. */
  private topSlot = NO_SLOT;

  /** A line opened: at the end of the list, its sums zero and no slot; the lists grow by half again when full (a copy at each line was garbage past the young generation). */
  private open(line: LineSum | LineHead): number {
    if (this.lineCount === this.lines.length) {
      const length = grownLength(this.lines.length, Math.max(this.lineCount + 1, this.roomForLines));
      // Padded with undefined, which no line is: a list of objects and undefined stays packed.
      this.lines = grown(this.lines, length, undefined);
      this.lineSums = grownSums(this.lineSums, length);
    }
    this.lines[this.lineCount] = line;
    return this.lineCount++;
  }

  /** The position of the line numbered `slot`, -1 where none is open this cycle. */
  private positionOf(slot: number): number {
    // Past the lines looked through a look-up is by the index, made here where no line numbered since made it: lines of no
    // slot (cycle-start charges, refunds) and rows whose line is not open would otherwise look through every line, a row.
    const positions = this.positions ?? this.slotIndex();
    if (positions !== undefined) return placeIn(positions, slot) - 1;
    const sums = this.lineSums;
    for (let at = 2, end = STRIDE * this.lineCount; at < end; at += STRIDE) if (sums[at] === slot) return (at - 2) / STRIDE;
    return -1;
  }

  /** The index of positions by slot, where the cycle's lines are past those looked through (positions): undefined where they are not. */
  private slotIndex(): SlotIndex | undefined {
    if (this.lineCount <= LOOKED_THROUGH) return undefined;
    const dense = closeTogether(this.topSlot, this.lineCount);
    if (!dense && this.lineCount <= SCANNED) return undefined;
    return (this.positions = indexOf(this.slotted(), dense));
  }

  /**
   * Add to the line of this meter, component, kind, dimension values and unit price.
   * `amount` is given only where it is not quantity x unit price (rounded per event,
   * or a refund cut short); otherwise the line's amount is worked out once, at close.
   * `slot` is the replay's number for this line, the same in every cycle.
   */
  addLine(of: LineOf, added: LineAddition): void {
    const { meter, name, component, kind, category, pool, dims } = of;
    const { quantity, count, unit, amount, slot } = added;
    const version = added.version ?? this.version;
    let position = slot === undefined ? -1 : this.positionOf(slot);
    let key: string | undefined;
    // A line by number is found by it: a key is needed only once some line of its name has none (indexed()).
    if (position < 0 && (slot === undefined || this.indexedNames?.includes(name) === true)) {
      key = lineKey(meter, { name, kind, component, version }, dims, unit.text);
      position = this.indexed(name).get(key) ?? -1;
      if (position >= 0 && slot !== undefined) this.remember(slot, position);
    }
    if (position >= 0 && this.lines[position] instanceof LineHead) {
      if (count !== undefined && amount === undefined && this.addToSums(position, count)) return;
      this.ownLine(position);
    }
    if (position >= 0) {
      const line = this.lines[position] as LineSum;
      addEvent(line, quantity, count);
      if (amount === undefined) addAtEventPrice(line, quantity, roundedPrice(added));
      // Found by key, the line may now take whole events by number (addToSlot, a count alone): it learns one event's price from an addition that knows it (red team red22: a split's line, then part of an event).
      else learnEventPrice(line, amount, roundedPrice(added));
    } else if (slot !== undefined && key === undefined && added.head?.heads(of, added, this.version) === true) {
      // Its sums start at zero; no line of its name is indexed, or a key would be needed.
      const opened = this.open(added.head);
      this.remember(slot, opened);
      this.addToSums(opened, count!);
    } else {
      const eventPrice = roundedPrice(added);
      const fresh: LineSum = { meter: name, component, kind, category, pool, dimensions: added.dimensions ?? lineDimensions(meter, dims), quantity: count === undefined ? quantity : ZERO, count: count ?? 0, unitPrice: unit.value, amount: amount ?? (eventPrice === undefined ? undefined : quantity.mul(eventPrice)), events: 1, source: meter };
      if (version !== undefined) fresh.version = version;
      if (eventPrice !== undefined) fresh.eventPrice = eventPrice;
      const opened = this.open(fresh);
      if (key !== undefined) this.lineIndex!.set(key, opened);
      if (slot !== undefined) this.remember(slot, opened);
    }
  }

  /**
   * The cycle's lines by key, the lines of `name` in it from the first of them added without a number: a log
   * of many accounts has a cycle an account, most of whose lines have numbers, and a key a line was a string
   * and a map entry.
   */
  private indexed(name: string): Map<string, number> {
    const index = (this.lineIndex ??= new Map());
    const names = (this.indexedNames ??= []);
    if (!names.includes(name)) {
      // A copy of the length it needs (concat): a push leaves room for seventeen.
      this.indexedNames = names.concat(name);
      // A unit price's text is its value's toFixed() (unitOf in pricing.ts); a line keeps the meter whose dimensions its key lists.
      for (let i = 0; i < this.lineCount; i++) {
        if (this.lines[i]!.meter !== name) continue;
        const l = this.ownLine(i);
        index.set(lineKey(l.source, { name: l.meter, kind: l.kind, component: l.component, version: l.version }, l.dimensions, l.unitPrice.toFixed()), i);
      }
    }
    return index;
  }

  /** Add a count and an event to a position's sums; false where the count would pass a safe integer (the caller adds the quantity as a Decimal). */
  private addToSums(position: number, count: number): boolean {
    const at = STRIDE * position;
    const sum = addCount(this.lineSums[at]!, count);
    if (sum === undefined) return false;
    this.lineSums[at] = sum;
    this.lineSums[at + 1] = addCount(this.lineSums[at + 1]!, 1)!;
    return true;
  }

  /**
   * The line at `position` as an object of its own, made from its head where it was held as one: a line that needs a
   * Decimal (an amount of its own, a quantity past a safe integer) or a key. Its sums so far stay the position's,
   * added at close as every line's are.
   */
  private ownLine(position: number): LineSum {
    const found = this.lines[position]!;
    if (!(found instanceof LineHead)) return found;
    // In the order of a line opened by addLine: close() keeps a line's keys in order, and the writers read them so.
    const rounded = found.eventPrice !== found.unitPrice;
    const line: LineSum = { meter: found.meter, component: undefined, kind: found.kind, category: found.category, pool: found.pool, dimensions: found.dimensions, quantity: ZERO, count: 0, unitPrice: found.unitPrice, amount: rounded ? ZERO : undefined, events: 0, source: found.source };
    if (found.version !== undefined) line.version = found.version;
    // Its sums so far, added at close, are whole events at the head's price: foldSums adds their amount.
    if (rounded) line.eventPrice = found.eventPrice;
    this.lines[position] = line;
    return line;
  }

  /** Whether the line numbered `slot` has been opened in this cycle. */
  hasSlot(slot: number): boolean {
    return this.positionOf(slot) >= 0;
  }

  /**
   * Add an event whose amount is quantity x unit price, of `count` millionths,
   * to the open line numbered `slot`: to numbers in an array by position, which
   * stay in the processor's cache where a hundred thousand line objects would
   * not, and are added to the line at close.
   */
  addToSlot(slot: number, quantity: Decimal, count: number): void {
    const position = this.positionOf(slot);
    const at = STRIDE * position;
    const sum = addCount(this.lineSums[at]!, count);
    if (sum === undefined) {
      const line = this.ownLine(position);
      line.quantity = line.quantity.plus(quantity);
      addAtEventPrice(line, quantity, undefined);
    } else {
      this.lineSums[at] = sum;
    }
    this.lineSums[at + 1] = addCount(this.lineSums[at + 1]!, 1)!;
  }

  /** What the sums gathered, added to the lines of their own, once: the sums start again from zero, so that closing twice gives the same statement. */
  private foldSums(): void {
    const lineSums = this.lineSums;
    for (let position = 0; position < this.lineCount; position++) {
      const line = this.lines[position]!;
      // A head's sums are its line's whole sums, read at close.
      if (line instanceof LineHead) continue;
      const at = STRIDE * position;
      const counted = lineSums[at]!;
      const sum = addCount(line.count, counted);
      if (sum === undefined) line.quantity = line.quantity.plus(countDecimal(counted));
      else line.count = sum;
      if (line.eventPrice !== undefined && counted !== 0) line.amount = line.amount!.plus(countDecimal(counted).mul(line.eventPrice));
      line.events += lineSums[at + 1]!;
      lineSums[at] = 0;
      lineSums[at + 1] = 0;
    }
  }

  /**
   * The line at `position` is numbered `slot`. In the index where there is one (positionOf), or where the position
   * has a number already: a list by slot is filled in order, never with a gap (an array with holes would fall back
   * to a slow dictionary), grown by half again, padded with zeros, which nothing tells from slots not opened.
   */
  private remember(slot: number, position: number): void {
    const at = STRIDE * position + 2;
    const had = this.lineSums[at]!;
    if (had === NO_SLOT || had === slot) this.lineSums[at] = slot;
    if (slot > this.topSlot) this.topSlot = slot;
    let positions = this.positions ?? this.slotIndex();
    if (positions === undefined) {
      if (had === NO_SLOT || had === slot) return;
      // The sums hold one slot a line: a second is found by an index.
      positions = indexOf(this.slotted(), closeTogether(this.topSlot, this.lineCount));
    }
    this.positions = withSlot(positions, slot, position + 1, { lines: this.lineCount, top: this.topSlot });
  }

  /** Each slot the positions hold, and its position plus one. */
  private slotted(): [number, number][] {
    const slotted: [number, number][] = [];
    for (let position = 0; position < this.lineCount; position++) {
      const slot = this.lineSums[STRIDE * position + 2]!;
      if (slot !== NO_SLOT) slotted.push([slot, position + 1]);
    }
    return slotted;
  }

  /** A line held as its head and its sums, as the statement shows it: as ownStatementLine shows the line ownLine() would make of it. */
  private headLine(position: number): StatementLine {
    const head = this.lines[position] as LineHead;
    const count = this.lineSums[STRIDE * position]!;
    const { quantity, amount } = countedAt(count, head.eventPrice);
    const line: StatementLine = { meter: head.meter, component: undefined, kind: head.kind, category: head.category, pool: head.pool, dimensions: head.dimensions, quantity, unitPrice: head.unitPrice, amount, events: this.lineSums[STRIDE * position + 1]! };
    if (head.version !== undefined) line.version = head.version;
    return line;
  }

  /** The lines as the statement shows them, in the order they opened; the sums are added to the lines of their own once (closing twice gives the same lines). */
  protected statementLines(): StatementLine[] {
    this.foldSums();
    const lines: StatementLine[] = [];
    for (let i = 0; i < this.lineCount; i++) {
      const entry = this.lines[i]!;
      lines.push(entry instanceof LineHead ? this.headLine(i) : ownStatementLine(entry));
    }
    return lines;
  }

  /** Room for `lines` lines at the first line opened. */
  makeRoom(lines: number): void {
    this.roomForLines = lines;
  }

  /** How many lines the cycle held when it let them go (releaseLines): 0 before. */
  get linesAtClose(): number {
    return this.roomForLines;
  }

  /** Drop the lines once the cycle's statement is made. */
  protected releaseLines(): void {
    this.roomForLines = this.lineCount;
    this.lineIndex = undefined;
    this.indexedNames = undefined;
    this.positions = undefined;
    this.topSlot = NO_SLOT;
    this.lines = NO_LINES;
    this.lineCount = 0;
    this.lineSums = NO_LINE_SUMS;
  }
}

/** Numbers a position holds in `lineSums`: its count, its events, its slot. */
const STRIDE = 3;
/** A position's slot where the line has none: no slot is negative. */
const NO_SLOT = -1;
/** The sums of a cycle with no line yet, shared (never written): open() replaces it at the first line. */
const NO_LINE_SUMS: number[] = [];

/** The lines of a cycle with none yet, shared (never written): open() replaces it at the first line. */
const NO_LINES: (LineSum | LineHead | undefined)[] = [];

/** The sums of `length` positions, those past the old ones zero and of no slot. */
function grownSums(sums: readonly number[], length: number): number[] {
  // new Array(n) of many entries is a dictionary, slow to read: a long list is copied and pushed to, as grown() does.
  const end = STRIDE * length;
  const copy = end > PREALLOCATED ? sums.slice() : new Array<number>(end);
  for (let i = 0; i < sums.length; i++) copy[i] = sums[i]!;
  for (let at = sums.length; at < end; at += STRIDE) {
    copy[at] = 0;
    copy[at + 1] = 0;
    copy[at + 2] = NO_SLOT;
  }
  return copy;
}

/**
 * The same value in a copy whose digits array is exactly as long as it needs:
 * decimal.js's arithmetic leaves room for seventeen, about 110 bytes more a
 * value, and a statement keeps two a line for hundreds of thousands of lines.
 */
function compact(value: Decimal): Decimal {
  return new Decimal(value);
}

/**
 * The quantity and amount of a line held as a head and its sums, kept by count and unit price: a log of
 * 100,000 accounts closes about a line a row, most of a quantity of one at one of a few prices, and each
 * was three Decimals parsed and multiplied. Decimals never change, so lines may share them.
 */
const COUNTED = new Map<Decimal, Map<number, { quantity: Decimal; amount: Decimal }>>();
/** Counts kept a unit price, at most: past it that price's starts afresh. Most are small; 4,096 held 6.6 MB of a 100,000-account log's heap (heap54). */
const COUNTED_MAX = 256;

function countedAt(count: number, unitPrice: Decimal): { quantity: Decimal; amount: Decimal } {
  let byCount = COUNTED.get(unitPrice);
  if (byCount === undefined) {
    if (COUNTED.size >= COUNTED_MAX) COUNTED.clear();
    COUNTED.set(unitPrice, (byCount = new Map()));
  }
  let counted = byCount.get(count);
  if (counted === undefined) {
    if (byCount.size >= COUNTED_MAX) byCount.clear();
    // From its plain text: the same value as countDecimal's, without an exponent to parse, an addition and a copy.
    const quantity = count === 0 ? ZERO : new Decimal(scaledText(count, COUNT_DECIMALS));
    byCount.set(count, (counted = { quantity, amount: compact(quantity.mul(unitPrice)) }));
  }
  return counted;
}

/**
 * A line of its own as the statement shows it: its count of millionths added to its quantity, its amount worked
 * out where it has none. A line all counted (its Decimal quantity still the ZERO it opened with) and of no amount
 * of its own is a head's line but for how it is held: its quantity and amount are shared as a head's are
 * (countedAt). Its keys are in the order of a line opened by addLine, as the writers read them.
 */
function ownStatementLine(l: LineSum): StatementLine {
  let quantity: Decimal;
  let amount: Decimal;
  if (l.quantity === ZERO && l.amount === undefined) {
    ({ quantity, amount } = countedAt(l.count, l.unitPrice));
  } else {
    quantity = compact(l.count === 0 ? l.quantity : l.quantity.plus(countDecimal(l.count)));
    amount = compact(l.amount ?? quantity.mul(l.unitPrice));
  }
  const line: StatementLine = { meter: l.meter, component: l.component, kind: l.kind, category: l.category, pool: l.pool, dimensions: l.dimensions, quantity, unitPrice: l.unitPrice, amount, events: l.events };
  if (l.version !== undefined) line.version = l.version;
  return line;
}
