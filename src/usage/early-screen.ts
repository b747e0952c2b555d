import { closeSync, openSync, readSync, statSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { temporaryFolder } from "../temporary.js";
import { lineEnd, MAX_LINE } from "./csv-bytes.js";
import { Claims, LineReader, type Segment } from "./id-lines.js";
import { screenThread, warmFor, type ScreenThread } from "./scan-thread.js";
import { earlyThreadSize, pieceSize } from "./thread-size.js";
import type { ScreenAnswer } from "./screen-worker.js";

/**
 * The event ids' first pass begun before its command and rate card are
 * loaded. The reading thread is started as the command line is read
 * (scan-thread.ts); where the usage is one large file whose header names an
 * event_id column, the thread starts reading its pieces at once, on the
 * layout the header gives without a mapping, while the main thread loads the
 * command and the card. The pass (id-screen.ts) takes it over only where it
 * cuts the very same pieces (the same file, rows, id and timestamp columns):
 * else it is stopped and its work dropped, so the rule reads as it would
 * without it.
 */

/** Keys sorted in memory at once (id-screen.ts): 8 MB, and as much again to sort them (more measured as more peak memory beside the replay, which starts while V8 still holds them). */
export const KEYS_IN_MEMORY = 1 << 20;

/** A pass begun early: its pieces, the counter they are taken from, its runs' folder, its thread and the thread's answer. */
export interface Begun {
  pieces: Segment[];
  claims: Claims;
  folder: { path: string; remove(): void };
  thread: ScreenThread;
  answer: Promise<ScreenAnswer>;
}

let early: Begun | undefined;

/** Start the reading thread for the usage named, and the first pass on it where it is one large CSV file with an event_id column. */
export function readEarly(paths: readonly string[]): void {
  warmFor(paths);
  if (early !== undefined || paths.length !== 1) return;
  try {
    early = begin(paths[0]!);
  } catch {
    // Anything odd (a file that cannot be read, no temporary folder): the pass begins when its command gets to it, and reports what it must.
    early = undefined;
  }
}

function begin(path: string): Begun | undefined {
  if (path === "-" || path.endsWith(".gz")) return undefined;
  const stats = statSync(path);
  if (!stats.isFile() || stats.size < earlyThreadSize()) return undefined;
  const segment = layout(path, stats.size);
  if (segment === undefined) return undefined;
  const thread = screenThread();
  if (thread === undefined) return undefined;
  const cut = pieces([segment], pieceSize(earlyThreadSize()));
  const claims = new Claims();
  const folder = temporaryFolder("burnrate-ids-");
  const answer = thread.screen({ pieces: cut, claims: claims.buffer, keysInMemory: KEYS_IN_MEMORY, folder: folder.path });
  return { pieces: cut, claims, folder, thread, answer };
}

/** The rows and the id and timestamp columns the header names, without a mapping; undefined without an event_id column. */
function layout(path: string, size: number): Segment | undefined {
  const fd = openSync(path, "r");
  try {
    const header = new LineReader(fd, Buffer.allocUnsafe(1 << 16), 0, size).header();
    if (header === undefined) return undefined;
    const cells = header.text.split(",");
    const column = cells.indexOf("event_id");
    if (column < 0) return undefined;
    return { path, from: header.rowsFrom, to: size, column, width: cells.length, stamp: cells.indexOf("timestamp") };
  } finally {
    closeSync(fd);
  }
}

/**
 * The pass begun early, where it reads exactly `cut` with the pass's own
 * settings (`usual`: not a test's); else it is stopped (its answer waited for,
 * so that the thread's next answer is to the next job) and undefined.
 */
export async function takeEarly(cut: readonly Segment[], usual: boolean): Promise<Begun | undefined> {
  const begun = early;
  early = undefined;
  if (begun === undefined) return undefined;
  if (usual && isDeepStrictEqual(begun.pieces, cut)) return begun;
  await drop(begun);
  return undefined;
}

/** Stop a pass begun early that no pass took. */
export async function discardEarly(): Promise<void> {
  const begun = early;
  early = undefined;
  if (begun !== undefined) await drop(begun);
}

async function drop(begun: Begun): Promise<void> {
  begun.claims.giveUp();
  await begun.answer;
  begun.folder.remove();
}

/** The segments cut in pieces of about `size` bytes, each at a line's end (a piece is longer where no line ends near its size). */
export function pieces(segments: readonly Segment[], size: number): Segment[] {
  const cut: Segment[] = [];
  for (const segment of segments) {
    let from = segment.from;
    while (segment.to - from > size) {
      const end = lineEndAfter(segment.path, from + size, segment.to);
      if (end === undefined || end >= segment.to) break;
      cut.push({ ...segment, from, to: end });
      from = end;
    }
    cut.push({ ...segment, from });
  }
  return cut;
}

/** One past the first newline at or after `at` (before `to`), read from the file a little at a time up to the readers' longest line. */
function lineEndAfter(path: string, at: number, to: number): number | undefined {
  try {
    const fd = openSync(path, "r");
    try {
      for (let length = 1 << 12; ; length *= 4) {
        const bytes = Buffer.allocUnsafe(Math.min(length, MAX_LINE, to - at));
        const read = readSync(fd, bytes, 0, bytes.length, at);
        const nl = lineEnd(bytes, 0, read);
        if (nl >= 0) return at + nl + 1;
        if (read < length || length >= MAX_LINE) return undefined;
      }
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not cut: the reader of the piece meets the error, or the readers do.
    return undefined;
  }
}

