import { layoutReading } from "./layout-residue.js";
import { closeSync, openSync, readSync } from "node:fs";
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
import { epochUnit, idBeside, nearMissAmong, nearMissOf, timeLike, writeTimeLike } from "./near-miss.js";
import { blankNote, renamesToEventId, unreadColumn, unreadColumns } from "./unread-columns.js";
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

/**
 * The first rows of a file, where the header is checked before them (header-check.ts): how many, whether they are the
 * whole file, and for each column blank on every one of them the texts it holds there ("" for empty, or a database's
 * NULL: `\N`, `NULL`, `N/A`, ...). Evidence of what those rows hold, never of the rows after them: said beside the
 * event id's offer, which it does not take away (red71b H1: judged "no event id" on a 64 KiB head, the only fix
 * offered, ignore_columns:, billed every retry past the head twice).
 */
export interface RowSample {
  rows: number;
  whole: boolean;
  blank: ReadonlyMap<number, readonly string[]>;
}

/**
 * `told`: who hears of a folder mapping's column the file lacks (folder-columns.ts); the run, by default. `sample`:
 * the rows after the header, where they were read before it is checked.
 */
export function readHeader(header: string[], file: string, mapping: ColumnMapping, read: ReadColumns, told: FolderColumnTeller | undefined = mapping.skipped, sample?: () => RowSample | undefined): Layout {
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
    const otherId = layout?.eventId === undefined || mapping.columns.event_id !== undefined || renamesToEventId(mapping, header) ? undefined : idBeside(header, layout.eventId);
    const other = otherId === undefined ? undefined : fixName(otherId, "SOURCE");
    const ids = other === undefined ? "" : ` (it reads ${shown(layout!.eventId!)} as each row's event id; where a request sent twice repeats ${shown(otherId!)} instead, ${other.map("event_id=") ?? `columns: { event_id: ${other.yaml} } in the usage mapping`} with it${blankNote(otherId!, header.indexOf(otherId!), sample?.())})`;
    const hint = layout !== undefined ? `; the header is ${layout.about.split(":")[0]}: --layout ${layout.name} reads it as it is${ids}` : likely < 0 ? "" : `; ${shown(header[likely]!)} (column ${likely + 1}) looks like it: ${fixName(header[likely]!, "SOURCE").map("timestamp=")}${unit === undefined ? "" : `, with timestamp_unit: ${unit} in the usage mapping`}${written}`;
    throw new UserError(`header missing required column ${shown(source)}${hint}`, { file, line: 1, column: 1 }, `a ${shown(source)} column, or the column that holds it under columns: ${missing}: in the usage mapping (--map ${missing}=SOURCE)${fix}`, header.map((h) => shown(h)).join(", "));
  }
  const strayCanonical = canonicalRenameOfNothing(mapping, seen, header, file);
  if (strayCanonical) throw strayCanonical;
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
  if (unread.length > 0) throw unreadColumns(unread, header, { mapping, seen, present: index, file, read, sample });
  const clash = readUnderOneName(dimensions, header, mapping, file);
  if (clash) throw clash;
  const less = partsLess(mapping, dimensions, header);
  if (index.account < 0 && mapping.columns.account === undefined && read.otherAccounts !== undefined) throw noAccountColumn(header, file, mapping, read.otherAccounts);
  return { index, header, dimensions, columns: new Map(dimensions.map((d) => [d.name, d.index + 1])), ...(skip.length === 0 ? {} : { skip }), ...(less === undefined ? {} : { less }) };
}

/**
 * The user's `rename:` of a column the header lacks to a canonical column (`rename: { requestid: event_id }`,
 * `--map dim:event_id=nosuch`): refused where the header has the column (rename: sets no canonical column), it was
 * taken in silence where it has not, and the event id it meant was never read (red71b M1).
 */
function canonicalRenameOfNothing(mapping: ColumnMapping, seen: ReadonlyMap<string, number>, header: readonly string[], file: string): UserError | undefined {
  for (const [source, name] of mapping.rename) {
    const place = mapping.places?.renameKeys?.get(source) ?? mapping.places?.rename.get(source);
    if (seen.has(source) || place === undefined || !(CANONICAL as readonly string[]).includes(name)) continue;
    const near = nearMissAmong(source, header);
    return new UserError(
      `the mapping renames ${shown(source)} to the canonical column ${shown(name)}, but the header of ${file} has no column ${shown(source)}${near === undefined ? "" : `; did you mean ${shown(near)}?`}`,
      place,
      `the column that holds it under columns: ${name}: in the usage mapping (--map ${name}=SOURCE), as rename: sets no canonical column; or the entry removed`,
      header.map((h) => shown(h)).join(", "),
    );
  }
  return undefined;
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

/** A name as it is written in a suggested fix, when it is short and plain; otherwise a placeholder (the message shows the name itself, escaped, as what was found). */
export function inFix(name: string, placeholder: string): string {
  return /^[\w.-]{1,40}$/.test(name) ? name : placeholder;
}

/**
 * A column's name as a fix reads it, in the mapping's YAML and as a `--map` argument: as it is where plain, else
 * quoted, so that the fix works as written (red70c L2: `Event ID` was offered as `--map event_id=COLUMN`); the
 * placeholder where it is long or holds a character past ASCII's printable ones, which the message shows as found.
 * The one writer of every fix's name: `yaml` for the mapping's flow collections (`[...]`, `{ ...: ... }`), `map`
 * for the flag with the text before the name (`ignore:`, `event_id=`) and after it (`=VALUE`).
 */
export interface FixName {
  yaml: string;
  /** `--map ...`, or undefined where the flag cannot carry the name: it splits at its first `=` (red71b M3). */
  map(prefix: string, suffix?: string): string | undefined;
}

export function fixName(name: string, placeholder: string): FixName {
  if (!/^[ -~]{1,40}$/.test(name)) return { yaml: placeholder, map: (prefix, suffix = "") => `--map ${prefix}${placeholder}${suffix}` };
  const plain = inFix(name, "") === name;
  // `-` alone starts a block sequence, which YAML refuses in a flow one (red71b L7: `ignore_columns: [-]`).
  const yaml = plain && name !== "-" ? name : JSON.stringify(name);
  return {
    yaml,
    map: (prefix, suffix = "") => {
      // `ignore:a=b` is `ignore:a` with the source `b`: a name holds `=` only after the flag's own (`dim:NAME=a=b`).
      if (name.includes("=") && !prefix.includes("=")) return undefined;
      const arg = `${prefix}${name}${suffix}`;
      // Double quotes as a shell reads them; single where a character is special even inside those (`$`, `!`, a quote).
      return plain ? `--map ${arg}` : /["$`\\!]/.test(name) ? `--map '${arg.replaceAll("'", "'\\''")}'` : `--map "${arg}"`;
    },
  };
}

/** ` (--map ...)` after a fix in the mapping, where the flag can carry the name; nothing where it cannot. */
export function flagToo(map: string | undefined): string {
  return map === undefined ? "" : ` (${map})`;
}

/** The fix that ignores a column: its flag, or where the flag cannot carry the name (`a=b`), the mapping's list written out. */
export function ignoreFix(fix: FixName, inMapping = ""): string {
  const map = fix.map("ignore:");
  return map === undefined ? `the column under ignore_columns: [${fix.yaml}] in the usage mapping` : `the column under ignore_columns:${inMapping} (${map})`;
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
