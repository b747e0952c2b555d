import { statSync } from "node:fs";
import { UserError } from "../errors.js";

/**
 * The usage files' sizes and times of change when a run begins, to be found the same when it ends. A log is read more
 * than once (the ids' first pass, then the replay; again where rows came out of order), and a file still being
 * written was read to one end by the first pass and to another by the replay: rows appended in between whose ids
 * repeat earlier rows were priced, the first pass having found those ids once (red51 #2, a cron job on a gateway's
 * current day). A statement of a file that changed under it is of no one state of the file: it is refused.
 */
export class UnchangedFiles {
  private readonly states = new Map<string, FileState>();

  constructor(files: readonly string[]) {
    for (const file of files) {
      const state = stateOf(file);
      if (state !== undefined) this.states.set(file, state);
    }
  }

  /** Refuse the first file whose size or time of change is not what it was. */
  check(): void {
    for (const [file, before] of this.states) {
      const now = stateOf(file);
      if (now !== undefined && now.size === before.size && now.changed === before.changed) continue;
      const found = now === undefined ? "it gone" : now.size === before.size ? `${before.size.toLocaleString("en-US")} bytes, written again` : `${before.size.toLocaleString("en-US")} bytes at the start and ${now.size.toLocaleString("en-US")} at the end`;
      throw new UserError("the usage file changed while it was read", { file, line: 1, column: 1 }, "a file no one writes during the run (an export still being written is read once it is whole)", found);
    }
  }
}

interface FileState {
  size: number;
  changed: number;
}

/**
 * The files as they are on disk, as one text to compare: each one's device and inode, size, and times of change of its
 * bytes and of its inode. A copy that keeps the times (`cp -p`, `rsync -t`, `touch -r`) still changes the inode's time
 * (red60 F3: the same size and mtime, written again, kept a first pass of other bytes). Undefined where one is not a
 * regular file that can be looked at.
 */
export function statesOf(files: readonly string[]): string | undefined {
  const states: string[] = [];
  for (const file of files) {
    if (file === "-") return undefined;
    try {
      const stat = statSync(file, { bigint: true });
      if (!stat.isFile()) return undefined;
      states.push(`${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`);
    } catch {
      return undefined;
    }
  }
  return states.join("\n");
}

/** A regular file's size and time of change; undefined for standard input, a pipe, or what cannot be looked at. */
function stateOf(file: string): FileState | undefined {
  if (file === "-") return undefined;
  try {
    const stat = statSync(file, { bigint: true });
    return stat.isFile() ? { size: Number(stat.size), changed: Number(stat.mtimeNs) } : undefined;
  } catch {
    return undefined;
  }
}
