import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UserError } from "./errors.js";

/**
 * Write a report to `-o FILE` atomically: into a temporary file beside it,
 * flushed, then renamed over the target. A run that fails or is killed leaves
 * yesterday's report as it was.
 */
export function writeAtomically(target: string, content: string): void {
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, "w");
    writeSync(fd, content);
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

/** Data goes to stdout, or to the -o file. */
export function emit(content: string, output: string | undefined): void {
  if (output === undefined) process.stdout.write(content);
  else writeAtomically(output, content);
}
