import { Chalk, type ChalkInstance } from "chalk";
import { atFlag, UserError, shown } from "../../errors.js";
import type { Io } from "../../io.js";
import { jsonChunks } from "./json-chunks.js";

export const FORMATS = ["table", "json", "csv", "markdown"] as const;
export type PlainFormat = (typeof FORMATS)[number];
/** Commands that draw charts may also write a self-contained HTML report. */
export const WITH_HTML = [...FORMATS, "html"] as const;
export type Format = (typeof WITH_HTML)[number];

const BY_EXTENSION: Record<string, Format> = { ".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown", ".txt": "table", ".html": "html", ".htm": "html" };

/**
 * A `--format` that is not the format the -o file's name says (`--format markdown -o report.json`): a warning, as the
 * flag is what was asked, but a CI artifact named .json that is not JSON fails far from here (newcomer58b L2).
 * Undefined where they agree, or the name says no format (.txt is any text).
 */
export function formatNameWarning(format: string, output: string | undefined, named: (ext: string) => string | undefined = (ext) => (ext === ".txt" ? undefined : BY_EXTENSION[ext])): string | undefined {
  const ext = output?.match(/\.[^./]+$/)?.[0]?.toLowerCase();
  const implied = ext === undefined ? undefined : named(ext);
  if (implied === undefined || implied === format) return undefined;
  return `burnrate: warning: -o ${shown(output!)}: writing ${format} (--format ${format}) into a file whose name says ${implied}\n`;
}

/** formatNameWarning on standard error: once -o is known to be written (checkDestination), not before a refusal of it. */
export function warnFormatName(options: { format?: string; output?: string }, format: string, io: Pick<Io, "stderr">): void {
  const warning = options.format === undefined ? undefined : formatNameWarning(format, options.output);
  if (warning !== undefined) io.stderr.write(warning);
}

/** `--format` if given; else the -o file's extension; else a table on a terminal and JSON in a pipe. */
export function chooseFormat<F extends string>(flag: string | undefined, output: string | undefined, allowed: readonly F[], io: Pick<Io, "stdoutTerminal">): F {
  const among = (name: string): name is F => (allowed as readonly string[]).includes(name);
  if (flag !== undefined) {
    if (!among(flag)) throw new UserError("unknown format", atFlag("--format"), `one of ${allowed.join(", ")}`, shown(flag));
    return flag;
  }
  const ext = output?.match(/\.[^./]+$/)?.[0]?.toLowerCase();
  const implied = ext === undefined ? undefined : BY_EXTENSION[ext];
  if (implied !== undefined) {
    if (!among(implied)) throw new UserError("unsupported output format", { file: output!, line: 1, column: 1 }, `a file for one of ${allowed.join(", ")} (or --format)`, implied);
    return implied;
  }
  if (ext !== undefined) throw new UserError(`${shown(output!)} has an extension no format owns`, atFlag("-o"), `an -o name ending ${Object.keys(BY_EXTENSION).join(", ")}, or --format`, shown(ext));
  const fallback = io.stdoutTerminal ? "table" : "json";
  return among(fallback) ? fallback : allowed[0]!;
}

/** Colour only for a terminal, never with NO_COLOR or --no-color; FORCE_COLOR forces it, and FORCE_COLOR=0 (or false) forbids it, as Node and chalk read it. */
export function colorFor(options: { color?: boolean; output?: string }, io: Pick<Io, "stdoutTerminal" | "env">): ChalkInstance {
  const env = io.env;
  let level: 0 | 1 | 2 | 3 = 0;
  if (options.color === false || (env.NO_COLOR !== undefined && env.NO_COLOR !== "") || env.FORCE_COLOR === "0" || env.FORCE_COLOR === "false") level = 0;
  else if (env.FORCE_COLOR !== undefined) level = forcedLevel(env.FORCE_COLOR);
  else if (options.output === undefined && io.stdoutTerminal) level = io.stdoutTerminal.colors >= 256 ? 2 : 1;
  return new Chalk({ level });
}

/**
 * FORCE_COLOR's level as chalk's supports-color reads it: empty or `true` is 1, else its whole number from the start
 * (1.5 is 1), at most 3; below 1 none. `-1` and `1.5` were handed to chalk as they were, which threw (red58b F11).
 */
function forcedLevel(value: string): 0 | 1 | 2 | 3 {
  if (value === "" || value === "true") return 1;
  const n = Number.parseInt(value, 10);
  if (Number.isNaN(n)) return 1;
  return n < 1 ? 0 : (Math.min(3, n) as 1 | 2 | 3);
}

/** A report as JSON, in pieces (see jsonChunks): emit writes them as they come. */
export function json(value: unknown): Iterable<string> {
  return jsonChunks(value);
}
