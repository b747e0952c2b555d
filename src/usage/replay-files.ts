import { createWriteStream, existsSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { calendarFor, type AccountSettings } from "../account/account.js";
import { OutOfOrder, Replay } from "../engine/replay.js";
import { instantIn, instantOf, isRows, sizeOf, type UsageBatch } from "../engine/rows.js";
import type { LedgerEntry, Statement, UsageEvent } from "../engine/types.js";
import { UserError } from "../errors.js";
import { readText } from "../inputs.js";
import { temporaryFolder } from "../temporary.js";
import type { Instant } from "../time.js";
import type { RateCard } from "../ratecard/types.js";
import { checkDistinctFiles } from "./distinct-files.js";
import { NO_MAPPING, parseMapping, withFlags, type ColumnMapping } from "./mapping.js";
import { NeedsFullParser } from "./plain-csv.js";
import type { UsageBatches } from "./merge.js";
import { readUsage } from "./read.js";
import { scanUsage } from "./scanned-events.js";
import { sortByTime } from "./sort-runs.js";

export interface UsageInput {
  files: readonly string[];
  /** A mapping file for every usage file; without it, `FILE.mapping.yaml` beside each file is used when present. */
  mappingFile: string | undefined;
  mapFlags: readonly string[];
  /** Other cards the same usage is replayed through (diff): a column any of them reads is read. */
  alsoReadBy?: readonly RateCard[];
}

export function mappingResolver(input: UsageInput): (file: string) => ColumnMapping {
  const shared = input.mappingFile === undefined ? undefined : parseMapping(readText(input.mappingFile), input.mappingFile);
  return (file) => {
    const beside = `${file}.mapping.yaml`;
    const base = shared ?? (file !== "-" && existsSync(beside) ? parseMapping(readText(beside), beside) : NO_MAPPING);
    return withFlags(base, input.mapFlags);
  };
}

/** Where a replay's ledger entries go as it makes them; a replay that starts over restarts it first. */
export interface LedgerOutput {
  push(entry: LedgerEntry): void;
  restart(): void;
}

/**
 * Replay usage files through the engine. Files each in time order (the usual
 * case, also for a log split across files) stream in one pass, merged by time.
 * If a row turns out to be earlier than one already replayed, the replay starts
 * again on the rows sorted by time, in bounded runs. Standard input is copied to
 * a temporary file first, so that it too can be read again.
 */

export async function replayFiles(card: RateCard, settings: AccountSettings, input: UsageInput, ledger?: LedgerOutput, reader: Reader = "scanner"): Promise<Statement> {
  checkDistinctFiles(input.files);
  const stdin = input.files.includes("-") ? await copyStdin() : undefined;
  try {
    const options = { card, zone: settings.zone, defaultAccount: settings.name, mappingFor: mappingResolver(input), stdinCopy: stdin?.file, alsoReadBy: input.alsoReadBy };
    const readers: (() => UsageBatches)[] = [];
    if (reader === "scanner") readers.push(() => scanUsage(input.files, options));
    if (reader !== "csv-parse") readers.push(() => readUsage(input.files, { ...options, plain: true }));
    readers.push(() => readUsage(input.files, options));
    // Each reader but the last gives up on input it cannot prove it reads as the next would.
    for (const events of readers.slice(0, -1)) {
      try {
        return await replayInOrder(card, settings, events, ledger);
      } catch (e) {
        if (!(e instanceof NeedsFullParser)) throw e;
        ledger?.restart();
      }
    }
    return await replayInOrder(card, settings, readers.at(-1)!, ledger);
  } finally {
    stdin?.remove();
  }
}

/**
 * How usage CSV is read: the row scanner, falling back to the plain-CSV reader,
 * and that to csv-parse, each when a file needs the next; or from the plain
 * reader on; or csv-parse alone (the slow path the fast ones must match).
 */
export type Reader = "scanner" | "plain" | "csv-parse";

async function copyStdin(): Promise<{ file: string; remove(): void }> {
  const folder = temporaryFolder("burnrate-stdin-");
  const file = join(folder.path, "usage.csv");
  try {
    await pipeline(process.stdin, createWriteStream(file));
  } catch (e) {
    folder.remove();
    throw e;
  }
  return { file, remove: folder.remove };
}

/** Replay a stream that should be in time order; if it is not, replay it again sorted. */
async function replayInOrder(card: RateCard, settings: AccountSettings, events: () => UsageBatches, ledger: LedgerOutput | undefined): Promise<Statement> {
  const stream = new Watched(events());
  try {
    return await replayEvents(card, settings, stream, ledger);
  } catch (e) {
    // The engine judged a row against the rows before it (an item ended before it
    // began, a level lowered below zero). That verdict only stands if the input
    // is in time order: look through the rest before reporting it.
    if (!(e instanceof OutOfOrder) && !(e instanceof UserError && !(await stream.restInOrder()))) throw e;
  } finally {
    // A stream left partway holds its files open (and a scanner's worker thread alive).
    await stream.close();
  }
  ledger?.restart();
  return replayEvents(card, settings, sortByTime(events()), ledger);
}

/**
 * A batch stream that a failed replay does not close, and that can tell whether
 * the rest of the input is in time order. The engine may have failed partway
 * through the last batch, so that batch is checked again with the rest.
 */
class Watched implements UsageBatches {
  /** The latest instant before the last batch given. */
  private latest = -Infinity;
  private last: UsageBatch = [];
  private readonly source: AsyncIterator<UsageBatch>;
  constructor(source: UsageBatches) {
    this.source = source[Symbol.asyncIterator]();
  }

  [Symbol.asyncIterator](): AsyncIterator<UsageBatch> {
    return {
      next: async () => {
        const next = await this.source.next();
        if (!next.done) {
          for (let i = 0; i < sizeOf(this.last); i++) this.latest = Math.max(this.latest, instantIn(this.last, i));
          this.last = next.value;
        }
        return next;
      },
    };
  }

  async close(): Promise<void> {
    await this.source.return?.();
  }

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
    for (let next = await this.source.next(); !next.done; next = await this.source.next()) if (!ordered(next.value)) return false;
    return true;
  }
}

/**
 * Replay events already in time order: batches streamed from files, or a
 * simulation's generated events, or sorted rows.
 */
export async function replayEvents(card: RateCard, settings: AccountSettings, events: UsageBatches | Iterable<UsageEvent>, ledger?: LedgerOutput): Promise<Statement> {
  let replay: Replay | undefined;
  const start = (first: Instant | undefined) =>
    new Replay(card, {
      calendar: calendarFor(settings, first),
      accounts: settings.accounts,
      fallback: settings.terms,
      purchases: settings.purchases,
      subscriptionEnd: settings.subscriptionEnd,
      renewalMonths: settings.renewalMonths,
      through: settings.through,
    }, ledger ? (entry) => ledger.push(entry) : undefined);
  const push = (event: UsageEvent) => {
    replay ??= start(event.at);
    replay.push(event);
  };
  if (Symbol.asyncIterator in events) {
    for await (const batch of events) {
      if (!isRows(batch)) for (const event of batch) push(event);
      else if (batch.count > 0) (replay ??= start(instantOf(batch, 0))).pushRows(batch);
    }
  } else {
    for (const event of events) push(event);
  }
  return (replay ?? start(undefined)).finish();
}
