import type { Decimal } from "../money.js";
import type { Meter } from "../ratecard/types.js";
import type { UnitPrice } from "./pricing.js";
import type { LineKind, StatementLine } from "./types.js";
import { addCount } from "./credits.js";
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
}

/** An event's quantity added to its line: counted where that is exact, as a Decimal where not. */
export function addEvent(line: LineSum, quantity: Decimal, count: number | undefined): void {
  const sum = count === undefined ? undefined : addCount(line.count, count);
  if (sum === undefined) line.quantity = line.quantity.plus(quantity);
  else line.count = sum;
  line.events++;
}

/** One array for every key's parts. */
const KEY_PARTS: string[] = [];

/** A line's key: its name, kind, component, dimension values (in its meter's order), unit price and card version, each prefixed with its length, so that no part can run into the next whatever it holds. */
export function lineKey(meter: Meter, line: { name: string; kind: string; component: string | undefined; version: string | undefined }, dims: Readonly<Record<string, string>>, unit: string): string {
  const parts = KEY_PARTS;
  parts.push(lengthPrefixed(line.name), lengthPrefixed(line.kind), lengthPrefixed(line.component ?? ""));
  for (const d of meter.dimensions) parts.push(lengthPrefixed(dims[d] ?? ""));
  parts.push(lengthPrefixed(line.version === undefined ? unit : `${unit} ${line.version.length}:${line.version}`));
  return flatKey(parts);
}
