/**
 * A JSON line written as a line before it: the same keys in the same order, nested alike, the same bytes between its values
 * (JavaScript's `JSON.stringify` writes `","` and `":"`, Python's `json.dumps` `", "` and `": "`), and each value a
 * string without an escape, a comma or a control character, `true`, `false`, `null`, or a number a double holds
 * exactly as it is written. Such a line's cells are found where its values lie in its bytes, with no text, no
 * JSON.parse and no object: a gateway's export writes millions of lines alike, and parsing each one into an object,
 * flattening it and writing its record as a CSV line was most of its reading on the row scanner (stop 43).
 *
 * A template is learned from a line JSON.parse read, and kept only where reading that same line by the template
 * gives the fields the object readers flattened from it (objects.ts). Whatever a line writes otherwise (an escape,
 * a nested object, a number with an exponent, a key more or less, a blank more or less) goes the parsed way, so a
 * template never decides what a line means: it finds what the parse found, faster. The line's bytes are UTF-8
 * (the caller checks), so a value's bytes are its text's.
 */
export class LineTemplate {
  /** Where the last line read had each value: its bytes from `starts[i]` to `ends[i]` (a string's within its quotes), empty for null. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;

  /** Where the last line read had a value of an ignored field that its bytes do not write as text (an object, an array, an escape): 1. */
  readonly opaque: Uint8Array;
  /** Where the last line read had an array of plain values (a gateway's tags): 1; its cell is its compact text (arrayText). */
  readonly arrays: Uint8Array;

  private constructor(
    /** The bytes before each value: `{"timestamp":` first, then `,"meter":` and so on. */
    private readonly before: readonly Buffer[],
    /** The bytes after the last value, to the line's end: `}`. */
    private readonly after: Buffer,
    /** Each value's field, by its dotted path. */
    readonly names: readonly string[],
    /** The values of ignored fields: any JSON value, checked and passed over (its cell is empty whatever it holds). */
    private readonly skip: Uint8Array,
  ) {
    this.starts = new Int32Array(before.length);
    this.ends = new Int32Array(before.length);
    this.opaque = new Uint8Array(before.length);
    this.arrays = new Uint8Array(before.length);
  }

  /**
   * The template of a line (`from` to `to`, its newline left out), where it reads the line back as `fields`, the
   * line's fields as the object readers flattened them (ObjectRows.placing): undefined where the line is written
   * in a way a template does not read.
   */
  static learn(line: Buffer, from: number, to: number, fields: ReadonlyMap<string, string>, ignore: ReadonlySet<string>): LineTemplate | undefined {
    const end = lineEnd(line, from, to);
    const leaves = new Leaves(line, from);
    const at = leaves.object(from, end, "", ignore);
    if (at < 0 || leaves.names.length === 0) return undefined;
    const template = new LineTemplate(leaves.before, Buffer.from(line.subarray(leaves.mark, end)), leaves.names, Uint8Array.from(leaves.names, (name) => (ignore.has(name) ? 1 : 0)));
    return template.read(line, from, to) && template.reads(line, fields, ignore) ? template : undefined;
  }

  /** Whether the line from `from` to `to` (its newline left out) is written as the template's; its values' places in starts and ends. */
  read(line: Buffer, from: number, to: number): boolean {
    const end = lineEnd(line, from, to);
    const { before, starts, ends, skip, opaque, arrays } = this;
    let at = from;
    for (let i = 0; i < before.length; i++) {
      const bytes = before[i]!;
      if (!startsWith(line, at, end, bytes)) return false;
      at += bytes.length;
      if (skip[i] === 1) {
        const next = valueSkipped(line, at, end, 0);
        if (next < 0) return false;
        // A plain string or literal keeps its bytes, which a scope reads (CloudEvents' ignored source); anything else none.
        const plain = line[at] === QUOTE ? stringEnd(line, at + 1, end) === next - 1 : line[at] !== OPEN && line[at] !== OPEN_ARRAY;
        opaque[i] = plain ? 0 : 1;
        starts[i] = plain && line[at] === QUOTE ? at + 1 : at;
        ends[i] = !plain ? at : line[at] === QUOTE ? next - 1 : line[at] === N ? at : next;
        at = next;
        continue;
      }
      arrays[i] = 0;
      if (line[at] === QUOTE) {
        const close = stringEnd(line, at + 1, end);
        if (close < 0) return false;
        starts[i] = at + 1;
        ends[i] = close;
        at = close + 1;
      } else if (line[at] === OPEN_ARRAY) {
        const next = arrayEnd(line, at, end);
        if (next < 0) return false;
        arrays[i] = 1;
        starts[i] = at;
        ends[i] = next;
        at = next;
      } else {
        const next = tokenEnd(line, at, end);
        if (!isLiteral(line, at, next)) return false;
        starts[i] = at;
        // null is an empty cell.
        ends[i] = line[at] === N ? at : next;
        at = next;
      }
    }
    return at + this.after.length === end && startsWith(line, at, end, this.after);
  }

  /** Whether the values read last are `fields`, key for key in the template's order, an ignored field's empty. */
  private reads(line: Buffer, fields: ReadonlyMap<string, string>, ignore: ReadonlySet<string>): boolean {
    const { names } = this;
    if (fields.size !== names.length) return false;
    let i = 0;
    for (const [name, value] of fields) {
      if (name !== names[i] || value !== (ignore.has(name) ? "" : this.text(line, i))) return false;
      i++;
    }
    return true;
  }

  /** The cell of the value read last at `i`, as the object readers write it (objects.ts: leafText). */
  text(line: Buffer, i: number): string {
    return this.arrays[i] === 1 ? arrayText(line, this.starts[i]!, this.ends[i]!) : line.toString("utf8", this.starts[i], this.ends[i]);
  }

  /** Whether the value read last at `i` was a string: what a scope reads (id-scopes.ts: addScopes). */
  isString(line: Buffer, i: number): boolean {
    return line[this.starts[i]! - 1] === QUOTE;
  }
}

/**
 * A line's leaves as the object readers flatten them (objects.ts: `flatten`): each value that is not an object, by
 * its dotted path, with the bytes before it since the leaf before; an object's braces and keys are bytes between
 * leaves, as its blanks are.
 */
class Leaves {
  readonly before: Buffer[] = [];
  readonly names: string[] = [];
  /** Where the bytes after the last leaf begin. */
  mark: number;

  constructor(
    private readonly line: Buffer,
    from: number,
  ) {
    this.mark = from;
  }

  /** The leaves of the object at `at`, its keys' paths under `prefix`: where it ends, or -1 where a template does not read it. */
  object(at: number, end: number, prefix: string, ignore: ReadonlySet<string>): number {
    const line = this.line;
    if (line[at] !== OPEN) return -1;
    at = blanks(line, at + 1, end);
    if (line[at] === CLOSE) return at + 1;
    for (;;) {
      if (line[at] !== QUOTE) return -1;
      const close = stringEnd(line, at + 1, end);
      if (close < 0) return -1;
      const name = prefix + line.toString("utf8", at + 1, close);
      at = blanks(line, close + 1, end);
      if (line[at] !== COLON) return -1;
      at = blanks(line, at + 1, end);
      // An ignored field is one empty cell, whatever it holds (an object, an array): its value is checked and passed over.
      if (line[at] === OPEN && !ignore.has(name)) at = this.object(at, end, `${name}.`, ignore);
      else {
        this.before.push(Buffer.from(line.subarray(this.mark, at)));
        this.names.push(name);
        at = ignore.has(name) ? valueSkipped(line, at, end, 0) : valueEnd(line, at, end);
        this.mark = at;
      }
      if (at < 0) return -1;
      at = blanks(line, at, end);
      if (line[at] === COMMA) at = blanks(line, at + 1, end);
      else if (line[at] === CLOSE) return at + 1;
      else return -1;
    }
  }
}

/** The line's end, its line ending's CR no part of it (the parsed way trims it). */
function lineEnd(line: Buffer, from: number, to: number): number {
  return to > from && line[to - 1] === CR ? to - 1 : to;
}

function startsWith(line: Buffer, at: number, end: number, bytes: Buffer): boolean {
  if (at + bytes.length > end) return false;
  for (let i = 0; i < bytes.length; i++) if (line[at + i] !== bytes[i]) return false;
  return true;
}

/**
 * The closing quote of a string begun before `from`, or -1 where the string has an escape or a control character
 * (JSON refuses one raw), a comma (a CSV line would split there; the parsed way gives such a file to the plain
 * reader), or runs past `end`.
 */
function stringEnd(line: Buffer, from: number, end: number): number {
  for (let at = from; at < end; at++) {
    const c = line[at]!;
    if (c === QUOTE) return at;
    if (c === BACKSLASH || c < 0x20 || c === COMMA) return -1;
  }
  return -1;
}

/** Where a value at `at` ends, or -1 where a template does not read it (an object, an array, an escape). */
function valueEnd(line: Buffer, at: number, end: number): number {
  if (line[at] === QUOTE) {
    const close = stringEnd(line, at + 1, end);
    return close < 0 ? -1 : close + 1;
  }
  if (line[at] === OPEN_ARRAY) return arrayEnd(line, at, end);
  const next = tokenEnd(line, at, end);
  return isLiteral(line, at, next) ? next : -1;
}

/**
 * Past an array of plain values (strings without an escape or a control character, literals as isLiteral reads them,
 * no array or object within), or -1: its cell is JSON.stringify's text of it, which is its bytes without the blanks
 * between values (arrayText).
 */
function arrayEnd(line: Buffer, at: number, end: number): number {
  at = blanks(line, at + 1, end);
  if (line[at] === CLOSE_ARRAY) return at + 1;
  for (;;) {
    if (line[at] === QUOTE) {
      let close = at + 1;
      while (close < end && line[close] !== QUOTE && line[close] !== BACKSLASH && line[close]! >= 0x20) close++;
      if (line[close] !== QUOTE || close >= end) return -1;
      at = close + 1;
    } else {
      let next = at;
      while (next < end && !endsToken(line[next]!) && line[next] !== CLOSE_ARRAY) next++;
      if (!isLiteral(line, at, next)) return -1;
      at = next;
    }
    at = blanks(line, at, end);
    if (line[at] === COMMA) at = blanks(line, at + 1, end);
    else if (line[at] === CLOSE_ARRAY) return at + 1;
    else return -1;
  }
}

/** An array's cell (arrayEnd): its bytes without the blanks outside its strings, as JSON.stringify writes it. */
function arrayText(line: Buffer, from: number, to: number): string {
  let text = "";
  let mark = from;
  let inString = false;
  for (let at = from; at < to; at++) {
    const c = line[at];
    if (c === QUOTE) inString = !inString;
    else if (!inString && (c === SPACE || c === TAB)) {
      text += line.toString("utf8", mark, at);
      mark = at + 1;
    }
  }
  return text + line.toString("utf8", mark, to);
}

function tokenEnd(line: Buffer, at: number, end: number): number {
  while (at < end && !endsToken(line[at]!)) at++;
  return at;
}

const endsToken = (c: number) => c === COMMA || c === CLOSE || c === SPACE || c === TAB;

/**
 * Where the JSON value at `at` ends, checked as JSON.parse and the readers' checks would have it, or -1 where a template
 * leaves it to them: a string (escapes checked, not decoded), a number of JSON's grammar, a literal, or an object or
 * array of such values nested at most MAX_SKIPPED deep, each object's keys plain and each once (checkRepeatedKeys).
 */
function valueSkipped(line: Buffer, at: number, end: number, depth: number): number {
  const c = line[at];
  if (c === QUOTE) return escapedStringEnd(line, at + 1, end);
  if (c !== OPEN && c !== OPEN_ARRAY) {
    let next = at;
    // Within an array a value ends at its bracket too.
    while (next < end && !endsToken(line[next]!) && line[next] !== CLOSE_ARRAY) next++;
    return isJsonLiteral(line, at, next) ? next : -1;
  }
  if (depth === MAX_SKIPPED) return -1;
  const object = c === OPEN;
  const close = object ? CLOSE : CLOSE_ARRAY;
  const keys: Buffer[] = [];
  at = blanks(line, at + 1, end);
  if (line[at] === close) return at + 1;
  for (;;) {
    if (object) {
      if (line[at] !== QUOTE) return -1;
      const keyEnd = stringEnd(line, at + 1, end);
      if (keyEnd < 0) return -1;
      const key = line.subarray(at + 1, keyEnd);
      if (keys.some((k) => k.equals(key))) return -1;
      keys.push(key);
      at = blanks(line, keyEnd + 1, end);
      if (line[at] !== COLON) return -1;
      at = blanks(line, at + 1, end);
    }
    at = valueSkipped(line, at, end, depth + 1);
    if (at < 0) return -1;
    at = blanks(line, at, end);
    if (line[at] === COMMA) at = blanks(line, at + 1, end);
    else if (line[at] === close) return at + 1;
    else return -1;
  }
}

/** Objects and arrays nested within an ignored field that a template passes over: deeper ones are the parse's. */
const MAX_SKIPPED = 32;

/** Past the closing quote of a string begun before `from`, its escapes checked (JSON's), or -1: a control character, a bad escape, no end. */
function escapedStringEnd(line: Buffer, from: number, end: number): number {
  for (let at = from; at < end; at++) {
    const c = line[at]!;
    if (c === QUOTE) return at + 1;
    if (c < 0x20) return -1;
    if (c !== BACKSLASH) continue;
    const e = line[++at];
    if (e === 0x75) {
      for (let k = 1; k <= 4; k++) if (!isHex(line[at + k])) return -1;
      at += 4;
    } else if (e === undefined || !ESCAPES.includes(e)) return -1;
  }
  return -1;
}

/** The characters JSON allows after a backslash, but `u`: " \ / b f n r t. */
const ESCAPES = [0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74];

const isHex = (c: number | undefined) => c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));

/** Whether bytes are a JSON literal: true, false, null, or a number of JSON's grammar (`-?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?`). */
function isJsonLiteral(line: Buffer, from: number, to: number): boolean {
  const text = line.toString("latin1", from, to);
  return text === "true" || text === "false" || text === "null" || JSON_NUMBER.test(text);
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function blanks(line: Buffer, at: number, end: number): number {
  while (at < end && (line[at] === SPACE || line[at] === TAB)) at++;
  return at;
}

/**
 * Whether a literal's bytes are written as the object readers write its cell (objects.ts: `text`), so that they
 * are the cell: null (an empty cell), true, false, or a number as the shortest decimal that reads back as its
 * double: at most 15 digits (two such decimals are never one double), no exponent, no zero that would be dropped
 * (`1.50`, `-0`, `00`).
 */
function isLiteral(line: Buffer, from: number, to: number): boolean {
  const length = to - from;
  if (length === 4 && line[from] === N) return line[from + 1] === 0x75 && line[from + 2] === 0x6c && line[from + 3] === 0x6c;
  if (length === 4 && line[from] === 0x74) return line[from + 1] === 0x72 && line[from + 2] === 0x75 && line[from + 3] === 0x65;
  if (length === 5 && line[from] === 0x66) return line[from + 1] === 0x61 && line[from + 2] === 0x6c && line[from + 3] === 0x73 && line[from + 4] === 0x65;
  let at = from;
  if (line[at] === MINUS) at++;
  const whole = at;
  while (at < to && isDigit(line[at]!)) at++;
  // A whole part of one digit or more, without a leading zero.
  if (at === whole || (line[whole] === ZERO && at - whole > 1)) return false;
  let digits = at - whole;
  if (at < to && line[at] === DOT) {
    const fraction = ++at;
    while (at < to && isDigit(line[at]!)) at++;
    if (at === fraction || line[at - 1] === ZERO) return false;
    digits += at - fraction;
  } else if (line[from] === MINUS && line[whole] === ZERO) return false;
  return at === to && digits <= 15;
}

const isDigit = (c: number) => c >= ZERO && c <= 0x39;

const OPEN = 0x7b;
const CLOSE = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const N = 0x6e;
