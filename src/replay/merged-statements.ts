import type { Statement } from "../engine/types.js";

/**
 * The statement of a log whose accounts were replayed in parts (account-parts.ts), as one replay of them all gives
 * it: the accounts by name, the rows counted across the parts. Each part ran through the log's last cycle
 * (Replay.finish), so the parts whose rows reach it tell its rows, and those are added. A part's statement has no
 * versions (a card of one version only is replayed in parts) and no repeats (a log whose ids repeat is replayed whole).
 */
export function mergedStatements(parts: readonly Statement[]): Statement {
  const [head, ...rest] = parts;
  if (head === undefined) throw new Error("no part to merge");
  let merged: Statement = head;
  for (const part of rest) merged = joined(merged, part);
  return { ...merged, accounts: [...merged.accounts].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0)) };
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
