import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { pipeline, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { UserError } from "../errors.js";

/**
 * What a usage file holds, judged by its content rather than its name: gzip by
 * its magic bytes (then judged again inside), Parquet by its `PAR1` magic, JSON
 * Lines when the first thing in it is a `{`, CSV otherwise. `gzip` is a gzip file
 * whose content is gzip again (compressed twice), and `utf16` text in UTF-16 (with
 * its byte-order mark, or a NUL beside each ASCII byte), which no reader reads, as
 * `json-array` is a JSON array of objects (`[{...}, ...]`): one document, not a line a row.
 */
export type UsageFormat = "csv" | "jsonl" | "parquet" | "gzip" | "utf16" | "json-array";

export interface Content {
  format: UsageFormat;
  compressed: boolean;
  /** The file's bytes, decompressed; for Parquet, unread (it is read by row group from the file). */
  chunks: AsyncIterable<Buffer>;
  /** Let go of the file when the chunks are not read to their end. */
  close(): void;
}

const GZIP = [0x1f, 0x8b];
const PARQUET = "PAR1";

export const isGzip = (head: Buffer) => head.length >= 2 && head[0] === GZIP[0] && head[1] === GZIP[1];

// Windows' "Unicode" (PowerShell's Out-File, Excel's "Unicode Text"): FF FE or FE FF, or without
// that mark a NUL as one of the first two bytes, which UTF-8 text never starts with.
export const isUtf16 = (head: Buffer) => head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || (head[0] === 0) !== (head[1] === 0));

/** Open a byte stream as usage content: the first chunk is peeked at and given back with the rest. */
export async function openContent(source: Readable): Promise<Content> {
  let { head, chunks } = await peek(source);
  let compressed = false;
  const streams: Readable[] = [source];
  if (isGzip(head)) {
    compressed = true;
    const gunzip = createGunzip();
    // pipeline, not pipe: an error of the file's stream (its end, when close() lets go of it early) is handed to
    // gunzip, whose reader sees it; with pipe it was an 'error' on the stream between them, which nothing heard.
    pipeline(Readable.from(chunks), gunzip, () => {});
    streams.push(gunzip);
    ({ head, chunks } = await peek(gunzip));
  }
  return { format: formatOf(head), compressed, chunks, close: () => streams.forEach((s) => s.destroy()) };
}

/**
 * A gzip file's bytes, gunzipped as they are read, in chunks of 256 KiB. Each chunk is a buffer of its own, garbage
 * once scanned, and the chunk's size is what the allocator keeps: one 115 MB gzip month of 3.1M rows (newcomer36)
 * peaked at 294 to 306 MB in chunks of 1 MiB, and at 238 to 255 MB in these, as fast (docs/performance.md, gzip47).
 * A collection of the reading thread's heap every 16 MB gunzipped changed neither figure: the buffers were freed,
 * and the memory stayed with the C allocator (with MALLOC_MMAP_THRESHOLD_ fixed at 128 KiB, 277 MB).
 */
export function gunzippedFile(path: string): Readable {
  return createReadStream(path, { highWaterMark: 1 << 16 }).pipe(createGunzip({ chunkSize: 1 << 18 }));
}

/** What a file on disk holds, for a reader that only needs to know that. */
export async function formatOfFile(path: string): Promise<{ format: UsageFormat; compressed: boolean }> {
  const head = headOf(path);
  if (!isGzip(head)) return { format: formatOf(head), compressed: false };
  // Inside gzip the format is judged on the content, decompressed as a reader would.
  const content = await openContent(createReadStream(path, { highWaterMark: HEAD_BYTES }));
  content.close();
  return { format: content.format, compressed: content.compressed };
}

/** What formatOf looks at: as much as a stream's first chunk of a file would hold. */
const HEAD_BYTES = 1 << 14;
const head = Buffer.allocUnsafe(HEAD_BYTES);

/**
 * A file's first bytes, read at once: a folder's 91 daily files were each a read stream opened, read and
 * destroyed, 11 to 17 ms of the main thread warm where these reads take 1 (docs/performance.md, ahead16).
 */
function headOf(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    return head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, null));
  } finally {
    closeSync(fd);
  }
}

function formatOf(head: Buffer): UsageFormat {
  if (isGzip(head)) return "gzip";
  if (isUtf16(head)) return "utf16";
  if (head.length >= 4 && head.toString("latin1", 0, 4) === PARQUET) return "parquet";
  let i = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const blank = () => {
    while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  };
  blank();
  if (head[i] === 0x7b) return "jsonl";
  // `[` then `{` or `]`: no CSV header starts so.
  if (head[i] !== 0x5b) return "csv";
  i++;
  blank();
  return head[i] === 0x7b || head[i] === 0x5d ? "json-array" : "csv";
}

async function peek(source: Readable): Promise<{ head: Buffer; chunks: AsyncIterable<Buffer> }> {
  const iterator = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : first.value;
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      if (!first.done) yield head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  }
  return { head, chunks: chunks() };
}

/** A file in UTF-16, said as such: read as UTF-8 it was "not UTF-8" at its mark, or a header of NUL-spaced names. */
export function utf16Error(file: string): UserError {
  return new UserError("file is UTF-16, not UTF-8", { file, line: 1, column: 1 }, "UTF-8 text (save or export the file as UTF-8)", "UTF-16 text");
}
