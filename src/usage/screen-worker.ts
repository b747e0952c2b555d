import { workerData, type MessagePort } from "node:worker_threads";
import { GiveUp, screenSegments, TimeOrder, type Order, type Segment } from "./id-lines.js";
import { KeyRuns } from "./key-runs.js";
// The same thread then scans the rows: the scanner listens on the parent port from here on (its first message its setup).
import "./scan-worker.js";

// The reading thread (scan-thread.ts): the event ids' first pass over the later
// half of the log's rows (id-screen.ts), beside the main thread's over the first
// half, its keys as sorted runs in the main thread's folder, which the main
// thread merges with its own. Its work comes on a port of its own, so that the
// scanner's messages and the pass's never meet.

/** What the thread is given as it starts: the port its first pass's setup comes on, and its answer goes back on. */
export interface ThreadData {
  jobs: MessagePort;
}

/** What the first pass is given. */
export interface ScreenSetup {
  segments: Segment[];
  keysInMemory: number;
  folder: string;
}

/** What it answers: its runs and order; that the readers must read the log; or that it failed (the main thread reads the half itself). */
export type ScreenAnswer = { kind: "done"; runs: string[]; order: Order } | { kind: "giveUp" } | { kind: "failed" };

const { jobs } = workerData as ThreadData;
jobs.once("message", (setup: ScreenSetup) => {
  jobs.postMessage(screen(setup));
  // One pass a thread: a closed port keeps the thread alive no longer than its scan.
  jobs.close();
});

function screen(setup: ScreenSetup): ScreenAnswer {
  try {
    const keys = new KeyRuns(setup.keysInMemory, { folder: { path: setup.folder, remove() {} }, name: "later" });
    const order = new TimeOrder();
    screenSegments(setup.segments, keys, order, Buffer.allocUnsafe(1 << 20));
    return { kind: "done", runs: keys.onDisk(), order: order.found() };
  } catch (e) {
    return { kind: e instanceof GiveUp ? "giveUp" : "failed" };
  }
}
