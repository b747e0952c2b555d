import { layoutReading } from "./layout-residue.js";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { basename } from "node:path";
import { formatPlace, UserError, shown, type Place } from "../errors.js";
import { folderMapping, undoHint } from "./sources.js";
import { tellFolderColumns, type FolderColumnTeller } from "./folder-columns.js";
import { ONE, parsePlainDecimal, type Decimal } from "../money.js";
import type { MeterEvent, UndeclaredRead } from "../ratecard/types.js";
import type { ColumnMapping } from "./mapping.js";
import { dimensionValueMistake, readUnderOneName } from "./mapping-names.js";
import { isReportHeader } from "./report-headers.js";
import { layoutOfHeader } from "./layouts.js";
import { columnMeant, componentCounted, epochUnit, idBeside, likelyCanonical, nearMissAmong, nearMissOf, timeLike, writeTimeLike } from "./near-miss.js";
import { separatorHint, separatorHintError } from "../csv-errors.js";
import { partsLess, passedOver, type LessParts } from "./layout19-parts.js";
import { noAccountColumn, type OtherAccounts } from "./account-column.js";

// What every usage reader shares: the header's layout, the dimensions a meter
// needs, quantities. Kept apart from the readers so that the row scanner's worker
// thread loads only this, not csv-parse and the YAML reader.

/** The canonical usage columns of SPEC 1; every other column is a dimension. */
export const CANONICAL = ["timestamp", "meter", "quantity", "event_id", "account"] as const;
export type Canonical = (typeof CANONICAL)[number];

export interface Layout {
  index: Record<Canonical, number>;
  header: string[];
  /** `values`: the mapping's `dimension_values:` for the dimension, the export's value to the card's. */
  dimensions: { name: string; index: number; values?: ReadonlyMap<string, string> }[];
  /** Each dimension's 1-based column, shared by every row's origin. */
  columns: ReadonlyMap<string, number>;
  /**
   * The mapping's `skip_rows:` columns the header has: a row whose cell is one of `values` is not usage. `folded`: each
   * value by its text trimmed and in lower case, for a cell that is only a case or a space away from it (skipRowsFold).
   */
  skip?: readonly { index: number; column: string; values: ReadonlySet<string>; folded: ReadonlyMap<string, string> }[];
  /** A layout's totals the card reads less the parts it also prices (layout19-parts.ts): each token priced once. */
  less?: readonly LessParts[];
}

/** The columns a card reads besides the canonical ones (card-columns.ts), and the card's name for messages. */
export interface ReadColumns {
  names: ReadonlySet<string>;
  card: string;
  /** The values the card names for each dimension: what a `dimension_values:` entry maps onto, or a near miss of one. */
  values?: ReadonlyMap<string, ReadonlySet<string>>;
  /** The dimensions some price or lookup table of has no "*" entry for: one of `values` or refused. */
  closed?: ReadonlySet<string>;
  /** The names of meters' components: quantities, whose cells no `dimension_values:` maps. */
  components?: ReadonlySet<string>;
  /** The card's meters, in its order: what a log of one meter names with `meter:`. */
  meters?: readonly string[];
  /** The account file's accounts beside its own: a header without an account column is refused (account-column.ts). */
  otherAccounts?: OtherAccounts;
  /** Names the card reads and declares nowhere, where it reads them: a column near one is the card's slip (cardSlip). */
  undeclared?: ReadonlyMap<string, UndeclaredRead>;
}

/**
 * A usage header's layout. Every column is canonical (or mapped to a canonical
 * column), a column the card reads (by its name, or renamed by the mapping),
 * or ignored by the mapping's `ignore_columns:`; any other is refused at its
 * cell, never kept as a dimension nothing reads. A near miss of a canonical
 * name (`Quantity`, ` quantity`, `event-id`, `quantty`) is refused with the
 * `--map` that reads it as the canonical column.
 */
const SEPARATORS = [
  ["\t", "tabs"],
  [";", "semicolons"],
  ["|", "bars"],
] as const;

/** `told`: who hears of a folder mapping's column the file lacks (folder-columns.ts); the run, by default. */
export function readHeader(header: string[], file: string, mapping: ColumnMapping, read: ReadColumns, told: FolderColumnTeller | undefined = mapping.skipped): Layout {
  if (separatorHint(header)) throw separatorHintError(file, header.join(","));
  const reading = layoutReading(mapping.layoutReads, header, file, read.names);
  if (reading !== undefined) told?.layoutRead?.(reading);
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    if (name.trim() === "") throw new UserError("empty column name in header", { file, line: 1, column: i + 1 }, "a column name", "nothing");
    const first = seen.get(name);
    if (first !== undefined) throw new UserError(`duplicate column ${shown(name)}`, { file, line: 1, column: i + 1 }, "each column named once", `also column ${first + 1}`);
    seen.set(name, i);
  });
  const index = {} as Record<Canonical, number>;
  const used = new Set<number>();
  for (const c of CANONICAL) {
    const source = mapping.columns[c] ?? mapping.alternatives?.[c]?.find((s) => seen.has(s)) ?? c;
    const i = seen.get(source) ?? -1;
    index[c] = i;
    if (i >= 0) used.add(i);
  }
  const missing = index.timestamp < 0 ? "timestamp" : index.meter < 0 && mapping.meter === undefined ? "meter" : undefined;
  if (missing) {
    // A near miss of the missing column (`Timestamp`) is the likelier mistake: that column's error says how to read it.
    const near = header.findIndex((name, i) => !used.has(i) && !mapping.ignore.has(name) && !mapping.rename.has(name) && nearMissOf(name) === missing);
    if (near >= 0) throw unreadColumn({ source: header[near]!, renamed: undefined, column: near + 1, present: index, role: undefined }, file, read);
    // A European Excel export (;) or a TSV is one column to a CSV reader: the separator, not a column, is what is wrong.
    const separator = header.length === 1 ? SEPARATORS.find(([c]) => header[0]!.includes(c)) : undefined;
    if (separator) throw new UserError(`the header is one column: the file is separated by ${separator[1]}, not commas`, { file, line: 1, column: 1 }, "comma-separated values (export or save the file as CSV with commas)", shown(header[0]!));
    const source = mapping.columns[missing] ?? missing;
    const place = mapping.columns[missing] === undefined ? undefined : mapping.places?.columns[missing];
    // A report burnrate wrote, read as usage because a mapping beside it or its folder's reads the folder (newcomer, stop 36),
    // whatever column the mapping names for the timestamp (red team).
    if (isReportHeader(header)) throw new UserError("a CSV report burnrate wrote, read as usage: it has no timestamp of its own", { file, line: 1, column: 1 }, "usage: the report moved out of the usage folder (a folder's mapping reads every CSV in it as usage), or written elsewhere with -o", "a report's header");
    if (place !== undefined) throw mappedColumnMissing(missing, source, place, header, file);
    // The card's meters named, where the log is of one (newcomer54 L1: KEY had to be looked up in the card).
    const keys = read.meters === undefined || read.meters.length === 0 ? "" : `, KEY one of ${read.meters.length > 12 ? `${read.meters.slice(0, 12).join(", ")}, ...` : read.meters.join(", ")}`;
    const fix = missing === "meter" ? `; or meter: KEY in the usage mapping (--map meter:KEY${keys}) for a log of one meter` : "";
    // An export's own name for the time (`created_at`): the fix written out for it.
    // A time (`created_at`) before a day (`date`), which would put every row at its midnight (red team, stop 40).
    // An event's time before a row's write time (`ts_ms` before `logged_at`, newcomer37 F7), before a day.
    const timeAt = (day: boolean, written: boolean) => header.findIndex((name, i) => !used.has(i) && !mapping.ignore.has(name) && timeLike(name) && /(^|[_\s.-])date$/i.test(name.trim()) === day && writeTimeLike(name) === written);
    const likely = missing !== "timestamp" ? -1 : [timeAt(false, false), timeAt(false, true), timeAt(true, false), timeAt(true, true)].find((i) => i >= 0) ?? -1;
    const unit = likely < 0 ? undefined : epochUnit(header[likely]!);
    const written = likely >= 0 && writeTimeLike(header[likely]!) ? " (when each row was written, it seems: the event's own time, where the export has one, is the one to price by)" : "";
    // An export burnrate has a layout for is read as it is (newcomer63b L3: LiteLLM's spend logs were fixed column by column).
    const layout = layoutOfHeader(header);
    // Its event id beside another id the header has (a database's row number `id` beside `request_id`): which one a retry repeats is said at once (newcomer69 H1).
    // Not where the mapping names the event id already (red70b #3): the user's choice stands.
    const otherId = layout?.eventId === undefined || mapping.columns.event_id !== undefined ? undefined : idBeside(header, layout.eventId);
    const ids = otherId === undefined ? "" : ` (it reads ${shown(layout!.eventId!)} as each row's event id; where a request sent twice repeats ${shown(otherId)} instead, --map event_id=${inFix(otherId, "SOURCE")} with it)`;
    const hint = layout !== undefined ? `; the header is ${layout.about.split(":")[0]}: --layout ${layout.name} reads it as it is${ids}` : likely < 0 ? "" : `; ${shown(header[likely]!)} (column ${likely + 1}) looks like it: --map timestamp=${inFix(header[likely]!, "SOURCE")}${unit === undefined ? "" : `, with timestamp_unit: ${unit} in the usage mapping`}${written}`;
    throw new UserError(`header missing required column ${shown(source)}${hint}`, { file, line: 1, column: 1 }, `a ${shown(source)} column, or the column that holds it under columns: ${missing}: in the usage mapping (--map ${missing}=SOURCE)${fix}`, header.map((h) => shown(h)).join(", "));
  }
  // A column the user's mapping names for quantity, event_id or account that the header lacks would leave it unread in silence (every row one unit, no id); a layout's own are alternatives.
  // A folder's daily file without the column is the run's to judge, once every file is read (folder-columns.ts).
  // A near miss of it in the header (`Reads` for `reads`) is the likelier mistake, said at once with the guess: read as
  // lacking, the near miss was refused as a column nothing reads, whose fix (ignore_columns:) priced a row as one (red team, stop 42).
  const lacking = tellFolderColumns(mapping, file, told, (c, source) => index[c] >= 0 || nearMissAmong(source, header) !== undefined);
  const unmatched = CANONICAL.find((c) => index[c] < 0 && mapping.columns[c] !== undefined && mapping.places?.columns[c] !== undefined && !lacking.has(c));
  if (unmatched !== undefined) throw mappedColumnMissing(unmatched, mapping.columns[unmatched]!, mapping.places!.columns[unmatched]!, header, file);
  const valueMistake = dimensionValueMistake(mapping, read);
  if (valueMistake) throw valueMistake;
  const skip = skipColumns(mapping, seen, header, file);
  partsInHeader(mapping, seen, header, file);
  const dimensions: Layout["dimensions"] = [];
  const passed = passedOver(header, mapping);
  const unread: number[] = [];
  header.forEach((source, i) => {
    if (used.has(i) || mapping.ignore.has(source) || passed.has(i)) return;
    const name = mapping.rename.get(source) ?? source;
    if (!read.names.has(name)) {
      if (!(mapping.optional?.has(source) || mapping.skipRows?.has(source) || mapping.places?.countsInside?.has(source))) unread.push(i);
      return;
    }
    const values = mapping.dimensionValues?.get(name);
    dimensions.push(values === undefined ? { name, index: i } : { name, index: i, values });
  });
  if (unread.length > 0) throw unreadColumns(unread, header, { mapping, seen, present: index, file, read });
  const clash = readUnderOneName(dimensions, header, mapping, file);
  if (clash) throw clash;
  const less = partsLess(mapping, dimensions, header);
  if (index.account < 0 && mapping.columns.account === undefined && read.otherAccounts !== undefined) throw noAccountColumn(header, file, mapping, read.otherAccounts);
  return { index, header, dimensions, columns: new Map(dimensions.map((d) => [d.name, d.index + 1])), ...(skip.length === 0 ? {} : { skip }), ...(less === undefined ? {} : { less }) };
}

/**
 * The `skip_rows:` columns of a header. One the user's mapping names that the header lacks is refused
 * at its key: it would skip nothing, in silence (a layout's are the export's when it has them: an
 * export without LiteLLM's `status` has no failed calls to skip).
 */
function skipColumns(mapping: ColumnMapping, seen: ReadonlyMap<string, number>, header: readonly string[], file: string): NonNullable<Layout["skip"]> {
  const skip: NonNullable<Layout["skip"]>[number][] = [];
  for (const [column, values] of mapping.skipRows ?? []) {
    const index = seen.get(column);
    if (index !== undefined) {
      if (values.size > 0) skip.push({ index, column, values, folded: new Map([...values].map((v) => [skipRowsFold(v), v])) });
      continue;
    }
    const place = mapping.places?.skipRows?.get(column);
    if (place === undefined) continue;
    const near = nearMissAmong(column, header);
    throw new UserError(`skip_rows: column ${shown(column)} is not in the header of ${file}${near === undefined ? "" : `; did you mean ${shown(near)}?`}`, place, "a column the header has, whose values mark the rows that are not usage", header.map((h) => shown(h)).join(", "));
  }
  return skip;
}

/**
 * A `counts_inside:` total or part the header lacks, refused at its key: the total would be read whole, a part
 * priced a second time, in silence (a layout's are the export's when it has them: OpenRouter's activity export has
 * no native counts).
 */
function partsInHeader(mapping: ColumnMapping, seen: ReadonlyMap<string, number>, header: readonly string[], file: string): void {
  for (const [column, place] of mapping.places?.countsInside ?? []) {
    if (seen.has(column)) continue;
    const near = nearMissAmong(column, header);
    throw new UserError(`counts_inside: column ${shown(column)} is not in the header of ${file}${near === undefined ? "" : `; did you mean ${shown(near)}?`}`, place, "a column the header has: a count and the counts inside it", header.map((h) => shown(h)).join(", "));
  }
}

/**
 * A `skip_rows:` value's text as a near miss is told from it: trimmed and in lower case. Values match exactly, so
 * `status: [Error]` skips no row an export writes `error` in; such rows are charged, and told (SkippedRows.nearMiss).
 */
export function skipRowsFold(text: string): string {
  return text.trim().toLowerCase();
}

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

/** `columns: { timestamp: tss }` naming no column of the header: said at the mapping's key, with the header's near miss. */
function mappedColumnMissing(missing: Canonical, source: string, place: Place, header: readonly string[], file: string): UserError {
  const near = nearMissAmong(source, header);
  // A folder's mapping reads every daily file of it: a near miss in one file's header is that file's typo, not the
  // mapping's, which the folder's other files read (newcomer66 M3: told to rename the folder's key to the typo).
  // Not between short names, which one edit joins too easily (red66b: `id` and `ip`, whose per-file mapping read ips
  // as event ids), but a name in another case (`N` for `n`) is the same name.
  const typo = near !== undefined && (source.length >= 4 || near.toLowerCase() === source.toLowerCase());
  if (typo && !("flag" in place) && place.file === folderMapping(file)) {
    return new UserError(
      `the header of ${file} has ${shown(near)} where the folder's mapping reads ${missing} from ${shown(source)} (${formatPlace(place)}): a typo in this file's header?`,
      { file, line: 1, column: headerColumn(header, near, file) },
      `the column named ${shown(source)}, as the folder's mapping names it; or a mapping of this file alone beside it, ${basename(file)}.mapping.yaml with columns: { ${missing}: ${near} }`,
      shown(near),
    );
  }
  // A short name's near miss in one file of a folder is no more than a guess: not offered for the folder's key (red66c).
  const folderWide = !("flag" in place) && place.file === folderMapping(file);
  const offered = near !== undefined && !(folderWide && !typo);
  const guess = offered ? `; did you mean ${shown(near)}?` : "";
  // The way to read a file without the column, but not beside a near miss of it: the file has it, misspelt (red66d L6:
  // a short name's near miss not offered, the way on is this one).
  const undo = offered ? "" : undoHint(missing, file, place);
  return new UserError(`the mapping's column for ${missing}, ${shown(source)}, is not in the header of ${file}${guess}`, place, `a column the header has${undo}`, header.map((h) => shown(h)).join(", "));
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
function unreadColumns(unread: readonly number[], header: readonly string[], at: { mapping: ColumnMapping; seen: ReadonlyMap<string, number>; present: Record<Canonical, number>; file: string; read: ReadColumns }): UserError {
  const { mapping, file, read } = at;
  const first = unread[0]!;
  const source = header[first]!;
  const hint = strayEntry(source, mapping, at.seen);
  const plain = (name: string) => !mapping.rename.has(name) && nearMissOf(name) === undefined;
  // The first column of each role likely to be a canonical one is offered as it (red50 #3: `org` and `tenant` were
  // both offered as the account), and named with that fix, never among the columns to ignore.
  const roles = new Map<string, Role>();
  for (const name of unread.map((i) => header[i]!)) {
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
  const idRead = at.present.event_id >= 0 && mapping.places?.columns.event_id === undefined ? header[at.present.event_id] : undefined;
  // A near miss of event_id itself (`Event_ID`, `event-id`) is one such id: the look-alike error offers it as the event id.
  const unreadPlain = unread.map((i) => header[i]!).filter((name) => (plain(name) || (!mapping.rename.has(name) && nearMissOf(name) === "event_id")) && !roles.has(name) && !outcomes.has(name));
  const otherId = idRead === undefined ? undefined : idBeside(unreadPlain, idRead);
  const readId = otherId === undefined ? undefined : idRead;
  const otherIds = new Set(otherId === undefined ? [] : [otherId]);
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
      if (outcomes.has(name)) return [`; ${shown(name)} is likely ${outcomeText(inFix(name, "COLUMN"))}`];
      if (otherIds.has(name)) return [`; ${shown(name)} is likely ${idInsteadText(inFix(name, "COLUMN"), readId!)}`];
      const column = meant.get(name);
      if (column !== undefined) return [meantFix(name, column, read)];
      return role === undefined ? [] : [`; ${shown(name)} is likely ${ROLES[role].what}: ${roleFix(role, inFix(name, "COLUMN"))}`];
    })
    .join("");
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
  const fix =
    parent !== undefined
      ? `ignore_columns: [${inFix(parent, "OBJECT")}] (--map ignore:${inFix(parent, "OBJECT")}), which passes over every field of ${shown(parent)} the mapping does not name`
      : all.every((name) => inFix(name, "") === name)
        ? `ignore_columns: [${all.join(", ")}]`
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
  return `columns: { ${role}: ${name} } in the usage mapping (--map ${role}=${name})${ROLES[role].why}`;
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

/** An id column beside the one read as the event id (`readId`): the fix that reads it instead. */
function idInsteadText(name: string, readId: string): string {
  return `the event id, where a request sent twice repeats it and not ${shown(readId)} (read as the event id now): columns: { event_id: ${name} } in the usage mapping (--map event_id=${name}), so that a retry is counted once`;
}

function outcomeFix(name: string): string {
  return `${outcomeText(name)}; or `;
}

function outcomeText(name: string): string {
  return `how each request ended: skip_rows: { ${name}: [VALUE] } in the usage mapping (--map skip:${name}=VALUE[,VALUE]) leaves out the rows of a value that is not usage (a failed call), which ignore_columns: would bill`;
}

/** Columns named beside the first that no meter reads. */
const OTHERS_NAMED = 6;

/** The object whose fields the dotted names all are (`metadata` of `metadata.ip` and `metadata.key.alias`), if one. */
function commonParent(names: readonly string[]): string | undefined {
  const parent = names[0]!.split(".")[0]!;
  return names.every((name) => name.startsWith(`${parent}.`)) ? parent : undefined;
}

/** A header column read by nothing: a near miss of a canonical name gets the mapping that reads it; any other, the columns the card reads. */
function unreadColumn(column: { source: string; renamed: string | undefined; column: number; present: Record<Canonical, number>; renamedAt?: Place; role: Role | undefined; meantAmong?: ReadonlySet<string>; idInstead?: string }, file: string, read: ReadColumns): UserError {
  // A rename to a name nothing reads is the mapping's mistake: said at the name given there.
  const where = column.renamedAt ?? { file, line: 1, column: column.column };
  const found = shown(column.source);
  const near = column.renamed !== undefined ? undefined : nearMissOf(column.source);
  if (near !== undefined) {
    // Another column read as the event id (a layout's `id`): this one, named for it, is offered as it, ahead of the list
    // to ignore, where ignoring it billed every retry twice (red70b #2: `Event_ID` beside OpenRouter's `id`).
    const instead = near === "event_id" && column.idInstead !== undefined ? `${idInsteadText(inFix(column.source, "COLUMN"), column.idInstead)}; or ` : "";
    const fix = column.present[near] >= 0 ? `${instead}one ${shown(near)} column, or ${found} under ignore_columns: in the usage mapping` : `${shown(near)} exactly, or --map ${near}=${found} (columns: ${near}: in the usage mapping${besideable(file) ? `; in ${basename(file)}.mapping.yaml beside it for this file alone` : ""})`;
    return new UserError(`header column ${found} looks like the canonical column ${shown(near)}`, where, fix, found);
  }
  // `rename: { n: quantity }` for `columns: { quantity: n }`: the canonical columns are named by columns:, never renamed to.
  const canonical = CANONICAL.find((c) => c === column.renamed);
  if (canonical !== undefined) {
    const name = inFix(column.source, "COLUMN");
    return new UserError(`column ${found} (${file}:1:${column.column}) is renamed to the canonical column ${shown(canonical)}, which rename: does not set`, where, `columns: { ${canonical}: ${name} } in the usage mapping (--map ${canonical}=${name})`, "flag" in where ? `dim:${canonical}=${column.source}` : `rename: ${found}: ${shown(canonical)}`);
  }
  const names = [...read.names].sort();
  const list = names.length === 0 ? "none" : names.length > 12 ? `${names.slice(0, 12).join(", ")}, ...` : names.join(", ");
  // A near miss of a column the card reads (`modle`, `input_token`) is named, and the fix written out for it.
  const meant = columnMeant(column.renamed ?? column.source, column.meantAmong ?? read.names) ?? componentCounted(column.renamed ?? column.source, read.components, column.meantAmong ?? read.names);
  const slip = column.renamed === undefined && meant !== undefined ? read.undeclared?.get(meant) : undefined;
  if (slip !== undefined) return cardSlip(slip, meant!, { file, line: 1, column: column.column }, column.source, read);
  const guess = meant === undefined ? "" : `; did you mean ${shown(meant)}?`;
  const problem = column.renamed ? `column ${found}${column.renamedAt === undefined ? "" : ` (${file}:1:${column.column})`} is renamed to ${shown(column.renamed)}, which no meter of ${read.card} reads${guess}` : `column ${found} is read by no meter of ${read.card}${guess}`;
  const name = inFix(column.source, "COLUMN");
  const target = meant === undefined ? "NAME" : inFix(meant, "NAME");
  // A count, an id or a customer under another name where the header has none: read as that is the likelier fix.
  const role = column.renamed === undefined ? column.role : undefined;
  const likely = role !== undefined ? `${ROLES[role].what}, ${roleFix(role, name)}; or ` : column.idInstead !== undefined ? `${idInsteadText(name, column.idInstead)}; or ` : column.renamed === undefined && namesOutcome(column.source) ? outcomeFix(name) : "";
  return new UserError(problem, where, `${likely}a column the card reads (${list}): rename: ${name}: ${target} in the usage mapping (--map dim:${target}=${name}), or the column under ignore_columns: (--map ignore:${name})`, column.renamedAt === undefined ? found : shown(column.renamed!));
}

/**
 * A column near a name the card reads and declares nowhere (`web_search` beside a surcharge's `when: { web_serch }`):
 * the slip is the card's, which `check` refuses, so the error is said at it and asks for the card's name corrected.
 * Offered the rename to the card's name, the usage was bent to the typo (newcomer62 M4).
 */
function cardSlip(slip: UndeclaredRead, name: string, cell: Place, source: string, read: ReadColumns): UserError {
  const found = shown(source);
  const column = inFix(source, "COLUMN");
  return new UserError(
    `${slip.what} reads ${shown(name)}, declared nowhere in the card: a slip for the usage column ${found} (${formatPlace(cell)}), which no meter of ${read.card} reads`,
    slip.at,
    `${found} in the card where it reads ${shown(name)} (burnrate check reports such a name as undeclared-dimension); or, where the rows' ${found} is not what the card means, the column under ignore_columns: in the usage mapping (--map ignore:${column})`,
    shown(name),
  );
}

/** The other unread column `name`, likely the card's `meant`: the fix in the card where that is a slip of the card's, else the rename. */
function meantFix(name: string, meant: string, read: ReadColumns): string {
  const slip = read.undeclared?.get(meant);
  if (slip !== undefined) return `; ${shown(name)} is likely the card's ${shown(meant)} misspelt (${formatPlace(slip.at)}, declared nowhere): ${shown(name)} in the card there`;
  return `; ${shown(name)} is likely ${shown(meant)}: rename: { ${inFix(name, "COLUMN")}: ${inFix(meant, "NAME")} } (--map dim:${inFix(meant, "NAME")}=${inFix(name, "COLUMN")})`;
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

/** A name as it is written in a suggested fix, when it is short and plain; otherwise a placeholder (the message shows the name itself, escaped, as what was found). */
export function inFix(name: string, placeholder: string): string {
  return /^[\w.-]{1,40}$/.test(name) ? name : placeholder;
}

/** The dimensions a row of this meter event must carry, worked out once per meter event. */
const needed = new WeakMap<MeterEvent, readonly string[]>();
export function neededDimensions(event: MeterEvent): readonly string[] {
  let dims = needed.get(event);
  if (!dims) {
    const meter = event.meter;
    const keyBy = "keyBy" in meter ? meter.keyBy : [];
    needed.set(event, (dims = event.role === "charge" ? [...new Set([...meter.dimensions, ...keyBy])] : keyBy));
  }
  return dims;
}

/** Quantities repeat (1, 2, 50...): each distinct text is parsed once. Bounded, so a log of all-different values costs no memory. */
const quantities = new Map<string, Decimal | undefined>([["1", ONE]]);
export function quantityOf(cell: string): Decimal | undefined {
  let q = quantities.get(cell);
  if (q === undefined && !quantities.has(cell)) {
    q = parsePlainDecimal(cell.trim());
    if (quantities.size < 4096) quantities.set(cell, q);
  }
  return q;
}

/**
 * 1 for each of a header's columns that no row's reading looks at: not canonical, no dimension (a component's
 * included) and no `skip_rows:` column; such are the columns the mapping ignores, or a layout's optional ones.
 */
export function columnsNothingReads(layout: Layout, width: number): Uint8Array {
  const unread = new Uint8Array(width).fill(1);
  for (const c of Object.values(layout.index)) if (c >= 0) unread[c] = 0;
  for (const d of layout.dimensions) unread[d.index] = 0;
  for (const s of layout.skip ?? []) unread[s.index] = 0;
  return unread;
}

/**
 * Where a header's cell starts in a CSV file's first line, quotes and all (red66b: a quoted cell before it was counted
 * two characters short); 1 in a file of records, or one not read here (gzip, a pipe).
 */
function headerColumn(header: readonly string[], name: string, file: string): number {
  if (!/\.csv$/i.test(file) || !header.includes(name)) return 1;
  let line: string;
  try {
    const fd = openSync(file, "r");
    try {
      const bytes = Buffer.alloc(1 << 16);
      line = bytes.toString("utf8", 0, readSync(fd, bytes, 0, bytes.length, 0)).split(/\r?\n/, 1)[0]!.replace(/^\ufeff/, "");
    } finally {
      closeSync(fd);
    }
  } catch {
    return 1;
  }
  for (let at = 0; at <= line.length; ) {
    const quoted = line[at] === '"';
    let end = at;
    let text = "";
    if (quoted) {
      for (end = at + 1; end < line.length; end++) {
        if (line[end] === '"' && line[end + 1] === '"') (text += '"'), end++;
        else if (line[end] === '"') break;
        else text += line[end];
      }
      end = line.indexOf(",", end);
    } else {
      end = line.indexOf(",", at);
      text = line.slice(at, end < 0 ? line.length : end);
    }
    if (text === name) return at + 1;
    if (end < 0) break;
    at = end + 1;
  }
  return 1;
}
