import { statSync } from "node:fs";

/**
 * The line a Ctrl-C leaves before the bundle says its own (temporary.ts): a run's first half second or more (node's
 * start, the bundle's compile, a large account file's parse) ended of the signal without a word (newcomer51 #10).
 * bin/burnrate sets it for the commands that replay usage; the bundle's handler, once set, takes its place. The
 * handler is kept on globalThis: the bin's copy of this module and the bundle's are two.
 *
 * A handler runs only between the synchronous reads of the card and the account file, so the signal ends the run once
 * they are read (seconds, for a file of 100,000 accounts). A card or an account read from a pipe may wait for its
 * writer for ever: there the handler is not set, and the signal ends the run at once, without a line.
 *
 * This module imports only node's: bin/burnrate reads it before the bundle.
 */
const SLOT = Symbol.for("burnrate.earlyInterrupt");
const REPLAYS = new Set(["statement", "reconcile", "diff"]);
const READ_WHOLE = ["--card", "--account", "--base"];

type Slot = { [SLOT]?: () => void };

/** Whether every card and account file the command line names is a regular file: read whole at once, never waited for. */
function readAtOnce(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const flag = READ_WHOLE.find((f) => args[i] === f || args[i]!.startsWith(`${f}=`));
    if (flag === undefined) continue;
    const path = args[i] === flag ? args[i + 1] : args[i]!.slice(flag.length + 1);
    try {
      if (path === undefined || path === "-" || !statSync(path).isFile()) return false;
    } catch {
      // A path that cannot be read is refused at once by the command.
      continue;
    }
  }
  return true;
}

export function interruptEarly(args: readonly string[]): void {
  if (!REPLAYS.has(args[0] ?? "") || !readAtOnce(args)) return;
  const handler = () => {
    endEarlyInterrupt();
    process.stderr.write("burnrate: interrupted while starting\n");
    // Ended of the signal, as the bundle's handler ends, so that a shell sees how the run ended.
    process.kill(process.pid, "SIGINT");
  };
  process.on("SIGINT", handler);
  (globalThis as Slot)[SLOT] = handler;
}

/** The bundle's own Ctrl-C handler is set: the early one goes. */
export function endEarlyInterrupt(): void {
  const handler = (globalThis as Slot)[SLOT];
  if (handler === undefined) return;
  process.off("SIGINT", handler);
  delete (globalThis as Slot)[SLOT];
}
