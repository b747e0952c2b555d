/**
 * The reading thread's size the tests of that thread give the binary (BURNRATE_THREAD_MB,
 * src/usage/thread-size.ts): their logs of a megabyte or two are read on the thread, and the ids'
 * first pass cuts them in pieces of half a megabyte. At the default 8 MB each such test wrote and
 * read logs of 10 MB or more, a third of the suite's time. In process, run() never starts the thread
 * (its script is built into dist/), so these tests run the binary.
 */
export const THREAD_BYTES = 1 << 20;
/** The pieces of the ids' first pass at that size. */
export const PIECE_BYTES = THREAD_BYTES / 2;
/** The binary's environment for those tests. */
export const ON_THREAD = { BURNRATE_THREAD_MB: "1" } as const;
