import { statSync } from "node:fs";
import { Worker } from "node:worker_threads";

/** Files at least this large (in all) are scanned on a worker thread: below it, starting one costs more than it saves. */
export const WORKER_BYTES = 8 << 20;

/**
 * The scanner's worker thread, started before it is needed. A worker takes
 * about a quarter of a second to boot and load its modules, as long as the main
 * thread takes to load a command and its rate card: started as the command line
 * is read, it is ready when the first file is, where started then the replay
 * would wait for it. It waits for its setup (scan-worker.ts); one never taken is
 * ended with the run (`endWarm`), and never keeps the process alive.
 */
let warm: Worker | undefined;

/** Files the scanner never reads: compressed, or JSON Lines and Parquet by their names (the readers go by content; a name is enough to not start a worker). */
const NOT_SCANNED = /\.(gz|jsonl|ndjson|parquet)$/i;

/** Start a worker now where the run will likely scan on one: files it may scan of WORKER_BYTES or more in all. */
export function warmFor(paths: readonly string[]): void {
  if (warm !== undefined) return;
  let bytes = 0;
  for (const path of paths) {
    if (path === "-" || NOT_SCANNED.test(path)) continue;
    try {
      const stats = statSync(path);
      if (stats.isFile()) bytes += stats.size;
    } catch {
      // A file that cannot be read is the reader's to report, at its flag.
    }
  }
  if (bytes < WORKER_BYTES) return;
  const worker = newWorker();
  worker.unref();
  // An error before it is taken ends it: the scan starts a worker of its own.
  worker.once("error", () => {
    if (warm === worker) warm = undefined;
  });
  warm = worker;
}

/** A worker for the scan: the warm one, or a new one. */
export function scanWorker(): Worker {
  const worker = warm ?? newWorker();
  warm = undefined;
  worker.ref();
  return worker;
}

/** End a warm worker the run did not take. */
export async function endWarm(): Promise<void> {
  const worker = warm;
  warm = undefined;
  await worker?.terminate();
}

function newWorker(): Worker {
  // The scanner makes next to no garbage: a small young generation keeps the worker's memory to its tables.
  return new Worker(new URL("./scan-worker.js", import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 256 } });
}
