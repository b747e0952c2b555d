import { UserError, shown, type Location } from "../errors.js";

/**
 * A JSON Lines row with a key written twice (`"quantity":1,"quantity":1000`) is refused at the second key, as a CSV
 * header naming a column twice is: JSON.parse keeps the last value, other readers the first (RFC 8259 says names
 * "SHOULD be unique"), so which one was billed would depend on the reader (red team, stop 37). Structured loggers
 * that merge a child's bindings with a call's fields write such lines.
 *
 * The check costs a count on ordinary rows: every key in the text is a string followed by `:` (after blanks), so
 * the text has at least as many such marks as keys written; when the marks are no more than the keys the parsed
 * object holds, no key was written twice. Only a row with more marks (a repeat, or `":` inside a string value) is
 * scanned key by key.
 */
export function checkRepeatedKeys(text: string, value: unknown, at: (offset: number) => Location): void {
  const keys = keysOf(value, 0);
  if (keys < 0) {
    // A value nested this deep is no usage row; flattening it ran out of stack, an internal error (red team, stop 43).
    throw new UserError(`a JSON value nested more than ${MAX_DEPTH} levels deep`, at(0), `objects and arrays at most ${MAX_DEPTH} levels deep`, "deeper ones");
  }
  if (keyMarks(text) <= keys) return;
  const repeat = repeatedKey(text);
  if (repeat === undefined) return;
  throw new UserError(
    `key ${shown(repeat.name)} written twice in one object`,
    at(repeat.offset),
    "each key once in an object: JSON readers differ on which of two values they keep",
    `${shown(repeat.name)} also at column ${repeat.first + 1}`,
  );
}

/** How many times a `"` is followed by `:` after blanks: at least once for every key written. */
function keyMarks(text: string): number {
  let marks = 0;
  for (let colon = text.indexOf(":"); colon >= 0; colon = text.indexOf(":", colon + 1)) {
    let before = colon - 1;
    while (before >= 0 && isBlank(text.charCodeAt(before))) before--;
    if (before >= 0 && text.charCodeAt(before) === QUOTE) marks++;
  }
  return marks;
}

/** The keys of every object in a parsed value, distinct within each object; -1 where it is nested more than MAX_DEPTH deep. */
function keysOf(value: unknown, depth: number): number {
  if (value === null || typeof value !== "object") return 0;
  if (depth === MAX_DEPTH) return -1;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      const keys = keysOf(item, depth + 1);
      if (keys < 0) return -1;
      count += keys;
    }
    return count;
  }
  for (const key in value) {
    const keys = keysOf((value as Record<string, unknown>)[key], depth + 1);
    if (keys < 0) return -1;
    count += 1 + keys;
  }
  return count;
}

/** Levels of objects and arrays a JSON line may nest: far past any export's, and far short of the stack's. */
const MAX_DEPTH = 256;

/** The first key written twice in one object, by its dotted path, with the offsets of both; the text is valid JSON. */
function repeatedKey(text: string): { name: string; offset: number; first: number } | undefined {
  const stack: { keys: Map<string, number> | undefined; path: string }[] = [];
  let lastKey = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const parent = stack.at(-1);
      // A value's path is its key's; an array's elements share the array's.
      const path = parent === undefined ? "" : parent.keys === undefined ? parent.path : lastKey;
      stack.push({ keys: c === OPEN_OBJECT ? new Map() : undefined, path });
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
    } else if (c === QUOTE) {
      const start = i;
      for (i++; text.charCodeAt(i) !== QUOTE; i++) if (text.charCodeAt(i) === BACKSLASH) i++;
      const top = stack.at(-1);
      let next = i + 1;
      while (next < text.length && isBlank(text.charCodeAt(next))) next++;
      if (top?.keys === undefined || text.charCodeAt(next) !== COLON) continue;
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      const name = top.path === "" ? key : `${top.path}.${key}`;
      const first = top.keys.get(key);
      if (first !== undefined) return { name, offset: start, first };
      top.keys.set(key, start);
      lastKey = name;
    }
  }
  return undefined;
}

const isBlank = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
