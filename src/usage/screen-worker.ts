import { workerData, type MessagePort } from "node:worker_threads";
import { GiveUp } from "./csv-bytes.js";
import { Claims, screenClaimed, type Order, type Segment } from "./id-lines.js";
import { KeyRuns, repeatedIn, type KeyRange } from "./key-runs.js";
// The same thread then scans the rows: the scanner listens on the parent port from here on (its first message its setup).
import "./scan-worker.js";

// The reading thread (scan-thread.ts): the event ids' first pass (id-screen.ts)
// over the pieces of the log's rows it takes, while the main thread takes the
// others (Claims), its keys as sorted runs in the main thread's folder; then
// the upper half of the keys' merge, while the main thread merges the lower.
// Its work comes on a port of its own, so that the scanner's messages and the
// pass's never meet.

/** What the thread is given as it starts: the port its first pass's setup comes on, and its answer goes back on. */
export interface ThreadData {
  jobs: MessagePort;
}

/** What the first pass is given: the pieces of the rows, and the counter (Claims) the threads take them from. */
export interface ScreenSetup {
  pieces: Segment[];
  claims: SharedArrayBuffer;
  keysInMemory: number;
  folder: string;
}

/** What it answers: its runs and the order of each piece it read; that the readers must read the log; or that it failed (the main thread reads its pieces itself). */
export type ScreenAnswer = { kind: "done"; runs: string[]; orders: [number, Order][] } | { kind: "giveUp" } | { kind: "failed" };

/** The pass's jobs, in turn: the later half's rows, then (with every run written) the merge of a range of the keys, while the main thread merges the rest. */
export type ThreadJob = { kind: "screen"; setup: ScreenSetup } | { kind: "merge"; runs: string[]; range: KeyRange };

/** The keys of the range found twice or more, or that the merge failed (the main thread merges the range itself). */
export type MergeAnswer = { kind: "merged"; repeated: Float64Array } | { kind: "failed" };

const { jobs } = workerData as ThreadData;
jobs.on("message", (job: ThreadJob) => {
  if (job.kind === "screen") jobs.postMessage(screen(job.setup));
  else {
    const answer = merge(job.runs, job.range);
    jobs.postMessage(answer, answer.kind === "merged" ? [answer.repeated.buffer as ArrayBuffer] : []);
  }
});

function merge(runs: string[], range: KeyRange): MergeAnswer {
  try {
    return { kind: "merged", repeated: repeatedIn(runs, range) };
  } catch {
    return { kind: "failed" };
  }
}

function screen(setup: ScreenSetup): ScreenAnswer {
  try {
    const keys = new KeyRuns(setup.keysInMemory, { folder: { path: setup.folder, remove() {} }, name: "later" });
    const orders = screenClaimed(setup.pieces, new Claims(setup.claims), keys, Buffer.allocUnsafe(1 << 20));
    return { kind: "done", runs: keys.onDisk(), orders: [...orders.entries()].filter((entry): entry is [number, Order] => entry[1] !== undefined) };
  } catch (e) {
    return { kind: e instanceof GiveUp ? "giveUp" : "failed" };
  }
}
