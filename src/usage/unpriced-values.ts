import { statSync } from "node:fs";
import { UserError, UserErrors } from "../errors.js";
import type { RateCard } from "../ratecard/types.js";
import type { UsageEvent } from "../engine/types.js";
import { componentUnits, PriceBook, Unpriced } from "../engine/pricing.js";
import { NeedsFullParser } from "./plain-csv.js";
import { valueKey } from "./mapping-names.js";
import { readUsageInTurn, type UsageOptions } from "./read.js";

/** The most values the card does not price that one error names; the rest are counted. */
const UNPRICED_NAMED = 20;

/**
 * The replay stops at the first row whose value the card does not price, so a log of three new
 * models would be fixed one run at a time. On that error the log is read again, here, for every
 * distinct such value, each named at its first row (files in turn, lines in order), after the
 * replay's own. Each row is priced by the engine's rule, once per meter and set of values; with
 * several card versions, a value counts only where every version with the meter refuses it (the
 * version in force is the replay's to know). A log that cannot be read again, or that fails
 * otherwise on the way, leaves what was found.
 */
export async function everyUnpriced(first: Unpriced, files: readonly string[], options: UsageOptions): Promise<UserError> {
  if (files.some((file) => (file === "-" ? options.stdinCopy === undefined : !regularFile(file)))) return first;
  const found = new Map<string, Unpriced | undefined>([[valueKey(first.dimension, first.value), first]]);
  const tried = new Set<string>();
  const books = new Map<RateCard, PriceBook>();
  const versions = options.card.versions ?? [options.card];
  const readAll = async (plain: boolean) => {
    for await (const batch of readUsageInTurn(files, { ...options, plain })) {
      for (const event of batch) {
        const key = `${event.meter}\u0001${JSON.stringify(event.dimensions)}`;
        if (tried.has(key)) continue;
        if (tried.size < 1 << 16) tried.add(key);
        const refused = refusedByEvery(event, versions, books);
        const value = refused === undefined ? undefined : valueKey(refused.dimension, refused.value);
        // Past the ones named and the one that says where the rest start, a value is only counted.
        if (value !== undefined && !found.has(value)) found.set(value, found.size <= UNPRICED_NAMED ? refused : undefined);
      }
    }
  };
  try {
    await readAll(true).catch((e: unknown) => {
      if (!(e instanceof NeedsFullParser)) throw e;
      return readAll(false);
    });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
  }
  if (found.size === 1) return first;
  const named = [...found.values()].filter((e) => e !== undefined);
  const rest = found.size - UNPRICED_NAMED;
  if (rest <= 0) return new UserErrors(named);
  const more = new UserError(`${rest.toLocaleString("en-US")} more value(s) the card does not price, not shown`, named[UNPRICED_NAMED]!.location, "a price, a \"*\" entry or a dimension_values: entry for each: the ones above first", `${found.size.toLocaleString("en-US")} in all`);
  return new UserErrors([...named.slice(0, UNPRICED_NAMED), more]);
}

/** The engine's refusal of an event's value, where each version of the card with the event's meter refuses one. */
function refusedByEvery(event: UsageEvent, versions: readonly RateCard[], books: Map<RateCard, PriceBook>): Unpriced | undefined {
  let refused: Unpriced | undefined;
  for (const version of versions) {
    const meterEvent = version.events.get(event.meter);
    if (meterEvent?.role !== "charge") continue;
    let book = books.get(version);
    if (!book) books.set(version, (book = new PriceBook()));
    try {
      book.unit(meterEvent.meter, event.dimensions, event.origin);
      componentUnits(book, meterEvent.meter, event.dimensions, event.origin);
      return undefined;
    } catch (e) {
      if (!(e instanceof Unpriced)) return undefined;
      refused ??= e;
    }
  }
  return refused;
}

function regularFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
