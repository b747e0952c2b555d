import { createHash } from "node:crypto";
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { constants as zlibConstants, gunzipSync } from "node:zlib";
import { atFlag, UserError, shown } from "../errors.js";
import { folderMapping } from "./sources.js";

/**
 * Refuse a usage file named twice: by the same path, another spelling of it,
 * or a hard or symbolic link to it (the same device and inode), or `-` twice.
 * Read twice, every row of it would be billed twice.
 */
export function checkDistinctFiles(files: readonly string[]): void {
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
  refuseCopies(files);
}

/**
 * Refuse two usage files read alike with the same rows in them (`day1.csv` and `day1 (1).csv`, `Copy of day1.csv`,
 * `nov-backup.csv.gz`, as a download, a file manager or a backup leaves them): logs of different days differ in their
 * timestamps, so the same rows twice are a copy, and a log without event ids was billed twice without a word (red
 * team, stop 36: 3 where 1 was owed). Read alike: through mappings (a folder's, a file's own) that say the same; the
 * same bytes under two mappings that differ may be two meters. Files are grouped by the size of
 * their rows (a gzip's from its trailer) and told apart by a digest of them: one read each, only where sizes tie.
 */
function refuseCopies(files: readonly string[]): void {
  const bySize = new Map<string, string[]>();
  for (const file of files) {
    const size = file === "-" ? undefined : rowsSize(file);
    if (size === undefined || size === 0) continue;
    // Read alike: the folder's mapping and the file's own, by what they say, not where they are (one folder named two
    // ways, two folders each with the same mapping, two files each with one of their own: red team, stop 36).
    const own = `${file}.mapping.yaml`;
    const key = `${mappingText(folderMapping(file))}\u0000${mappingText(existsSync(own) ? own : undefined)}\u0000${size}`;
    bySize.set(key, [...(bySize.get(key) ?? []), file]);
  }
  for (const same of bySize.values()) {
    if (same.length < 2) continue;
    const byDigest = new Map<string, string>();
    for (const file of same) {
      const digest = digestOf(file);
      if (digest === undefined) continue;
      const copyOf = byDigest.get(digest);
      if (copyOf === undefined) {
        byDigest.set(digest, file);
        continue;
      }
      if (!hasRows(copyOf)) continue;
      const pair = dirname(copyOf) === dirname(file) ? `${shown(basename(copyOf))} and ${shown(basename(file))} in ${shown(dirname(file))}` : `${shown(copyOf)} and ${shown(file)}`;
      throw new UserError("a usage file and its copy, whose rows would be billed twice", atFlag("--usage"), "each log once: remove the copy (logs of different days differ in their timestamps)", `${pair}, the same rows`);
    }
  }
}

/** The size of a file's rows: its own, or a gzip's uncompressed size from its trailer (modulo 2^32, as gzip keeps it). */
function rowsSize(file: string): number | undefined {
  const size = sizeOf(file);
  if (size === undefined || !/\.gz$/i.test(file) || size < 18) return size;
  const fd = openSync(file, "r");
  try {
    const trailer = Buffer.alloc(4);
    readSync(fd, trailer, 0, 4, size - 4);
    return trailer.readUInt32LE(0);
  } finally {
    closeSync(fd);
  }
}

/** A mapping file's text, by which two files are read alike; "" for none. */
function mappingText(path: string | undefined): string {
  if (path === undefined) return "";
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return resolve(path);
  }
}

function sizeOf(file: string): number | undefined {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

/** Gzips larger than this are not inflated whole to be compared: a copy that large is left to its event ids. */
const GZIP_COMPARED = 64 * 1024 * 1024;

/** A digest of a file's rows: its bytes read a chunk at a time, a gzip's inflated; undefined for a gzip too large or broken. */
function digestOf(file: string): string | undefined {
  const hash = createHash("sha256");
  if (/\.gz$/i.test(file)) {
    if ((sizeOf(file) ?? Infinity) > GZIP_COMPARED) return undefined;
    try {
      return hash.update(gunzipSync(readFileSync(file))).digest("hex");
    } catch {
      return undefined;
    }
  }
  const fd = openSync(file, "r");
  try {
    const chunk = Buffer.alloc(CHUNK);
    for (let n = readSync(fd, chunk, 0, CHUNK, null); n > 0; n = readSync(fd, chunk, 0, CHUNK, null)) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

const CHUNK = 1 << 20;

/** Whether a file holds rows: more than a CSV's header line, or a line of JSON; two copies of a header alone bill nothing. */
function hasRows(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(64 * 1024);
    let bytes = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    const name = file.replace(/\.gz$/i, "");
    // A gzip's head, as much of it as the first 64 KB inflate to: a day of a header alone is a header in any wrapping.
    if (name !== file) bytes = gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    const lines = bytes.toString("latin1").split(/\r?\n/).filter((line) => line.trim() !== "");
    return /\.csv$/i.test(name) ? lines.length > 1 : lines.length > 0 || /\.parquet$/i.test(name);
  } catch {
    return true;
  } finally {
    closeSync(fd);
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
