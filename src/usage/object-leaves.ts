import { UserError, type Location } from "../errors.js";
import { Decimal } from "../money.js";
import type { ColumnMapping } from "./mapping.js";

// An object's leaves as a row's cells: each field's dotted path and its text (JSON Lines and Parquet alike), text
// that is not UTF-8 or holds a lone surrogate refused, numbers written as the quantity reader takes them.

export function flattenAll(value: Record<string, unknown>, reading: Reading): Map<string, string> {
  const fields = new Map<string, string>();
  flatten(value, "", reading, fields, undefined);
  return fields;
}

/** What flattening passes over (`ignore_columns:`), and the dotted paths the mapping names, read even within an ignored object. */
export interface Reading {
  ignore: ReadonlySet<string>;
  named: ReadonlySet<string>;
}

/**
 * The dotted paths a mapping reads by name (rename:, columns:, skip_rows:, a layout's sources): an object under
 * ignore_columns: is one empty cell but for these (newcomer, stop 43: `ignore_columns: [metadata]` beside
 * `rename: { metadata.user_api_key_team_alias: team }` dropped the rename in silence, and the team budgets counted nothing).
 */
export function namedPaths(mapping: ColumnMapping): ReadonlySet<string> {
  const named = [
    ...mapping.rename.keys(),
    ...Object.values(mapping.columns).filter((source): source is string => source !== undefined),
    ...(mapping.skipRows?.keys() ?? []),
    ...(mapping.optional ?? []),
    ...[...(mapping.scopes ?? [])].flat(),
    ...[...(mapping.sums?.values() ?? [])].flat(),
    ...[...(mapping.preferred?.values() ?? [])].flat(),
    ...Object.values(mapping.alternatives ?? {}).flat(),
  ];
  return new Set(named.filter((path) => path.includes(".")));
}

/** Each leaf of `node` as a dotted path and its text; `skip` is the key being unnested, taken apart by the caller. */
export function flatten(node: Record<string, unknown>, prefix: string, reading: Reading, into: Map<string, string>, skip: string | undefined): void {
  for (const key of Object.keys(node)) {
    if (key === skip) continue;
    const path = prefix + key;
    const value = node[key];
    if (reading.ignore.has(path)) {
      into.set(path, "");
      if (reading.named.size > 0 && isObject(value)) namedWithin(value, `${path}.`, reading, into);
    } else if (isObject(value)) flatten(value, `${path}.`, reading, into, undefined);
    else into.set(path, readText(value, path));
  }
}

/**
 * A field's text, refused where it holds a lone surrogate (an escape of one half of a pair): turned into UTF-8 it is
 * U+FFFD, so two ids of different lone surrogates were one id, the second row dropped as its repeat (red51 #3), where a
 * CSV's bytes that are not UTF-8 are refused. Only a field read: an ignored one is passed over, as the template reads it.
 */
function readText(value: unknown, path: string): string {
  if (typeof value === "string" && LONE.test(value)) throw new LoneSurrogate(path, value);
  return leafText(value);
}

/** In a Unicode regular expression a pair is one code point: a surrogate matches only alone. */
const LONE = /\p{Surrogate}/u;

export class LoneSurrogate extends Error {
  constructor(
    readonly path: string,
    readonly value: string,
  ) {
    super("a lone surrogate");
  }
}

/** Within an ignored object, the fields the mapping names, each read as it would be outside one. */
function namedWithin(node: Record<string, unknown>, prefix: string, reading: Reading, into: Map<string, string>): void {
  for (const key of Object.keys(node)) {
    const path = prefix + key;
    const value = node[key];
    if (reading.named.has(path)) {
      if (isObject(value)) flatten(value, `${path}.`, reading, into, undefined);
      else into.set(path, readText(value, path));
    } else if (isObject(value) && [...reading.named].some((named) => named.startsWith(`${path}.`))) namedWithin(value, `${path}.`, reading, into);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * A number as the shortest decimal that reads back as it, its exponent written out: JavaScript writes
 * 1.5e-7 and 1e21 with one, which the quantity reader refuses as not a plain decimal, and a Parquet
 * DOUBLE (pandas' float columns) cannot be written otherwise (red team, stop 34).
 */
function plainNumber(value: number): string {
  const shortest = String(value);
  return Number.isFinite(value) && /e/i.test(shortest) ? new Decimal(shortest).toFixed() : shortest;
}

/**
 * A leaf's cell: strings as they are, numbers and booleans as JSON writes them, null as an empty cell.
 * Parquet bytes without an annotation are read as UTF-8 text, as hyparquet's own `utf8` option reads
 * them: the reader turns that option off so that a DECIMAL stored as bytes comes as its bytes.
 */
export function leafText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return utf8Text(value);
  if (typeof value === "number") return plainNumber(value);
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? OUT_OF_RANGE : value.toISOString();
  return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v instanceof Uint8Array ? utf8Text(v) : v));
}

/**
 * Bytes as UTF-8 text, refused where they are not: a decoder that put U+FFFD made two ids of such bytes one id, the
 * second row dropped as a repeat (red51 #3), where a CSV of those bytes is refused. The reader says where (NotUtf8).
 */
export function utf8Text(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new NotUtf8(bytes);
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Text of a Parquet file that is no UTF-8: its bytes, the first few in hex for the message. */
export class NotUtf8 extends Error {
  constructor(readonly bytes: Uint8Array) {
    super("text that is not UTF-8");
  }

  get hex(): string {
    const shown = [...this.bytes.subarray(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    return this.bytes.length > 16 ? `${shown} ...` : shown;
  }
}

/** The refusal of such text at its row and column (1 where the column is not known). */
export function notUtf8Error(e: NotUtf8, at: Location): UserError {
  return new UserError("text that is not UTF-8", at, "UTF-8 text, as a CSV's", `the bytes ${e.hex}`);
}

/**
 * The cell of a time a JavaScript date cannot hold (past the year 275760, which Parquet's 64-bit times reach): a
 * text no reader takes for a time, refused at its row as any other (red team, stop 44: a RangeError and a stack).
 */
export const OUT_OF_RANGE = "a time outside the years -271821 to 275760";
