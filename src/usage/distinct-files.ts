import { createHash } from "node:crypto";
import { parse } from "yaml";
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { constants as zlibConstants, gunzipSync } from "node:zlib";
import { atFlag, UserError, shown } from "../errors.js";
import { folderMapping } from "./sources.js";
import { mappingNamed } from "../mapping-files.js";

/**
 * Refuse a usage file named twice: by the same path, another spelling of it,
 * or a hard or symbolic link to it (the same device and inode), or `-` twice.
 * Read twice, every row of it would be billed twice.
 */
export function checkDistinctFiles(files: readonly string[], stdinCopy?: string): void {
  const first = new Map<string, string>();
  for (const file of files) {
    const id = identity(file);
    const earlier = first.get(id);
    if (earlier !== undefined) {
      const how = earlier === file ? "" : resolve(earlier) === resolve(file) ? ", one path" : ", one file on disk";
      throw new UserError("the same usage file twice", atFlag("--usage"), "each file once in --usage", `${shown(earlier)} and ${shown(file)}${how}`);
    }
    first.set(id, file);
  }
  refuseCopies(files, stdinCopy);
}

/**
 * Refuse two usage files read alike with the same rows in them (`day1.csv` and `day1 (1).csv`, `Copy of day1.csv`,
 * `nov-backup.csv.gz`, as a download, a file manager or a backup leaves them): logs of different days differ in their
 * timestamps, so the same rows twice are a copy, and a log without event ids was billed twice without a word (red
 * team, stop 36: 3 where 1 was owed). Read alike: through mappings (a folder's, a file's own) that say the same; the
 * same bytes under two mappings that differ may be two meters. The same rows: the same bytes but for line endings
 * and a byte-order mark, which a copy saved on another system gains and the reader reads past (a CRLF copy was billed
 * twice, stop 36). Files are grouped by their first rows, so that only files that begin alike are read whole.
 */
function refuseCopies(files: readonly string[], stdinCopy: string | undefined): void {
  // Standard input is compared as its copy on disk: a file piped beside itself was billed twice (red51 #1).
  const pathOf = (file: string) => (file === "-" ? stdinCopy : file);
  const byHead = new Map<string, string[]>();
  for (const file of files) {
    const path = pathOf(file);
    const head = path === undefined ? undefined : headOf(path);
    if (head === undefined) continue;
    // Read alike: the folder's mapping and the file's own, by what they say, not where they are (one folder named two
    // ways, two folders each with the same mapping, two files each with one of their own: red team, stop 36); a
    // folder's mapping and a file's own that say the same read alike too (newcomer64b H1: a backup beside its own copy
    // of the folder's mapping was billed twice).
    const mappings = [mappingText(folderMapping(file)), mappingText(mappingNamed(file))].filter((text, i, all) => text !== "" && all.indexOf(text) === i);
    const key = `${mappings.join("\u0000")}\u0001${head}`;
    byHead.set(key, [...(byHead.get(key) ?? []), file]);
  }
  for (const same of byHead.values()) {
    if (same.length < 2) continue;
    const byDigest = new Map<string, string>();
    for (const file of same) {
      const digest = digestOf(pathOf(file)!);
      if (digest === undefined) continue;
      const copyOf = byDigest.get(digest);
      if (copyOf === undefined) {
        byDigest.set(digest, file);
        continue;
      }
      const named = (f: string) => (f === "-" ? "standard input" : shown(f));
      const pair = copyOf !== "-" && file !== "-" && dirname(copyOf) === dirname(file) ? `${shown(basename(copyOf))} and ${shown(basename(file))} in ${shown(dirname(file))}` : `${named(copyOf)} and ${named(file)}`;
      throw new UserError("a usage file and its copy, whose rows would be billed twice", atFlag("--usage"), "each log once: remove the copy (logs of different days differ in their timestamps)", `${pair}, the same rows`);
    }
  }
}

/** How much of a file's start is read for its first rows: a little first, which holds them in most logs (a folder of 91 daily files spent 0.1 s reading 64 KiB of each), then more. */
const HEADS = [4 * 1024, 64 * 1024];

/**
 * A file's first rows as text, its line endings and byte-order mark dropped: a CSV's header and first row, a JSON
 * log's first line, a gzip's as its head inflates; a Parquet file's size. Undefined for a file without rows (two
 * copies of a header alone bill nothing) or one that cannot be read (the reader reports it).
 */
function headOf(file: string): string | undefined {
  const size = sizeOf(file);
  if (size === undefined || size === 0) return undefined;
  const name = file.replace(/\.gz$/i, "");
  if (/\.parquet$/i.test(name)) return `parquet ${size}`;
  const rows = /\.csv$/i.test(name) ? 2 : 1;
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    for (const head of HEADS) {
      const read = Buffer.alloc(head);
      const count = readSync(fd, read, 0, head, 0);
      let bytes = read.subarray(0, count);
      // A gzip's head, as much of it as its first bytes inflate to: a day of a header alone is a header in any wrapping.
      if (name !== file) bytes = gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      const last = head === HEADS.at(-1) || count < head;
      const lines = firstLines(normalized(bytes).toString("latin1"), rows, last);
      if (lines !== undefined || last) return lines;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The first `rows` lines that are not blank, joined; or undefined. A last line without its newline, or rows longer
 * than the head, count where `all` of the head is read: what was read begins the rows. Of less, only whole lines.
 */
function firstLines(text: string, rows: number, all: boolean): string | undefined {
  const lines: string[] = [];
  let at = 0;
  for (let end = text.indexOf("\n"); end !== -1 && lines.length < rows; at = end + 1, end = text.indexOf("\n", at)) {
    if (text.slice(at, end).trim() !== "") lines.push(text.slice(at, end));
  }
  if (all && lines.length < rows && text.slice(at).trim() !== "") lines.push(text.slice(at));
  return lines.length < rows ? undefined : lines.join("\n");
}

/** A regular file's size; undefined for a folder or what cannot be looked at. */
function sizeOf(file: string): number | undefined {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

/** A mapping file's text, by which two files are read alike; "" for none. */
/**
 * What a mapping file says: its YAML's data, its keys sorted, whatever its comments, line ends or style (red64d M2: a
 * copy of the folder's mapping saved with CRLF, or a comment more, read a backup as another log, billed twice).
 */
function mappingText(path: string | undefined): string {
  if (path === undefined) return "";
  try {
    const text = readFileSync(path, "utf8");
    let said: string;
    try {
      // Every scalar as written, as the mapping's reader keeps it (yaml/codec.ts): `0420` is not 420 (red64e).
      said = JSON.stringify(sortedKeys(parse(text, { schema: "failsafe" })));
    } catch {
      said = text;
    }
    return createHash("sha256").update(said).digest("hex");
  } catch {
    return resolve(path);
  }
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortedKeys(v)]));
}

/** Gzips larger than this are not inflated whole to be compared: a copy that large is left to its event ids. */
const GZIP_COMPARED = 64 * 1024 * 1024;

/** A digest of a file's rows, line endings and byte-order mark aside: its bytes read a chunk at a time, a gzip's inflated; undefined for a gzip too large or broken. */
function digestOf(file: string): string | undefined {
  const hash = createHash("sha256");
  const lines = new ReadLines((part) => hash.update(part));
  if (/\.gz$/i.test(file)) {
    if ((sizeOf(file) ?? Infinity) > GZIP_COMPARED) return undefined;
    try {
      lines.feed(gunzipSync(readFileSync(file)));
    } catch {
      return undefined;
    }
  } else {
    const fd = openSync(file, "r");
    try {
      const chunk = Buffer.alloc(CHUNK);
      for (let n = readSync(fd, chunk, 0, CHUNK, null); n > 0; n = readSync(fd, chunk, 0, CHUNK, null)) lines.feed(chunk.subarray(0, n));
    } finally {
      closeSync(fd);
    }
  }
  lines.end();
  return hash.digest("hex");
}

const CHUNK = 1 << 20;

/** Bytes as the reader reads their lines (ReadLines). */
function normalized(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  const lines = new ReadLines((part) => parts.push(part));
  lines.feed(bytes);
  lines.end();
  return Buffer.concat(parts);
}

const CR = 0x0d;
const LF = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const NEWLINE = Buffer.from([LF]);

/**
 * Bytes fed a chunk at a time and passed on as the reader reads their lines: a leading byte-order mark, each
 * carriage return before a newline and the newlines at the end dropped, a carriage return alone read as a newline
 * (an old Mac's CSV, which the reader reads so: red team, stop 37) (a copy without its last newline holds the
 * same rows: red team, stop 36), a carriage return or newlines at a chunk's end held until the next shows what follows.
 */
class ReadLines {
  private started = false;
  private heldReturn = false;
  private heldNewlines = 0;

  constructor(private readonly take: (part: Buffer) => void) {}

  feed(chunk: Buffer): void {
    let start = 0;
    if (!this.started) {
      this.started = true;
      if (chunk.subarray(0, 3).equals(BOM)) start = 3;
    }
    if (this.heldReturn && start < chunk.length) {
      this.heldReturn = false;
      if (chunk[start] !== LF) this.pass(NEWLINE);
    }
    for (let cr = chunk.indexOf(CR, start); cr !== -1; cr = chunk.indexOf(CR, start)) {
      this.pass(chunk.subarray(start, cr));
      start = cr + 1;
      if (start === chunk.length) {
        this.heldReturn = true;
        return;
      }
      if (chunk[start] !== LF) this.pass(NEWLINE);
    }
    this.pass(chunk.subarray(start));
  }

  end(): void {
    if (this.heldReturn) this.pass(NEWLINE);
    this.heldReturn = false;
    this.heldNewlines = 0;
  }

  /** Bytes passed on but the newlines they end with, held until more than newlines follows. */
  private pass(part: Buffer): void {
    let last = part.length - 1;
    while (last >= 0 && part[last] === LF) last--;
    if (last < 0) {
      this.heldNewlines += part.length;
      return;
    }
    if (this.heldNewlines > 0) this.take(Buffer.alloc(this.heldNewlines, LF));
    this.take(part.subarray(0, last + 1));
    this.heldNewlines = part.length - 1 - last;
  }
}

/** What makes two names one file: its device and inode (standard input's for `-`), or, for a file that cannot be read (the reader reports it), its absolute path. */
function identity(file: string): string {
  try {
    const stat = file === "-" ? fstatSync(0) : statSync(file);
    return `inode ${stat.dev}:${stat.ino}`;
  } catch {
    return file === "-" ? "standard input" : `path ${resolve(file)}`;
  }
}
