/**
 * How much usage (in all, in bytes) is read on a second thread: 8 MB and more by default. Below it,
 * booting a thread costs more than it saves. The ids' first pass cuts such a log into pieces of half
 * that size, which the two threads take in turn.
 *
 * BURNRATE_THREAD_MB sets another size (docs/performance.md, "Tuning"): a machine with one core may
 * read every log on one thread with a size larger than any log, and the tests read logs of a megabyte
 * or two on the thread, where 8 MB logs made the suite slow (vitest.config.ts).
 *
 * This module imports nothing: bin/burnrate reads it before the bundle, to boot the thread early.
 */
export const THREAD_SIZE_VARIABLE = "BURNRATE_THREAD_MB";

const DEFAULT_MB = 8;
const MEGABYTE = 2 ** 20;
const MEGABYTES = /^\d+(\.\d+)?$/;

/** The size set in `env` in bytes, or undefined where its value is not a number of megabytes. */
export function threadSizeOf(env: NodeJS.ProcessEnv): number | undefined {
  const given = env[THREAD_SIZE_VARIABLE];
  if (given === undefined || given === "") return DEFAULT_MB * MEGABYTE;
  return MEGABYTES.test(given) ? Math.floor(Number(given) * MEGABYTE) : undefined;
}

/**
 * The size for a thread booted ahead of its command: none is booted where the value is not understood
 * (the command then refuses it, `threadSize` in thread-bytes.ts).
 */
export function earlyThreadSize(env: NodeJS.ProcessEnv = process.env): number {
  return threadSizeOf(env) ?? Number.POSITIVE_INFINITY;
}

/** The pieces of the ids' first pass for a thread size: half of it, so that a log on the thread makes two pieces at least. */
export function pieceSize(threadSize: number): number {
  return Math.max(1, Math.floor(threadSize / 2));
}
