import type { StatementLine } from "../../engine/types.js";
import { formatExact, ZERO, type Decimal } from "../../money.js";
import { formatInstant, type Instant } from "../../time.js";
import { jsonString, jsonVisible } from "../shared/escape.js";
import { bytes, type JsonBytes } from "../shared/json-bytes.js";

/**
 * Statement lines as elements of a cycle's `lines`, each opening brace
 * unindented, written into the statement's bytes. What comes before the
 * dimensions (meter, component, kind, category, pool) is the same for most
 * lines of a meter: its bytes are made once a meter and kept while the next
 * line of that meter has the same, a few comparisons instead of four escapes.
 * A line's dimensions are a record the engine makes once for all the lines of
 * their values (lineDimensions, read-only): its bytes are kept by the record.
 */
export class LineBytes {
  private readonly heads = new Map<string, LineHead>();
  private readonly dimensions = new Map<object, Buffer>();

  constructor(
    private readonly out: JsonBytes,
    private readonly amounts: AmountBytes,
  ) {}

  write(l: StatementLine): void {
    const out = this.out;
    let head = this.heads.get(l.meter);
    if (head === undefined || head.component !== l.component || head.kind !== l.kind || head.category !== l.category || head.pool !== l.pool) {
      if (this.heads.size >= 4096) this.heads.clear();
      this.heads.set(l.meter, (head = lineHead(l)));
    }
    out.raw(head.bytes);
    const known = this.dimensions.get(l.dimensions);
    if (known !== undefined) out.raw(known);
    else {
      const mark = out.length;
      objectBytes(out, l.dimensions, LINE_KEY);
      if (this.dimensions.size >= 16384) this.dimensions.clear();
      this.dimensions.set(l.dimensions, out.since(mark));
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

/**
 * Amounts as formatExact writes them, quoted. A statement's amounts are few
 * values many times over (a price of 0.25, a quantity of 1): a value of one
 * base-10^7 word (decimal.js's `d`) is known by that word, its exponent and
 * its sign, and its bytes are made once.
 */
export class AmountBytes {
  private readonly known = new Map<number, Buffer>();

  constructor(private readonly out: JsonBytes) {}

  write(value: Decimal): void {
    // The engine gives every zero it makes as ZERO: no digits to read.
    if (value === ZERO) return this.out.raw(QUOTED[0]!);
    const words = value.d;
    if (words?.length === 1 && value.e > -MAX_EXPONENT && value.e < MAX_EXPONENT) {
      const word = words[0]!;
      // Whole numbers below 1024 with no sign to write (an allowance, a quantity of 1), made before any is asked for.
      if (value.e >= 0 && value.e < 4 && word < QUOTED.length && (value.s > 0 || word === 0)) return this.out.raw(QUOTED[word]!);
      const key = (word * 2 * MAX_EXPONENT + value.e + MAX_EXPONENT) * (value.s < 0 ? -1 : 1) - (value.s < 0 ? 1 : 0);
      let known = this.known.get(key);
      if (known === undefined) {
        if (this.known.size >= 4096) this.known.clear();
        this.known.set(key, (known = bytes(`"${formatExact(value)}"`)));
      }
      return this.out.raw(known);
    }
    this.out.text(`"${formatExact(value)}"`);
  }
}

/** Exponents of one-word amounts whose bytes are kept: past them (1e-40), the text is made each time. */
const MAX_EXPONENT = 32;

/** Small whole amounts quoted, made once. */
const QUOTED = Array.from({ length: 1024 }, (_, n) => bytes(`"${n}"`));

/** Instants of a log's cycles repeat across its accounts: each is formatted once, while the cache stays small. */
export class InstantBytes {
  private readonly known = new Map<Instant, Buffer>();

  constructor(private readonly out: JsonBytes) {}

  write(at: Instant): void {
    let known = this.known.get(at);
    if (known === undefined) {
      if (this.known.size >= 4096) this.known.clear();
      this.known.set(at, (known = bytes(`"${formatInstant(at)}"`)));
    }
    this.out.raw(known);
  }

  orNull(at: Instant | undefined): void {
    if (at === undefined) this.out.raw(NULL);
    else this.write(at);
  }
}

export const NULL = bytes("null");
