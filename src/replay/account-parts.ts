import { isRows, type RowSource } from "../engine/rows.js";
import type { AccountPart, Statement } from "../engine/types.js";
import { atFlag, shown, UserError } from "../errors.js";
import { BEFORE_ALL, type Instant } from "../time.js";
import { usageOfAccounts } from "../usage/account-rows.js";
import type { TooLate } from "../usage/reorder.js";
import type { ReplayProgress } from "../progress/progress.js";
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
  const accounts = /^\d+$/.test(given) ? Number(given) : NaN;
  if (!(accounts >= 1 && Number.isSafeInteger(accounts))) throw new UserError("not a number of accounts", atFlag("BURNRATE_ACCOUNTS_AT_ONCE"), "a whole number of accounts from 1, such as 25000 (one above the log's accounts replays it whole)", shown(given));
  return accounts;
}

/**
 * A part may hold a quarter more accounts than the replay that stopped: a hash splits 100,000 accounts into four
 * parts of some 25,000 each, half of them just over, and each round that overflows near its end reads the log again
 * (red55 L1: 100,000 random names took 8 parts where 4 hold them).
 */
function partLimit(limit: number): number {
  return limit + Math.floor(limit / 4);
}

/** Thrown from a stream of usage that names more accounts than a replay holds at once: the replay is made again in parts. */
class ManyAccounts extends Error {
  constructor(limit: number) {
    super(`usage of more than ${limit} accounts in one replay`);
    this.name = "ManyAccounts";
  }
}

/** What a replay of one part is given beside its rows: its accounts, and where the rows of the others start and stop. */
export interface PartReplay {
  readonly part: AccountPart;
  /** Which part (from 0) of how many. */
  readonly index: number;
  readonly count: number;
  /**
   * The earliest instant of the rows left out for the other parts so far: before this part's first row is replayed,
   * every row before it has been read, so the earlier of the two is the whole log's first (which starts the cycles of
   * an account file without an anchor).
   */
  first(): Instant | undefined;
  /** The latest instant of the rows left out for the other parts, once every row is read (Replay.finish). */
  elsewhere(): Instant | undefined;
}

/** A replay's outcome: its statement, or the row that came later than the lateness allowed (undefined: out of order). */
export type Outcome = { statement: Statement; late?: undefined } | { statement?: undefined; late: TooLate | undefined };

/** The replay of one stream, whole or of one part's accounts. */
type ReplayStream = (batches: UsageBatches, part?: PartReplay) => Promise<Outcome>;

/**
 * A replay's readings of the log (as it streams, held as late as its rows come, sorted), each replayed whole until
 * one holds more accounts than a replay holds at once; that one and those after it are replayed in parts
 * (replayInParts). Where parts cannot give the whole replay's statement, the reading is replayed whole.
 */
export class PartsWhereMany {
  private many = false;

  constructor(
    private readonly watch: AccountWatch | undefined,
    private readonly progress: ReplayProgress | undefined,
  ) {}

  async replayed(make: () => UsageBatches, replay: ReplayStream): Promise<Outcome> {
    const watch = this.watch;
    if (watch === undefined) return replay(make());
    if (!this.many) {
      try {
        return await replay(watchedAccounts(make(), watch));
      } catch (e) {
        if (!(e instanceof ManyAccounts)) throw e;
        this.many = true;
      }
    }
    const inParts = await replayInParts(make, watch, (batches, part) => {
      this.progress?.part(part.index, part.count);
      return replay(batches, part);
    });
    if (inParts !== undefined) return inParts;
    this.progress?.restart(1);
    return replay(make());
  }
}

/**
 * The outcome of a log of many accounts replayed in parts of its accounts (by their names' hash), each part's rows
 * read afresh from `make()`, the statements merged. Two parts, then four, and so on, until no part holds more than
 * `limit` accounts. A part that meets a row later than the lateness allowed gives that row: the next reading is made
 * in parts too. Undefined where the log's whole replay must speak: a user error (the log's first is the one told,
 * which a later part may hold) or a row out of order.
 */
async function replayInParts(make: () => UsageBatches, watch: AccountWatch, replay: (batches: UsageBatches, part: PartReplay) => Promise<Outcome>): Promise<Outcome | undefined> {
  for (let count = 2; count <= MOST_PARTS; count *= 2) {
    const statements: Statement[] = [];
    try {
      for (let index = 0; index < count; index++) {
        const part = accountPart(index, count);
        let earliest: Instant = Infinity;
        let latest: Instant = BEFORE_ALL;
        const leftOut = (at: Instant) => {
          if (at > latest) latest = at;
          if (at < earliest) earliest = at;
        };
        const batches = watchedAccounts(usageOfAccounts(make(), { has: part.has, leftOut }), { limit: partLimit(watch.limit), named: watch.named.filter((a) => part.has(a)) });
        const outcome = await replay(batches, { part, index, count, first: () => (earliest === Infinity ? undefined : earliest), elsewhere: () => (latest === BEFORE_ALL ? undefined : latest) });
        if (outcome.statement === undefined) return outcome.late === undefined ? undefined : outcome;
        statements.push(outcome.statement);
      }
    } catch (e) {
      if (e instanceof ManyAccounts) continue;
      if (e instanceof UserError) return undefined;
      throw e;
    }
    return { statement: mergedStatements(statements) };
  }
  return undefined;
}

/**
 * Part `index` of `count`: the accounts whose name's hash (FNV-1a of its UTF-16 code units, its bits then mixed as
 * MurmurHash3's finish mixes them) is `index` modulo `count`. Unmixed, the low bits that choose among 256 parts or fewer
 * read only each unit's low 8 bits, and `a` never parted from `š` (red55 L2).
 */
function accountPart(index: number, count: number): AccountPart {
  return {
    has(account: string): boolean {
      let hash = 0x811c9dc5;
      for (let i = 0; i < account.length; i++) hash = Math.imul(hash ^ account.charCodeAt(i), 0x01000193);
      hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
      hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
      return ((hash ^ (hash >>> 16)) >>> 0) % count === index;
    },
  };
}

/** How many accounts a replay holds at once, and those the account file names, which it holds whether they have rows or not. */
export interface AccountWatch {
  readonly limit: number;
  readonly named: readonly string[];
}

/**
 * The batches as they are, until they and the account file name more than `limit` distinct accounts: then
 * ManyAccounts (at the first batch, where the file alone names more; an empty log is read whole). Rows are counted by their account's number in
 * their source, a name hashed only the first time its number comes.
 */
async function* watchedAccounts(batches: UsageBatches, watch: AccountWatch): UsageBatches {
  const limit = watch.limit;
  const names = new Set<string>(watch.named);
  const numbered = new WeakMap<RowSource, boolean[]>();
  for await (const batch of batches) {
    if (isRows(batch)) {
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
      for (const event of batch) names.add(event.account);
    }
    if (names.size > limit) throw new ManyAccounts(limit);
    yield batch;
  }
}
