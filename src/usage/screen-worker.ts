import { workerData, type MessagePort } from "node:worker_threads";
import { Claims, GiveUp, screenPiece, type Order, type Segment } from "./id-lines.js";
import { KeyRuns, repeatedIn, type KeyRange } from "./key-runs.js";
// The same thread scans the rows: the scanner listens on the parent port from here on (its first message its setup), and gives the pass turns.
import { pass, sendOnly, turn } from "./scan-worker.js";

// The reading thread (scan-thread.ts): the event ids' first pass (id-screen.ts)
// over the pieces of the log's rows it takes (the main thread takes any left
// when it must wait for them: Claims), its keys as sorted runs in the main
// thread's folder; then the merge of the keys' runs. Its work comes on a port
// of its own, so that the scanner's messages and the pass's never meet. Both
// run on the thread at once, the pass a piece (or a part of the merge) at a
// time between the scanner's reads while the replay has rows enough in hand
// (scan-worker.ts): so the main thread prices rows while the pass goes on.

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

/** The pass's jobs, in turn: the rows of the pieces it takes, then (with every run written) the merge of a range of the keys; of all of them in a log in time order (`timeOrdered`), which the scan on this thread then reads sending only the ids the replay may need; or, the keys merged in halves, those keys (`sendOnly`). */
export type ThreadJob = { kind: "screen"; setup: ScreenSetup } | { kind: "merge"; runs: string[]; range: KeyRange; timeOrdered?: boolean } | { kind: "sendOnly"; repeated: Float64Array };

/** The keys of the range found twice or more, or that the merge failed (the main thread merges the range itself). */
export type MergeAnswer = { kind: "merged"; repeated: Float64Array } | { kind: "failed" };

/** Parts of a merge's range merged one at a time, a turn between them (a whole merge of 2M-row runs held the scanner for about 0.15 s). */
const MERGE_PARTS = 4;

const { jobs } = workerData as ThreadData;
jobs.on("message", (job: ThreadJob) => {
  pass.running = true;
  const done = (answer: ScreenAnswer | MergeAnswer) => {
    pass.running = false;
    jobs.postMessage(answer, answer.kind === "merged" ? [answer.repeated.buffer as ArrayBuffer] : []);
  };
  if (job.kind === "sendOnly") {
    pass.running = false;
    sendOnly(job.repeated);
    jobs.postMessage({ kind: "sent" });
    return;
  }
  void (job.kind === "screen" ? screen(job.setup) : merge(job.runs, job.range, job.timeOrdered === true)).then(done);
});

async function merge(runs: string[], range: KeyRange, timeOrdered: boolean): Promise<MergeAnswer> {
  try {
    const parts: Float64Array[] = [];
    const step = (range.to - range.from) / MERGE_PARTS;
    for (let part = 0; part < MERGE_PARTS; part++) {
      parts.push(repeatedIn(runs, { from: range.from + part * step, to: part === MERGE_PARTS - 1 ? range.to : range.from + (part + 1) * step }));
      await turn();
    }
    const repeated = new Float64Array(parts.reduce((sum, part) => sum + part.length, 0));
    for (let part = 0, at = 0; part < MERGE_PARTS; at += parts[part++]!.length) repeated.set(parts[part]!, at);
    // A copy: the answer's buffer goes to the main thread.
    if (timeOrdered) sendOnly(repeated.slice());
    return { kind: "merged", repeated };
  } catch {
    return { kind: "failed" };
  }
}

async function screen(setup: ScreenSetup): Promise<ScreenAnswer> {
  const claims = new Claims(setup.claims);
  try {
    const keys = new KeyRuns(setup.keysInMemory, { folder: { path: setup.folder, remove() {} }, name: "later" });
    const buffer = Buffer.allocUnsafe(1 << 20);
    const orders: [number, Order][] = [];
    // A piece is taken only as it is read: one taken before a turn would keep the main thread, should it wait for the pass, from it meanwhile.
    for (let i = claims.take(); i < setup.pieces.length; i = claims.take()) {
      orders.push([i, screenPiece(setup.pieces[i]!, keys, buffer)]);
      await turn();
    }
    return { kind: "done", runs: keys.onDisk(), orders };
  } catch (e) {
    claims.giveUp();
    return { kind: e instanceof GiveUp ? "giveUp" : "failed" };
  }
}
