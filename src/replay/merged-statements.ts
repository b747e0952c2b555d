import type { Statement } from "../engine/types.js";
import { compareJson } from "../engine/canonical-order.js";
import { LISTED_DUPLICATES, type RepeatsByFiles } from "../engine/event-ids.js";

/**
 * The statement of a log whose accounts were replayed in parts (account-parts.ts), as one replay of them all gives
 * it: the accounts by name, the rows counted across the parts. Each part ran through the log's last cycle
 * (Replay.finish), so the parts whose rows reach it tell its rows, and those are added. A part's statement has no
 * versions (a card of one version only is replayed in parts). Its repeats are its accounts' own (an event id is its
 * account's), listed in the replay's order: merged in it (repeatsMerged).
 */
export function mergedStatements(parts: readonly Statement[]): Statement {
  const [head, ...rest] = parts;
  if (head === undefined) throw new Error("no part to merge");
  let merged: Statement = head;
  for (const part of rest) merged = joined(merged, part);
  const repeats = repeatsMerged(parts);
  const { duplicateEvents: _d, ...withoutRepeats } = merged;
  return { ...withoutRepeats, accounts: [...merged.accounts].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0)), ...(repeats === undefined ? {} : { duplicateEvents: repeats }) };
}

type Repeats = NonNullable<Statement["duplicateEvents"]>;

/**
 * The parts' repeats as one replay lists them: in the order it meets them, by instant, and at one instant by account
 * (canonical-order.ts: the rows of an instant are in their accounts' order), each account's in its part's order; the
 * first LISTED_DUPLICATES listed (each part listed its first so many), the rest counted. The pairs of files, summed,
 * are in the order of their first repeats, which the note's choice among equals follows (repeats-note.ts).
 */
function repeatsMerged(parts: readonly Statement[]): Repeats | undefined {
  const lists = parts.flatMap((p) => (p.duplicateEvents === undefined ? [] : [p.duplicateEvents]));
  if (lists.length === 0) return undefined;
  const inOrder = <T>(items: readonly T[], when: (item: T) => { at: number; account: string }) =>
    items.map((item, i) => ({ item, i, ...when(item) })).sort((a, b) => a.at - b.at || compareJson(a.account, b.account) || a.i - b.i).map((e) => e.item);
  // Entries of one part keep their order (the sort's last key); entries of two parts never tie: an account is in one part.
  const all = inOrder(lists.flatMap((l) => l.listed), (e) => e);
  const listed = all.slice(0, LISTED_DUPLICATES);
  const omitted = lists.reduce((n, l) => n + l.listed.length + l.omitted, 0) - listed.length;
  const pairs = new Map<string, RepeatsByFiles>();
  for (const pair of inOrder(lists.flatMap((l) => l.byFiles ?? []), (p) => p.since)) {
    const key = `${pair.repeat}\u0000${pair.first}`;
    const known = pairs.get(key);
    if (known === undefined) pairs.set(key, { ...pair });
    else known.duplicates += pair.duplicates;
  }
  return { listed, omitted, byFiles: [...pairs.values()] };
}

function joined(a: Statement, b: Statement): Statement {
  const events = { read: a.events.read + b.events.read, priced: a.events.priced + b.events.priced, duplicates: a.events.duplicates + b.events.duplicates, rejected: a.events.rejected + b.events.rejected };
  const lastUsage = a.lastUsage === undefined ? b.lastUsage : b.lastUsage === undefined ? a.lastUsage : { ...a.lastUsage, rows: a.lastUsage.rows + b.lastUsage.rows, latest: Math.max(a.lastUsage.latest, b.lastUsage.latest) };
  const before = beforeJoined(a.beforeFirstCycle, b.beforeFirstCycle);
  const unbudgeted = a.unbudgeted === undefined ? b.unbudgeted : b.unbudgeted === undefined ? a.unbudgeted : new Map([...a.unbudgeted, ...b.unbudgeted]);
  const { lastUsage: _u, beforeFirstCycle: _b, unbudgeted: _n, ...common } = a;
  return {
    ...common,
    accounts: [...a.accounts, ...b.accounts],
    events,
    ...(lastUsage === undefined ? {} : { lastUsage }),
    ...(before === undefined ? {} : { beforeFirstCycle: before }),
    ...(unbudgeted === undefined ? {} : { unbudgeted }),
  };
}

type Before = Statement["beforeFirstCycle"];

function beforeJoined(a: Before, b: Before): Before {
  if (a === undefined || b === undefined) return a ?? b;
  const accounts = new Map(a.accounts);
  for (const [account, rows] of b.accounts) accounts.set(account, (accounts.get(account) ?? 0) + rows);
  return { rows: a.rows + b.rows, first: Math.min(a.first, b.first), last: Math.max(a.last, b.last), cycleStart: a.cycleStart, accounts };
}
