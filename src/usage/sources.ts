import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { constants as zlibConstants, gunzipSync } from "node:zlib";
import { globSync } from "tinyglobby";
import { parse as parseCsv } from "csv-parse/sync";
import { parse } from "yaml";
import { atFlag, UserError, shown, type Place } from "../errors.js";
import { isGzip } from "./content.js";
import { isReportHeader, REPORT_START } from "./report-headers.js";
import { idLike, nearMissOf, quantityLike, timeLike } from "./near-miss.js";
import { mappingNamed } from "../mapping-files.js";

/** The names of usage files in a folder: CSV, JSON Lines and Parquet, each maybe gzipped. Others (a README, a mapping) are passed over. */
const USAGE_FILE = /\.(csv|jsonl|ndjson|parquet)(\.gz)?$/i;
/**
 * Names of data no reader takes by its name: JSON Lines saved as `.json`, a TSV, a spreadsheet, an
 * archive or another compression. In a folder such a file would be passed over as a README is, and
 * its usage left out of the statement without a word, so it is refused instead.
 */
const DATA_NOT_READ = /\.(json|tsv|xlsx?|zip|bz2|xz|zst)(\.gz)?$/i;
/** burnrate's own mapping files (`burnrate.mapping.yaml` in a folder, `NAME.mapping.yaml` beside a file or folder): never usage, though a glob such as `DIR/*` matches them. */
const MAPPING_FILE = /\.mapping\.ya?ml$/i;
/**
 * What makes a value that names no file a glob: `*`, `?`, a `[...]` class, or a `{a,b}` / `{1..3}`
 * choice. A `[` or `{` left open is part of a name, as is `(`: tinyglobby's extglobs (`@(a|b)`) are
 * not offered, since a name such as `usage (1).csv` would read as one.
 */
const GLOB = /[*?]|\[[^\]/]+\]|\{[^}]*(?:,|\.\.)[^}]*\}/;

/** Whether a usage value is a glob pattern, which expandUsage expands (a tests file's case names one as `--usage` does). */
export const isGlob = (value: string): boolean => GLOB.test(value);
/** A brace of one choice (`day{1}.csv`): no pattern to tinyglobby, nor to a shell, but meant as one when no file has that name. */
const ONE_CHOICE = /\{[^{},]*\}/;
/** A glob that could as well be a file's name (brackets or braces alone), so that no match may be a mistyped name. */
const WILDCARD = /[*?]/;

/**
 * The usage files `--usage` names: a file as it is (and `-`), a folder as its
 * usage files in name order (not its subfolders, nor hidden files), a quoted
 * glob as the files it matches in name order, but for mapping files and burnrate's own reports
 * (`exports/*.csv` beside `-o exports/november.csv`). A folder or glob with no usage
 * file in it is refused, not read as no usage; a glob at `named`, where the values were given (the
 * flag, or a tests file's case).
 */
export function expandUsage(values: readonly string[], named: Place = atFlag("--usage")): string[] {
  passedOver.length = 0;
  const files = values.flatMap((value) => expandOne(value, named));
  refuseGzipCopies(files, named);
  return files;
}

/**
 * Refuse a file beside its own gzip copy (`day1.csv` and `day1.csv.gz`, as `gzip -k` leaves them
 * in a folder): both would be read, and a log without event ids billed twice without a word.
 */
function refuseGzipCopies(files: readonly string[], named: Place): void {
  const plain = new Map(files.filter((f) => f !== "-").map((f) => [resolve(f), f]));
  for (const file of files) {
    const copyOf = /\.gz$/i.test(file) ? plain.get(resolve(file.slice(0, -3))) : undefined;
    if (copyOf === undefined) continue;
    // Named by their folder and names: a long path cut short in a message would hide the ".gz" that tells them apart.
    const pair = dirname(copyOf) === dirname(file) ? `${shown(basename(copyOf))} and ${shown(basename(file))} in ${shown(dirname(file))}` : `${shown(copyOf)} and ${shown(file)}`;
    throw new UserError("a usage file and its gzip copy, whose rows would be billed twice", named, "each log once: remove one of them (or rename it, if they hold different rows)", pair);
  }
}

function expandOne(value: string, named: Place): string[] {
  if (value === "-") return [value];
  const stat = statOrUndefined(value);
  // A socket cannot be opened by its path (Linux says ENXIO): `/dev/stdin` when a program gave burnrate a socket for it.
  if (stat?.isSocket()) throw new UserError("a socket, which cannot be opened as a file", { file: value, line: 1, column: 1 }, "a file; for statement, the socket as standard input (--usage -), which is copied first", "a socket");
  if (stat?.isDirectory()) {
    const entries = readdirSync(value).filter((name) => !name.startsWith("."));
    const names = entries.filter((name) => statOrUndefined(join(value, name))?.isFile());
    const unread = names.filter((name) => DATA_NOT_READ.test(name) && !burnrateReport(join(value, name))).sort(byName)[0];
    if (unread !== undefined) {
      throw new UserError("a file in the usage folder that no reader takes by its name, which would be passed over", { file: join(value, unread), line: 1, column: 1 }, "usage named *.csv, *.jsonl, *.ndjson or *.parquet, each maybe ending .gz: JSON Lines renamed .jsonl, a TSV or a spreadsheet saved as CSV, zip, bzip2, xz or zstd recompressed as gzip; or the file moved out of the folder", shown(unread));
    }
    const others = names.filter((name) => !USAGE_FILE.test(name) && !MAPPING_FILE.test(name) && !DATA_NOT_READ.test(name)).sort(byName);
    refuseUsageByContent(value, others);
    const reports = names.filter((name) => USAGE_FILE.test(name) && unmappedCsvReport(join(value, name))).sort(byName);
    const files = names
      .filter((name) => USAGE_FILE.test(name) && !reports.includes(name))
      .sort(byName)
      .map((name) => join(value, name));
    if (files.length === 0) throw new UserError("is a directory with no usage files", { file: value, line: 1, column: 1 }, "a file, or a folder holding usage files (*.csv, *.jsonl, *.ndjson or *.parquet, each maybe ending .gz)", "a directory");
    const folders = entries.filter((name) => statOrUndefined(join(value, name))?.isDirectory()).sort(byName);
    const passed = others.filter((name) => !burnrateReport(join(value, name)));
    if (passed.length > 0 || folders.length > 0 || reports.length > 0) passedOver.push({ folder: value, files: passed, folders, reports });
    return files;
  }
  // Quoting a glob, as burnrate asks, also keeps the shell from expanding a leading ~.
  if (stat === undefined && value.startsWith("~")) throw new UserError("a path starting with ~, which only the shell expands, and not inside quotes", named, "the ~ outside the quotes (~/'exports/*.csv') or the folder written out ($HOME/exports/*.csv)", shown(value));
  if (stat === undefined && !GLOB.test(value) && ONE_CHOICE.test(value)) {
    throw new UserError("no file matches: a brace of one choice is read as part of the name, and no file has it", named, "a file of that name, or choices in the braces ({1,2} or {1..3}), or the name without them", shown(value));
  }
  if (stat !== undefined || !GLOB.test(value)) return [value];
  // An absolute pattern gives absolute paths, so that messages and the statement name the files as given.
  const files = globSync(value, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(value) })
    .filter((file) => !MAPPING_FILE.test(file) && !burnrateReport(file))
    .sort(byName);
  const reports = files.filter(unmappedCsvReport);
  if (reports.length > 0) passedOver.push({ folder: value, files: [], folders: [], reports });
  if (files.length === 0) {
    const problem = WILDCARD.test(value) ? "no file matches the pattern" : "no file of this name, and no file matches it as a pattern";
    throw new UserError(problem, named, "a pattern matching at least one file (quoted, so that burnrate expands it)", shown(value));
  }
  const usage = files.filter((file) => !reports.includes(file));
  if (usage.length === 0) throw new UserError("the pattern matches only CSV reports burnrate wrote", named, "a pattern matching a usage file (a FILE.csv.mapping.yaml beside a report reads it as usage)", shown(value));
  return usage;
}

/**
 * A file of a usage folder that no reader takes by its name, but whose first line is a CSV header of
 * usage, or a JSON object of usage (a JSON Lines export): a canonical column or a field the folder's
 * mapping names (`c.txt`, `day1.csv.bak`, `day3.jsonl.bak`, an export saved as `.log`). Refused, as a
 * `.json` is: passed over, its usage would be left out of the statement, where a README is only named
 * in the note (newcomer, stop 48: a day of JSON Lines saved as `.jsonl.bak` was passed over with a note).
 */
function refuseUsageByContent(folder: string, names: readonly string[]): void {
  // Every such file is named at once, the first at its place: one a run was found one fix at a time (newcomer49 F11).
  const refused: { name: string; error: () => UserError }[] = [];
  let mapped: MappedColumns | undefined;
  const columns = () => (mapped ??= mappedColumns(folder));
  for (const name of names) {
    const error = usageByContent(folder, name, columns);
    if (error !== undefined) refused.push({ name, error });
  }
  if (refused.length === 0) return;
  const first = refused[0]!.error();
  if (refused.length === 1) throw first;
  const others = refused.slice(1).map((r) => shown(r.name));
  throw new UserError(first.problem, first.location, first.expected, `${first.found}; and ${others.length} more such file(s) in the folder: ${others.join(", ")}`);
}

/** The refusal of a folder's file of usage under a name no reader takes (refuseUsageByContent), made when thrown. */
function usageByContent(folder: string, name: string, columns: () => MappedColumns): (() => UserError) | undefined {
  if (isParquet(join(folder, name))) {
    return () => new UserError(
      "a Parquet file in the usage folder whose name no reader takes, which would be passed over",
      { file: join(folder, name), line: 1, column: 1 },
      `usage named *.csv, *.jsonl, *.ndjson or *.parquet, each maybe ending .gz: the file renamed ${shown(renamedTo(name, ".parquet"))} if it is usage, or moved out of the folder if it is not`,
      `${shown(name)}, which starts as Parquet does (PAR1)`,
    );
  }
  const first = firstLine(join(folder, name));
  if (first === undefined) return undefined;
  const header = first.text;
  const json = header.trimStart().startsWith("{");
  const cells = json ? jsonKeys(header) : header.split(/[,\t;|]/).map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"));
  if (cells.length < (json ? 1 : 2)) return undefined;
  const mapped = columns();
  // A near miss counts too (`Timestamp`, `Quantity`): read as usage, the header is refused as one, so the file is usage meant.
  const known = cells.filter((cell) => CANONICAL_NAMES.has(cell) || nearMissOf(cell) !== undefined || mapped.read.has(cell) || (json && (idLike(cell) || quantityLike(cell))));
  if (known.length === 0) return undefined;
  // A JSON object is usage only with its time: a settings file or a README of JSON may name an account (red48 #8). An
  // export's own names count where the folder has no mapping for them (CloudEvents' time and id, red48b #9).
  if (json && !cells.some((cell) => cell === "timestamp" || nearMissOf(cell) === "timestamp" || mapped.timestamp.has(cell) || timeLike(cell))) return undefined;
  const ending = json ? ".jsonl" : ".csv";
  const rename = /\.(csv|jsonl|ndjson)/i.test(name) ? `renamed to end in ${ending} (${ending}.gz if gzipped)` : `renamed ${shown(renamedTo(name, ending))}`;
  return () => new UserError(
    `a file in the usage folder whose first line is ${json ? "a JSON object" : "a header"} of usage, but whose name no reader takes, which would be passed over`,
    { file: join(folder, name), line: first.line, column: 1 },
    `usage named *.csv, *.jsonl, *.ndjson or *.parquet, each maybe ending .gz: the file ${rename} if it is usage, or moved out of the folder if it is not`,
    `${shown(name)}, ${json ? "fields" : "a header"} naming ${known.map((cell) => shown(cell)).join(", ")}`,
  );
}

/**
 * The field names of a JSON object's line, at any depth: a line longer than firstLine reads is cut, so
 * its names are found as text (a quoted name before a colon), not by parsing it.
 */
function jsonKeys(line: string): string[] {
  return [...new Set([...line.matchAll(/"((?:[^"\\]|\\.)*)"\s*:/g)].map((m) => m[1]!))];
}

const CANONICAL_NAMES: ReadonlySet<string> = new Set(["timestamp", "meter", "quantity", "event_id", "account"]);

/** A name as a reader takes it: cut after the ending it holds (`b.parquet.bak`), else its last extension made that ending. */
function renamedTo(name: string, ending: string): string {
  const at = name.toLowerCase().indexOf(ending);
  return at > 0 ? name.slice(0, at + ending.length) : name.replace(/(\.[^.]*)?$/, ending);
}

/** Whether a file starts with Parquet's magic bytes, as a `day1.parquet.bak` does. */
function isParquet(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.toString("latin1") === "PAR1";
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A text file's first line that is not blank (in its first 64 KiB, a gzip's unpacked, a BOM dropped); undefined for
 * one that is not text (binary, empty). A JSON Lines file may start with a blank line, and a first object's field
 * may be long (red48 #6, #7: such days were passed over).
 */
function firstLine(path: string): { text: string; line: number } | undefined {
  const first = firstLineIn(path, 1 << 16);
  // A JSON object's line not ended within what was read (a stored prompt in its first field, red48b #8) is read up to a row's limit.
  return first !== undefined && !first.whole && first.text.trimStart().startsWith("{") ? firstLineIn(path, MAX_ROW_BYTES) : first;
}

/** A row's limit in bytes, as every reader holds it (docs/usage.md): a longer line is no row. */
const MAX_ROW_BYTES = 1 << 20;

function firstLineIn(path: string, size: number): { text: string; line: number; whole: boolean } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const head = Buffer.alloc(size);
    const read = readSync(fd, head, 0, head.length, 0);
    let bytes = head.subarray(0, read);
    // A gzip's start unpacks alone when the rest is not there to finish it (`day1.csv.gz.bak`).
    if (isGzip(bytes)) bytes = gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    if (bytes.length === 0 || bytes.includes(0)) return undefined;
    const lines = bytes.toString("utf8").replace(/^\uFEFF/, "").split(/\r?\n|\r/);
    const at = lines.findIndex((line) => line.trim() !== "");
    return at < 0 ? undefined : { text: lines[at]!, line: at + 1, whole: at < lines.length - 1 };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The source columns a folder's mapping reads, and the one its time is read from; a JSON field's path (`usage.prompt_tokens`) gives each of its names too. */
interface MappedColumns {
  read: ReadonlySet<string>;
  timestamp: ReadonlySet<string>;
}

/** The source columns the folder's mapping reads (its `columns:` and `rename:` keys), for telling usage from other text. */
function mappedColumns(folder: string): MappedColumns {
  const path = folderMapping(join(folder, "x"));
  const none = { read: new Set<string>(), timestamp: new Set<string>() };
  if (path === undefined) return none;
  const names = (columns: readonly string[]) => new Set([...columns, ...columns.flatMap((column) => (column.includes(".") ? column.split(".") : []))]);
  try {
    const mapping = parse(readFileSync(path, "utf8")) as { columns?: Record<string, unknown>; rename?: Record<string, unknown> } | null;
    const read = [...Object.values(mapping?.columns ?? {}).filter((v): v is string => typeof v === "string"), ...Object.keys(mapping?.rename ?? {})];
    const timestamp = mapping?.columns?.timestamp;
    return { read: names(read), timestamp: names(typeof timestamp === "string" ? [timestamp] : []) };
  } catch {
    // A mapping that cannot be read is refused where the run reads it.
    return none;
  }
}

/** What the last expansion of `--usage` passed over in its folders, for the note a command writes (SkippedRows in skipped-rows.ts). */
const passedOver: { folder: string; files: readonly string[]; folders: readonly string[]; reports?: readonly string[] }[] = [];

/**
 * The note naming each folder's files that no reader took, and its subfolders, which are not read: none
 * of them may be passed over without a word. Taken once, by the command that expanded the folders.
 */
export function passedOverNotes(readElsewhere: ReadonlySet<string> = new Set()): string[] {
  return passedOver.splice(0).flatMap(({ folder, files: all, folders, reports = [] }) => {
    // A file the run reads as another input (the account file kept beside its usage, as the CI workflow lays them out) is not passed over.
    const files = all.filter((name) => !readElsewhere.has(resolve(join(folder, name))));
    if (files.length === 0 && folders.length === 0 && reports.length === 0) return [];
    const parts: string[] = [];
    // Named, where a JSON report is passed over quietly: a CSV is known by its header alone, which an export could share.
    if (reports.length > 0) parts.push(`${reports.length} CSV report${reports.length === 1 ? "" : "s"} burnrate wrote, by ${reports.length === 1 ? "its" : "their"} header (${listed(reports)}; a FILE.csv.mapping.yaml beside one reads it as usage)`);
    if (files.length > 0) parts.push(`${files.length} file${files.length === 1 ? "" : "s"} that no reader takes by name (${listed(files)})`);
    if (folders.length > 0) parts.push(`${folders.length} subfolder${folders.length === 1 ? "" : "s"} (${listed(folders)}), whose files are read only when named or globbed ('${join(folder, "**", "*.csv")}')`);
    return `burnrate: note: usage folder ${folder}: passed over ${parts.join(" and ")}\n`;
  });
}

/** Names as a message lists them: the first ten, then how many more. */
function listed(names: readonly string[]): string {
  const shownNames = names.slice(0, 10).map((name) => shown(name)).join(", ");
  return names.length > 10 ? `${shownNames} and ${names.length - 10} more` : shownNames;
}

/** A report burnrate wrote (`-o exports/november.json`), which names its schema first: no usage, passed over as a README is. */
function burnrateReport(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const head = Buffer.alloc(256);
    const read = readSync(fd, head, 0, head.length, 0);
    return /^\{\s*"schema":\s*"burnrate\./.test(head.toString("utf8", 0, read));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}


/**
 * A CSV report burnrate wrote, known by its header, exactly, with no mapping of its own or of its folder that
 * would read it as usage: an export whose header is a statement's, mapped, is usage (red team, stop 35: it was
 * dropped in silence).
 */
function unmappedCsvReport(path: string): boolean {
  return mappingNamed(path) === undefined && folderMapping(path) === undefined && burnrateCsvReport(path);
}

/** A CSV report burnrate wrote, known by its header, exactly: no usage, passed over as a JSON report is. */
function burnrateCsvReport(path: string): boolean {
  if (!/\.csv$/i.test(path)) return false;
  const header = firstLine(path)?.text;
  // The reports' first cells, unquoted: a usage header (`timestamp,...`) is not parsed as CSV, which a run of daily files would pay for.
  if (header === undefined || !REPORT_START.test(header)) return false;
  let names: string[];
  try {
    names = (parseCsv(header) as string[][])[0] ?? [];
  } catch {
    return false;
  }
  return isReportHeader(names);
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The mapping a folder gives every file in it, when there: `DIR/burnrate.mapping.yaml`
 * inside it, else `DIR.mapping.yaml` beside it (as `FILE.csv.mapping.yaml` is beside a file).
 */
export function folderMapping(file: string): string | undefined {
  if (file === "-") return undefined;
  const folder = dirname(file);
  const inside = mappingNamed(join(folder, "burnrate"));
  if (inside !== undefined) return inside;
  return folder !== "." && folder !== "/" ? mappingNamed(join(dirname(folder), basename(folder))) : undefined;
}

/**
 * For a column the folder's mapping names that one of its files lacks: the way to say so in the file's own mapping,
 * which is read over the folder's. A producer that begins to send a field mid-month leaves it out of the days before
 * (newcomer, stop 41: one such day refused the whole folder, and nothing said how to read it).
 */
export function undoHint(canonical: string, file: string, place: Place | undefined): string {
  if (place === undefined || "flag" in place || place.file !== folderMapping(file)) return "";
  return `; for a file without it, columns: { ${canonical}: "" } in ${shown(`${basename(file)}.mapping.yaml`)} beside it undoes the folder's key for that file`;
}


/**
 * The files of a run that hold bytes, when some do: an empty file among several is a day of no usage
 * (read.ts), which the row scanner, reading a file from its header on, need not open. A gzip of
 * nothing is such a file too: the scanner, finding no header in it, would hand the whole run to the
 * plain reader. A run of nothing but empty files is kept whole, for the reader that refuses it.
 */
export function filesWithBytes(files: readonly string[]): readonly string[] {
  if (files.length < 2) return files;
  const full = files.filter(holdsBytes);
  return full.length === 0 ? files : full;
}

/** Whether a usage file may hold rows: not 0 bytes, nor a gzip of nothing; standard input and what is not a regular file may. */
function holdsBytes(file: string): boolean {
  try {
    const stat = statSync(file);
    return file === "-" || !stat.isFile() || (stat.size > 0 && !(stat.size <= EMPTY_GZIP_BYTES && emptyGzip(file)));
  } catch {
    return true;
  }
}

/**
 * The note naming the empty files among several usage files. Each is read as a day without usage (filesWithBytes),
 * as a quiet day's export is; a failed export job writes such a file too, and its day's usage was gone with no word
 * (newcomer63 M2: a 0-byte day of 30, and an empty gzip). A file of a header alone is named by headerOnlyFilesNote.
 */
export function emptyFilesNote(files: readonly string[]): string | undefined {
  if (files.length < 2) return undefined;
  const empty = files.filter(emptyUsageFile);
  // A run of nothing but empty files is refused by the reader.
  if (empty.length === 0 || empty.length === files.length) return undefined;
  const them = empty.length === 1 ? `1 of the ${files.length} usage files is` : `${empty.length} of the ${files.length} usage files are`;
  return `burnrate: note: ${them} empty, without even a header (${namedFiles(empty)}): read as no usage, as a quiet day's export is; a failed export leaves such a file too, and its usage is then missing from what is read\n`;
}

/** Files by name in their folder where they share one (a daily file's date is at the end of a path a note would cut short), the first ten. */
function namedFiles(files: readonly string[]): string {
  const folders = new Set(files.map((file) => dirname(file)));
  const names = folders.size === 1 ? files.map((file) => basename(file)) : files;
  const where = folders.size === 1 ? ` in ${JSON.stringify(dirname(files[0]!))}` : "";
  return `${names.slice(0, 10).map((name) => JSON.stringify(name)).join(", ")}${names.length > 10 ? ` and ${names.length - 10} more` : ""}${where}`;
}

/**
 * The note naming the CSV files of a header alone among several usage files, where others hold rows: `alone`, as the
 * readers found them (SkippedRows.headerAlone), of the run's `files`. Each is read as a day without usage; a failed
 * export job that wrote its header writes such a file too (red68 L2: a day of 30, cut to its header, lost its 122 rows
 * with no word, where a 0-byte day was named). Silent where every file is one: the run's own note says no row was read.
 */
export function headerOnlyFilesNote(alone: ReadonlySet<string>, files: readonly string[]): string | undefined {
  if (files.length < 2 || alone.size === 0 || alone.size >= files.length) return undefined;
  // In the order given, whichever reader (or thread) finished a file first.
  const named = files.filter((file) => alone.has(file));
  const them = named.length === 1 ? `1 of the ${files.length} usage files holds` : `${named.length} of the ${files.length} usage files hold`;
  // Standard input where it was given, the files before it and after it each named by namedFiles (red69b L5: named
  // first after a folder given before it; red70b #8: last when given between two files).
  const stdin = named.indexOf("-");
  const sources = stdin < 0 ? [namedFiles(named)] : [named.slice(0, stdin), "standard input (--usage -)", named.slice(stdin + 1)].flatMap((part) => (typeof part === "string" ? [part] : part.length > 0 ? [namedFiles(part)] : []));
  return `burnrate: note: ${them} a header and no rows (${sources.join(", ")}): read as no usage, as a quiet day's export is; a failed export that wrote its header leaves such a file too, and its usage is then missing from what is read\n`;
}

/** Whether a usage file holds nothing, not even a header: 0 bytes, or line ends alone (`echo "$out" > day.csv` with nothing in $out, red63b M4), maybe gzipped. */
export function emptyUsageFile(file: string): boolean {
  return !holdsBytes(file) || lineEndsAlone(file);
}

/** Whether a small file holds line ends alone, maybe after a byte-order mark, maybe gzipped: read as no rows. */
function lineEndsAlone(file: string): boolean {
  try {
    if (file === "-" || statSync(file).size > EMPTY_GZIP_BYTES || !statSync(file).isFile()) return false;
    let bytes = readFileSync(file);
    if (isGzip(bytes)) bytes = gunzipSync(bytes, { maxOutputLength: EMPTY_GZIP_BYTES });
    return /^\uFEFF?[\r\n]*$/.test(bytes.toString("utf8")) && bytes.length > 0;
  } catch {
    return false;
  }
}

/** The most bytes a gzip of nothing takes: its header (with the name `gzip FILE` stores, and maybe a comment) and an empty block. */
const EMPTY_GZIP_BYTES = 4096;

/** Whether a small file is gzip that decompresses to nothing; a broken one is not, and is left to the reader that reports it. */
function emptyGzip(file: string): boolean {
  try {
    const bytes = readFileSync(file);
    return isGzip(bytes) && gunzipSync(bytes, { maxOutputLength: 1 }).length === 0;
  } catch {
    return false;
  }
}
