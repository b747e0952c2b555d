import { jsonVisible } from "./escape.js";

/**
 * `JSON.stringify(value, null, 2)` and a newline, in pieces: long arrays are
 * written element by element, so a statement of a million lines is never one
 * string in memory. Small values (a statement line, a grant row) are
 * stringified whole, re-indented to their depth.
 */
export function* jsonChunks(value: unknown, long = 64): Generator<string> {
  yield* chunksOf(toJson(value), "", long);
  yield "\n";
}

/**
 * An array whose elements are made as they are written: jsonChunks maps one
 * element at a time, so a statement's lines are never all JSON objects (and
 * their decimal strings) at once. JSON.stringify sees the mapped array.
 */
export class MappedArray<T> {
  constructor(
    readonly items: readonly T[],
    readonly map: (item: T) => unknown,
  ) {}

  toJSON(): unknown[] {
    return this.items.map(this.map);
  }
}

/** `value` has been through toJSON already, as JSON.stringify calls it once per value. */
function* chunksOf(value: unknown, indent: string, long: number): Generator<string> {
  // A short one is as cheap made whole, and then written exactly as an array is.
  if (value instanceof MappedArray) value = value.items.length < long ? value.toJSON() : value;
  if (value instanceof MappedArray) return yield* mappedChunks(value, indent, long);
  if (value === null || typeof value !== "object" || small(value, long)) {
    yield stringify(value, indent);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return yield "[]";
    yield "[";
    for (let i = 0; i < value.length; i++) {
      yield i === 0 ? `\n${inner}` : `,\n${inner}`;
      const item = toJson(value[i]);
      yield* chunksOf(item === undefined || typeof item === "function" || typeof item === "symbol" ? null : item, inner, long);
    }
    yield `\n${indent}]`;
    return;
  }
  const entries = Object.keys(value).map((k) => [k, toJson((value as Record<string, unknown>)[k])] as const).filter(([, v]) => v !== undefined && typeof v !== "function" && typeof v !== "symbol");
  if (entries.length === 0) return yield "{}";
  yield "{";
  for (let i = 0; i < entries.length; i++) {
    const [key, item] = entries[i]!;
    yield `${i === 0 ? "\n" : ",\n"}${inner}${jsonVisible(JSON.stringify(key))}: `;
    yield* chunksOf(item, inner, long);
  }
  yield `\n${indent}}`;
}

function* mappedChunks(value: MappedArray<unknown>, indent: string, long: number): Generator<string> {
  const inner = `${indent}  `;
  yield "[";
  for (let i = 0; i < value.items.length; i++) {
    yield i === 0 ? `\n${inner}` : `,\n${inner}`;
    const item = toJson(value.map(value.items[i]));
    yield* chunksOf(item === undefined || typeof item === "function" || typeof item === "symbol" ? null : item, inner, long);
  }
  yield `\n${indent}]`;
}

/**
 * Fewer than `long` entries at each level and `long` squared in all (an
 * account of a log of many accounts, a statement line, a grant row): one
 * stringify is cheaper than pieces. A value with toJSON is never small: it
 * may be a large part made on demand (an account's statement).
 */
function small(value: object, long: number): boolean {
  let left = long * long;
  const few = (node: object): boolean => {
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    left -= children.length;
    if (children.length >= long || left < 0) return false;
    return children.every((c) => c === null || typeof c !== "object" || (typeof (c as { toJSON?: unknown }).toJSON !== "function" && few(c)));
  };
  return few(value);
}

function toJson(value: unknown): unknown {
  if (value instanceof MappedArray) return value;
  const toJSON = (value as { toJSON?: unknown } | null | undefined)?.toJSON;
  return typeof toJSON === "function" ? toJSON.call(value) : value;
}

/** Control characters JSON leaves raw are escaped too (jsonVisible): the document parses the same. */
function stringify(value: unknown, indent: string): string {
  const text = jsonVisible(JSON.stringify(value, null, 2));
  // Strings in JSON never hold a raw newline, so every newline is structure.
  return indent === "" ? text : text.replaceAll("\n", `\n${indent}`);
}
