import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync, type Stats } from "node:fs";
import { basename, dirname, join } from "node:path";
import { withinOneEdit } from "./nearest.js";
import { parseAccount, cardPathOf, type AccountFile, type AccountFlags } from "./account/account.js";
import { atFlag, UserError, YamlLayoutError, shown, type Location } from "./errors.js";
import { parseRateCard } from "./ratecard/load.js";
import { rememberUnreadCard } from "./unread-cards.js";
import type { RateCard } from "./ratecard/types.js";
import { cardVersions } from "./ratecard/versions.js";
import { isGzip, isUtf16, utf16Error } from "./usage/content.js";
import { notUtf8 } from "./usage/utf8.js";

/**
 * The most a YAML input (card, account, scenario, mapping, tests file) may hold. The largest
 * hand-written card is tens of kilobytes; past a few megabytes the YAML parser takes many seconds,
 * so a wrong path (a log, a dump) is refused at once instead.
 */
const YAML_LIMIT = 2 * 1024 * 1024;

/** A bill is read whole; this keeps a wrong path (a database dump) from filling the memory. */
export const BILL_LIMIT = 256 * 1024 * 1024;

/** What `limit` bytes are called in a message: "2 MiB". */
export function sizeName(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / (1024 * 1024)).toFixed(1)} MiB` : bytes >= 1024 ? `${+(bytes / 1024).toFixed(1)} KiB` : `${bytes} bytes`;
}

/** What a whole input read at once is: YAML by default, a bill with its own cap. */
export interface TextInput {
  limit: number;
  kind: string;
}

const YAML_INPUT: TextInput = { limit: YAML_LIMIT, kind: "a YAML file" };

/**
 * An account file may name every customer of a reseller: 100,000 accounts with a plan each take 2.4 MiB, and
 * were refused. The YAML parser holds some 50 bytes a byte of a valid file while it reads it (111 MB for those
 * 2.4 MiB) at 1.6 s a megabyte, and some 270 a byte of a file that is no YAML: 4 MiB, some 170,000 such
 * accounts, keeps either within a run's memory, where a 30 MiB log given in its place took 3 GB (red52).
 */
export const ACCOUNT_INPUT: TextInput = { limit: 4 * 1024 * 1024, kind: "an account file" };

/**
 * A whole small input (card, account, mapping, bill) as UTF-8 text, with errors that name the file.
 * Only a regular file (or `-`, standard input) is read, and never more than the input's limit:
 * a device such as /dev/zero, a FIFO with no writer or a folder is refused before it is opened.
 */
export function readText(file: string, input: TextInput = YAML_INPUT): string {
  let bytes: Buffer;
  try {
    if (file === "-") bytes = readCapped(0, file, input);
    else {
      checkRegular(file, input);
      const fd = openSync(file, "r");
      try {
        bytes = readCapped(fd, file, input);
      } finally {
        closeSync(fd);
      }
    }
  } catch (e) {
    throw unreadable(file, e);
  }
  // Before decoding: UTF-16 of ASCII text without its mark is valid UTF-8, a NUL before each letter.
  if (isUtf16(bytes)) throw utf16Error(file);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // A bill is read whole as text, not streamed through gunzip as usage is.
    if (isGzip(bytes)) throw new UserError("file is gzip-compressed", { file, line: 1, column: 1 }, `${input.kind} as plain text (gunzip it first)`, "gzip data");
    throw notUtf8(file, bytes);
  }
}

/** A file burnrate is to read must exist and not be a directory; any other failure comes as a UserError naming the file. */
export function checkReadable(file: string): void {
  if (statSync(file).isDirectory()) throw new UserError("is a directory", { file, line: 1, column: 1 }, "a file", "a directory");
}

/**
 * A command that reads its usage more than once (reconcile, diff) needs files it can open again:
 * a FIFO or a device gives its rows once, and the second open would wait for a writer forever.
 * A missing file or a folder is left to the usage reader, which says so.
 */
export function checkRereadable(files: readonly string[], expected: string): void {
  for (const file of files) {
    let stats: Stats;
    try {
      stats = statSync(file);
    } catch {
      continue;
    }
    if (!stats.isFile() && !stats.isDirectory()) throw new UserError("not a regular file", { file, line: 1, column: 1 }, expected, nodeKind(stats));
  }
}

/** The kind of file system node a path is, for a message: "a FIFO", "a character device". */
export function nodeKind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "a special file";
}

/** Refuse, before opening it, a path that is not a regular file or is larger than the input may be. */
function checkRegular(file: string, input: TextInput): void {
  const stats = statSync(file);
  if (stats.isDirectory()) throw new UserError("is a directory", { file, line: 1, column: 1 }, "a file", "a directory");
  if (!stats.isFile()) throw new UserError("not a regular file", { file, line: 1, column: 1 }, input.kind, nodeKind(stats));
  if (stats.size > input.limit) throw tooLarge(file, input, sizeName(stats.size));
}

function tooLarge(file: string, input: TextInput, found: string): UserError {
  return new UserError("file too large", { file, line: 1, column: 1 }, `${input.kind} of at most ${sizeName(input.limit)}`, found);
}

/** Read up to the limit and one byte more, so a file that grows or a stream without end is refused, not read forever. */
function readCapped(fd: number, file: string, input: TextInput): Buffer {
  const size = fd === 0 ? 0 : fstatSync(fd).size;
  let chunk = Buffer.alloc(Math.min(input.limit, Math.max(size, 64 * 1024)) + 1);
  let length = 0;
  for (;;) {
    if (length === chunk.length) {
      if (length > input.limit) throw tooLarge(file, input, `more than ${sizeName(input.limit)}`);
      const grown = Buffer.alloc(Math.min(input.limit + 1, length * 2));
      chunk.copy(grown, 0, 0, length);
      chunk = grown;
    }
    const n = readWaiting(fd, chunk, length);
    if (n === 0) return chunk.subarray(0, length);
    length += n;
  }
}

/** A pause between reads of a pipe with nothing in it yet. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * Read into `chunk` from `offset`, waiting for a pipe's writer: standard input may be a non-blocking
 * pipe whose data comes later (`(sleep 2; cat card.yaml) | burnrate ... --card -`), which a read
 * answers with EAGAIN until then. The wait is a sleep (Atomics.wait), as the read is synchronous.
 */
function readWaiting(fd: number, chunk: Buffer, offset: number): number {
  for (;;) {
    try {
      return readSync(fd, chunk, offset, chunk.length - offset, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Atomics.wait(PAUSE, 0, 0, 10);
    }
  }
}

/** A failure to read a file, as the user error that says which file and why. */
export function unreadable(file: string, e: unknown): UserError {
  if (e instanceof UserError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? "error";
  const found = code === "ENOENT" ? "no such file" : code === "EACCES" || code === "EPERM" ? "no permission to read it" : code;
  return new UserError(`cannot read file: ${code}${code === "ENOENT" ? siblingGuess(file) : ""}`, { file, line: 1, column: 1 }, "an existing, readable file", found);
}

/**
 * "; did you mean "northwind.yaml"?" where a file beside the missing one is its name but for one letter or case
 * (newcomer, stop 40: `northwnd.yaml`); not where they differ only in digits, as a day's export that is not there
 * is no typo of another day's.
 */
function siblingGuess(file: string): string {
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return "";
  }
  const name = basename(file);
  const digitless = (n: string) => n.replace(/\d/g, "");
  const near = names.find((n) => n !== name && withinOneEdit(n.toLowerCase(), name.toLowerCase()) && digitless(n) !== digitless(name));
  return near === undefined ? "" : `; did you mean ${shown(join(dirname(file), near))}?`;
}

export function loadCard(file: string): RateCard {
  const source = readText(file);
  try {
    return parseRateCard(source, file);
  } catch (e) {
    // Told as another of burnrate's inputs where it is one, when reported (unread-cards.ts).
    if (e instanceof UserError && !(e instanceof YamlLayoutError)) rememberUnreadCard(e, { source, file });
    throw e;
  }
}

export function loadAccount(file: string | undefined): AccountFile | undefined {
  return file === undefined ? undefined : parseAccount(readText(file, ACCOUNT_INPUT), file);
}

/**
 * `--card` wins over the account file's `card:`; one of them must name a card.
 * `--card` given more than once names versions of one provider's card.
 */
export function loadCardFor(cardFlag: string | readonly string[] | undefined, account: AccountFile | undefined, named = "--card"): RateCard {
  if (Array.isArray(cardFlag) && cardFlag.length > 1) {
    refuseCardTwice(cardFlag, named);
    return cardVersions(cardFlag.map(loadCard));
  }
  const flag: string | undefined = Array.isArray(cardFlag) ? cardFlag[0] : (cardFlag as string | undefined);
  return loadOneCardFor(flag, account);
}

/**
 * One card file named twice among a set of versions (another spelling of its path, or a link to it): said as such, where
 * the versions' check said "two versions take effect at the same instant" (newcomer58b L3), as --usage says it.
 */
function refuseCardTwice(files: readonly string[], flag: string): void {
  const seen = new Map<string, string>();
  for (const file of files) {
    let id: string;
    try {
      const stats = statSync(file);
      id = `${stats.dev}:${stats.ino}`;
    } catch {
      continue;
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) throw new UserError("the same card file twice", atFlag(flag), `each version's file once in ${flag}`, `${shown(earlier)} and ${shown(file)}`);
    seen.set(id, file);
  }
}

function loadOneCardFor(cardFlag: string | undefined, account: AccountFile | undefined): RateCard {
  const path = cardFlag ?? (account ? cardPathOf(account) : undefined);
  if (path === undefined) {
    throw new UserError("no rate card", atFlag("--card"), "--card FILE, or card: in the account file", "neither");
  }
  if (cardFlag === undefined && account) return loadNamedCard(path, account.at(["card"]), "the account file");
  return loadCard(path);
}

/**
 * A card named inside another file (an account's or a scenario's `card:`): when it is
 * missing or a folder, the error points at that `card:` line, where the fix is.
 */
export function loadNamedCard(path: string, where: Location, relativeTo: string): RateCard {
  let problem: string | undefined;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) problem = "card is a directory";
    else if (!stats.isFile()) problem = `card is ${nodeKind(stats)}, not a regular file`;
  } catch {
    problem = "card file not found";
  }
  if (problem) throw new UserError(problem, where, `a rate card file, relative to ${relativeTo}`, shown(path));
  return loadCard(path);
}

/** What the commands that replay usage (statement, reconcile, diff) are given on the command line. */
export interface ReplayInputOptions extends AccountFlags {
  /** One card, or versions of one provider's card (`--card` repeated). */
  card?: string | string[];
  usage: string[];
  account?: string;
  mapping?: string;
  map: string[];
  /** `--layout NAME`: a known export's mapping (src/usage/layouts.ts). */
  layout?: string;
  /** `--no-progress`: false. */
  progress?: boolean;
  /** `--max-lateness DURATION`, in milliseconds. */
  maxLateness?: number;
}
