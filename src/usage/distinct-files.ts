import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
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
 * Refuse two usage files with the same bytes and rows in them (`day1.csv` and `day1 (1).csv`, `Copy of day1.csv`, as a
 * download or a file manager leaves them): logs of different days differ in their timestamps, so the same rows twice
 * are a copy, and a log without event ids was billed twice without a word (red team, stop 36: 3 where 1 was owed).
 * Only files of one size are compared, byte by byte.
 */
function refuseCopies(files: readonly string[]): void {
  const bySize = new Map<number, string[]>();
  for (const file of files) {
    const size = file === "-" ? undefined : sizeOf(file);
    if (size === undefined || size === 0) continue;
    bySize.set(size, [...(bySize.get(size) ?? []), file]);
  }
  for (const same of bySize.values()) {
    for (let i = 1; i < same.length; i++) {
      const copyOf = same.slice(0, i).find((earlier) => sameBytes(earlier, same[i]!));
      if (copyOf === undefined || !hasRows(copyOf)) continue;
      const file = same[i]!;
      const pair = dirname(copyOf) === dirname(file) ? `${shown(basename(copyOf))} and ${shown(basename(file))} in ${shown(dirname(file))}, the same bytes` : `${shown(copyOf)} and ${shown(file)}, the same bytes`;
      throw new UserError("a usage file and its copy, whose rows would be billed twice", atFlag("--usage"), "each log once: remove the copy (logs of different days differ in their timestamps)", pair);
    }
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

const CHUNK = 1 << 20;

/** Whether two files of one size hold the same bytes, read a chunk at a time: a pair of large logs differs in its first chunk. */
function sameBytes(a: string, b: string): boolean {
  const [fa, fb] = [openSync(a, "r"), openSync(b, "r")];
  try {
    const [ba, bb] = [Buffer.alloc(CHUNK), Buffer.alloc(CHUNK)];
    for (;;) {
      const [na, nb] = [readSync(fa, ba, 0, CHUNK, null), readSync(fb, bb, 0, CHUNK, null)];
      if (na !== nb || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
      if (na === 0) return true;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

/** Whether a file holds more than a header line: two copies of a header alone bill nothing. */
function hasRows(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(64 * 1024);
    const text = head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString("latin1");
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
    return lines.length > 1 || !/\.csv$/i.test(file);
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
