import { createReadStream } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { Zone } from "../time.js";
import { NeedsFullParser } from "./plain-csv.js";
import { readable, RowScanner, type ScannedBatch } from "./row-scanner.js";
import type { WorkerMessage, WorkerSetup } from "./scanned-events.js";

// The row scanner on a worker thread: it reads the file and posts its rows in
// batches of columns, as many ahead as the main thread allows, so the replay on
// the main thread never waits for reading and reading never outruns memory.
const setup = workerData as WorkerSetup;
const port = parentPort!;
let allowed = 0;
let wake: (() => void) | undefined;
port.on("message", (more: number) => {
  allowed += more;
  wake?.();
});

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function send(batch: ScannedBatch): Promise<void> {
  while (allowed === 0) {
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
  allowed--;
  post({ kind: "batch", batch }, [batch.at.buffer, batch.shape.buffer, batch.quantity.buffer, batch.line.buffer] as ArrayBuffer[]);
}

async function scan(): Promise<void> {
  const scanner = new RowScanner({ file: setup.file, zone: Zone.of(setup.zone)!, defaultAccount: setup.defaultAccount, mapping: setup.mapping, events: setup.events });
  let sentHeader = false;
  const header = () => {
    if (!sentHeader && scanner.header) {
      sentHeader = true;
      post({ kind: "header", ...scanner.header });
    }
  };
  for await (const chunk of readable(createReadStream(setup.path, { highWaterMark: 1 << 20 }))) {
    const batches = scanner.scan(chunk, false);
    header();
    for (const batch of batches) await send(batch);
  }
  const batches = scanner.scan(Buffer.alloc(0), true);
  header();
  for (const batch of batches) await send(batch);
  post({ kind: "end" });
}

scan().then(
  () => port.close(),
  (e: unknown) => {
    if (e instanceof NeedsFullParser) post({ kind: "refused", reason: e.reason });
    else post({ kind: "failed", message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });
    port.close();
  },
);
