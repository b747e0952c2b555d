import { statSync } from "node:fs";
import { basename } from "node:path";
import { formatPlace, UserError, shown, type Place } from "../errors.js";
import type { UndeclaredRead } from "../ratecard/types.js";
import type { ColumnMapping } from "./mapping.js";
import { CANONICAL, fixName, flagToo, ignoreFix, inFix, type Canonical, type ReadColumns, type RowSample } from "./layout.js";
import { columnMeant, componentCounted, idBeside, likelyCanonical, nearMissAmong, nearMissOf } from "./near-miss.js";

// The refusal of a header's columns that nothing reads, and the fix each is offered: read as a canonical column (a
// count, an id, the account), skip_rows: for how a request ended, a rename to a column the card reads, or
// ignore_columns:. Apart from readHeader, which only throws it, since most of a header is read without it.

/**
 * A `rename:` or `ignore_columns:` entry of the mapping that names no column of the header but is a near miss of
 * the column read by nothing (`prompt_token` for `prompt_tokens`): said with the entry's place, beside the column's
 * own error, which keeps its fix (newcomer, stop 40). None beside a column that looks like an id, a count or a
 * canonical column (or the customer billed), whose fix is to read it (red team, stop 40: `ignore_columns: [ip]` beside an `id` column), nor
 * for names of fewer than four letters, which one edit joins too easily; the entry may be another file's (a
 * folder's mapping), so it is a question.
 */
function strayEntry(source: string, mapping: ColumnMapping, seen: ReadonlyMap<string, number>): string {
  if (likelyCanonical(source) !== undefined || nearMissOf(source) !== undefined) return "";
  const entries: [string, string, Place | undefined][] = [
    ...[...mapping.rename.keys()].map((key): [string, string, Place | undefined] => [key, "rename:", mapping.places?.renameKeys?.get(key) ?? mapping.places?.rename.get(key)]),
    ...[...mapping.ignore].map((key): [string, string, Place | undefined] => [key, "ignore_columns:", mapping.places?.ignore?.get(key)]),
  ];
  for (const [key, list, place] of entries) {
    if (place === undefined || key.length < 4 || seen.has(key) || nearMissAmong(key, [source]) === undefined) continue;
    return `; the mapping's ${list} entry ${shown(key)} (${formatPlace(place)}) names no column of this file: a typo of ${shown(source)}?`;
  }
  return "";
}

/** Whether a usage file can have a mapping file beside it: not standard input, a pipe or a device. */
function besideable(file: string): boolean {
  try {
    return file !== "-" && statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The header's columns read by nothing, refused at the first. Where it is read by no meter and others are too, they
 * are named with it, and a fix for all of them given: one at a time, a wide export took a run a column (newcomer,
 * stop 43: seven fields of `metadata`, six seconds each).
 */
export function unreadColumns(unread: readonly number[], header: readonly string[], at: { mapping: ColumnMapping; seen: ReadonlyMap<string, number>; present: Record<Canonical, number>; file: string; read: ReadColumns; sample?: (() => RowSample | undefined) | undefined }): UserError {
  const { mapping, file, read } = at;
  // What the rows read ahead hold (RowSample): said beside an id's offer, never a reason to leave it out (red71b H1).
  const sample = at.sample?.();
  const first = unread[0]!;
  const source = header[first]!;
  const hint = strayEntry(source, mapping, at.seen);
  const plain = (name: string) => !mapping.rename.has(name) && nearMissOf(name) === undefined;
  // The first column of each role likely to be a canonical one is offered as it (red50 #3: `org` and `tenant` were
  // both offered as the account), and named with that fix, never among the columns to ignore.
  const roles = new Map<string, Role>();
  for (const i of unread) {
    const name = header[i]!;
    const role = plain(name) ? likelyRole(name, at.present, read) : undefined;
    if (role !== undefined && ![...roles.values()].includes(role)) roles.set(name, role);
  }
  // A column that says how a request ended is offered as skip_rows:, never among the columns to ignore: ignored, the
  // failed calls are billed (newcomer53 H1: the list to ignore all at once held `status`, and 132 failed calls were billed).
  const outcomes = new Set(unread.map((i) => header[i]!).filter((name) => plain(name) && !roles.has(name) && namesOutcome(name)));
  // An id beside the one read (a layout's `id`, which a database's export has as its row number): which of them repeats
  // for a request sent twice is the user's to say, never the list to ignore's (newcomer69 H1: OpenRouter's layout read a
  // PostgreSQL export's row number as the id, request_id was offered to ignore, and every retry was billed twice).
  // Only where the user did not name the id read (red69c F2): a column named event_id beside any id, else beside a
  // generic one (F4) the first id that names what it identifies (F3: a trace's is many requests'), as idBeside chooses.
  const idRead = at.present.event_id >= 0 && mapping.places?.columns.event_id === undefined && !renamesToEventId(mapping, header) ? header[at.present.event_id] : undefined;
  // A near miss of event_id itself (`Event_ID`, `event-id`) is one such id: the look-alike error offers it as the event id.
  const unreadPlain = unread.map((i) => header[i]!).filter((name) => (plain(name) || (!mapping.rename.has(name) && nearMissOf(name) === "event_id")) && !roles.has(name) && !outcomes.has(name));
  const otherId = idRead === undefined ? undefined : idBeside(unreadPlain, idRead);
  const readId = otherId === undefined ? undefined : idRead;
  const otherIds = new Set(otherId === undefined ? [] : [otherId]);
  const emptyNote = at.present.event_id >= 0 && idRead === undefined ? "" : unread.filter((i) => likelyCanonical(header[i]!) === "event_id" || nearMissOf(header[i]!) === "event_id").map((i) => blankNote(header[i]!, i, sample)).join("");
  // A column the header has already is no other's meaning: prompt_tokens beside input_tokens was offered as it, and the two were one (red54b #1).
  const inHeader = new Set(header.map((h) => mapping.rename.get(h) ?? h));
  const free = new Set([...read.names].filter((n) => !inHeader.has(n)));
  // A column that is likely one the card reads (prompt_tokens for input_tokens) is named with its rename, never among those to ignore (newcomer54 M4).
  const meant = new Map(unread.slice(1).flatMap((i) => {
    const name = header[i]!;
    const column = plain(name) && !roles.has(name) && !outcomes.has(name) && !otherIds.has(name) ? (columnMeant(name, free) ?? componentCounted(name, read.components, free)) : undefined;
    return column === undefined ? [] : [[name, column] as const];
  }));
  const error = unreadColumn({ source, renamed: mapping.rename.get(source), column: first + 1, present: at.present, renamedAt: mapping.places?.rename.get(source), role: roles.get(source), meantAmong: free, idInstead: otherIds.has(source) ? readId : undefined }, file, read);
  const also = unread
    .slice(1)
    .map((i) => header[i]!)
    .flatMap((name) => {
      const role = roles.get(name);
      if (outcomes.has(name)) return [`; ${shown(name)} is likely ${outcomeText(name)}`];
      if (otherIds.has(name)) return [`; ${shown(name)} is ${idInsteadText(name, readId!)}`];
      const column = meant.get(name);
      if (column !== undefined) return [meantFix(name, column, read)];
      return role === undefined ? [] : [`; ${shown(name)} is likely ${ROLES[role].what}: ${roleFix(role, name)}`];
    })
    .join("") + emptyNote;
  const others = unread
    .slice(1)
    .map((i) => header[i]!)
    .filter((name) => plain(name) && !roles.has(name) && !outcomes.has(name) && !otherIds.has(name) && !meant.has(name));
  if (others.length === 0 || !plain(source)) return hint === "" && also === "" ? error : new UserError(`${error.problem}${hint}`, error.location, `${error.expected}${also}`, error.found);
  const named = others.slice(0, OTHERS_NAMED).map((name) => shown(name)).join(", ");
  const more = others.length > OTHERS_NAMED ? ` and ${others.length - OTHERS_NAMED} more` : "";
  // A first column offered as a canonical one is not among those to ignore (red50 #2: the others went unnamed).
  const all = roles.has(source) || outcomes.has(source) || otherIds.has(source) || (columnMeant(source, free) ?? componentCounted(source, read.components, free)) !== undefined ? others : [source, ...others];
  // Fields of one object: the object under ignore_columns: passes over them all, and any field the mapping names is still read.
  // Not an object that holds a column of how requests ended: ignored whole, it would bill the failed calls (red53b #3).
  const parent = [...outcomes].some((name) => commonParent([...all, name]) !== undefined) ? undefined : commonParent(all);
  const object = parent === undefined ? undefined : fixName(parent, "OBJECT");
  // Each name as the mapping reads it, quoted where it needs quotes (red71b L1: "each under ignore_columns:" had no list to copy).
  const listed = all.map((name) => fixName(name, ""));
  const fix =
    object !== undefined
      ? `ignore_columns: [${object.yaml}]${flagToo(object.map("ignore:"))}, which passes over every field of ${shown(parent!)} the mapping does not name`
      : listed.every((name) => name.yaml !== "")
        ? `ignore_columns: [${listed.map((name) => name.yaml).join(", ")}]`
        : "each under ignore_columns:";
  const which = all[0] !== source ? (all.length === 1 ? `the other, ${shown(all[0]!)}` : `the other ${all.length} at once`) : all.length === 2 ? "both at once" : `all ${all.length} at once`;
  return new UserError(`${error.problem}${hint}, nor ${others.length === 1 ? "is" : "are"} ${named}${more}`, error.location, `${error.expected}; ${which}: ${fix}${also}`, error.found);
}

/**
 * The canonical column a header column left unread likely holds where the header has none: a count (`qty`), an id
 * (`request_id`: ignored, a log's retries are priced twice) or the customer billed (`org`: ignored, every customer's
 * usage is one account's).
 */
function likelyRole(name: string, present: Record<Canonical, number>, read: ReadColumns): Role | undefined {
  const role = likelyCanonical(name);
  // A near miss of a column the card reads (`workspace_id` for a card's `workspace`) is that column (red50 #4).
  return role !== undefined && present[role] < 0 && columnMeant(name, read.names) === undefined && componentCounted(name, read.components, read.names) === undefined ? role : undefined;
}

type Role = keyof typeof ROLES;

const ROLES = {
  quantity: { what: "the quantity", why: "" },
  event_id: { what: "the event id", why: ", so that a retry is counted once" },
  account: { what: "the account", why: ", so that each one's usage is billed to an account of its own" },
};

function roleFix(role: Role, name: string): string {
  const fix = fixName(name, "COLUMN");
  return `columns: { ${role}: ${fix.yaml} } in the usage mapping${flagToo(fix.map(`${role}=`))}${ROLES[role].why}`;
}

/**
 * Whether a column says how a request ended (`status`, `http_status`, `statusCode`, `outcome`, `is_error`): its rows of
 * failed calls are not usage, which ignore_columns: alone would bill (newcomer, stop 52: the error offered only that).
 * Its name's words (split at separators and at a capital after a small letter): one of them `status` or `outcome`,
 * or the whole name an outcome (`error`, `is_error`, `success`, `state`); none a count, rate or time of something
 * (`result_count`, `error_rate`, `failed_at`: red53b #5).
 */
function namesOutcome(name: string): boolean {
  const words = (name.split(".").pop() ?? name).replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().split(/[_\s-]+/).filter((w) => w !== "");
  if (words.some((w) => MEASURE_WORDS.has(w))) return false;
  if (words.some((w) => w === "status" || w === "outcome")) return true;
  return OUTCOME_NAMES.has(words.join(" "));
}

const MEASURE_WORDS = new Set(["count", "counts", "rate", "ratio", "pct", "percent", "at", "time", "ts", "ms", "seconds", "duration", "tokens", "total", "sum", "amount", "id", "ids"]);
const OUTCOME_NAMES = new Set(["state", "result", "success", "succeeded", "ok", "error", "errored", "failed", "failure", "is error", "is success", "is failed", "has error", "error code", "error type"]);

/**
 * Whether the mapping names the event id by `rename: { request_id: event_id }`: not how columns: names it (the rename
 * is refused where the column is not read as the event id already), but the user's choice as much (red70b #4: the
 * other id was still offered). Only a column this header has: a rename of one it lacks (a typo, another export's
 * mapping) names nothing, and took the offer away (red71b M1).
 */
export function renamesToEventId(mapping: ColumnMapping, header: readonly string[]): boolean {
  return [...mapping.rename].some(([source, name]) => name === "event_id" && header.includes(source));
}

/**
 * What the rows read ahead hold in an id column blank on all of them (RowSample), beside its offer as the event id and
 * the fix that ignores it, for the user to choose by (red71b H1): how many rows, and whether the file was read whole
 * (a folder's other files, or a file's rows past its first 64 KiB, may fill it). A database's NULL (`NULL`, `\N`)
 * is said to be one id to the reader, which would keep the first row of them and drop every other as its retry (red71b M2).
 */
export function blankNote(name: string, index: number, sample: RowSample | undefined): string {
  const held = sample?.blank.get(index);
  if (sample === undefined || held === undefined) return "";
  const rows = sample.whole ? `${sample.rows === 1 ? "its one row" : `all ${sample.rows} of its rows`} in this file` : `its first ${sample.rows} ${sample.rows === 1 ? "row" : "rows"} (all that was read ahead, the file's first 64 KiB)`;
  const texts = held.filter((text) => text !== "");
  const what = texts.length === 0 ? "empty" : `${texts.map((text) => shown(text)).join(" or ")}${held.includes("") ? " or empty" : ""}`;
  const fix = fixName(name, "COLUMN");
  const ignore = `ignore_columns: [${fix.yaml}]${flagToo(fix.map("ignore:"))}`;
  const later = sample.whole ? "no other file read with it fills it" : "the rows after them do not fill it either";
  const one = texts.length === 0 ? "" : `; read as the event id, ${texts.map((text) => shown(text)).join(" and ")} ${texts.length === 1 ? "is one id" : "are ids"}, and every row after the first holding one is dropped as its retry`;
  return `; ${shown(name)} is ${what} on ${rows}${one}; where ${later}, no retry repeats it: ${ignore}`;
}

/**
 * An id column beside the one read as the event id (`readId`): the fix that reads it instead, if it is the one a retry
 * repeats, which only the user knows (red70b #5: said to be "likely" beside ids that name themselves, `request_id`).
 */
function idInsteadText(name: string, readId: string): string {
  const fix = fixName(name, "COLUMN");
  return `the event id if a request sent twice repeats it, not ${shown(readId)} (read as the event id now): columns: { event_id: ${fix.yaml} } in the usage mapping${flagToo(fix.map("event_id="))}, so that a retry is counted once`;
}

function outcomeFix(name: string): string {
  return `${outcomeText(name)}; or `;
}

function outcomeText(name: string): string {
  const fix = fixName(name, "COLUMN");
  return `how each request ended: skip_rows: { ${fix.yaml}: [VALUE] } in the usage mapping${flagToo(fix.map("skip:", "=VALUE[,VALUE]"))} leaves out the rows of a value that is not usage (a failed call), which ignore_columns: would bill`;
}

/** Columns named beside the first that no meter reads. */
const OTHERS_NAMED = 6;

/** The object whose fields the dotted names all are (`metadata` of `metadata.ip` and `metadata.key.alias`), if one. */
function commonParent(names: readonly string[]): string | undefined {
  const parent = names[0]!.split(".")[0]!;
  return names.every((name) => name.startsWith(`${parent}.`)) ? parent : undefined;
}

/** A header column read by nothing: a near miss of a canonical name gets the mapping that reads it; any other, the columns the card reads. */
export function unreadColumn(column: { source: string; renamed: string | undefined; column: number; present: Record<Canonical, number>; renamedAt?: Place; role: Role | undefined; meantAmong?: ReadonlySet<string>; idInstead?: string }, file: string, read: ReadColumns): UserError {
  // A rename to a name nothing reads is the mapping's mistake: said at the name given there.
  const where = column.renamedAt ?? { file, line: 1, column: column.column };
  const found = shown(column.source);
  const near = column.renamed !== undefined ? undefined : nearMissOf(column.source);
  if (near !== undefined) {
    // Another column read as the event id (a layout's `id`): this one, named for it, is offered as it, ahead of the list
    // to ignore, where ignoring it billed every retry twice (red70b #2: `Event_ID` beside OpenRouter's `id`).
    const instead = near === "event_id" && column.idInstead !== undefined ? `${idInsteadText(column.source, column.idInstead)}; or ` : "";
    const fix = column.present[near] >= 0 ? `${instead}one ${shown(near)} column, or ${found} under ignore_columns: in the usage mapping` : `${shown(near)} exactly, or --map ${near}=${found} (columns: ${near}: in the usage mapping${besideable(file) ? `; in ${basename(file)}.mapping.yaml beside it for this file alone` : ""})`;
    return new UserError(`header column ${found} looks like the canonical column ${shown(near)}`, where, fix, found);
  }
  // `rename: { n: quantity }` for `columns: { quantity: n }`: the canonical columns are named by columns:, never renamed to.
  const canonical = CANONICAL.find((c) => c === column.renamed);
  if (canonical !== undefined) {
    const fix = fixName(column.source, "COLUMN");
    return new UserError(`column ${found} (${file}:1:${column.column}) is renamed to the canonical column ${shown(canonical)}, which rename: does not set`, where, `columns: { ${canonical}: ${fix.yaml} } in the usage mapping${flagToo(fix.map(`${canonical}=`))}`, "flag" in where ? `dim:${canonical}=${column.source}` : `rename: ${found}: ${shown(canonical)}`);
  }
  const names = [...read.names].sort();
  const list = names.length === 0 ? "none" : names.length > 12 ? `${names.slice(0, 12).join(", ")}, ...` : names.join(", ");
  // A near miss of a column the card reads (`modle`, `input_token`) is named, and the fix written out for it.
  const meant = columnMeant(column.renamed ?? column.source, column.meantAmong ?? read.names) ?? componentCounted(column.renamed ?? column.source, read.components, column.meantAmong ?? read.names);
  const slip = column.renamed === undefined && meant !== undefined ? read.undeclared?.get(meant) : undefined;
  if (slip !== undefined) return cardSlip(slip, meant!, { file, line: 1, column: column.column }, column.source, read);
  const guess = meant === undefined ? "" : `; did you mean ${shown(meant)}?`;
  const problem = column.renamed ? `column ${found}${column.renamedAt === undefined ? "" : ` (${file}:1:${column.column})`} is renamed to ${shown(column.renamed)}, which no meter of ${read.card} reads${guess}` : `column ${found} is read by no meter of ${read.card}${guess}`;
  const fix = fixName(column.source, "COLUMN");
  const target = meant === undefined ? "NAME" : inFix(meant, "NAME");
  // A count, an id or a customer under another name where the header has none: read as that is the likelier fix.
  const role = column.renamed === undefined ? column.role : undefined;
  const likely = role !== undefined ? `${ROLES[role].what}, ${roleFix(role, column.source)}; or ` : column.idInstead !== undefined ? `${idInsteadText(column.source, column.idInstead)}; or ` : column.renamed === undefined && namesOutcome(column.source) ? outcomeFix(column.source) : "";
  // Flow mappings and lists, as pasted into the mapping (red71b L6: `rename: "Client IP": NAME` is no YAML).
  return new UserError(problem, where, `${likely}a column the card reads (${list}): rename: { ${fix.yaml}: ${target} } in the usage mapping${flagToo(fix.map(`dim:${target}=`))}, or ${ignoreFix(fix)}`, column.renamedAt === undefined ? found : shown(column.renamed!));
}

/**
 * A column near a name the card reads and declares nowhere (`web_search` beside a surcharge's `when: { web_serch }`):
 * the slip is the card's, which `check` refuses, so the error is said at it and asks for the card's name corrected.
 * Offered the rename to the card's name, the usage was bent to the typo (newcomer62 M4).
 */
function cardSlip(slip: UndeclaredRead, name: string, cell: Place, source: string, read: ReadColumns): UserError {
  const found = shown(source);
  const column = fixName(source, "COLUMN");
  return new UserError(
    `${slip.what} reads ${shown(name)}, declared nowhere in the card: a slip for the usage column ${found} (${formatPlace(cell)}), which no meter of ${read.card} reads`,
    slip.at,
    `${found} in the card where it reads ${shown(name)} (burnrate check reports such a name as undeclared-dimension); or, where the rows' ${found} is not what the card means, ${ignoreFix(column, " in the usage mapping")}`,
    shown(name),
  );
}

/** The other unread column `name`, likely the card's `meant`: the fix in the card where that is a slip of the card's, else the rename. */
function meantFix(name: string, meant: string, read: ReadColumns): string {
  const slip = read.undeclared?.get(meant);
  if (slip !== undefined) return `; ${shown(name)} is likely the card's ${shown(meant)} misspelt (${formatPlace(slip.at)}, declared nowhere): ${shown(name)} in the card there`;
  const fix = fixName(name, "COLUMN");
  return `; ${shown(name)} is likely ${shown(meant)}: rename: { ${fix.yaml}: ${inFix(meant, "NAME")} }${flagToo(fix.map(`dim:${inFix(meant, "NAME")}=`))}`;
}

/**
 * A usage mapping's `constants:` entry that no meter reads, refused at its key as such a column is: a typo (`serverr`
 * for `server`) gave no row the value, in silence. A layout's fixed value (openai-usage's provider) has no place and
 * is passed over, as its columns are.
 */
export function unreadConstant(mapping: ColumnMapping, read: ReadColumns): UserError | undefined {
  for (const name of mapping.constants?.keys() ?? []) {
    const at = mapping.places?.constants?.get(name);
    if (at === undefined || read.names.has(name)) continue;
    const names = [...read.names].sort();
    const list = names.length === 0 ? "none" : names.length > 12 ? `${names.slice(0, 12).join(", ")}, ...` : names.join(", ");
    const meant = columnMeant(name, read.names);
    const guess = meant === undefined ? "" : `; did you mean ${shown(meant)}?`;
    return new UserError(`constant ${shown(name)} is read by no meter of ${read.card}${guess}`, at, `a column the card reads (${list})`, shown(name));
  }
  return undefined;
}
