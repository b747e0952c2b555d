import { Decimal, ZERO } from "../money.js";
import type { Meter } from "../ratecard/types.js";
import { lineDimensions } from "./pricing.js";
import type { UnitPrice } from "./pricing.js";
import type { LineKind, StatementLine } from "./types.js";
import { addCount, countDecimal } from "./credits.js";
import { flatKey, lengthPrefixed } from "./keys.js";

/**
 * A statement line being summed: without explicit amounts, its amount is quantity
 * x unit price. Quantities are counted in millionths (`count`) where that is
 * exact, and added as Decimals only where it is not.
 */
export type LineSum = Omit<StatementLine, "amount"> & { amount: Decimal | undefined; count: number; source: Meter };

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
 * quantity x unit price (rounded per event, or a refund cut short); `slot` is
 * the replay's number for the line, the same in every cycle.
 */
export interface LineAddition {
  readonly quantity: Decimal;
  readonly count: number | undefined;
  readonly unit: UnitPrice;
  readonly amount: Decimal | undefined;
  readonly slot: number | undefined;
  /** The line's dimension values (lineDimensions), when made once for many lines. */
  readonly dimensions?: Readonly<Record<string, string>>;
  /** What a numbered line of a shape is, made once for the lines of every account's cycles (`LineHead`). */
  readonly head?: LineHead;
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
  readonly source: Meter;
  readonly version: string | undefined;

  constructor(head: Omit<LineHead, "heads">) {
    ({ meter: this.meter, kind: this.kind, category: this.category, pool: this.pool, dimensions: this.dimensions, unitPrice: this.unitPrice, source: this.source, version: this.version } = head);
  }

  /** Whether a line opened with `of` and `added` in a cycle of card version `version` is this head's: a line of its own (LineSum) would hold the same. */
  heads(of: LineOf, added: LineAddition, version: string | undefined): boolean {
    return (
      of.meter === this.source && of.name === this.meter && of.component === undefined && of.kind === this.kind && of.category === this.category && of.pool === this.pool &&
      added.dimensions === this.dimensions && added.unit.value === this.unitPrice && added.amount === undefined && added.count !== undefined && version === this.version
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
 * shared head and the slot's sums.
 */
export abstract class CycleLines {
  /** The card version that prices lines from now on, when several are given. */
  version: string | undefined;

  /**
   * Lines by meter, kind, component, dimension values and unit price, in one
   * flat map: a log of many accounts has an index an account, most of them of a
   * few lines, where a tree of maps cost a kilobyte a line. Rows of a known
   * line find it by its number (slots) without a key.
   */
  private lineIndex: Map<string, LineSum> | undefined;
  /** The lines in the order they opened: a line of its own, or the slot of a line held as its head and the slot's sums. */
  private lines: (LineSum | number)[] = NO_LINES;
  /** How many of `lines` are lines: past them it is room to grow into (`grown`), not lines. */
  private lineCount = 0;

  /** A line opened: at the end of the list, grown by half again when full (a copy at each line was garbage past the young generation). */
  private open(line: LineSum | number): void {
    if (this.lineCount === this.lines.length) this.lines = grown(this.lines, grownLength(this.lines.length, this.lineCount + 1), NO_LINE);
    this.lines[this.lineCount++] = line;
  }

  /**
   * Lines by a number the replay gave them: the line of rows of one shape, found without a lookup. A line
   * of a shape opened with its head (LineHead, shared by every account's cycles) is that head, and its
   * sums are the slot's: no object a line, where a log of 100,000 accounts has about a line a row.
   */
  private slots: (LineSum | LineHead | undefined)[] = NO_SLOT_LINES;

  /**
   * Add to the line of this meter, component, kind, dimension values and unit price.
   * `amount` is given only where it is not quantity x unit price (rounded per event,
   * or a refund cut short); otherwise the line's amount is worked out once, at close.
   * `slot` is the replay's number for this line, the same in every cycle.
   */
  addLine(of: LineOf, added: LineAddition): void {
    const { meter, name, component, kind, category, pool, dims } = of;
    const { quantity, count, unit, amount, slot } = added;
    let line = slot === undefined ? undefined : this.slots[slot];
    let key: string | undefined;
    // A line by number is found by it: a key is needed only once some line has none (indexed()).
    if (line === undefined && (slot === undefined || this.lineIndex !== undefined)) {
      key = lineKey(meter, { name, kind, component, version: this.version }, dims, unit.text);
      line = this.indexed().get(key);
      if (line !== undefined && slot !== undefined) this.remember(slot, line);
    }
    if (line instanceof LineHead) {
      if (count !== undefined && amount === undefined && this.addToSums(slot!, count)) return;
      line = this.ownLine(slot!);
    }
    if (line) {
      addEvent(line, quantity, count);
      if (amount !== undefined) line.amount = line.amount!.plus(amount);
    } else if (slot !== undefined && key === undefined && added.head?.heads(of, added, this.version) === true) {
      // Its sums start at the slot's (zero in a new cycle); no line index exists, or a key would be needed.
      this.open(slot);
      this.remember(slot, added.head);
      this.addToSums(slot, count!);
    } else {
      const fresh: LineSum = { meter: name, component, kind, category, pool, dimensions: added.dimensions ?? lineDimensions(meter, dims), quantity: count === undefined ? quantity : ZERO, count: count ?? 0, unitPrice: unit.value, amount, events: 1, source: meter };
      if (this.version !== undefined) fresh.version = this.version;
      if (key !== undefined) this.lineIndex!.set(key, fresh);
      this.open(fresh);
      if (slot !== undefined) this.remember(slot, fresh);
    }
  }

  /**
   * The cycle's lines by key, made at the first line added without a number: a log of many accounts has
   * a cycle an account, most of whose lines have numbers, and a key a line was a string and a map entry.
   */
  private indexed(): Map<string, LineSum> {
    if (this.lineIndex === undefined) {
      this.lineIndex = new Map();
      // A unit price's text is its value's toFixed() (unitOf in pricing.ts); a line keeps the meter whose dimensions its key lists.
      for (let i = 0; i < this.lineCount; i++) {
        const entry = this.lines[i]!;
        const l = typeof entry === "number" ? this.ownLine(entry) : entry;
        this.lineIndex.set(lineKey(l.source, { name: l.meter, kind: l.kind, component: l.component, version: l.version }, l.dimensions, l.unitPrice.toFixed()), l);
      }
    }
    return this.lineIndex;
  }

  /** Add a count and an event to a slot's sums; false where the count would pass a safe integer (the caller adds the quantity as a Decimal). */
  private addToSums(slot: number, count: number): boolean {
    const at = 2 * slot;
    const sum = addCount(this.slotSums[at]!, count);
    if (sum === undefined) return false;
    this.slotSums[at] = sum;
    this.slotSums[at + 1] = addCount(this.slotSums[at + 1]!, 1)!;
    return true;
  }

  /**
   * The slot's line as an object of its own, made from its head where it was held as one: a line that needs a
   * Decimal (an amount of its own, a quantity past a safe integer) or a key. Its sums so far stay the slot's,
   * added at close as every numbered line's are.
   */
  private ownLine(slot: number): LineSum {
    const found = this.slots[slot]!;
    if (!(found instanceof LineHead)) return found;
    // In the order of a line opened by addLine: close() keeps a line's keys in order, and the writers read them so.
    const line: LineSum = { meter: found.meter, component: undefined, kind: found.kind, category: found.category, pool: found.pool, dimensions: found.dimensions, quantity: ZERO, count: 0, unitPrice: found.unitPrice, amount: undefined, events: 0, source: found.source };
    if (found.version !== undefined) line.version = found.version;
    this.slots[slot] = line;
    this.lines[this.lines.indexOf(slot)] = line;
    return line;
  }

  /** Whether the line numbered `slot` has been opened in this cycle. */
  hasSlot(slot: number): boolean {
    return this.slots[slot] !== undefined;
  }

  /**
   * Add an event whose amount is quantity x unit price, of `count` millionths,
   * to the open line numbered `slot`: to numbers in arrays by slot, which stay
   * in the processor's cache where a hundred thousand line objects would not,
   * and are added to the line at close.
   */
  addToSlot(slot: number, quantity: Decimal, count: number): void {
    const at = 2 * slot;
    const sum = addCount(this.slotSums[at]!, count);
    if (sum === undefined) {
      const line = this.ownLine(slot);
      line.quantity = line.quantity.plus(quantity);
    } else {
      this.slotSums[at] = sum;
    }
    this.slotSums[at + 1] = addCount(this.slotSums[at + 1]!, 1)!;
  }

  /**
   * By slot, side by side: the count of millionths added, then the events (one array, not two). A plain array of
   * numbers, not a typed one: an ArrayBuffer is about 280 bytes an account of 100,000, and its memory outside the
   * heap makes the collector run more often as accounts open cycles.
   */
  private slotSums: number[] = NO_SLOTS;

  /** What addToSlot gathered, added to the lines, once: the sums start again from zero, so that closing twice gives the same statement. */
  private foldSlots(): void {
    const slotSums = this.slotSums;
    for (let slot = 0; slot < this.slots.length; slot++) {
      const line = this.slots[slot];
      // A head's sums are its line's whole sums, read at close.
      if (line === undefined || line instanceof LineHead) continue;
      const counted = slotSums[2 * slot]!;
      const sum = addCount(line.count, counted);
      if (sum === undefined) line.quantity = line.quantity.plus(countDecimal(counted));
      else line.count = sum;
      line.events += slotSums[2 * slot + 1]!;
      slotSums[2 * slot] = 0;
      slotSums[2 * slot + 1] = 0;
    }
  }

  /**
   * Slots are filled in order, never with a gap: an array with holes would fall back to a slow dictionary.
   * The arrays grow by half again (`grown`), padded with empty slots and zero sums, which nothing tells
   * from slots not opened: a copy at each new line was garbage that lived until the account's next row,
   * so past the young generation, in a log of 100,000 accounts.
   */
  private remember(slot: number, line: LineSum | LineHead): void {
    if (this.slots.length <= slot) {
      const length = grownLength(this.slots.length, slot + 1);
      this.slots = grown(this.slots, length, undefined);
      this.slotSums = grown(this.slotSums, 2 * length, 0);
    }
    this.slots[slot] = line;
  }

  /** A line held as its head and its slot's sums, as the statement shows it: as ownStatementLine shows the line ownLine() would make of it. */
  private headLine(slot: number): StatementLine {
    const head = this.slots[slot] as LineHead;
    const count = this.slotSums[2 * slot]!;
    const { quantity, amount } = countedAt(count, head.unitPrice);
    const line: StatementLine = { meter: head.meter, component: undefined, kind: head.kind, category: head.category, pool: head.pool, dimensions: head.dimensions, quantity, unitPrice: head.unitPrice, amount, events: this.slotSums[2 * slot + 1]! };
    if (head.version !== undefined) line.version = head.version;
    return line;
  }

  /** The lines as the statement shows them, in the order they opened; the slot sums are added to the lines of their own once (closing twice gives the same lines). */
  protected statementLines(): StatementLine[] {
    this.foldSlots();
    const lines: StatementLine[] = [];
    for (let i = 0; i < this.lineCount; i++) {
      const entry = this.lines[i]!;
      lines.push(typeof entry === "number" ? this.headLine(entry) : ownStatementLine(entry));
    }
    return lines;
  }

  /** Drop the lines once the cycle's statement is made. */
  protected releaseLines(): void {
    this.lineIndex = undefined;
    this.slots = NO_SLOT_LINES;
    this.lines = NO_LINES;
    this.lineCount = 0;
    this.slotSums = NO_SLOTS;
  }
}

/** The lines by slot of a cycle with none yet, shared (never written): remember() replaces it at the first slot. */
const NO_SLOT_LINES: (LineSum | LineHead | undefined)[] = [];

/** The slot sums of a cycle with no line by number yet, shared (never written): remember() replaces it at the first slot. */
const NO_SLOTS: number[] = [];

/** The lines of a cycle with none yet, shared (never written): addLine replaces it at the first line. */
const NO_LINES: (LineSum | number)[] = [];

/** The room past a cycle's last line (`lines`): no slot number is negative. */
const NO_LINE = -1;

/**
 * The length a list grows to from `length` to hold at least `need`: by half again, and to FIRST_ROOM at
 * once. A cycle of a log of 100,000 accounts opens about seven lines, and each list grown by one at a
 * time (1, 2, 3, 4, 6, 9) was five copies of three lists, garbage past the young generation.
 */
function grownLength(length: number, need: number): number {
  const grown = Math.max(need, length + (length >> 1));
  return grown < FIRST_ROOM ? FIRST_ROOM : grown;
}

const FIRST_ROOM = 4;

/** A copy of `list` of `length` entries, the new ones `fill`: made at once, with no room past them (a push leaves room for seventeen). */
function grown<T>(list: readonly T[], length: number, fill: T): T[] {
  // new Array(length) of many entries is a dictionary, slow to read: a long list is copied and pushed to.
  if (length > PREALLOCATED) {
    const copy = list.slice();
    while (copy.length < length) copy.push(fill);
    return copy;
  }
  const copy = new Array<T>(length);
  for (let i = 0; i < list.length; i++) copy[i] = list[i]!;
  for (let i = list.length; i < length; i++) copy[i] = fill;
  return copy;
}

/** Lists up to this long are made at their length at once (V8 makes a dictionary of new Array(n) only for far more). */
const PREALLOCATED = 1024;

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
/** Counts kept a unit price, at most: past it that price's starts afresh. */
const COUNTED_MAX = 4096;

function countedAt(count: number, unitPrice: Decimal): { quantity: Decimal; amount: Decimal } {
  let byCount = COUNTED.get(unitPrice);
  if (byCount === undefined) {
    if (COUNTED.size >= COUNTED_MAX) COUNTED.clear();
    COUNTED.set(unitPrice, (byCount = new Map()));
  }
  let counted = byCount.get(count);
  if (counted === undefined) {
    if (byCount.size >= COUNTED_MAX) byCount.clear();
    const quantity = compact(count === 0 ? ZERO : ZERO.plus(countDecimal(count)));
    byCount.set(count, (counted = { quantity, amount: compact(quantity.mul(unitPrice)) }));
  }
  return counted;
}

/** A line of its own as the statement shows it: its count of millionths added to its quantity, its amount worked out where it has none. */
function ownStatementLine({ count, source, ...l }: LineSum): StatementLine {
  const quantity = compact(count === 0 ? l.quantity : l.quantity.plus(countDecimal(count)));
  return { ...l, quantity, amount: compact(l.amount ?? quantity.mul(l.unitPrice)) };
}

