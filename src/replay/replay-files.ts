import { createWriteStream, statSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AccountSettings } from "../account/account.js";
import { Unpriced } from "../engine/pricing.js";
import { OutOfOrder } from "../engine/replay.js";
import { instantIn, sizeOf, type ShapedRows, type UsageBatch } from "../engine/rows.js";
import type { Statement, UsageEvent } from "../engine/types.js";
import { UserError } from "../errors.js";
import { nodeKind } from "../inputs.js";
import { temporaryError, temporaryFolder } from "../temporary.js";
import type { RateCard } from "../ratecard/types.js";
import { checkDistinctFiles } from "../usage/distinct-files.js";
import { UnchangedFiles } from "../usage/unchanged-files.js";
import { checkHeaders } from "../usage/header-check.js";
import { otherAccountsOf } from "../usage/account-column.js";
import { mappingResolver as usageMappings, type ColumnMapping } from "../usage/mapping.js";
import { accountValueMistake } from "../usage/mapping-names.js";
import { gaveUp, NeedsFullParser, plainGivesUp } from "../usage/plain-csv.js";
import type { ReplayProgress } from "../progress/progress.js";
import type { UsageBatches } from "../usage/merge.js";
import { readUsage, readUsageInTurn, type UsageOptions } from "../usage/read.js";
import { everyUnpriced } from "../usage/unpriced-values.js";
import { screenOnce } from "../usage/screen-reuse.js";
import { formatsOnce, scanUsage } from "../usage/scanned-events.js";
import { sortByTime } from "../usage/sort-runs.js";
import { DEFAULT_LATENESS, MAX_HELD, reorder, TooLate, type OrderLimits } from "../usage/reorder.js";
import { sortRows } from "../usage/row-sort.js";
import { latenessOf, type LogLateness } from "../usage/lateness.js";
import { retimedEvents, retimedRows, usageOfAccounts, type Retime } from "../usage/account-rows.js";
import { accountsAtOnce, PartsWhereMany, type PartReplay } from "./account-parts.js";
import { refuseRowsOfNoAccount } from "./rows-of-no-account.js";
import type { SkippedRows } from "../usage/skipped-rows.js";
import { emptyUsageFile } from "../usage/sources.js";
import { replayEvents, type LedgerOutput } from "./replay-events.js";

export interface UsageInput {
  files: readonly string[];
  /** `--mapping`: a mapping file for every usage file, layered over its folder's and the one beside it (usage/mapping.ts). */
  mappingFile: string | undefined;
  /** `--layout NAME`: a known export's mapping, under the mapping file and the flags. */
  layout?: string;
  mapFlags: readonly string[];
  /** What the file `-` reads; only a command that reads its usage once gets one. */
  stdin?: Readable;
  /** Other cards the same usage is replayed through (diff): a column any of them reads is read. */
  alsoReadBy?: readonly RateCard[];
  /** Told the rows as they reach the engine, for a progress line on a terminal. */
  progress?: ReplayProgress;
  /** `--max-lateness`: how much earlier than the latest row before it a row may be and still stream in order, in milliseconds (default a day). */
  maxLateness?: number;
  /**
   * The rows of these accounts only: reconcile's replay rounding each event, of the accounts whose lines it checks. An
   * account's statement is what its rows alone give, but for a card's rewards (usageOfAccounts).
   */
  accounts?: ReadonlySet<string>;
  /** The accounts a replay holds at once before the log is replayed in parts (account-parts.ts); by default BURNRATE_ACCOUNTS_AT_ONCE's, or 25,000. */
  accountsAtOnce?: number;
  /**
   * Each row's instant moved, never past another row's (reconcile's boundary hypotheses: the events between the
   * account's cycle boundary and the bill's moved onto it), before the rows are put in time order.
   */
  retime?: Retime;
  /** The rows the reorder buffer holds at most: MAX_HELD, less in tests. */
  maxHeld?: number;
  /** Told what the reading met for the command's notes: rows a mapping skipped, rows later than the lateness allowed. */
  skipped?: SkippedRows;
}

/** Each usage file's mapping (usage/mapping.ts: one merge of layout, folder, file, --mapping and --map). */
export function mappingResolver(input: UsageInput): (file: string) => ColumnMapping {
  return usageMappings(input);
}

/**
 * Replay usage files through the engine. The row scanner's rows (one file, or
 * several read one after another) go through a reorder stage that puts rows up
 * to the lateness allowed back in time order as they stream (reorder.ts). If a
 * row is later than that, or earlier than one already replayed, the replay
 * starts again on the rows sorted by time in bounded runs on disk (row-sort.ts;
 * events, for the other readers, in sort-runs.ts). Standard input is copied to
 * a temporary file first, so that it too can be read again.
 */

export async function replayFiles(card: RateCard, settings: AccountSettings, input: UsageInput, ledger?: LedgerOutput, reader: Reader = "scanner"): Promise<Statement> {
  input.progress?.begin();
  const stdin = input.files.includes("-") && input.stdin ? await copyStdin(input.stdin) : undefined;
  if (stdin !== undefined && input.files.length > 1 && emptyUsageFile(stdin.file)) input.skipped?.emptyStdin(input.files.length);
  try {
    // Read before any file, so that a number not understood is refused whatever the log holds.
    const atOnce = input.accountsAtOnce ?? accountsAtOnce();
    checkDistinctFiles(input.files, stdin?.file);
    const unchanged = new UnchangedFiles(input.files);
    const mappingFor = mappingResolver(input);
    const otherAccounts = otherAccountsOf(settings);
    checkHeaders(input.files, { card, alsoReadBy: input.alsoReadBy, mappingFor, stdinCopy: stdin?.file, otherAccounts });
    for (const file of input.files) {
      const mistake = accountValueMistake(mappingFor(file), settings.accounts);
      if (mistake !== undefined) throw mistake;
    }
    // The event ids' first pass: the replay then remembers only ids that may repeat, and the scanner sends only the ids it needs.
    input.progress?.restart(1, "reading ids");
    // Each file's format looked at once for both reads of the log.
    const formatOf = formatsOnce();
    const idScreen = await screenOnce(input.files, { card, alsoReadBy: input.alsoReadBy, mappingFor, stdinCopy: stdin?.file, formatOf, otherAccounts });
    // The rows' replay reads the log again: its share done counts from here.
    input.progress?.restart(1);
    if (idScreen !== undefined) settings = { ...settings, idScreen };
    const options = { card, zone: settings.zone, defaultAccount: settings.name, otherAccounts, mappingFor, stdinCopy: stdin?.file, alsoReadBy: input.alsoReadBy, idScreen };
    const scanned = { ...options, formatOf };
    // A log the first pass found in time order has no late row to wait for (the scanner stops at one it meets: SentIds): its rows go on at once.
    // A replay of these files before this one measured their lateness and held their rows so: this one does from its start.
    const measured = input.maxLateness === undefined ? heldBefore.get(input.files) : undefined;
    const limits = idScreen?.timeOrdered ? { lateness: 0, maxHeld: input.maxHeld ?? MAX_HELD }
      : measured !== undefined ? { lateness: measured, maxHeld: Math.min(input.maxHeld ?? MAX_HELD, HELD_LATE) }
      : { lateness: input.maxLateness ?? DEFAULT_LATENESS, maxHeld: input.maxHeld ?? MAX_HELD };
    const again = secondReading(input.files);
    // The scanner gives up on a pipe before reading it (it reads regular files only); the plain reader, on a cell, after.
    const readers: { usage: Ordered; readsPipes: boolean; plain?: true }[] = [];
    const late = { flag: input.maxLateness !== undefined, notes: input.skipped, held: (lateness: number) => heldBefore.set(input.files, lateness) };
    const only = (usage: Ordered) => (input.accounts === undefined ? usage : ofAccounts(usage, input.accounts));
    const retime = input.retime;
    const rows = () => (retime === undefined ? scanUsage(input.files, scanned) : retimedRows(scanUsage(input.files, scanned), retime));
    if (reader === "scanner") readers.push({ usage: again.guarding(only(rowsInOrder(rows, limits, input.progress, late))), readsPipes: false });
    if (reader !== "csv-parse") readers.push({ usage: again.guarding(only(eventsInOrder(input.files, { ...options, plain: true }, input.progress, retime))), readsPipes: true, plain: true });
    readers.push({ usage: again.guarding(only(eventsInOrder(input.files, options, input.progress, retime))), readsPipes: true });
    const inParts = again.readsTwice && ledger === undefined && input.retime === undefined && input.accounts === undefined && replayableInParts(card, settings) ? atOnce : undefined;
    // Each reader but the last gives up on input it cannot prove it reads as the next would.
    const replayed = async (usage: Ordered) => {
      const statement = await replayInOrder(card, settings, usage, { ledger, progress: input.progress, inParts });
      unchanged.check();
      // A replay of some accounts (reconcile's) reads rows of others it drops: the whole replay's is the check. A pipe
      // cannot be read again (red58 F5: a FIFO waited for ever): its rows of no account are priced as before, and the
      // files beside it are read again (red58b F3: one pipe among the inputs let every file's rows through).
      if (input.accounts === undefined) await refuseRowsOfNoAccount(statement, options, again.rereadable, settings.unnamed === undefined ? undefined : settings.unnamed.inFile ? "no account:" : "no file");
      return statement;
    };
    for (const events of readers.slice(0, -1)) {
      if (events.plain === true && plainGivesUp(input.files)) continue;
      try {
        return await replayed(events.usage);
      } catch (e) {
        if (!(e instanceof NeedsFullParser)) throw e;
        gaveUp(input.files, events.plain === true ? "plain" : "scanner", e);
        if (events.readsPipes) again.check(`${e.reason}, which only the full CSV parser reads,`);
        ledger?.restart();
        input.progress?.restart(1);
      }
    }
    return await replayed(readers.at(-1)!.usage);
  } catch (e) {
    // Every value the card does not price, not the first alone: the log read again for them.
    throw e instanceof Unpriced ? await everyUnpriced(e, input.files, { card, zone: settings.zone, defaultAccount: settings.name, otherAccounts: otherAccountsOf(settings), mappingFor: mappingResolver(input), stdinCopy: stdin?.file, alsoReadBy: input.alsoReadBy }) : e;
  } finally {
    stdin?.remove();
  }
}

/**
 * A usage file read a second time (sorted, or by the next reader) must be one that can be: a FIFO or a
 * process substitution (`<(zcat log.gz)`) is empty once read, and opening it again waits for a writer.
 * Standard input is copied first; a pipe named as a file is refused at that point, saying why.
 */
function secondReading(files: readonly string[]): { check(why: string): void; guarding(usage: Ordered): Ordered; readsTwice: boolean; rereadable: readonly string[] } {
  const pipes = files.flatMap((file) => {
    if (file === "-") return [];
    try {
      const stats = statSync(file);
      return stats.isFile() || stats.isDirectory() ? [] : [{ file, kind: nodeKind(stats) }];
    } catch {
      return [];
    }
  });
  const check = (why: string) => {
    const pipe = pipes[0];
    if (pipe !== undefined) throw new UserError(`${why} needs the usage read a second time, and a pipe cannot be`, { file: pipe.file, line: 1, column: 1 }, "a regular file, or the pipe as standard input (--usage -), which is copied first", pipe.kind);
  };
  return {
    check,
    readsTwice: pipes.length === 0,
    rereadable: files.filter((file) => !pipes.some((p) => p.file === file)),
    guarding: (usage) => ({
      streamed: () => usage.streamed(),
      ...(usage.relaxed === undefined ? {} : { relaxed: (late: TooLate) => (check("a row later than the lateness allowed"), usage.relaxed!(late)) }),
      sorted: (late) => {
        check("a row out of time order");
        return usage.sorted(late);
      },
    }),
  };
}

/**
 * A reader's usage as it streams (in time order, or close enough for the reorder stage), the same usage streamed
 * again through a reorder stage of its own lateness where the lateness allowed was too little (undefined where that
 * will not do), and the same usage sorted. `late` is the row that came later than the lateness allowed, where one did.
 */
interface Ordered {
  streamed(): UsageBatches;
  relaxed?(late: TooLate): Promise<UsageBatches | undefined>;
  sorted(late?: TooLate): UsageBatches;
}

/** Where the lateness allowed comes from, and who is told of rows later than it. */
interface LateRowsSetting {
  /** Whether `--max-lateness` gave it: then it bounds how long a row is held, and later rows are sorted on disk. */
  flag: boolean;
  notes: SkippedRows | undefined;
  /** Told the lateness the rows were held at, once measured. */
  held(lateness: number): void;
}

/**
 * The lateness a replay measured its files' rows at and held them so, by the files given (the same array however the
 * input is copied): reconcile and diff replay one input several times, and each measured it again (about 1.5 s a
 * replay on a gateway's month).
 */
const heldBefore = new WeakMap<readonly string[], number>();

function rowsInOrder(rows: () => AsyncIterable<ShapedRows>, limits: OrderLimits, progress: ReplayProgress | undefined, setting: LateRowsSetting): Ordered {
  let measured: { found: LogLateness; maxHeld: number } | undefined;
  /** The limits the rows were held at once their lateness was measured, null where the buffer could not hold them. */
  let heldAt: OrderLimits | null | undefined;
  const tell = (late: TooLate, rows: number, found: LogLateness | undefined, buffered: boolean, maxHeld = limits.maxHeld) => {
    const first = { at: late.origin, by: late.by };
    if (rows >= NOTED_ROWS) setting.notes?.lateRows({ allowed: limits.lateness, flag: setting.flag, first, rows, maxHeld, found, buffered });
  };
  return {
    streamed: () => reorder(rows(), limits),
    // Rows later than the default lateness: how late is read first (a reading without the engine, far cheaper than a
    // sort on disk, after which no row reaches the engine until every row is read), and the rows are held that long
    // where the buffer can hold them (newcomer, stop 44: a gateway's month with rows two to four days late).
    ...(setting.flag ? {} : {
      relaxed: async (late: TooLate) => {
        // Read again (a log of many accounts held in parts: one reading a part), the rows are held as measured the first time.
        if (heldAt !== undefined) return heldAt === null ? undefined : reorder(rows(), heldAt);
        progress?.restart(2, "measuring lateness");
        const maxHeld = Math.min(limits.maxHeld, HELD_LATE);
        const found = await latenessOf(rows(), { maxHeld, allowed: limits.lateness }, () => progress?.rows(0));
        const buffered = found.whole && found.lateness > limits.lateness && found.held <= maxHeld;
        // A reading stopped partway has not counted the log's rows: the sort that follows does, and tells.
        if (found.whole) tell(late, found.rows, found, buffered, maxHeld);
        else measured = { found, maxHeld };
        if (buffered) setting.held(found.lateness);
        heldAt = buffered ? { lateness: found.lateness, maxHeld } : null;
        return heldAt === null ? undefined : reorder(rows(), heldAt);
      },
    }),
    sorted: (late) => sortRows(turning(rows(), progress, (count) => {
      if (late !== undefined && measured !== undefined) tell(late, count, measured.found, false, measured.maxHeld);
      else if (setting.flag && late !== undefined) tell(late, count, undefined, false);
    })),
  };
}

/**
 * The rows held at most where rows are held as late as they come: a sort's run in memory (row-sort.ts), so that the
 * buffer holds no more than the sort on disk would (red team, stop 45: a reversed log of 1,040,000 rows with long ids
 * held whole took 909 MB, where its sort took 438).
 */
const HELD_LATE = 1 << 18;

/** Logs of fewer rows read again or sorted are not noted: it costs them a fraction of a second (a log written by hand out of order). */
const NOTED_ROWS = 100_000;

/** A reader's usage, in every reading, of `accounts` only (usageOfAccounts). */
function ofAccounts(usage: Ordered, accounts: ReadonlySet<string>): Ordered {
  const relaxed = usage.relaxed;
  return {
    streamed: () => usageOfAccounts(usage.streamed(), accounts),
    ...(relaxed === undefined ? {} : { relaxed: async (late: TooLate) => ((batches) => batches && usageOfAccounts(batches, accounts))(await relaxed(late)) }),
    sorted: (late) => usageOfAccounts(usage.sorted(late), accounts),
  };
}

/** The files' events merged by time as they stream, and sorted from the files read in turn (readUsageInTurn: ties in the files' order). */
function eventsInOrder(files: readonly string[], options: UsageOptions, progress: ReplayProgress | undefined, retime: Retime | undefined): Ordered {
  const moved = (events: AsyncIterable<readonly UsageEvent[]>) => (retime === undefined ? events : retimedEvents(events, retime));
  return { streamed: () => moved(readUsage(files, options)), sorted: () => sortByTime(turning(moved(readUsageInTurn(files, options)), progress)) };
}

/**
 * The batches being sorted, with a turn of the event loop now and then (progress.rows): while they are
 * sorted no row reaches the engine to give one, and a Ctrl-C is heard only at a turn. Their count, once
 * all are read, is the sorted replay's whole (progress.sorted).
 */
async function* turning<T extends UsageBatch>(batches: AsyncIterable<T>, progress: ReplayProgress | undefined, read?: (rows: number) => void): AsyncGenerator<T> {
  let rows = 0;
  for await (const batch of batches) {
    rows += sizeOf(batch);
    await progress?.rows(0);
    yield batch;
  }
  // All read: the replay of the sorted rows counts its share of these.
  progress?.sorted(rows);
  read?.(rows);
}

/**
 * How usage CSV is read: the row scanner, falling back to the plain-CSV reader,
 * and that to csv-parse, each when a file needs the next; or from the plain
 * reader on; or csv-parse alone (the slow path the fast ones must match).
 */
export type Reader = "scanner" | "plain" | "csv-parse";

async function copyStdin(source: Readable): Promise<{ file: string; remove(): void }> {
  const folder = temporaryFolder("burnrate-stdin-");
  const file = join(folder.path, "usage.csv");
  const out = createWriteStream(file);
  let unwritten: unknown;
  out.on("error", (e) => (unwritten = e));
  try {
    await pipeline(source, out);
  } catch (e) {
    folder.remove();
    // A full or capped temporary directory is the machine's, said as every other temporary file's is (red51 #4: a bug's "internal error").
    throw e === unwritten ? temporaryError(e) : e;
  }
  return { file, remove: folder.remove };
}

/** How a replay in order goes: where its ledger goes, who is told its rows, and whether a log of many accounts may be replayed in parts. */
interface InOrder {
  ledger: LedgerOutput | undefined;
  progress: ReplayProgress | undefined;
  /** The accounts a replay holds at once, where the log may be replayed in parts past them. */
  inParts: number | undefined;
}

/**
 * Whether a log of many accounts may be replayed a part of its accounts at a time (account-parts.ts): each account's
 * statement is what its own rows give, but for a card's rewards (one account credited for another's usage); one
 * version of the card (the versions a statement lists come from every account's lines). An event id is its account's
 * own, so each part finds its accounts' repeats, merged in the whole replay's order (merged-statements.ts).
 */
function replayableInParts(card: RateCard, settings: AccountSettings): boolean {
  return settings.versions === undefined && [card, ...(card.versions ?? [])].every((c) => c.rewards === undefined);
}

/**
 * Replay a stream that should be in time order; if it is not, replay it again with its rows held as late as they
 * come (where the reader can say how late), or else sorted. A log that names more accounts than a replay holds at
 * once is replayed in parts of its accounts where it may be (replayInParts), else whole.
 */
async function replayInOrder(card: RateCard, settings: AccountSettings, usage: Ordered, how: InOrder): Promise<Statement> {
  const { ledger, progress } = how;
  // The accounts the file names get a run whether they have rows or not: a file of 100,000 customers is many accounts too.
  const watch = how.inParts === undefined ? undefined : { limit: how.inParts, named: [...settings.accounts.keys()].filter((account) => account !== settings.unnamed?.name) };
  const readings = new PartsWhereMany(watch, progress);
  // A part's ledger would be written in its accounts' order: a ledger is never written in parts (replayableInParts).
  const inOrder = (batches: UsageBatches, part?: PartReplay) => replayedInOrder(card, settings, batches, ledger, progress, part);
  const streamed = await readings.replayed(() => usage.streamed(), inOrder);
  if (streamed.statement !== undefined) return streamed.statement;
  ledger?.restart();
  const late = streamed.late;
  const relaxed = late === undefined ? undefined : await usage.relaxed?.(late);
  if (relaxed !== undefined) {
    // The first reading held as late as the rows come is this one; a part's is another, on the lateness measured once.
    let taken = false;
    const again = await readings.replayed(() => (taken ? relaxedAgain(usage, late!) : ((taken = true), relaxed)), inOrder);
    if (again.statement !== undefined) return again.statement;
    ledger?.restart();
  }
  progress?.restart(2, "sorting");
  const sorted = await readings.replayed(() => counted(usage.sorted(late), progress), async (batches, part) => ({ statement: await replayEvents(card, settings, batches, ledger, part) }));
  return sorted.statement!;
}

/** The rows held as late as they come once more: their lateness was measured by the first such reading. */
async function* relaxedAgain(usage: Ordered, late: TooLate): UsageBatches {
  const batches = await usage.relaxed!(late);
  if (batches === undefined) throw new Error("a reading held as late as the rows come, then not");
  yield* batches;
}

/** The replay of a stream that should be in time order; else, where the reorder stage met one, the row that came too late. */
async function replayedInOrder(card: RateCard, settings: AccountSettings, batches: UsageBatches, ledger: LedgerOutput | undefined, progress: ReplayProgress | undefined, part?: PartReplay): Promise<{ statement: Statement; late?: undefined } | { statement?: undefined; late: TooLate | undefined }> {
  const stream = new Watched(batches, progress);
  try {
    return { statement: await replayEvents(card, settings, stream, ledger, part) };
  } catch (e) {
    if (e instanceof TooLate) return { late: e };
    // The engine judged a row against the rows before it (an item ended before it
    // began, a level lowered below zero). That verdict only stands if the input
    // is in time order: look through the rest before reporting it.
    if (!(e instanceof OutOfOrder) && !(e instanceof UserError && !(await stream.restInOrder()))) throw e;
    return { late: stream.late };
  } finally {
    // A stream left partway holds its files open (and a scanner's worker thread alive).
    await stream.close();
  }
}

/** The batches as they are, their rows told to the progress. */
async function* counted(batches: UsageBatches, progress: ReplayProgress | undefined): UsageBatches {
  for await (const batch of batches) {
    await progress?.rows(sizeOf(batch));
    yield batch;
  }
}

/**
 * A batch stream that a failed replay does not close, that can tell whether
 * the rest of the input is in time order, and that counts the rows it gives.
 * The engine may have failed partway through the last batch, so that batch is
 * checked again with the rest.
 */
class Watched implements UsageBatches {
  /** The latest instant before the last batch given. */
  private latest = -Infinity;
  private last: UsageBatch = [];
  private readonly source: AsyncIterator<UsageBatch>;
  constructor(
    source: UsageBatches,
    private readonly progress: ReplayProgress | undefined,
  ) {
    this.source = source[Symbol.asyncIterator]();
  }

  [Symbol.asyncIterator](): AsyncIterator<UsageBatch> {
    return {
      next: async () => {
        const next = await this.source.next();
        if (!next.done) {
          for (let i = 0; i < sizeOf(this.last); i++) this.latest = Math.max(this.latest, instantIn(this.last, i));
          this.last = next.value;
          await this.progress?.rows(sizeOf(next.value));
        }
        return next;
      },
    };
  }

  async close(): Promise<void> {
    await this.source.return?.();
  }

  /** The row restInOrder() found later than the lateness allowed, where the reorder stage met one. */
  late: TooLate | undefined;

  async restInOrder(): Promise<boolean> {
    const ordered = (batch: UsageBatch) => {
      for (let i = 0; i < sizeOf(batch); i++) {
        const at = instantIn(batch, i);
        if (at < this.latest) return false;
        this.latest = at;
      }
      return true;
    };
    if (!ordered(this.last)) return false;
    try {
      for (let next = await this.source.next(); !next.done; next = await this.source.next()) if (!ordered(next.value)) return false;
    } catch (e) {
      // The reorder stage met a row later than the lateness allowed.
      if (!(e instanceof TooLate)) throw e;
      this.late = e;
      return false;
    }
    return true;
  }
}
