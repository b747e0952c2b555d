import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UserError } from "./errors.js";

/**
 * Write a report to `-o FILE` atomically: into a temporary file beside it,
 * flushed, then renamed over the target. A run that fails or is killed leaves
 * yesterday's report as it was.
 */
export function writeAtomically(target: string, content: Output): void {
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, "w");
    for (const piece of pieces(content)) writeSync(fd, piece);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    throw new UserError(`cannot write output: ${code}`, { file: target, line: 1, column: 1 }, "a writable path", code);
  }
}

/** A report: one string, or pieces written as they come so a large one is never whole in memory. */
export type Output = string | Iterable<string>;

/** Data goes to stdout, or to the -o file. */
export function emit(content: Output, output: string | undefined): void {
  if (output === undefined) for (const piece of pieces(content)) process.stdout.write(piece);
  else writeAtomically(output, content);
}

/** Pieces gathered into writes of about 64 KB: one system call per piece would cost more than the pieces. */
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
