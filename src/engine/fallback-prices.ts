import type { Meter, Price, PriceTree, RateCard } from "../ratecard/types.js";
import { releaseOf } from "./pricing.js";
import type { Statement } from "./types.js";

/** A statement line's value that the card's `"*"` entry priced, though the table names it written otherwise. */
export interface FallbackNearMiss {
  meter: string;
  dimension: string;
  value: string;
  /** The table's value it is written for: the same but for case, spaces and separators, a gateway's prefix, or a release. */
  named: string;
}

/** The same name but for case, spaces and separators (GPT-4o, gpt4o, "gpt 4o" for gpt-4o). */
const folded = (name: string) => name.toLowerCase().replace(/[\s_.-]+/g, "");

/**
 * The table's value that `value` is written for, by a rule far stricter than a did-you-mean: a card with a `"*"` entry
 * prices every model it does not list, and a typo's neighbour is often another model (o1, o3). Only a spelling of the
 * same name counts: its letters (case and separators aside), after a gateway's prefix (openai/gpt-4o), or a release.
 */
function writtenFor(value: string, keys: readonly string[]): string | undefined {
  const mine = folded(value);
  const tail = folded(value.split("/").at(-1)!);
  return keys.find((k) => folded(k) === mine || folded(k) === tail) ?? releaseOf(value, keys);
}

/**
 * Every value a statement's lines were priced at by a `"*"` entry while the same table prices that very model under
 * its own name: a log's `GPT-4o` or `openai/gpt-4o` was charged the fallback price in silence, where a card without
 * `"*"` refuses it with a did-you-mean (red team, stop 35). Read from the lines, after the replay: each value once.
 */
export function fallbackNearMisses(card: RateCard, statement: Statement): FallbackNearMiss[] {
  const versions = card.versions ?? [card];
  // Only the meters whose tables have a "*" entry are read: an account's closed cycles are made again from their text
  // each time they are read, and a log of 100,000 accounts on a card without one paid a pass over every line.
  const fallbacks = new Set(versions.flatMap((v) => [...v.meters.values()].filter((m) => [m.price, ...m.components.map((c) => c.price)].some(hasFallback)).map((m) => m.key)));
  if (fallbacks.size === 0) return [];
  const found = new Map<string, FallbackNearMiss>();
  for (const account of statement.accounts) {
    for (const cycle of account.cycles) {
      for (const line of cycle.lines) {
        if (!fallbacks.has(line.meter)) continue;
        const version = versions.find((v) => v.version === line.version) ?? card;
        const meter = version.meters.get(line.meter);
        if (meter === undefined) continue;
        const price = line.component === undefined ? meter.price : meter.components.find((c) => c.name === line.component)?.price;
        if (price === undefined) continue;
        for (const miss of missesOf(price, line.dimensions)) {
          const key = JSON.stringify([line.meter, miss.dimension, miss.value]);
          if (!found.has(key)) found.set(key, { meter: line.meter, ...miss });
        }
      }
    }
  }
  return [...found.values()];
}

/**
 * The same misses for one event's dimensions on a meter, its own price and its components' (a scenario's item, checked
 * as it is loaded, where a statement's are read from its lines): each dimension's value once.
 */
export function eventFallbackMisses(meter: Meter, dims: Readonly<Record<string, string>>): { dimension: string; value: string; named: string }[] {
  const found = new Map<string, { dimension: string; value: string; named: string }>();
  for (const price of [meter.price, ...meter.components.map((c) => c.price)]) {
    for (const miss of missesOf(price, dims)) if (!found.has(miss.dimension)) found.set(miss.dimension, miss);
  }
  return [...found.values()];
}

/** Whether a price's table has a "*" entry at some level. */
function hasFallback(price: Price): boolean {
  if (price.kind === "flat") return false;
  const walk = (tree: ReadonlyMap<string, PriceTree>): boolean => tree.has("*") || [...tree.values()].some((n) => n instanceof Map && walk(n));
  return walk(price.tree);
}

function missesOf(price: Price, dims: Readonly<Record<string, string>>): { dimension: string; value: string; named: string }[] {
  if (price.kind === "flat") return [];
  const out: { dimension: string; value: string; named: string }[] = [];
  let node: PriceTree = price.tree;
  for (const dimension of price.by) {
    const table = node as ReadonlyMap<string, PriceTree>;
    const value = dims[dimension] ?? "";
    const own = table.get(value);
    if (own !== undefined) {
      node = own;
      continue;
    }
    const fallback = table.get("*");
    if (fallback === undefined) return out;
    const named = value === "" ? undefined : writtenFor(value, [...table.keys()].filter((k) => k !== "*"));
    if (named !== undefined) out.push({ dimension, value, named });
    node = fallback;
  }
  return out;
}
