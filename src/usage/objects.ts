import { LATE_FIELDS, layoutReadingOf } from "./layout-residue.js";
import { UserError, shown, type Place } from "../errors.js";
import { flatten, flattenAll, LoneSurrogate, namedPaths, type Reading } from "./object-leaves.js";
import { undoHint } from "./sources.js";
import { tellFolderColumns } from "./folder-columns.js";
import { CANONICAL, type Canonical } from "./layout.js";
import { Decimal } from "../money.js";
import type { ColumnMapping } from "./mapping.js";
import type { SkippedRows } from "./skipped-rows.js";
import { nearMissAmong, nearMissOf } from "./near-miss.js";
import { nearest } from "../nearest.js";
import type { PlainRecord } from "./plain-csv.js";
import { addScopes, ScopeWithSpace } from "./id-scopes.js";

/**
 * JSON Lines and Parquet as the rows the CSV readers give, so that every format
 * goes through one header check, one mapping and one row reader. A nested field
 * is a column named by its dotted path (`data.tokens`, `properties.project`).
 * The header is the first row's fields, and the fields the mapping names that the
 * first row lacks (lateFields); a later row without one of them has an empty cell
 * there, and a later row with a field nothing names is refused (it would otherwise
 * go unread). A field under `ignore_columns:` is not looked into, wherever it is. The mapping's `rows:` names an array whose elements are the
 * rows, each with the fields around it (an API page of buckets of results).
 */

/** What the object readers tell the run of a file as a whole (SkippedRows' notes of it). */
export type ObjectNotes = Pick<SkippedRows, "unquantified" | "quantityGaps" | "morePages" | "uncounted" | "folderColumn" | "layoutRead" | "skippedRows" | "largeGroups">;

/** Notes told nobody: for a file read again (the ids' first pass, a note's own reading), whose notes the replay's reading tells. */
export const UNTOLD: ObjectNotes = { unquantified: () => {}, quantityGaps: () => {}, morePages: () => {}, uncounted: () => {}, folderColumn: () => {}, layoutRead: () => {}, skippedRows: () => {}, largeGroups: () => {} };

/** A file of objects: its name in messages, its mapping, and whom its notes go to where not the mapping's `skipped`. */
export interface ObjectSource {
  file: string;
  mapping: ColumnMapping;
  notes?: ObjectNotes;
  /** Of a flat Parquet file's columns, the one to read alone (a note's timestamps, read again after the run), by the header: all where it names none. */
  only?: (header: readonly string[]) => string | undefined;
}

/**
 * Where each of a row's fields goes in the header of `width` columns (-1: nowhere), which field is the quantity's
 * (-1: none), the fields' names, and the fields read within a scope with their scope's field (ColumnMapping.scopes).
 */
export interface FieldPlaces {
  columns: readonly number[];
  width: number;
  quantity: number;
  names: ReadonlySet<string>;
  scoped: readonly { field: number; scope: number }[];
}

/** The names of a row's fields. */
type Named = Pick<ReadonlySet<string>, "has">;

/** Where a row came from: its line in a JSON Lines file, its row number in a Parquet file. */
interface Found {
  fields: Map<string, string>;
  line: number;
}

/** Turn objects into a header row and records, in batches; `file` and the mapping say how. */
export class ObjectRows {
  private header: string[] | undefined;
  private readonly at = new Map<string, number>();
  /** What flattening a row passes over and reads (flatten). */
  private readonly reading: Reading;
  /** Fields added to the header for the user's mapping that no row has had yet. */
  private readonly unseen = new Map<string, { place: Place; key: string; canonical?: string }>();
  /** Under `--layout`, the fields the first object lacked (LATE_FIELDS) that a later one has: what the layout read late. */
  private lateFound: { late: ReadonlySet<string>; found: Set<string> } | undefined;
  constructor(
    private readonly file: string,
    private readonly mapping: ColumnMapping,
    /** What a place is called in messages: JSON Lines have lines, Parquet rows. */
    private readonly place: "line" | "row",
    /** The columns the card reads (its dimensions, keys and components): read wherever they first appear. */
    private readonly cardColumns: ReadonlySet<string> = new Set(),
    /** Told what finish() finds of the file: the run's (mapping.skipped), or the scanner's, which leaves such a file to the plain reader. */
    private readonly notes: ObjectNotes | undefined = mapping.skipped,
  ) {
    this.reading = { ignore: mapping.ignore, named: namedPaths(mapping) };
  }

  /** The records of one object (several when the mapping's `rows:` unnests an array), the header first. */
  push(value: unknown, line: number, out: PlainRecord[]): void {
    const object = this.object(value, line);
    const more = this.mapping.morePages;
    if (more !== undefined) this.moreAt = object[more] === true ? line : undefined;
    for (const row of this.unnest(object, line)) this.record(row, out);
  }

  /** The fields of each row of one object, by their names before any header: what the event ids' first pass reads an id from (streamed-ids.ts). */
  fieldsOf(value: unknown, line: number): Map<string, string>[] {
    return this.unnest(this.object(value, line), line).map((row) => row.fields);
  }

  private object(value: unknown, line: number): Record<string, unknown> {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new UserError("not a JSON object", { file: this.file, line, column: 1 }, "one JSON object per line", value === null ? "null" : Array.isArray(value) ? "an array" : typeof value);
    }
    return value as Record<string, unknown>;
  }

  /** The line of the last page read, where it says more pages follow (ColumnMapping.morePages). */
  private moreAt: number | undefined;

  private unnest(value: Record<string, unknown>, line: number): Found[] {
    let found: Found[];
    try {
      found = this.rowsOf(value, line);
    } catch (e) {
      if (!(e instanceof LoneSurrogate)) throw e;
      throw new UserError(`field ${shown(e.path)} holds a lone surrogate, which is no Unicode text`, { file: this.file, line, column: 1 }, "UTF-8 text, as a CSV's (a surrogate pair, or none)", JSON.stringify(e.value));
    }
    if (this.mapping.sums !== undefined) for (const row of found) addSums(row.fields, this.mapping.sums);
    try {
      if (this.mapping.scopes !== undefined) for (const row of found) addScopes(row.fields, value, this.mapping.scopes);
    } catch (e) {
      if (!(e instanceof ScopeWithSpace)) throw e;
      throw new UserError(`field ${shown(e.scope)}, which an event's id is unique within, holds a space`, { file: this.file, line, column: 1 }, "a URI reference, as CloudEvents' source is (a space written %20)", shown(e.value));
    }
    return found;
  }

  private rowsOf(value: Record<string, unknown>, line: number): Found[] {
    if (this.mapping.rows === undefined) return [{ fields: flattenAll(value, this.reading), line }];
    const rows = this.mapping.rows.split(".");
    const found: Found[] = [];
    const walk = (node: Record<string, unknown>, depth: number, prefix: string, fields: Map<string, string>) => {
      if (depth === rows.length) {
        const row = new Map(fields);
        flatten(node, prefix, this.reading, row, undefined);
        found.push({ fields: row, line });
        return;
      }
      const key = rows[depth]!;
      const here = new Map(fields);
      flatten(node, prefix, this.reading, here, key);
      const inner = node[key];
      const path = prefix + key;
      if (inner === undefined || inner === null) return;
      const items = Array.isArray(inner) ? inner : [inner];
      for (const item of items) {
        if (item === null || typeof item !== "object" || Array.isArray(item)) {
          throw new UserError(`${shown(path)} holds something other than objects`, { file: this.file, line, column: 1 }, `objects under ${shown(path)} (the mapping's rows:)`, Array.isArray(item) ? "an array" : typeof item);
        }
        walk(item as Record<string, unknown>, depth + 1, `${path}.`, here);
      }
    };
    walk(value, 0, "", new Map());
    if (found.length === 0 && !hasPath(value, rows)) {
      throw new UserError(`no ${shown(this.mapping.rows!)} in the object`, { file: this.file, line, column: 1 }, `an array at ${shown(this.mapping.rows!)} (the mapping's rows:)`, Object.keys(value).map((k) => shown(k)).join(", ") || "an empty object");
    }
    return found;
  }

  private record(row: Found, out: PlainRecord[]): void {
    if (!this.header) {
      const late = lateFields(this.mapping, row.fields, this.cardColumns);
      this.header = [...row.fields.keys(), ...late.keys()];
      if (late.size > 0) LATE_FIELDS.set(this.file, new Set(late.keys()));
      if (late.size > 0 && this.mapping.layoutReads !== undefined) this.lateFound = { late: new Set(late.keys()), found: new Set() };
      this.header.forEach((name, i) => this.at.set(name, i));
      for (const [name, field] of late) if (field.place !== undefined) this.unseen.set(name, { ...field, place: field.place });
      this.quantityAt = quantityColumn(this.header, this.mapping);
      out.push({ record: this.header, line: row.line });
    }
    const record = new Array<string>(this.header.length).fill("");
    for (const [name, value] of row.fields) {
      const i = this.placeOf(name, row);
      if (i < 0) continue;
      if (this.unseen.size > 0) this.unseen.delete(name);
      if (this.lateFound?.late.has(name) === true) this.lateFound.found.add(name);
      record[i] = value;
    }
    this.counted(record, row.fields, row.line, out);
  }

  /** A field's column in the header, or -1 for an ignored field the header does not have, which nothing reads. */
  private placeOf(name: string, row: Found): number {
    const i = this.at.get(name) ?? this.sameName(name, row);
    if (i !== undefined) return i;
    // An ignored field is read by nothing, wherever it first appears.
    if (this.mapping.ignore.has(name)) return -1;
    // A field of the header this row lacks, spelt nearly so: a typo of the producer's, which ignore_columns: would have
    // priced as its default (newcomer66: `billable_qtty` ignored, 10 seconds of video billed as 1).
    // Only a field something reads: of one nothing reads (`error_code` for `error_type`), ignore_columns: is the fix (red66).
    const meant = nearest(name, this.header!.filter((field) => !row.fields.has(field) && this.reads(field)));
    if (meant !== undefined) {
      throw new UserError(`field ${shown(name)} is not in the first ${this.place}; did you mean ${shown(meant)}, which this ${this.place} does not have?`, { file: this.file, line: row.line, column: 1 }, `the field named ${shown(meant)}, as the first ${this.place} names it: under ignore_columns:, the ${this.place} would be read without its ${shown(meant)}`, shown(name));
    }
    throw new UserError(`field ${shown(name)} is not in the first ${this.place}`, { file: this.file, line: row.line, column: 1 }, `the fields of the first ${this.place}, or a field the usage mapping names (rename: or columns:, read wherever it first appears; ${shown(name)} under ignore_columns: if it is not needed)`, shown(name));
  }

  /** Whether a field of the header is read: as a canonical column, a column of the card's, or to skip rows by. */
  private reads(field: string): boolean {
    const as = this.mapping.rename.get(field) ?? field;
    return Object.values(this.mapping.columns).includes(field) || (CANONICAL as readonly string[]).includes(as) || this.cardColumns.has(as) || this.mapping.skipRows?.has(field) === true;
  }

  /** A row's record counted (its quantity, or that it has none) and given; `fields` are the fields the row has. */
  private counted(record: string[], fields: Named, line: number, out: PlainRecord[]): void {
    // A row skip_rows: leaves out is no event: its quantity is not told as one (red66: the note's own fix, skip_rows: { q: [""] }, left the rows counted).
    if (this.skips(record)) {
      out.push({ record, line });
      return;
    }
    if (this.quantityAt !== undefined) this.countQuantity(fields, line, record[this.quantityAt]!);
    else this.countUncounted(line);
    out.push({ record, line });
  }

  /** Whether the mapping skips rows by a column's values. */
  get skipsAny(): boolean {
    return (this.mapping.skipRows?.size ?? 0) > 0;
  }

  /** Whether a `skip_rows:` value leaves the row out, as the reader will (read.ts `skipped`). */
  private skips(record: readonly string[]): boolean {
    for (const [column, values] of this.mapping.skipRows ?? []) {
      const i = this.at.get(column);
      if (i !== undefined && values.has(record[i] ?? "")) return true;
    }
    return false;
  }

  /**
   * The fields of an object push() has taken, and where each goes in the header, for rows with the same fields in
   * the same order (a JSON line read by its template, json-line-template.ts): undefined where a row's record is not
   * made from its own fields alone (rows: unnests, sums: add, a next page is read from the object). A scope's field
   * (ColumnMapping.scopes) is placed with the field it scopes, so that the caller can write the pair as addScopes does.
   */
  placing(value: unknown, line: number): { fields: Map<string, string>; places: FieldPlaces } | undefined {
    const { rows, sums, scopes, morePages } = this.mapping;
    if (this.header === undefined || rows !== undefined || sums !== undefined || morePages !== undefined) return undefined;
    // A scope is the object's own top-level field, which a dotted name would not say apart from a nested one.
    if (scopes !== undefined && [...scopes.values()].some((scope) => scope.includes("."))) return undefined;
    const row = this.rowsOf(this.object(value, line), line)[0]!;
    const names = [...row.fields.keys()];
    const columns = names.map((name) => this.placeOf(name, row));
    const scoped = [...(scopes ?? [])].map(([name, scope]) => ({ field: names.indexOf(name), scope: names.indexOf(scope) })).filter((s) => s.field >= 0 && s.scope >= 0);
    return { fields: row.fields, places: { columns, width: this.header.length, quantity: this.quantityAt === undefined ? -1 : columns.indexOf(this.quantityAt), names: new Set(names), scoped } };
  }

  /** Count a row of fields placed by placing(), whose record the caller writes: whether its quantity's cell is empty. */
  countPlaced(places: FieldPlaces, line: number, noQuantity: boolean): void {
    if (this.quantityAt === undefined) this.countUncounted(line);
    else if (noQuantity) this.countQuantity(places.names, line, "");
  }

  /** Rows of a layout that sums events without counting them (ColumnMapping.uncounted), read without a quantity of the user's. */
  private readonly uncounted = { rows: 0, first: 0 };

  private quantityAt: number | undefined;
  /** The rows whose quantity field is there without a value (null or ""), and the first of them. */
  private quantityFields = { missing: 0, first: 0 };

  /**
   * An object that leaves the field out is an event of its own, as JSON leaves out what is the default (Fliplet's
   * end_user_open beside data_read's quantity); one that writes it null says it has a count it does not give.
   */
  private countQuantity(fields: Named, line: number, value: string): void {
    if (value !== "") return;
    if (!fields.has(this.header![this.quantityAt!]!)) this.countUncounted(line);
    else if (this.quantityFields.missing++ === 0) this.quantityFields.first = line;
  }

  private countUncounted(line: number): void {
    if (this.mapping.uncounted !== undefined && this.uncounted.rows++ === 0) this.uncounted.first = line;
  }

  /**
   * The column of a renamed field whose name the header reads from another field (`data.prompt_tokens`
   * where `data.input_tokens` is in the header, both `input_tokens`): events of other types name one
   * thing two ways, and a row with one of them has it in that column. A row with both is refused, as a
   * CSV header with both is: one would be read, the other dropped.
   */
  private sameName(name: string, row: Found): number | undefined {
    const as = this.mapping.rename.get(name);
    if (as === undefined) return undefined;
    const from = this.header!.find((field) => (this.mapping.rename.get(field) ?? field) === as);
    if (from === undefined) return undefined;
    if (row.fields.has(from)) {
      throw new UserError(`fields ${shown(from)} and ${shown(name)} are both read as ${shown(as)}`, { file: this.file, line: row.line, column: 1 }, `one field for ${shown(as)} in a ${this.place}`, `both, ${shown(row.fields.get(from)!)} and ${shown(row.fields.get(name)!)}`);
    }
    return this.at.get(from);
  }

  /** At the end of the file: a field the user's mapping reads quantity, event_id, account or skip_rows from, on no line, is refused at its key as a header without it is. */
  finish(): void {
    if (this.moreAt !== undefined) this.notes?.morePages({ file: this.file, line: this.moreAt, column: 1 }, this.mapping.morePages!);
    const { missing, first } = this.quantityFields;
    if (missing > 0) this.notes?.unquantified({ file: this.file, line: first, column: 1 }, this.header![this.quantityAt!]!, missing);
    if (this.uncounted.rows > 0 && this.mapping.meter !== undefined) {
      this.notes?.uncounted({ file: this.file, line: this.uncounted.first, column: 1 }, this.mapping.meter, this.mapping.uncounted!, this.uncounted.rows);
    }
    // A field --layout reads that the first object lacked, and a later one has: the layout read the file (red65d H3).
    const late = this.lateFound === undefined ? undefined : layoutReadingOf(this.mapping.layoutReads, [...this.lateFound.found], this.file, this.cardColumns);
    if (late?.read === true) this.notes?.layoutRead(late);
    // A folder's daily file without the field is the run's to judge, once every file is read (folder-columns.ts).
    const lacking = tellFolderColumns(this.mapping, this.file, this.notes, (_, source) => !this.unseen.has(source));
    for (const [name, { place, key, canonical }] of this.unseen) {
      if (canonical !== undefined && lacking.has(canonical as Canonical)) continue;
      const undo = canonical === undefined ? "" : undoHint(canonical, this.file, place);
      throw new UserError(`${key}, ${shown(name)}, is on no ${this.place} of ${this.file}`, place, `a field some ${this.place} of the file has${undo}`, `no ${this.place} with ${shown(name)}`);
    }
  }
}

/** The header's column of the quantity: the mapping's, else the first of a layout's alternatives there, else `quantity`. */
export function quantityColumn(header: readonly string[], mapping: ColumnMapping): number | undefined {
  const named = mapping.columns.quantity;
  const names = named !== undefined ? [named] : [...(mapping.alternatives?.quantity ?? []), "quantity"];
  for (const name of names) {
    const at = header.indexOf(name);
    if (at >= 0) return at;
  }
  return undefined;
}

/**
 * The fields the mapping (or the layout) names that the first row lacks, each with the place of the
 * user's key that makes its absence from the whole file a mistake: a row without one has an empty
 * cell there, as a short CSV row has, so that an event type whose payload has other fields
 * (CloudEvents, Lago) is read wherever its fields first appear. The timestamp and the meter are left
 * out (a row without them is refused anyway, and a header without them is refused at the mapping's
 * key), and so are a layout's alternatives, read by which the header has. A name another field of
 * the first row is read as (renamed or its own) is not added: the two would be one column twice.
 */
function lateFields(mapping: ColumnMapping, first: ReadonlyMap<string, string>, cardColumns: ReadonlySet<string>): Map<string, { place: Place | undefined; key: string; canonical?: string }> {
  const late = new Map<string, { place: Place | undefined; key: string; canonical?: string }>();
  const taken = new Set<string>();
  for (const name of first.keys()) if (!mapping.ignore.has(name)) taken.add(mapping.rename.get(name) ?? name);
  const add = (name: string, target: string, place: Place | undefined, key = "", canonical?: string) => {
    if (first.has(name) || mapping.ignore.has(name) || late.has(name) || taken.has(target)) return;
    taken.add(target);
    late.set(name, { place, key, ...(canonical === undefined ? {} : { canonical }) });
  };
  for (const c of LATE_CANONICAL) {
    const source = mapping.columns[c];
    // A near miss of it in the first row (`cnt` for `count`) is the likelier mistake, which the header check names.
    if (source !== undefined) {
      if (nearMissAmong(source, first.keys()) === undefined) add(source, `\0${c}`, mapping.places?.columns[c], `the mapping's column for ${c}`, c);
    }
    // Under its own name, unless the first row has a near miss of it (`Event_ID`), which the header check names. A
    // first row's unread `request_id` or `org` keeps it too: a later row may bring the column, and without it that
    // row was refused first, its fix to ignore the column (red50b #1: a retry then billed twice).
    else if (mapping.alternatives?.[c] === undefined && ![...first.keys()].some((name) => nearMissOf(name) === c)) add(c, `\0${c}`, undefined);
  }
  for (const [name, target] of mapping.rename) add(name, target, undefined);
  for (const name of mapping.skipRows?.keys() ?? []) add(name, name, mapping.places?.skipRows?.get(name), "skip_rows: column");
  for (const [name, place] of mapping.places?.countsInside ?? []) add(name, mapping.rename.get(name) ?? name, place, "counts_inside: column");
  for (const name of mapping.optional ?? []) add(name, mapping.rename.get(name) ?? name, undefined);
  // A column the card reads under its own name (an end user's `user`, on a log whose first lines are other meters'), unless the mapping sets it
  // as a constant or the first row has a near miss of it, which the header check names.
  for (const name of cardColumns) if (!mapping.constants?.has(name) && nearMissAmong(name, first.keys()) === undefined) add(name, name, undefined);
  return late;
}

/**
 * Each sum's field, where the row has one of its parts: the parts' total, exact; an empty part adds
 * nothing. A part that is not a number is the sum's text, so that the row is refused where the sum is
 * read, naming what the report wrote.
 */
function addSums(fields: Map<string, string>, sums: ReadonlyMap<string, readonly string[]>): void {
  for (const [name, parts] of sums) {
    let total: Decimal | undefined;
    let bad: string | undefined;
    for (const part of parts) {
      const cell = fields.get(part);
      if (cell === undefined || cell === "") continue;
      if (!PLAIN_NUMBER.test(cell)) bad ??= cell;
      else total = (total ?? ZERO_SUM).plus(cell);
    }
    if (bad !== undefined) fields.set(name, bad);
    else if (total !== undefined) fields.set(name, total.toFixed());
  }
}

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const ZERO_SUM = new Decimal(0);

/** The canonical columns a row may go without (one unit, no id, the default account). */
const LATE_CANONICAL = ["quantity", "event_id", "account"] as const;

function hasPath(value: Record<string, unknown>, path: string[]): boolean {
  let node: unknown = value;
  for (const key of path) {
    if (node === null || typeof node !== "object") return false;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== undefined;
}
