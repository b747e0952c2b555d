import type { StatementLine } from "../../engine/types.js";
import { formatExact, ZERO, type Decimal } from "../../money.js";
import { formatInstant, type Instant } from "../../time.js";
import { jsonString, jsonVisible } from "../shared/escape.js";
import { bytes, type JsonBytes } from "../shared/json-bytes.js";

/**
 * Statement lines as elements of a cycle's `lines`, each opening brace
 * unindented, written into the statement's bytes. What comes before the
 * dimensions (meter, component, kind, category, pool) is the same for many
 * lines: its bytes are made once and found by the meter, a few comparisons
 * instead of four escapes. A line's dimensions are a record the engine often
 * makes once for all the lines of their values (lineDimensions, read-only):
 * a record seen twice has its bytes kept. A record seen once (the lines of
 * one account's log, each made apart) costs only the note that it was seen.
 */
export class LineBytes {
  private readonly heads = new Map<string, LineHead[]>();
  /** Records seen, with their bytes once seen again. */
  private readonly dimensions = new Map<object, Buffer | undefined>();

  constructor(
    private readonly out: JsonBytes,
    private readonly amounts: AmountBytes,
  ) {}

  write(l: StatementLine): void {
    const out = this.out;
    out.raw(this.head(l));
    const dimensions = this.dimensions;
    const known = dimensions.get(l.dimensions);
    if (known !== undefined) out.raw(known);
    else {
      const mark = out.length;
      objectBytes(out, l.dimensions, LINE_KEY);
      if (dimensions.size >= 16384) dimensions.clear();
      dimensions.set(l.dimensions, dimensions.has(l.dimensions) ? out.since(mark) : undefined);
    }
    out.raw(QUANTITY);
    this.amounts.write(l.quantity);
    out.raw(UNIT_PRICE);
    this.amounts.write(l.unitPrice);
    out.raw(AMOUNT);
    this.amounts.write(l.amount);
    out.raw(EVENTS);
    out.text(numberText(l.events));
    if (l.version !== undefined) {
      out.raw(VERSION);
      out.string(l.version);
    }
    out.raw(LINE_END);
  }

  /** The line's bytes up to its dimensions: a meter's lines of several kinds, categories or pools alternate, each kept. */
  private head(l: StatementLine): Buffer {
    let heads = this.heads.get(l.meter);
    if (heads === undefined) {
      if (this.heads.size >= 4096) this.heads.clear();
      this.heads.set(l.meter, (heads = []));
    }
    for (const h of heads) if (h.component === l.component && h.kind === l.kind && h.category === l.category && h.pool === l.pool) return h.bytes;
    const made = lineHead(l);
    if (heads.length >= 16) heads.length = 0;
    heads.push(made);
    return made.bytes;
  }
}

const QUANTITY = bytes(`,
              "quantity": `);
const UNIT_PRICE = bytes(`,
              "unit_price": `);
const AMOUNT = bytes(`,
              "amount": `);
const EVENTS = bytes(`,
              "events": `);
const VERSION = bytes(`,
              "version": `);
const LINE_END = bytes(`
            }`);

/** A line's bytes up to its dimensions, and what they were made from. */
interface LineHead {
  component: string | undefined;
  kind: string;
  category: string;
  pool: string;
  bytes: Buffer;
}

function lineHead(l: StatementLine): LineHead {
  const text = `{
              "meter": ${jsonString(l.meter)},${l.component === undefined ? "" : `
              "component": ${jsonString(l.component)},`}
              "kind": ${jsonString(l.kind)},
              "category": ${jsonString(l.category)},
              "pool": ${jsonString(l.pool)},
              "dimensions": `;
  return { component: l.component, kind: l.kind, category: l.category, pool: l.pool, bytes: bytes(text) };
}

/** What a record's text is made of at one depth: its keys' lines after `newline`. */
export class Indent {
  readonly open: Buffer;
  readonly next: Buffer;
  readonly close: Buffer;
  /** Where a nested value's lines start. */
  readonly inner: string;

  constructor(readonly newline: string) {
    this.inner = `${newline}  `;
    this.open = bytes(`{${this.inner}`);
    this.next = bytes(`,${this.inner}`);
    this.close = bytes(`${newline}}`);
  }
}

/** At a statement line's keys: its dimensions. */
const LINE_KEY = new Indent("\n              ");

/** A number as JSON writes it: NaN and the infinities as null. */
export function numberText(n: number): string {
  return Number.isFinite(n) ? String(n) : "null";
}

/** A record (a line's dimensions) as JSON.stringify(value, null, 2) writes it. */
export function objectBytes(out: JsonBytes, record: Readonly<Record<string, unknown>>, indent: Indent): void {
  let first = true;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (value === undefined || typeof value === "function" || typeof value === "symbol") continue;
    out.raw(first ? indent.open : indent.next);
    first = false;
    out.string(key);
    out.raw(COLON);
    if (typeof value === "string") out.string(value);
    else out.text(valueText(value, indent.inner));
  }
  out.raw(first ? EMPTY_OBJECT : indent.close);
}

const COLON = bytes(": ");
const EMPTY_OBJECT = bytes("{}");

/** Any value as JSON.stringify(value, null, 2) writes it, re-indented to start after `newline`. */
export function valueText(value: unknown, newline: string): string {
  return jsonVisible(JSON.stringify(value, null, 2)).replaceAll("\n", newline);
}

/** Amounts as formatExact writes them, quoted. */
export class AmountBytes {
  constructor(private readonly out: JsonBytes) {}

  write(value: Decimal): void {
    // The engine gives every zero it makes as ZERO: no digits to read.
    if (value === ZERO) return this.out.raw(QUOTED[0]!);
    const words = value.d;
    // NaN and the infinities have no digits: their text, as formatExact writes it.
    if (!words) return this.out.text(`"${formatExact(value)}"`);
    const word = words[0]!;
    if (words.length === 1) {
      // Whole numbers below 1024 with no sign to write (an allowance, a quantity of 1), and every zero, made before any is asked for.
      // One word at an exponent below 7 is the whole number itself.
      if (word === 0 || (value.e >= 0 && value.e < 7 && word < QUOTED.length && value.s > 0)) return this.out.raw(QUOTED[word]!);
    }
    this.out.decimal(words, value.e, value.s < 0);
  }
}

/** Small whole amounts quoted, made once. */
const QUOTED = Array.from({ length: 1024 }, (_, n) => bytes(`"${n}"`));

/** Instants of a log's cycles repeat across its accounts: each is formatted once, while the cache stays small. */
export class InstantBytes {
  /** Instants seen, with their bytes once seen again: one seen once (where a cycle ran short) is only written. */
  private readonly known = new Map<Instant, Buffer | undefined>();

  constructor(private readonly out: JsonBytes) {}

  write(at: Instant): void {
    const known = this.known.get(at);
    if (known !== undefined) return this.out.raw(known);
    if (this.known.size >= 4096) this.known.clear();
    if (!this.known.has(at)) {
      this.known.set(at, undefined);
      return this.fresh(at);
    }
    const made = bytes(`"${formatInstant(at)}"`);
    this.known.set(at, made);
    this.out.raw(made);
  }

  /**
   * An instant as formatInstant writes it (toISOString, without ".000"), from
   * its day and time: no Date and no string for an instant written once (where
   * a threshold was crossed). Years 1970 to 9999; others are formatInstant's.
   */
  private fresh(at: Instant): void {
    const out = this.out;
    if (!Number.isSafeInteger(at) || at < 0 || at > LAST_INSTANT) return out.text(`"${formatInstant(at)}"`);
    const days = Math.floor(at / DAY);
    let ms = at - days * DAY;
    // Days to a civil date (H. Hinnant's days_from_civil, inverted), on a calendar of years from March.
    const z = days + 719468;
    const era = Math.floor(z / 146097);
    const dayOfEra = z - era * 146097;
    const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
    const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
    const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
    const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
    const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
    const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    out.byte(34);
    out.padded(year, 4);
    out.byte(45);
    out.padded(month, 2);
    out.byte(45);
    out.padded(day, 2);
    out.byte(84);
    const hours = Math.floor(ms / 3_600_000);
    ms -= hours * 3_600_000;
    const minutes = Math.floor(ms / 60_000);
    ms -= minutes * 60_000;
    const seconds = Math.floor(ms / 1000);
    ms -= seconds * 1000;
    out.padded(hours, 2);
    out.byte(58);
    out.padded(minutes, 2);
    out.byte(58);
    out.padded(seconds, 2);
    if (ms !== 0) {
      out.byte(46);
      out.padded(ms, 3);
    }
    out.byte(90);
    out.byte(34);
  }

  orNull(at: Instant | undefined): void {
    if (at === undefined) this.out.raw(NULL);
    else this.write(at);
  }
}

export const NULL = bytes("null");

const DAY = 86_400_000;
/** 9999-12-31T23:59:59.999Z: past it toISOString writes six digits of year. */
const LAST_INSTANT = 253_402_300_799_999;
