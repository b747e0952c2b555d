import { isRows, type RowSource } from "../engine/rows.js";
import type { AccountPart, Statement } from "../engine/types.js";
import { atFlag, shown, UserError } from "../errors.js";
import { BEFORE_ALL, type Instant } from "../time.js";
import { usageOfAccounts } from "../usage/account-rows.js";
import type { UsageBatches } from "../usage/merge.js";
import { mergedStatements } from "./merged-statements.js";

/**
 * The accounts one replay holds at once. A log of more is replayed a part of its accounts at a time, each part's rows
 * read from the log again: an account's state (its open cycle's lines, its wallet, its month's records) costs some 2.5
 * kB at 100 rows a month, and 100,000 accounts held together peaked at 720 MB (docs/performance.md, parts55).
 * BURNRATE_ACCOUNTS_AT_ONCE sets another number (the tests replay every log of two accounts or more in parts that way).
 */
const ACCOUNTS_AT_ONCE = 25_000;

/** At most this many parts: a log whose accounts no split of 256 holds is replayed whole. */
const MOST_PARTS = 256;

export function accountsAtOnce(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.BURNRATE_ACCOUNTS_AT_ONCE;
  if (given === undefined || given === "") return ACCOUNTS_AT_ONCE;
  if (!/^[1-9]\d{0,8}$/.test(given)) throw new UserError("not a number of accounts", atFlag("BURNRATE_ACCOUNTS_AT_ONCE"), "a whole number of accounts such as 25000", shown(given));
  return Number(given);
}

/** Thrown from a stream of usage that names more accounts than a replay holds at once: the replay is made again in parts. */
export class ManyAccounts extends Error {
  constructor(limit: number) {
    super(`usage of more than ${limit} accounts in one replay`);
    this.name = "ManyAccounts";
  }
}

/** What a replay of one part is given beside its rows: its accounts, the log's first instant, and where its rows stop. */
export interface PartReplay {
  readonly part: AccountPart;
  /** Which part (from 0) of how many. */
  readonly index: number;
  readonly count: number;
  /** The first row's instant of the whole log, which starts the cycles of an account file without an anchor. */
  readonly first: Instant | undefined;
  /** The latest instant of the rows left out for the other parts, once every row is read (Replay.finish). */
  elsewhere(): Instant | undefined;
}

/** The replay of one stream: its statement, or undefined where a row came out of time order (the whole replay then sorts). */
type ReplayStream = (batches: UsageBatches, part: PartReplay) => Promise<Statement | undefined>;

/**
 * The statement of a log of many accounts, replayed in parts of its accounts (by their names' hash), each part's
 * rows read afresh from `streamed()`, the statements merged. Two parts, then four, and so on, until no part holds
 * more than `limit` accounts. Undefined where the log's whole replay must speak: a row out of order (sorted), a user
 * error (the log's first is the one told, which a later part may hold), or a repeated event id (listed in the replay's order).
 */
export async function replayInParts(streamed: () => UsageBatches, at: { first: Instant | undefined; watch: AccountWatch }, replay: ReplayStream): Promise<Statement | undefined> {
  const { first, watch } = at;
  for (let count = 2; count <= MOST_PARTS; count *= 2) {
    const statements: Statement[] = [];
    try {
      for (let index = 0; index < count; index++) {
        const part = accountPart(index, count);
        let latest: Instant = BEFORE_ALL;
        const kept = { has: part.has, leftOut: (at: Instant) => void (at > latest && (latest = at)) };
        const statement = await replay(watchedAccounts(usageOfAccounts(streamed(), kept), { limit: watch.limit, named: watch.named.filter((a) => part.has(a)) }), { part, index, count, first, elsewhere: () => (latest === BEFORE_ALL ? undefined : latest) });
        if (statement === undefined) return undefined;
        statements.push(statement);
      }
    } catch (e) {
      if (e instanceof ManyAccounts) continue;
      if (e instanceof UserError) return undefined;
      throw e;
    }
    return statements.some((s) => s.events.duplicates > 0) ? undefined : mergedStatements(statements);
  }
  return undefined;
}

/** Part `index` of `count`: the accounts whose name's hash (FNV-1a of its UTF-16 code units) is `index` modulo `count`. */
function accountPart(index: number, count: number): AccountPart {
  return {
    has(account: string): boolean {
      let hash = 0x811c9dc5;
      for (let i = 0; i < account.length; i++) hash = Math.imul(hash ^ account.charCodeAt(i), 0x01000193);
      return (hash >>> 0) % count === index;
    },
  };
}

/** How many accounts a replay holds at once, and those the account file names, which it holds whether they have rows or not. */
export interface AccountWatch {
  readonly limit: number;
  readonly named: readonly string[];
  /** Told the first row's instant. */
  readonly first?: (at: Instant) => void;
}

/**
 * The batches as they are, until they and the account file name more than `limit` distinct accounts: then
 * ManyAccounts (at the first batch, where the file alone names more). Rows are counted by their account's number in
 * their source, a name hashed only the first time its number comes.
 */
export async function* watchedAccounts(batches: UsageBatches, watch: AccountWatch): UsageBatches {
  const { limit, first } = watch;
  const names = new Set<string>(watch.named);
  const numbered = new WeakMap<RowSource, boolean[]>();
  let firstTold = first === undefined;
  for await (const batch of batches) {
    if (isRows(batch)) {
      if (batch.count === 0) continue;
      if (!firstTold) (firstTold = true), first!(batch.base + batch.at[0]!);
      let seen = numbered.get(batch.source);
      if (seen === undefined) numbered.set(batch.source, (seen = []));
      const accounts = batch.account;
      for (let i = 0; i < batch.count; i++) {
        const account = accounts[i]!;
        if (seen[account] === true) continue;
        seen[account] = true;
        names.add(batch.source.accounts[account]!);
      }
    } else {
      if (batch.length === 0) continue;
      if (!firstTold) (firstTold = true), first!(batch[0]!.at);
      for (const event of batch) names.add(event.account);
    }
    if (names.size > limit) throw new ManyAccounts(limit);
    yield batch;
  }
}
