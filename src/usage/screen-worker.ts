import { parentPort, workerData } from "node:worker_threads";
import { GiveUp, screenSegments, TimeOrder, type Order, type Segment } from "./id-lines.js";
import { KeyRuns } from "./key-runs.js";

// The event ids' first pass over the later half of the log's rows (id-screen.ts),
// beside the main thread's over the first half: its keys as sorted runs in the
// main thread's folder, which the main thread merges with its own.

/** What the worker is given. */
export interface ScreenSetup {
  segments: Segment[];
  keysInMemory: number;
  folder: string;
}

/** What it answers: its runs and order; that the readers must read the log; or that it failed (the main thread reads the half itself). */
export type ScreenAnswer = { kind: "done"; runs: string[]; order: Order } | { kind: "giveUp" } | { kind: "failed" };

const setup = workerData as ScreenSetup;
const answer = (message: ScreenAnswer) => parentPort!.postMessage(message);
try {
  const keys = new KeyRuns(setup.keysInMemory, { folder: { path: setup.folder, remove() {} }, name: "later" });
  const order = new TimeOrder();
  screenSegments(setup.segments, keys, order, Buffer.allocUnsafe(1 << 20));
  answer({ kind: "done", runs: keys.onDisk(), order: order.found() });
} catch (e) {
  answer({ kind: e instanceof GiveUp ? "giveUp" : "failed" });
}
