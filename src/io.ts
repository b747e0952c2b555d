import type { Readable, Writable } from "node:stream";

/** A terminal that standard output or standard error is: how wide it is and how many colours it shows. */
export interface Terminal {
  columns: number;
  /** 2, 16, 256 or 16777216, as Node's `getColorDepth` counts them. */
  colors: number;
}

/**
 * Everything a run of burnrate takes from the world besides its arguments and
 * the files they name: the standard streams, what they are, and the environment.
 * `src/main.ts` makes the one for the process; tests make their own.
 */
export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Set when standard output is a terminal: reports are tables, coloured, with charts under them. */
  stdoutTerminal?: Terminal;
  /** Set when standard error is a terminal: progress lines go there only then. */
  stderrTerminal?: Terminal;
  /**
   * Set when standard output is a file or a device (`> report.json`, `> /dev/full`) rather than a
   * pipe or a terminal: reports are written to this descriptor with blocking writes, each checked.
   * A pipe or a terminal goes through `stdout`, which reports a reader that went away (EPIPE) itself.
   */
  stdoutFile?: number;
  env: Readonly<Record<string, string | undefined>>;
  /** The process's heap watch (heap-watch.ts), for a long synchronous step to call between its parts; none in-process. */
  heapCheck?: () => void;
}
