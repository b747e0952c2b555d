import { createHash } from "node:crypto";
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { constants as zlibConstants, gunzipSync } from "node:zlib";
import { atFlag, UserError, shown } from "../errors.js";

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
 * Refuse two usage files of one folder with the same bytes and rows in them (`day1.csv` and `day1 (1).csv`, `Copy of
 * day1.csv`, as a download or a file manager leaves them): logs of different days differ in their timestamps, so the
 * same rows twice are a copy, and a log without event ids was billed twice without a word (red team, stop 36: 3 where 1
 * was owed). Files with a mapping of their own beside them, or in other folders (whose mappings may read the same bytes
 * as other meters), are not compared. Files of one size are told apart by a digest of their bytes: one read each.
 */
function refuseCopies(files: readonly string[]): void {
  const bySize = new Map<string, string[]>();
  for (const file of files) {
    const size = file === "-" || existsSync(`${file}.mapping.yaml`) ? undefined : sizeOf(file);
    if (size === undefined || size === 0) continue;
    const key = `${dirname(resolve(file))}\u0000${size}`;
    bySize.set(key, [...(bySize.get(key) ?? []), file]);
  }
  for (const same of bySize.values()) {
    if (same.length < 2) continue;
    const byDigest = new Map<string, string>();
    for (const file of same) {
      const digest = digestOf(file);
      const copyOf = byDigest.get(digest);
      if (copyOf === undefined) {
        byDigest.set(digest, file);
        continue;
      }
      if (!hasRows(copyOf)) continue;
      throw new UserError("a usage file and its copy, whose rows would be billed twice", atFlag("--usage"), "each log once: remove the copy (logs of different days differ in their timestamps)", `${shown(basename(copyOf))} and ${shown(basename(file))} in ${shown(dirname(file))}, the same bytes`);
    }
  }
}

/** A digest of a file's bytes, read a chunk at a time. */
function digestOf(file: string): string {
  const hash = createHash("sha256");
  const fd = openSync(file, "r");
  try {
    const chunk = Buffer.alloc(CHUNK);
    for (let n = readSync(fd, chunk, 0, CHUNK, null); n > 0; n = readSync(fd, chunk, 0, CHUNK, null)) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

function sizeOf(file: string): number | undefined {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
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
