import { closeSync, createReadStream, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, renameSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { atFlag, UserError, shown } from "./errors.js";
import { visibleLines } from "./render/shared/escape.js";
import type { Io } from "./io.js";
import { outputTarget, type OutputTarget, type RunInput } from "./output-target.js";
import { onInterrupt, removeAtExit, temporaryError, temporaryFolder } from "./temporary.js";

export type { RunInput } from "./output-target.js";
export { besideMappings, runInputs } from "./output-target.js";

/** Where a report goes: standard output, or a file named by a flag, checked against the run's inputs. */
export interface Destination {
  /** The path given to the flag; undefined for standard output. */
  path: string | undefined;
  /** The flag, for messages: `-o`, `--emit-usage`, `--write`. */
  flag?: string;
  inputs?: readonly RunInput[];
}

/**
 * A report written as it is made, into a temporary file: beside a regular
 * target, renamed over it once complete (a run that fails or is killed leaves
 * yesterday's report as it was); for standard output, a device or a FIFO, a
 * private one, copied out once complete. Memory does not grow with the report,
 * what was written can be cut back (a replay that starts over), and every write
 * is checked to its last byte.
 */
export class ReportFile {
  private readonly target: OutputTarget | undefined;
  private readonly temp: string;
  private readonly fd: number;
  /** Removes the temporary file (or its private folder) however the run ends, until it is renamed into place. */
  private readonly cleanup: { remove(): void; keep(): void };
  /** Bytes in the file; `bytes` is written at this position when it fills. */
  private size = 0;
  /** Small pieces, gathered before they are encoded (one encoding call per piece would cost more than the piece). */
  private pending = "";
  /**
   * Encoded text not yet written, reused: a report of hundreds of MB is written in
   * writes of a MiB, and the text of each piece is garbage as soon as it is encoded,
   * never kept long enough to leave the young generation.
   */
  private readonly bytes = Buffer.allocUnsafe(BUFFERED);
  private used = 0;
  private open = true;

  constructor(to: Destination) {
    this.target = to.path === undefined ? undefined : outputTarget(to.path, to.flag ?? "-o", to.inputs ?? []);
    if (this.target === undefined || this.target.direct) {
      const folder = temporaryFolder("burnrate-out-");
      this.temp = join(folder.path, "report");
      this.cleanup = { remove: folder.remove, keep: () => {} };
      try {
        this.fd = openSync(this.temp, "w");
      } catch (e) {
        folder.remove();
        throw temporaryError(e);
      }
    } else {
      const opened = openBeside(this.target.file, (e) => this.failure(e));
      this.temp = opened.temp;
      this.fd = opened.fd;
      this.cleanup = removeAtExit(this.temp);
    }
  }

  write(text: string): void {
    if (text.length < PIECE) {
      this.pending += text;
      if (this.pending.length < PIECE) return;
      text = this.pending;
      this.pending = "";
    } else this.encode();
    // At most 3 bytes a UTF-16 unit: the text fits, or the buffer is written first; a text larger than it is written alone.
    if (this.used + text.length * 3 > BUFFERED) this.writeBytes();
    if (text.length * 3 > BUFFERED) this.writeOut(Buffer.from(text));
    else this.used += this.bytes.write(text, this.used);
  }

  /** How far the report has been written, for `truncate`. */
  mark(): number {
    this.flush();
    return this.size;
  }

  truncate(mark: number): void {
    this.pending = "";
    this.used = 0;
    this.guard(() => ftruncateSync(this.fd, mark));
    this.size = mark;
  }

  /** Put the report in place: renamed over the target, or copied to the device or standard output. */
  async commit(stdout: StandardOutput): Promise<void> {
    if (this.target !== undefined || stdout.stdoutFile !== undefined) return this.commitFile(stdout.stdoutFile);
    this.flush();
    this.close();
    try {
      if (stdout.stdoutTerminal === undefined) await pipeline(createReadStream(this.temp), stdout.stdout, { end: false });
      // The ledger's CSV holds the data's control characters as they are: a terminal gets them escaped.
      else await pipeline(createReadStream(this.temp, { encoding: "utf8" }), async function* (chunks: AsyncIterable<string>) {
        for await (const chunk of chunks) yield visibleLines(chunk);
      }, stdout.stdout, { end: false });
    } catch (e) {
      // Its reader went away (`| head`): not a failure of the report's (the file read from is not a pipe).
      if ((e as NodeJS.ErrnoException).code === "EPIPE") return;
      throw this.failure(e);
    } finally {
      this.cleanup.remove();
    }
  }

  /** Flushed to disk and renamed over a regular target; copied, checked, to anything else. */
  commitFile(stdoutFile?: number): void {
    this.flush();
    if (this.target !== undefined && !this.target.direct) {
      this.guard(() => {
        fsyncSync(this.fd);
        this.close();
        renameSync(this.temp, this.target!.file);
      });
      this.cleanup.keep();
      return;
    }
    this.close();
    try {
      const into = this.target === undefined ? stdoutFile! : this.guard(() => openSync(this.target!.file, "w"));
      try {
        this.guard(() => copyInto(this.temp, into));
      } finally {
        if (this.target !== undefined) closeSync(into);
      }
    } finally {
      this.cleanup.remove();
    }
  }

  /** Give up: never throws, so the error that led here is the one reported. */
  abort(): void {
    try {
      this.close();
    } catch {
      // The descriptor is gone either way; the file is removed below.
    }
    try {
      this.cleanup.remove();
    } catch {
      // Left for the exit hook, which warns if it cannot remove it either.
    }
  }

  /** Once only: after a close the number may already belong to another file. */
  private close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }

  private flush(): void {
    this.encode();
    this.writeBytes();
  }

  /** The small pieces gathered so far, into the buffer. */
  private encode(): void {
    if (this.pending === "") return;
    const text = this.pending;
    this.pending = "";
    if (this.used + text.length * 3 > BUFFERED) this.writeBytes();
    this.used += this.bytes.write(text, this.used);
  }

  private writeBytes(): void {
    if (this.used === 0) return;
    const used = this.used;
    this.used = 0;
    this.writeOut(this.bytes.subarray(0, used));
  }

  private writeOut(bytes: Buffer): void {
    this.guard(() => writeAll(this.fd, bytes, this.size));
    this.size += bytes.length;
  }

  private guard<T>(io: () => T): T {
    try {
      return io();
    } catch (e) {
      throw this.failure(e);
    }
  }

  private failure(e: unknown): UserError {
    return writeError(this.target?.given ?? "<stdout>", e);
  }
}

/** Characters gathered as one string before they are encoded; PIECE * 3 bytes always fit in the buffer. */
const PIECE = 1 << 13;
/** Bytes a report file holds before it writes them. */
const BUFFERED = 1 << 20;

/** A write that fails, as the user error that says where and why. */
function writeError(file: string, e: unknown): UserError {
  if (e instanceof UserError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? "error";
  const expected: Record<string, string> = {
    ENOSPC: "free space on the device",
    EDQUOT: "free space within the disk quota",
    EFBIG: "a file size the system allows (see ulimit -f)",
    EACCES: "permission to write there",
    EPERM: "permission to write there",
    EROFS: "a file system that is not read-only",
    ENAMETOOLONG: "a shorter file name",
  };
  return new UserError(`cannot write output: ${code}`, { file, line: 1, column: 1 }, expected[code] ?? "a writable path", code);
}

/** The whole buffer, at `position` (or the current one): a write that takes fewer bytes goes on with the rest. */
function writeAll(fd: number, bytes: Buffer, position: number | null): void {
  let done = 0;
  while (done < bytes.length) {
    const n = writeSync(fd, bytes, done, bytes.length - done, position === null ? null : position + done);
    if (n <= 0) throw Object.assign(new Error("short write"), { code: "EIO" });
    done += n;
  }
}

/** Temporary names: `.NAME.PID.tmp` beside the target, or a short one when that name is longer than the file system allows. */
function openBeside(file: string, failure: (e: unknown) => UserError): { temp: string; fd: number } {
  const names = [`.${basename(file)}.${process.pid}.tmp`, `.burnrate.${process.pid}.tmp`];
  for (const name of names) {
    const temp = join(dirname(file), name);
    try {
      return { temp, fd: openSync(temp, "w") };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENAMETOOLONG" || name === names.at(-1)) throw failure(e);
    }
  }
  throw failure(new Error("no temporary name"));
}

/**
 * Copy a finished report, in large checked writes, to a device or FIFO (opened
 * as it is, never replaced) or to standard output that is a file or a device
 * (`> report.json`, `> /dev/full`): blocking writes, as Node itself makes there,
 * but with each failure a user error.
 */
function copyInto(temp: string, into: number): void {
  const fd = openSync(temp, "r");
  try {
    const chunk = Buffer.alloc(1 << 16);
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) writeAll(into, chunk.subarray(0, n), null);
  } finally {
    closeSync(fd);
  }
}

/** The folder of `--emit-usage DIR` or `--write DIR`, made if missing; a file there is the user's to move. */
export function makeFolder(dir: string, flag: string): void {
  try {
    makeEach(dir);
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error("not a folder"), { code: "ENOTDIR" });
  } catch (e) {
    throw new UserError(`cannot create the folder: ${(e as NodeJS.ErrnoException).code ?? "error"}`, atFlag(flag), "a folder that exists or can be made", shown(dir));
  }
}

/**
 * A folder and each missing one above it, from the top down. Node's `mkdirSync(dir, { recursive: true })` loops for
 * ever where a folder above refuses a new entry with ENOENT, as /proc does (red63 L3: `--emit-usage /proc/x` spun at
 * 100% CPU): each is made here alone, and such a refusal is the error it is.
 */
function makeEach(dir: string): void {
  // A file there is the folder's name taken, as the recursive make said it.
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw Object.assign(new Error("a file of the folder's name"), { code: "EEXIST" });
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (e) {
      // Made meanwhile by another process: a folder there is as good.
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(folder).isDirectory()) throw e;
    }
  }
}

/** Refuse a destination (an input, a folder, ...) before anything is written to it. */
export function checkDestination(destination: Destination): void {
  if (destination.path !== undefined) outputTarget(destination.path, destination.flag ?? "-o", destination.inputs ?? []);
}

/** Write a whole report atomically (see ReportFile). */
export async function writeAtomically(destination: Destination, content: Output, stdoutFile?: number): Promise<void> {
  const file = new ReportFile(destination);
  const turns = new LoopTurns();
  try {
    // The file gathers pieces into large writes itself.
    for (const piece of typeof content === "string" ? [content] : content) {
      file.write(piece);
      if (turns.due()) await turns.take();
    }
    file.commitFile(stdoutFile);
  } catch (e) {
    file.abort();
    throw e;
  }
}

/**
 * Turns of the event loop while a long report is written. Writing is
 * synchronous, and a signal is handled only between turns: without them a
 * Ctrl-C during a statement of a hundred thousand accounts waited for the whole
 * file, which was then renamed into place. A turn every 50 ms costs nothing
 * measurable.
 */
class LoopTurns {
  private last = Date.now();

  /** Asked apart from take(): an await of an async function that has nothing to wait for still costs a promise and a microtask, once a piece. */
  due(): boolean {
    return Date.now() - this.last >= TURN_MS;
  }

  async take(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.last = Date.now();
  }
}

const TURN_MS = 50;

/** Where a report goes without -o: the stream, or, when standard output is a file or a device, its descriptor. */
export type StandardOutput = Pick<Io, "stdout" | "stdoutFile" | "stdoutTerminal" | "stderr">;

/** A report: one string, or pieces written as they come so a large one is never whole in memory. */
export type Output = string | Iterable<string>;

/** Marks a report whose text holds the data's control characters as they are (CSV, HTML): a file keeps them, a terminal must not get them raw. */
const DATA_CONTROLS = Symbol("data controls");
type MarkedOutput = Iterable<string> & { [DATA_CONTROLS]?: true };

export function dataForTerminal(content: Output): Output {
  const marked: MarkedOutput = { [Symbol.iterator]: () => (typeof content === "string" ? [content] : content)[Symbol.iterator](), [DATA_CONTROLS]: true };
  return marked;
}

/** Data goes to stdout, or to the -o file (checked against the run's inputs). */
export async function emit(content: Output, output: string | undefined, stdout: StandardOutput, inputs: readonly RunInput[] = []): Promise<void> {
  // A Ctrl-C while the report is written: one line, and an -o file left as it was (the temporary one is removed).
  onInterrupt(() => stdout.stderr.write(`burnrate: interrupted while writing the report${output === undefined ? "" : `; ${output} was not written`}\n`));
  try {
    if (output === undefined && stdout.stdoutFile === undefined) {
      // Only a terminal acts on an escape sequence; a pipe gets the report byte for byte.
      const escape = stdout.stdoutTerminal !== undefined && typeof content !== "string" && (content as MarkedOutput)[DATA_CONTROLS] === true;
      const turns = new LoopTurns();
      for (const piece of pieces(content)) {
        // Its reader went away (`| head`): nothing more to write.
        if (stdout.stdout.destroyed) return;
        stdout.stdout.write(escape ? visibleLines(piece) : piece);
        if (turns.due()) await turns.take();
      }
      return;
    }
    await writeAtomically({ path: output, flag: "-o", inputs }, content, stdout.stdoutFile);
  } finally {
    onInterrupt(undefined);
  }
}

/** Pieces gathered into writes of about 64 KB for standard output: one system call per piece would cost more than the pieces. */
function* pieces(content: Output): Generator<string> {
  if (typeof content === "string") return yield content;
  let pending = "";
  for (const piece of content) {
    pending += piece;
    if (pending.length >= 1 << 16) {
      yield pending;
      pending = "";
    }
  }
  if (pending !== "") yield pending;
}
