import { lstatSync, readlinkSync, statSync, type Stats } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { atFlag, UserError, shown } from "./errors.js";
import { mappingNamed } from "./mapping-files.js";

/**
 * Where an output (`-o FILE`, a file of `--emit-usage DIR` or `schema --write DIR`)
 * really lands, decided before anything is written:
 * - a symlink is followed: the report goes to the file it points at, and the link stays;
 * - a character device or a FIFO (/dev/null, a pipe) is written to directly, never
 *   replaced by a regular file (a rename would do that, even over /dev/null as root);
 * - a folder, a socket or a block device is refused;
 * - a file this run reads (by path, or the same file on disk through a hard link or a
 *   symlink) is refused, so that a slip of `-o` never costs an input.
 */
export interface OutputTarget {
  /** The path as given, for messages. */
  given: string;
  /** The path written: symlinks followed. */
  file: string;
  /** A device or FIFO: written in place once complete, not renamed over. */
  direct: boolean;
}

/** The files a run reads, each with the flag or key that named it (for the message). */
export interface RunInput {
  path: string;
  role: string;
  /** Not read but written by the run (--emit-usage's files, for -o): one output may not replace another. */
  written?: boolean;
}

/** Build the list of a run's inputs, skipping the ones not given (and standard input). */
export function runInputs(named: Record<string, string | readonly string[] | undefined>): RunInput[] {
  const inputs: RunInput[] = [];
  for (const [role, value] of Object.entries(named)) {
    for (const path of value === undefined ? [] : typeof value === "string" ? [value] : value) if (path !== "-") inputs.push({ path, role });
  }
  return inputs;
}

/** `FILE.mapping.yaml` (or `.yml`) beside each usage or bill file, when there: read without being named. */
export function besideMappings(files: readonly string[]): string[] {
  return files.filter((f) => f !== "-").flatMap((f) => mappingNamed(f) ?? []);
}

const MAX_LINKS = 40;

/** Resolve and check an output path; `flag` names the option in messages. */
export function outputTarget(given: string, flag: string, inputs: readonly RunInput[]): OutputTarget {
  // Every refusal is at the flag, the thing to change; the path it named is in what was found.
  const where = atFlag(flag);
  const named = shown(shortPath(given));
  if (given === "") throw new UserError(`empty ${flag} path`, where, "a file name", '""');
  // stat follows every link, /proc's too (/dev/stdout onto a pipe); the chain is walked by hand only to
  // find where a regular file, or one not made yet, is renamed into place.
  const stats = statOf(given);
  const file = stats !== undefined && !stats.isFile() ? given : followLinks(given, flag);
  if (stats?.isDirectory() || (stats === undefined && /[/\\]$/.test(given))) {
    throw new UserError("names a folder", where, "a file name inside it, such as report.json", stats ? `the folder ${named}` : `${shown(given)}, a path ending in /`);
  }
  if (stats !== undefined && !stats.isFile() && !stats.isCharacterDevice() && !stats.isFIFO()) {
    throw new UserError("is not a regular file", where, "a regular file, a character device such as /dev/null, or a FIFO", `${stats.isSocket() ? "the socket" : "the block device"} ${named}`);
  }
  if (stats === undefined) {
    const folder = dirname(file);
    const parent = statOf(folder);
    if (parent === undefined) throw new UserError("its folder does not exist", where, "an existing folder (create it first)", shown(shortPath(folder)));
    if (!parent.isDirectory()) throw new UserError("its folder is not a folder", where, "an existing folder", `the file ${shown(shortPath(folder))}`);
  }
  const clash = inputs.find((input) => sameFile(input.path, file, stats));
  if (clash !== undefined) {
    // The flag is what to change: the input it would replace is named in what was found.
    throw new UserError(`would overwrite ${clash.written ? "another output" : "an input"} of this run`, atFlag(flag), `an output file that this run does not ${clash.written ? "also write" : "read"}`, `the ${clash.role}${clash.role.endsWith(" file") ? "" : " file"} ${shown(shortPath(clash.path))}`);
  }
  return { given, file, direct: stats !== undefined && !stats.isFile() };
}

/** The same path once resolved, or the same file on disk (device and inode, links followed). */
function sameFile(input: string, file: string, target: Stats | undefined): boolean {
  if (resolve(input) === resolve(file)) return true;
  if (target === undefined) return false;
  const read = statOf(input);
  return read !== undefined && read.dev === target.dev && read.ino === target.ino;
}

/** A path under the working folder as a relative one: a card named by an account or a scenario is held resolved. */
function shortPath(path: string): string {
  const short = relative(process.cwd(), path);
  return short === "" || short.startsWith("..") || isAbsolute(short) ? path : short;
}

/** Follow a chain of symlinks to the path it ends at, which may not exist yet (a dangling link makes its target). */
function followLinks(path: string, flag: string): string {
  let current = path;
  for (let hop = 0; hop < MAX_LINKS; hop++) {
    let link: Stats;
    try {
      link = lstatSync(current);
    } catch {
      return current;
    }
    if (!link.isSymbolicLink()) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw new UserError("too many levels of symbolic links", atFlag(flag), "a link that ends at a file", `a loop from ${shown(shortPath(path))}`);
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
