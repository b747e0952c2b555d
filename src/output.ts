import { closeSync, createReadStream, fsyncSync, ftruncateSync, openSync, renameSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Writable } from "node:stream";
import { UserError } from "./errors.js";
import { removeAtExit, temporaryFolder } from "./temporary.js";

/**
 * A report written as it is made, into a temporary file: beside `-o FILE`,
 * renamed over it once complete (a run that fails or is killed leaves
 * yesterday's report as it was), or for standard output a private one, copied
 * out once complete. Memory does not grow with the report, and what was written
 * can be cut back (a replay that starts over).
 */
export class ReportFile {
  private readonly temp: string;
  private readonly fd: number;
  /** Removes the temporary file (or, for stdout, its folder) however the run ends, until it is renamed into place. */
  private readonly cleanup: { remove(): void; keep(): void };
  /** Bytes in the file; `pending` is written at this position when it grows large. */
  private size = 0;
  private pending = "";
  private open = true;

  constructor(private readonly target: string | undefined) {
    if (target === undefined) {
      const folder = temporaryFolder("burnrate-out-");
      this.temp = join(folder.path, "report");
      this.cleanup = { remove: folder.remove, keep: () => {} };
    } else {
      this.temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
      this.cleanup = removeAtExit(this.temp);
    }
    this.fd = this.guard(() => openSync(this.temp, "w"));
  }

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= 1 << 16) this.flush();
  }

  /** How far the report has been written, for `truncate`. */
  mark(): number {
    this.flush();
    return this.size;
  }

  truncate(mark: number): void {
    this.pending = "";
    this.guard(() => ftruncateSync(this.fd, mark));
    this.size = mark;
  }

  /** Put the report in place: renamed over the target, or copied to standard output. */
  async commit(stdout: Writable): Promise<void> {
    if (this.target !== undefined) return this.commitFile();
    this.flush();
    this.close();
    try {
      await pipeline(createReadStream(this.temp), stdout, { end: false });
    } finally {
      this.cleanup.remove();
    }
  }

  /** For a report with a target: flushed to disk, then renamed over it. */
  commitFile(): void {
    this.flush();
    this.guard(() => {
      fsyncSync(this.fd);
      this.close();
      renameSync(this.temp, this.target!);
    });
    this.cleanup.keep();
  }

  abort(): void {
    this.close();
    this.cleanup.remove();
  }

  /** Once only: after a close the number may already belong to another file. */
  private close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.pending === "") return;
    const text = this.pending;
    this.pending = "";
    this.size += this.guard(() => writeSync(this.fd, text, this.size));
  }

  private guard<T>(io: () => T): T {
    try {
      return io();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? "error";
      throw new UserError(`cannot write output: ${code}`, { file: this.target ?? "<stdout>", line: 1, column: 1 }, "a writable path", code);
    }
  }
}

/** Write a whole report to `-o FILE` atomically (see ReportFile). */
export function writeAtomically(target: string, content: Output): void {
  const file = new ReportFile(target);
  try {
    // The file gathers pieces into large writes itself.
    for (const piece of typeof content === "string" ? [content] : content) file.write(piece);
    file.commitFile();
  } catch (e) {
    file.abort();
    throw e;
  }
}

/** A report: one string, or pieces written as they come so a large one is never whole in memory. */
export type Output = string | Iterable<string>;

/** Data goes to stdout, or to the -o file. */
export function emit(content: Output, output: string | undefined, stdout: Writable): void {
  if (output === undefined) for (const piece of pieces(content)) stdout.write(piece);
  else writeAtomically(output, content);
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
