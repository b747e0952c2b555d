import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import type { KeyRange } from "./key-runs.js";
import { earlyThreadSize } from "./thread-size.js";
import type { MergeAnswer, ScreenAnswer, ScreenSetup, ThreadData, ThreadJob } from "./screen-worker.js";


/**
 * The reading thread, started before it is needed. A worker takes about a
 * quarter of a second to boot and load its modules (more on a busy machine),
 * as long as the main thread takes to load a command and its rate card:
 * started as the command line is read, it is ready when the first file is,
 * where started then the run would wait for it. One thread does both of the
 * log's reads: the event ids' first pass over the later half of the rows
 * (screen-worker.ts), then the row scan (scan-worker.ts), so a log with ids
 * boots one worker, not two, and neither boot is waited for. It waits for its
 * setup; one never taken is ended with the run (`endWarm`), and never keeps
 * the process alive.
 */
interface Thread {
  worker: Worker;
  /** Where the first pass's work goes, apart from the scanner's messages. */
  jobs: MessagePort;
  /** Whether the worker has failed or ended: it answers nothing more. */
  ended: boolean;
  /** The answer to the last job asked: a job is posted only once it came, so that each answer is its own job's. */
  last: Promise<unknown>;
}

let warm: Thread | undefined;

/**
 * Where bin/burnrate leaves the thread it started before the bundle was compiled (`warmEarly`), for the
 * bundle's own copy of this module to take as it is evaluated: the shim's module and the bundle's are two
 * copies of this file, one state each.
 */
const HANDED = Symbol.for("burnrate.warm-thread");
type Slot = { [HANDED]?: Thread };

takeHanded();

function takeHanded(): void {
  const slot = globalThis as Slot;
  const thread = slot[HANDED];
  delete slot[HANDED];
  if (thread !== undefined && !thread.ended) keepWarm(thread);
}

/** A folder's files the scanner may read: its CSV, JSON Lines and Parquet files, gzipped or not, hidden ones aside (sources.ts expands a folder so). */
const FOLDER_CSV = /^[^.].*\.(csv|jsonl|ndjson|parquet)(\.gz)?$/i;

/** Start a thread now where the run will likely scan on one: files it may scan of the thread's size or more in all (thread-size.ts). */
export function warmFor(paths: readonly string[]): void {
  if (warm === undefined && scannedBytes(paths, false) >= earlyThreadSize()) keepWarm(newThread());
}

/** The commands whose action starts the thread (`readEarly`). */
const REPLAYS = new Set(["statement", "reconcile", "diff"]);

/**
 * Start the thread from bin/burnrate, before the bundle is compiled and evaluated, where its command's
 * action would start it: the worker's boot was the start's critical path (docs/performance.md, boot17,
 * boot18). The usage is read from the command line as commander reads `--usage <file...>`, folders as
 * their CSV files; a glob is left to the action. It is a guess, and a wrong one costs only the boot: the
 * bundle takes the thread as the warm one (`takeHanded`), and a run that scans on no thread ends it
 * (`endWarm`), as it ends one its action started.
 */
export function warmEarly(argv: readonly string[], worker: URL): void {
  const paths = usageOf(argv);
  if (paths === undefined || scannedBytes(paths, true) < earlyThreadSize()) return;
  const thread = newThread(worker);
  thread.worker.unref();
  (globalThis as Slot)[HANDED] = thread;
}

/** The `--usage` values of a statement, reconcile or diff: each `--usage=V`, and the values after `--usage` up to the next flag. */
function usageOf(argv: readonly string[]): string[] | undefined {
  let at = 0;
  while (argv[at] === "--no-progress") at++;
  if (!REPLAYS.has(argv[at] ?? "")) return undefined;
  const paths: string[] = [];
  let taking = false;
  for (const arg of argv.slice(at + 1)) {
    if (arg === "--") break;
    const flag = arg.length > 1 && arg.startsWith("-");
    if (taking && !flag) paths.push(arg);
    else if (arg.startsWith("--usage=")) paths.push(arg.slice("--usage=".length));
    taking = arg === "--usage" || (taking && !flag);
  }
  return paths;
}

/** The bytes of the files the scanner may read among `paths` (and, with `folders`, in the folders among them, as their CSV files). */
function scannedBytes(paths: readonly string[], folders: boolean): number {
  let bytes = 0;
  for (const path of paths) {
    if (path === "-") continue;
    try {
      const stats = statSync(path);
      if (stats.isFile()) bytes += stats.size;
      else if (folders && stats.isDirectory()) bytes += scannedBytes(readdirSync(path).filter((name) => FOLDER_CSV.test(name)).map((name) => join(path, name)), false);
    } catch {
      // A file that cannot be read is the reader's to report, at its flag.
    }
  }
  return bytes;
}

/** A worker for the scan: the warm thread's, or a new one. */
export function scanWorker(): Worker {
  const worker = warm?.worker ?? newThread().worker;
  warm = undefined;
  worker.ref();
  return worker;
}

/** The first pass's work on the reading thread: the later half of its rows, then half of the merge of its keys' runs. */
export interface ScreenThread {
  /** The rows' keys and order; "failed" when the thread cannot be started or ends without an answer (the caller then reads them itself). */
  screen(setup: ScreenSetup): Promise<ScreenAnswer>;
  /** The keys of `range` found twice or more in the runs; undefined when the thread fails (the caller merges them itself). */
  merge(runs: string[], range: KeyRange): Promise<Float64Array | undefined>;
  /** End the thread, when the pass is given up. */
  stop(): Promise<void>;
}

/** The warm thread (started now if none is), which stays warm for the scan after the first pass. */
export function screenThread(): ScreenThread | undefined {
  let thread: Thread;
  try {
    thread = warm ?? keepWarm(newThread());
  } catch {
    return undefined;
  }
  return {
    screen: async (setup) => ((await answerTo(thread, { kind: "screen", setup })) as ScreenAnswer | undefined) ?? { kind: "failed" },
    merge: async (runs, range) => {
      const answer = (await answerTo(thread, { kind: "merge", runs, range })) as MergeAnswer | undefined;
      return answer?.kind === "merged" ? answer.repeated : undefined;
    },
    stop: async () => {
      if (warm === thread) warm = undefined;
      await thread.worker.terminate();
    },
  };
}

/** The thread's answer to a job, asked once the jobs before it are answered; undefined when it ends or fails without one. */
function answerTo(thread: Thread, job: ThreadJob): Promise<unknown> {
  const answer = thread.last.then(() => ask(thread, job));
  thread.last = answer;
  return answer;
}

function ask(thread: Thread, job: ThreadJob): Promise<unknown> {
  const { worker, jobs } = thread;
  if (thread.ended) return Promise.resolve(undefined);
  const answer = new Promise<unknown>((resolve) => {
    const done = (answer: unknown) => {
      jobs.off("message", done);
      worker.off("error", failed);
      worker.off("exit", failed);
      resolve(answer);
    };
    const failed = () => done(undefined);
    jobs.on("message", done);
    worker.on("error", failed);
    worker.on("exit", failed);
  });
  jobs.postMessage(job);
  return answer;
}

/** End a warm thread the run did not take. */
export async function endWarm(): Promise<void> {
  const worker = warm?.worker;
  warm = undefined;
  await worker?.terminate();
}

function keepWarm(thread: Thread): Thread {
  warm = thread;
  thread.worker.unref();
  // An error or an end before it is taken drops it: the scan starts a worker of its own.
  const drop = () => {
    if (warm === thread) warm = undefined;
  };
  thread.worker.on("error", drop);
  thread.worker.on("exit", drop);
  return thread;
}

function newThread(script = new URL("./screen-worker.js", import.meta.url)): Thread {
  const { port1, port2 } = new MessageChannel();
  const workerData: ThreadData = { jobs: port2 };
  // The scanner makes next to no garbage: a small young generation (semi-spaces of 4 MB, as the bin's flag gave it until the flag was set back, code-cache.ts) keeps the worker's memory to its tables.
  const worker = new Worker(script, {
    workerData,
    transferList: [port2],
    resourceLimits: { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 256 },
  });
  const thread: Thread = { worker, jobs: port1, ended: false, last: Promise.resolve() };
  const end = () => (thread.ended = true);
  worker.once("error", end);
  worker.once("exit", end);
  return thread;
}
