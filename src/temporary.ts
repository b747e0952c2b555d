import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Temporary files and folders of this run (sorted runs of an unsorted log, the
 * copy of standard input, a report being written), removed however the run
 * ends: normally, on an error, when the reader of stdout goes away, or on
 * Ctrl-C. Only a SIGKILL can leave one behind.
 */
const pending = new Set<string>();
let hooked = false;

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on("exit", () => {
    for (const path of pending) rmSync(path, { recursive: true, force: true });
  });
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) process.once(signal, () => process.exit(code));
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
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: removeAtExit(path).remove };
}
