import type { FileMetaData, SchemaElement } from "hyparquet";
import { Decimal } from "../money.js";
import { OUT_OF_RANGE, utf8Text } from "./object-leaves.js";

/**
 * Parquet values whose JavaScript value, as hyparquet gives it, is not the cell a CSV of the same data
 * holds (red team, stop 35):
 * - DECIMAL: hyparquet divides the unscaled integer as a double, which keeps 15 to 17 digits; the
 *   column is read without its annotation, as the unscaled integer, and the cell is that integer
 *   and the scale, exact (SPEC 2: no float touches an amount);
 * - FLOAT (and FLOAT16): a float32 widened to a double has no short form (2.3 is 2.299999952316284);
 *   the cell is the shortest decimal that reads back as the same float32, as Java and Arrow print a float;
 * - TIMESTAMP with `isAdjustedToUTC: false` (pandas' tz-naive datetimes) and DATE: wall-clock times
 *   and days, no instant; hyparquet gives them as a Date at UTC, whose fields are the wall clock. The
 *   cell is the wall-clock text without an offset, read in the account's zone (or the mapping's
 *   `timestamp_zone:`), as a CSV timestamp without an offset is. INT96 and the legacy converted
 *   types TIMESTAMP_MILLIS/MICROS without a logical type stay instants: Spark and Hive, which write
 *   INT96, write it normalized to UTC, and the format defines the converted types as UTC-adjusted.
 * Only columns outside lists and maps: their cells are one value of a row, and a value in an array
 * is no quantity or timestamp.
 */
type Kind = { decimal: number } | "float" | "half" | "instant" | "local" | "date";

/** A column whose values become cells here, by its path of field names from the row. */
interface ValueColumn {
  keys: readonly string[];
  kind: Kind;
}

export interface ParquetValues {
  /** The file's metadata to read with: DECIMAL columns without their annotation, so that hyparquet gives the unscaled integer. */
  metadata: FileMetaData;
  columns: readonly ValueColumn[];
  /** Whether a time is in a list (a repeated field): its cell is its value's JSON, not valueCell's, and needs hyparquet's Date. */
  timesInLists: boolean;
}

export function parquetValues(metadata: FileMetaData): ParquetValues {
  const schema = metadata.schema.map((element) => ({ ...element }));
  const columns: ValueColumn[] = [];
  let timesInLists = false;
  const walk = (at: number, keys: readonly string[]): number => {
    let next = at + 1;
    for (let c = 0; c < (schema[at]!.num_children ?? 0); c++) {
      const child = schema[next]!;
      if (child.repetition_type === "REPEATED") {
        const past = pastSubtree(schema, next);
        timesInLists ||= schema.slice(next, past).some(isTime);
        next = past;
      }
      else if ((child.num_children ?? 0) > 0) next = walk(next, [...keys, child.name]);
      else {
        const kind = kindOf(child);
        if (kind !== undefined) columns.push({ keys: [...keys, child.name], kind });
        if (kind !== undefined && typeof kind === "object") {
          delete child.converted_type;
          delete child.logical_type;
        }
        next++;
      }
    }
    return next;
  };
  walk(0, []);
  return { metadata: { ...metadata, schema }, columns, timesInLists };
}

function isTime(element: SchemaElement): boolean {
  const kind = kindOf(element);
  return kind === "instant" || kind === "local";
}

function pastSubtree(schema: readonly SchemaElement[], at: number): number {
  let next = at + 1;
  for (let c = 0; c < (schema[at]!.num_children ?? 0); c++) next = pastSubtree(schema, next);
  return next;
}

function kindOf(element: SchemaElement): Kind | undefined {
  const logical = element.logical_type;
  if (logical?.type === "DECIMAL") return { decimal: logical.scale };
  if (element.converted_type === "DECIMAL") return { decimal: element.scale ?? 0 };
  if (logical?.type === "TIMESTAMP") return logical.isAdjustedToUTC ? "instant" : "local";
  // The times hyparquet reads through its timestamp parsers without a logical type (convert.js): Spark's INT96
  // and the legacy converted types, instants as the comment at the top says.
  if (element.converted_type === "TIMESTAMP_MILLIS" || element.converted_type === "TIMESTAMP_MICROS") return "instant";
  if (element.type === "INT96" && element.converted_type === undefined) return "instant";
  if (logical?.type === "DATE" || element.converted_type === "DATE") return "date";
  if (element.type === "FLOAT" && logical === undefined && element.converted_type === undefined) return "float";
  if (logical?.type === "FLOAT16") return "half";
  return undefined;
}

/** The cell of a value of such a column; a null is left to the caller (an empty cell). */
export function valueCell(kind: Kind, value: unknown): string {
  if (typeof kind === "object") return new Decimal(`${unscaled(value)}e-${kind.decimal}`).toFixed();
  if (kind === "float" || kind === "half") return shortestText(value as number, kind === "float" ? FLOAT32 : FLOAT16);
  // A time is a Date where hyparquet's own parsers made it, and its milliseconds where TIME_PARSERS did. A DATE with
  // only its logical type is the days themselves: hyparquet converts the legacy annotation alone.
  const date = value instanceof Date ? value : new Date(kind === "date" ? Number(value) * DAY_MS : Number(value));
  if (Number.isNaN(date.getTime())) return OUT_OF_RANGE;
  if (kind === "instant") return date.toISOString();
  return kind === "date" ? date.toISOString().slice(0, 10) : date.toISOString().slice(0, -1);
}

/**
 * hyparquet's parsers of times, giving the milliseconds where its own give a Date (truncated to the millisecond alike).
 * A Date costs its column about 120 bytes a row to the number's 10: a row group of a million rows held 110 MB more.
 * Only where every such column's cell is made by valueCell: a flat file's columns, each with its kind, none a list
 * (a repeated field's cell is its values' JSON: red50 #1, a list of times written as numbers).
 */
/** Text decoded as UTF-8, refused where it is not (utf8Text), in a column annotated as text as in one that is not. */
export const TEXT_PARSERS = {
  stringFromBytes: (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined || bytes === null ? bytes : utf8Text(bytes)),
};

export const TIME_PARSERS = {
  timestampFromMilliseconds: (millis: bigint | number) => Number(millis),
  timestampFromMicroseconds: (micros: bigint) => Number(micros / 1000n),
  timestampFromNanoseconds: (nanos: bigint) => Number(nanos / 1_000_000n),
};

const DAY_MS = 86_400_000;

/** A DECIMAL's unscaled integer: INT32 and INT64 as numbers and bigints, (FIXED_LEN_)BYTE_ARRAY as big-endian two's complement. */
function unscaled(value: unknown): bigint {
  if (!(value instanceof Uint8Array)) return BigInt(value as number | bigint);
  let n = 0n;
  for (const byte of value) n = (n << 8n) | BigInt(byte);
  return value.length > 0 && value[0]! >= 0x80 ? n - (1n << BigInt(8 * value.length)) : n;
}

/** A binary float format narrower than a double: its fraction's bits and its least normal exponent. */
interface FloatFormat {
  fraction: number;
  leastExponent: number;
}

const FLOAT32: FloatFormat = { fraction: 23, leastExponent: -126 };
const FLOAT16: FloatFormat = { fraction: 10, leastExponent: -14 };

/**
 * The shortest decimal that reads back as `value` in the narrower `format` (round to nearest, ties to
 * even), the nearest of those to it when several are as short. Worked in integers on the double's bits,
 * which hold the narrower value exactly: the decimals that read back as it are those within half a step
 * of it either side (half of the smaller step below a power of two), ends included when its significand
 * is even.
 */
function shortestText(value: number, format: FloatFormat): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  // A whole number is read as the integer it holds: a count written as a float (65504, 123456792) is that count,
  // where its shortest form (65500, 123456790) reads back as the same float but is another number (red team, stop 35).
  if (Number.isInteger(value)) return BigInt(value).toString();
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn) - 1023;
  // The step of the format at this value, 2^step: of its own exponent, or of the least normal one below it.
  const step = Math.max(exponent, format.leastExponent) - format.fraction;
  const significand = ((bits & 0xfffffffffffffn) | 0x10000000000000n) >> BigInt(52 - exponent + step);
  // In units of a quarter step: the value is 4m, the ends 4m-2 (4m-1 below a power of two) and 4m+2.
  const power = step - 2;
  const mid = significand * 4n;
  const low = significand === 1n << BigInt(format.fraction) && exponent > format.leastExponent ? mid - 1n : mid - 2n;
  const high = mid + 2n;
  const ends = significand % 2n === 0n;
  // The leading digit's place of the value, from the double's own text: the shortest form starts there or one place up.
  const lead = Number(/e([+-]\d+)$/.exec(Math.abs(value).toExponential())![1]);
  for (let place = lead + 1; ; place--) {
    const scaled = (units: bigint) => ratio(units, power, place);
    const lowest = ceilOf(scaled(low), ends);
    const highest = floorOf(scaled(high), ends);
    if (lowest > highest) continue;
    const exact = scaled(mid);
    let digits = lowest;
    for (let c = lowest + 1n; c <= highest; c++) if (closer(c, digits, exact)) digits = c;
    return new Decimal(`${value < 0 ? "-" : ""}${digits}e${place}`).toFixed();
  }
}

/** units x 2^power / 10^place as a fraction of bigints. */
function ratio(units: bigint, power: number, place: number): { num: bigint; den: bigint } {
  const num = units * (power > 0 ? 2n ** BigInt(power) : 1n) * (place < 0 ? 10n ** BigInt(-place) : 1n);
  const den = (power < 0 ? 2n ** BigInt(-power) : 1n) * (place > 0 ? 10n ** BigInt(place) : 1n);
  return { num, den };
}

/** The least integer at or above (above, when the end is not included) a positive fraction. */
function ceilOf({ num, den }: { num: bigint; den: bigint }, included: boolean): bigint {
  const floor = num / den;
  return floor * den === num ? (included ? floor : floor + 1n) : floor + 1n;
}

/** The greatest integer at or below (below, when the end is not included) a positive fraction. */
function floorOf({ num, den }: { num: bigint; den: bigint }, included: boolean): bigint {
  const floor = num / den;
  return floor * den === num && !included ? floor - 1n : floor;
}

/** Whether digits `c` are nearer the exact value than `best` (on a tie, the even one). */
function closer(c: bigint, best: bigint, { num, den }: { num: bigint; den: bigint }): boolean {
  const distance = (d: bigint) => (d * den > num ? d * den - num : num - d * den);
  const a = distance(c);
  const b = distance(best);
  return a < b || (a === b && c % 2n === 0n);
}

/** A row read as an object, with each such column's value as its cell, for the reader of nested fields. */
export function withCells(row: Record<string, unknown>, columns: readonly ValueColumn[]): Record<string, unknown> {
  for (const { keys, kind } of columns) {
    let node: unknown = row;
    for (const key of keys.slice(0, -1)) node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
    if (node === null || typeof node !== "object") continue;
    const fields = node as Record<string, unknown>;
    const last = keys[keys.length - 1]!;
    const value = fields[last];
    if (value !== null && value !== undefined) fields[last] = valueCell(kind, value);
  }
  return row;
}
