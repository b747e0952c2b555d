import { mkdtempSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { endEarlyInterrupt } from "./early-interrupt.js";
import { atFlag, UserError } from "./errors.js";

/**
 * Temporary files and folders of this run (sorted runs of an unsorted log, the
 * copy of standard input, a report being written), removed however the run
 * ends: normally, on an error, when the reader of stdout goes away, or on
 * Ctrl-C. Only a SIGKILL can leave one behind.
 */
const pending = new Set<string>();
let hooked = false;
/** What a Ctrl-C says before the run ends (how far the replay got), while a replay runs. */
let lastWords: (() => void) | undefined;

/** At exit nothing may throw (it would print a stack over the run's own message): what cannot be removed is named. */
function removeAll(): void {
  for (const path of pending) {
    try {
      // Retried: the reading thread may write one more of its sorted runs into a folder being removed (ENOTEMPTY, a
      // Ctrl-C during the event ids' first pass on a loaded machine).
      rmSync(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    } catch (e) {
      process.stderr.write(`burnrate: warning: cannot remove the temporary ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}\n`);
    }
  }
  pending.clear();
}

const ENDING_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on("exit", removeAll);
  // Clean up, then die of the same signal, so a shell or make sees how the run ended. A run is often sent its ending
  // twice at once: a terminal's Ctrl-C and the one bin/burnrate's first process passes on (src/young-generation.ts),
  // timeout(1)'s SIGTERM to the command and then to its process group. The handlers stay until the cleanup is done,
  // so that the second is the same ending, not a death by the signal's default before the temporary files are gone.
  let ending = false;
  const handlers = ENDING_SIGNALS.map((signal) => {
    const handler = () => {
      if (ending) return;
      ending = true;
      if (signal === "SIGINT") lastWords?.();
      removeAll();
      for (const [s, h] of handlers) process.off(s, h);
      process.kill(process.pid, signal);
      // Still here: the signal was ignored when burnrate started (a background job's Ctrl-C), and is again now.
      process.exit(128 + constants.signals[signal]);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  // Only once these are set: a Ctrl-C already caught but not yet told (the main thread busy compiling) is lost where
  // SIGINT has no listener for a moment, and the run went on to its end.
  endEarlyInterrupt();
}

/** Say this on Ctrl-C, before the temporary files go and the run ends of the signal; `undefined` says nothing again. */
export function onInterrupt(say: (() => void) | undefined): void {
  lastWords = say;
  if (say) hook();
}

/** Remove `path` when the run ends, unless `keep` is called first (a report renamed into place). */
export function removeAtExit(path: string): { remove(): void; keep(): void } {
  hook();
  pending.add(path);
  return {
    remove: () => {
      pending.delete(path);
      rmSync(path, { recursive: true, force: true });
    },
    keep: () => pending.delete(path),
  };
}

/** A private folder under the system's temporary directory, removed when the run ends. */
export function temporaryFolder(prefix: string): { path: string; remove(): void } {
  let path: string;
  try {
    path = mkdtempSync(join(tmpdir(), prefix));
  } catch (e) {
    throw temporaryError(e);
  }
  return { path, remove: removeAtExit(path).remove };
}

/** A temporary file that cannot be made or written: a full disk or a TMPDIR that is not writable is the user's to fix. */
export function temporaryError(e: unknown): UserError {
  const code = (e as NodeJS.ErrnoException).code ?? "error";
  // Said at TMPDIR, which sets the folder: "/tmp:1:1" read as a place in a file (red51 #8).
  return new UserError(`cannot write a temporary file: ${code}`, atFlag("TMPDIR"), "a writable temporary directory with free space", `${code} in ${JSON.stringify(tmpdir())}`);
}
