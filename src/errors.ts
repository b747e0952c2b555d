import { escapedInvisible } from "./invisible.js";
import { visible } from "./render/shared/escape.js";

/** Where in an input a problem is: a YAML node or a CSV cell. Lines and columns are 1-based. */
export interface Location {
  file: string;
  line: number;
  column: number;
  /** For a CSV row: the number of each named column, so a problem found later points at its cell. */
  columns?: ReadonlyMap<string, number>;
}

/** The location of a row's named cell, or the row's own location when the column is not known. */
export function cellOf(row: Location, name: string): Location {
  const column = row.columns?.get(name);
  return column === undefined ? row : { file: row.file, line: row.line, column };
}

export function formatLocation(loc: Location): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/** A problem with what was given on the command line: the flag to fix, such as `--usage`. */
export interface FlagLocation {
  flag: string;
}

export function atFlag(name: string): FlagLocation {
  return { flag: name };
}

/** Where a user error is: in an input file, or in a flag. */
export type Place = Location | FlagLocation;

export function formatPlace(place: Place): string {
  return "flag" in place ? place.flag : formatLocation(place);
}

/**
 * Bad input or bad usage: the user can fix it. Exit code 2, no stack trace.
 * The message says what was expected and what was found.
 */
export class UserError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly problem: string,
    readonly location?: Place,
    readonly expected?: string,
    readonly found?: string,
  ) {
    super(UserError.compose(problem, location, expected, found));
    this.name = "UserError";
  }

  static compose(problem: string, location?: Place, expected?: string, found?: string): string {
    const where = location ? `${formatPlace(location)}: ` : "";
    const detail = expected !== undefined ? ` (expected ${expected}${found !== undefined ? `, found ${found}` : ""})` : "";
    return `${where}${problem}${detail}`;
  }
}

/** A YAML file's layout out of place (indentation, a tab, a bracket or quote left open), said in plain words: `check` files it under syntax. */
export class YamlLayoutError extends UserError {}

/** Several user errors found in one pass over an input, reported together. */
export class UserErrors extends UserError {
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "UserErrors";
  }
}

/** A finding: the run worked and found something the caller must act on (a mismatch, a failed expectation). Exit 1. */
export class Finding extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = "Finding";
  }
}

/**
 * Show a found value in a message: quoted, with invisible characters made visible, and cut when long.
 * JSON's quoting escapes the C0 controls; visible() adds DEL, the C1 controls and the bidirectional
 * ones, which JSON leaves raw and a terminal would act on.
 */
export function shown(value: string): string {
  let text = SHOWN.get(value);
  if (text === undefined) {
    if (SHOWN.size >= SHOWN_KEPT) SHOWN.clear();
    const cut = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    SHOWN.set(value, (text = escapedInvisible(visible(JSON.stringify(cut)), invisibleEscape)));
  }
  return text;
}

/**
 * Values shown, kept: a refusal's reason names its value (a daily limit's server, a budget's team), and a log
 * past a limit refuses row after row, each reason made again; the two expressions were most of a refused row.
 */
const SHOWN = new Map<string, string>();
const SHOWN_KEPT = 4096;

/** As visible() writes a control character: \uXXXX, or \u{XXXXX} beyond the first plane. */
function invisibleEscape(c: string): string {
  const code = c.codePointAt(0)!.toString(16);
  return code.length > 4 ? `\\u{${code}}` : `\\u${code.padStart(4, "0")}`;
}
