import { formatLocation, shown } from "../errors.js";
import type { Statement } from "../engine/types.js";
import type { RateCard } from "../ratecard/types.js";
import { nearMissAmong } from "../usage/near-miss.js";
import type { ReadByFallback } from "../usage/layout19-parts.js";
import type { AccountSettings } from "./account.js";

/**
 * A budget's or daily limit's key and a value of its dimension in the usage that miss each other by case, a
 * separator or one typo: the spending of that value is capped by nothing. `budgets: { reserach: 100 }` beside a log's
 * `research`, or a log's `Research` beside `budgets: { research: 100 }`, took the team out of its budget in silence,
 * where an account so written is warned about (red team, stop 35).
 */
export interface LimitKeyMiss {
  account: string;
  limit: "budget" | "daily limit";
  dimension: string;
  /**
   * Which side has no partner: the account file's key, the usage's value, or every key (`all`: `key` and `value` the
   * first of each); or (`none`, a budget's) charges that carry no value of the dimension, which no key can cap.
   */
  unmatched: "key" | "value" | "all" | "fallback" | "none";
  key: string;
  value: string;
  /** Whether the account has a `*` limit, which caps a value with none of its own. */
  wildcard: boolean;
  /** `all`: how many keys and values there are, to say so. */
  counts?: { keys: number; values: number };
  /** `fallback`: the value read from a row's fallback column (a team's id where its name is empty). */
  read?: ReadByFallback;
}

/** `byFallback`: the values the run's rows read from a layout's fallback column (SkippedRows.fallbacks). */
export function limitKeyMisses(card: RateCard, settings: AccountSettings, statement: Statement, byFallback: readonly ReadByFallback[] = []): LimitKeyMiss[] {
  const limits = [
    { limit: "budget" as const, dimension: card.budgets?.dimension, keysOf: (a: string) => (settings.accounts.get(a) ?? settings.terms).budgets },
    { limit: "daily limit" as const, dimension: card.dailyLimits?.dimension, keysOf: (a: string) => (settings.accounts.get(a) ?? settings.terms).dailyLimits },
  ];
  // A card with neither reads no account's cycles: they are made again from their text each time they are read.
  if (limits.every((l) => l.dimension === undefined)) return [];
  const found: LimitKeyMiss[] = [];
  for (const account of statement.accounts) {
    for (const { limit, dimension, keysOf } of limits) {
      if (dimension === undefined) continue;
      const all = [...keysOf(account.account).keys()];
      const keys = all.filter((k) => k !== "*");
      const wildcard = keys.length < all.length;
      if (keys.length === 0) continue;
      // The lines' values, and for a budget the values its charges carried without one: a budget's dimension need not be a line's (Floopy's team).
      const values = new Set<string>(limit === "budget" ? statement.unbudgeted?.get(account.account) ?? [] : []);
      if (values.delete("")) found.push({ account: account.account, limit, dimension, unmatched: "none", key: keys[0]!, value: "", wildcard, counts: { keys: keys.length, values: 0 } });
      for (const cycle of account.cycles) for (const line of cycle.lines) if (line.dimensions[dimension]) values.add(line.dimensions[dimension]!);
      const said = new Set<string>();
      // A value read from a row's fallback column (LiteLLM's team_id where team_alias is empty) beside limits keyed by the
      // other column's values: those rows spend outside the team's limit, however well the other keys match (red team, stop 37).
      for (const read of byFallback) {
        if (read.dimension !== dimension || !values.has(read.value) || keys.includes(read.value)) continue;
        said.add(read.value);
        const key = read.named !== undefined && keys.includes(read.named.value) ? read.named.value : keys[0]!;
        found.push({ account: account.account, limit, dimension, unmatched: "fallback", key, value: read.value, wildcard, read });
      }
      // A value with a limit of its own is capped: a key one slip from it is another value's (red59 F7: "capped by no daily limit").
      const unkeyed = [...values].filter((v) => !keys.includes(v));
      for (const key of keys) {
        if (values.has(key)) continue;
        const value = nearMissAmong(key, unkeyed);
        if (value === undefined) continue;
        said.add(value);
        found.push({ account: account.account, limit, dimension, unmatched: "key", key, value, wildcard });
      }
      const before = found.length;
      for (const value of values) {
        if (keys.includes(value) || said.has(value)) continue;
        const key = nearMissAmong(value, keys);
        if (key !== undefined) found.push({ account: account.account, limit, dimension, unmatched: "value", key, value, wildcard });
      }
      if (said.size > 0 || found.length > before || values.size === 0) continue;
      // No key names a value the usage has, and none is a near miss: the usage's values are of another kind than the
      // keys (LiteLLM's team UUIDs beside budgets keyed by team names), and every limit caps nothing (red team, stop 37).
      if (!keys.some((key) => values.has(key) || spentOrRefused(account.cycles, dimension, key))) {
        const [key, value] = [keys[0]!, [...values][0]!];
        found.push({ account: account.account, limit, dimension, unmatched: "all", key, value, wildcard, counts: { keys: keys.length, values: values.size } });
      }
    }
  }
  return found;
}

/** Whether a budget's key was charged in some cycle, or refused a row (a budget of 0 refuses all its value's rows, spending nothing). */
function spentOrRefused(cycles: Statement["accounts"][number]["cycles"], dimension: string, key: string): boolean {
  const refusal = `for ${dimension} ${shown(key)}`;
  return cycles.some((c) => c.budgets.some((b) => b.key === key && !b.spent.isZero()) || c.rejected.some((r) => r.reason.endsWith(refusal)));
}

/** The warning a statement gives for each, on standard error: the statement itself is as the account file says. */
export function limitKeyWarning(miss: LimitKeyMiss): string {
  const { account, limit, dimension, key, value } = miss;
  const capped = miss.wildcard ? `is capped by the "*" ${limit}, not ${shown(key)}'s` : `is capped by no ${limit}`;
  if (miss.unmatched === "all") {
    const { keys, values } = miss.counts!;
    const others = (n: number) => (n > 1 ? ` and ${n - 1} more` : "");
    return `burnrate: warning: account ${shown(account)}: no ${limit} key (${shown(key)}${others(keys)}) names a ${dimension} of the usage, which has ${shown(value)}${others(values)}: the usage's ${dimension} values ${capped.replace(/^is/, "are")}; key the account's ${limit}s by the usage's values, or read each value as its key with dimension_values: in the usage mapping (--map value:${dimension}:${key}=${value})\n`;
  }
  if (miss.unmatched === "none") {
    const keyed = miss.counts!.keys > 1 ? `its ${limit}s, ${shown(key)} and ${miss.counts!.keys - 1} more, are` : `its ${limit}, ${shown(key)}, is`;
    return `burnrate: warning: account ${shown(account)}: its rows without a ${dimension} are under no ${limit} (${keyed} keyed by ${dimension}): no ${limit} counts them or refuses them\n`;
  }
  if (miss.unmatched === "fallback") {
    const read = miss.read!;
    const beside = read.named === undefined ? "" : `; rows of it with ${read.preferred} ${shown(read.named.value)} (the first at ${formatLocation(read.named.at)})${read.named.value === key ? ` have a ${limit}` : ""}`;
    return `burnrate: warning: account ${shown(account)}: ${dimension} ${shown(value)} is read from ${read.source} where a row's ${read.preferred} is empty (the first at ${formatLocation(read.first)}), and has no ${limit}: its spending ${capped}${beside}; if it is ${shown(key)}, read it so with dimension_values: in the usage mapping (--map value:${dimension}:${key}=${value}), or key a ${limit} by it\n`;
  }
  if (miss.unmatched === "key") {
    return `burnrate: warning: account ${shown(account)}: the ${limit} for ${dimension} ${shown(key)} names no ${dimension} of the usage, which has ${shown(value)}: ${shown(value)}'s spending ${capped}; did you mean ${shown(value)}? Rename the key in the account file\n`;
  }
  return `burnrate: warning: account ${shown(account)}: ${dimension} ${shown(value)} of the usage has no ${limit}, but ${shown(key)}, which it nearly names, has one: ${shown(value)}'s spending ${capped}; if it is ${shown(key)}, read it so with dimension_values: in the usage mapping (--map value:${dimension}:${key}=${value})\n`;
}
