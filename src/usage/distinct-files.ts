import { fstatSync, statSync } from "node:fs";
import { resolve } from "node:path";
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
