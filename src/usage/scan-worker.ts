import { closeSync, openSync, readSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { Zone } from "../time.js";
import { NeedsFullParser } from "./plain-csv.js";
import { readable, RowScanner } from "./row-scanner.js";
import { batchBuffer, type ScannedBatch } from "./scanned-batch.js";
import type { HandedBack, WorkerMessage, WorkerSetup } from "./scanned-events.js";
import { headerLine, JsonLinesAsCsv, KeptNotes, parquetAsCsv } from "./record-lines.js";
import { idBuffer } from "./id-buffers.js";
import { gunzippedFile } from "./content.js";

// The row scanner on a worker thread: it reads the file and posts its rows in
// batches of columns, as many ahead as the main thread allows, so the replay on
// the main thread never waits for reading and reading never outruns memory.
// It may start before its files are known (scan-thread.ts): its first message is its setup.
const port = parentPort!;
let allowed = 0;
let wake: (() => void) | undefined;
/** The columns of batches the replay is done with, sent back: each allows one more batch, and is filled again, so the batches in flight are all the memory they take. Their id columns come back likewise. */
const spare: ArrayBuffer[] = [];
const spareIds: ArrayBuffer[] = [];
port.on("message", (message: WorkerSetup | number | HandedBack) => {
  if (typeof message === "number") allowed += message;
  else if ("columns" in message) {
    spare.push(...message.columns);
    spareIds.push(...message.ids);
    allowed += message.columns.length;
  } else start(message);
  wake?.();
});

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function send(batch: ScannedBatch): Promise<void> {
  while (allowed === 0) {
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
  allowed--;
  post({ kind: "batch", batch }, batch.ids === undefined ? [batchBuffer(batch)] : [batchBuffer(batch), idBuffer(batch.ids)]);
}

// One buffer, filled again and again (for every file): a stream would allocate a chunk a read, garbage this thread's small heap keeps for a while.
const buffer = Buffer.allocUnsafe(1 << 20);
/**
 * The size of the next read. The worker's first reads are small and grow to the buffer's size, each one's
 * rows sent as soon as they are scanned, a batch short or not: the replay waits for the header and its first
 * rows while the scanner's code is not yet compiled. Only the run's first file's: the later files of a
 * folder go on at full size.
 */
let readSize = 64 << 10;

/** Each file of the setup in turn, one after another (several given in order): its header, its batches and an end each. */
async function scan(setup: WorkerSetup): Promise<void> {
  let last: RowScanner | undefined;
  for (const file of [setup, ...(setup.then ?? [])]) {
    const fresh = () => new RowScanner({ file: file.file, zone: Zone.of(setup.zone)!, defaultAccount: setup.defaultAccount, mapping: file.mapping, read: setup.read, events: setup.events, components: setup.components, repeatedIds: setup.repeatedIds, spare, spareIds, headerLine: headerLine(file), notes });
    const before = last;
    // A file may go on with the shapes of the file before: a CSV file where the setup found their headers one text, JSON Lines where their records' headers are.
    const keeps = before !== undefined && "keepShapes" in file && file.keepShapes;
    const scanner = (header: string | undefined): RowScanner => {
      if (keeps && (file.format === "csv" || (header !== undefined && before.sameHeader(header)))) {
        before.nextFile(file.file, notes);
        return (last = before);
      }
      return (last = fresh());
    };
    const notes = new KeptNotes();
    const records = file.format === "jsonl" ? new JsonLinesAsCsv({ ...file, read: setup.read }, notes) : undefined;
    if (file.format === "parquet") await scanRecords(scanner(undefined), parquetAsCsv(file.path, { ...file, read: setup.read }, notes));
    else if ("compressed" in file && file.compressed === true) await scanRecords(scanner(undefined), gunzipped(file.path, records));
    else await scanFile(scanner, file.path, records);
    // What reading the file noted goes to the run with its rows, before its end.
    if (notes.notes.length > 0) post({ kind: "notes", notes: notes.notes });
    post({ kind: "end" });
  }
}

/** Send the header, once the scanner has read it. */
function sendHeader(scanner: RowScanner, sent: { header: boolean }): void {
  if (!sent.header && scanner.header) {
    sent.header = true;
    post({ kind: "header", ...scanner.header });
  }
}

/** Scan a file's bytes, or with `records` the CSV lines of its records (JSON Lines), by the scanner `scannerFor` gives for the header line its first bytes end. */
async function scanFile(scannerFor: (header: string | undefined) => RowScanner, path: string, records: JsonLinesAsCsv | undefined): Promise<void> {
  const sent = { header: false };
  let scanner: RowScanner | undefined;
  const fd = openOrRefuse(path);
  try {
    for (;;) {
      const read = readOrRefuse(fd, buffer.subarray(0, readSize));
      const bytes = records === undefined ? buffer.subarray(0, read) : read === 0 ? records.end() : records.push(buffer.subarray(0, read));
      scanner ??= scannerFor(headerOf(bytes));
      const batches = scanner.scan(bytes, read === 0);
      if (readSize < buffer.length && read > 0) batches.push(...scanner.flush());
      readSize = Math.min(2 * readSize, buffer.length);
      sendHeader(scanner, sent);
      for (const batch of batches) await send(batch);
      if (read === 0) break;
    }
  } finally {
    closeSync(fd);
  }
}

/** A gzip file's bytes, gunzipped, or with `records` the CSV lines of its records (JSON Lines); a file that cannot be read or is not whole gzip is the plain reader's to report. */
async function* gunzipped(path: string, records: JsonLinesAsCsv | undefined): AsyncGenerator<Buffer> {
  for await (const chunk of readable(gunzippedFile(path))) yield records === undefined ? chunk : records.push(chunk);
  if (records !== undefined) yield records.end();
}

/** The first line of a file's first bytes, where they end one: its header, as the scanner decodes it. */
function headerOf(bytes: Buffer): string | undefined {
  const end = bytes.indexOf(10);
  return end < 0 ? undefined : bytes.toString("utf8", 0, end);
}

/** Scan a file's records, as CSV lines of them a group at a time (Parquet's row groups). */
async function scanRecords(scanner: RowScanner, lines: AsyncIterable<Buffer>): Promise<void> {
  const sent = { header: false };
  for await (const bytes of lines) {
    const batches = scanner.scan(bytes, false);
    sendHeader(scanner, sent);
    for (const batch of batches) await send(batch);
  }
  const batches = scanner.scan(Buffer.alloc(0), true);
  sendHeader(scanner, sent);
  for (const batch of batches) await send(batch);
}

/** A file that cannot be opened or read is left to the plain reader, which reports it. */
function openOrRefuse(path: string): number {
  try {
    return openSync(path, "r");
  } catch {
    throw new NeedsFullParser("a file that cannot be read");
  }
}

function readOrRefuse(fd: number, buffer: Buffer): number {
  try {
    return readSync(fd, buffer, 0, buffer.length, null);
  } catch {
    throw new NeedsFullParser("a file that cannot be read");
  }
}

function start(setup: WorkerSetup): void {
  scan(setup).then(
    () => port.close(),
    (e: unknown) => {
      if (e instanceof NeedsFullParser) post({ kind: "refused", reason: e.reason });
      else post({ kind: "failed", message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });
      port.close();
    },
  );
}
