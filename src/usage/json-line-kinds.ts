import { LineTemplate } from "./json-line-template.js";
import type { FieldPlaces, ObjectRows } from "./objects.js";

/**
 * A template of lines alike and how its values make a record: the field of each column (-1: none, or an ignored
 * field, an empty cell), the field of the quantity (-1: none or ignored), and the scope's field of each column read
 * within one (-1: none; ColumnMapping.scopes).
 */
export interface KnownLines {
  template: LineTemplate;
  places: FieldPlaces;
  keyOf: Int32Array;
  quantity: number;
  scopeOf: Int32Array;
}

/**
 * The kinds of line a JSON Lines file writes, each read by its template (json-line-template.ts), for both readers of
 * the file: the plain reader's records (json-lines.ts) and the row scanner's CSV lines (record-lines.ts). A template
 * is learned from a line the parse read and ObjectRows took, which places its fields (ObjectRows.placing); a line a
 * template reads is counted there as that line would be (ObjectRows.countPlaced), and its record is the caller's to
 * make from the values' places.
 */
export class LineKinds {
  /** The templates of the lines last parsed, the newest first. */
  private readonly known: KnownLines[] = [];
  /** Lines to parse before a template is learned again, and the gap after the next that is not kept or pushes one out. */
  private untilLearning = 0;
  private learningGap = 1;

  constructor(
    private readonly rows: ObjectRows,
    private readonly ignore: ReadonlySet<string>,
    /** How many kinds of line templates read at once (an event log's types, each with its own fields): 0 parses every line. */
    private readonly kinds = KINDS,
  ) {}

  /** The kind of line `line` (bytes `from` to `to`, UTF-8, its newline left out), counted: undefined where the line is the parse's to read. */
  reads(bytes: Buffer, from: number, to: number, line: number): KnownLines | undefined {
    for (const known of this.known) {
      if (!known.template.read(bytes, from, to)) continue;
      const { starts, ends } = known.template;
      const only = known.keyOf[0]!;
      // A record of one empty cell is a blank line to a CSV reader: the parse gives such a file to the plain reader.
      if (known.keyOf.length === 1 && (only < 0 || starts[only] === ends[only])) return undefined;
      if (!scopesWritten(known, bytes)) return undefined;
      const noQuantity = known.quantity < 0 || starts[known.quantity] === ends[known.quantity];
      // A line of no quantity may be one skip_rows: leaves out, which is not told as one event: the parse reads it (ObjectRows.counted).
      if (noQuantity && this.rows.skipsAny) return undefined;
      this.rows.countPlaced(known.places, line, noQuantity);
      return known;
    }
    return undefined;
  }

  /** A line the parse read as `value` (not blank) and ObjectRows took: its template learned, now and then. */
  parsed(bytes: Buffer, from: number, to: number, value: unknown, line: number): void {
    if (this.kinds === 0 || --this.untilLearning > 0) return;
    const placing = this.rows.placing(value, line);
    const template = placing === undefined ? undefined : LineTemplate.learn(bytes, from, to, placing.fields, this.ignore);
    // Lines that no template reads, or of more kinds than are kept, are learned from less and less often.
    if (template === undefined || this.known.length === this.kinds) {
      this.untilLearning = this.learningGap;
      this.learningGap = Math.min(this.learningGap * 2, MAX_LEARNING_GAP);
    } else this.learningGap = 1;
    if (template === undefined) return;
    const { places } = placing!;
    const ignored = (key: number) => this.ignore.has(template.names[key]!);
    const keyOf = new Int32Array(places.width).fill(-1);
    places.columns.forEach((column, key) => {
      if (column >= 0 && !ignored(key)) keyOf[column] = key;
    });
    const scopeOf = new Int32Array(places.width).fill(-1);
    for (const { field, scope } of places.scoped) if (places.columns[field]! >= 0) scopeOf[places.columns[field]!] = scope;
    const quantity = places.quantity >= 0 && !ignored(places.quantity) ? places.quantity : -1;
    this.known.unshift({ template, places, keyOf, quantity, scopeOf });
    this.known.length = Math.min(this.known.length, this.kinds);
  }
}

/**
 * A logger that writes a map's keys in no fixed order writes a line of the same fields in many orders (newcomer50 F4:
 * ten keys rotating line by line). Four kinds parsed nearly every such line, 255 MB and 8.1 CPU s for 1.5M lines,
 * against 218 MB and 6.7 s at sixteen; a line no kind reads costs a failed match a kind, a few bytes compared.
 */
const KINDS = 16;
const MAX_LEARNING_GAP = 1024;

/**
 * Whether column `column`'s value is written within its scope, as addScopes writes it (id-scopes.ts): the scope a
 * string, and neither it nor the value empty. The scope's text, a space and the value are then the cell.
 */
export function scoped(known: KnownLines, line: Buffer, column: number): boolean {
  const scope = known.scopeOf[column]!;
  if (scope < 0) return false;
  const { starts, ends } = known.template;
  const key = known.keyOf[column]!;
  return ends[key]! > starts[key]! && ends[scope]! > starts[scope]! && known.template.isString(line, scope);
}

/**
 * Whether a line's values within a scope are written as addScopes writes them: a scope that is a number is written
 * as JavaScript writes it, which the line's text need not be, so such a line is parsed.
 */
function scopesWritten(known: KnownLines, line: Buffer): boolean {
  const { starts, ends } = known.template;
  for (const { field, scope } of known.places.scoped) {
    // An ignored scope written with an escape is read decoded: its bytes are not its text.
    if (known.template.opaque[scope] === 1 && line[starts[scope]!] === 0x22 && ends[field] !== starts[field]) return false;
    if (ends[field] === starts[field] || ends[scope] === starts[scope]) continue;
    // A scope with a space is refused by the parse (addScopes): its pair would read as another's.
    if (known.template.isString(line, scope)) {
      if (line.subarray(starts[scope]!, ends[scope]!).includes(0x20)) return false;
      continue;
    }
    // true and false are no scope; a number is.
    const first = line[starts[scope]!];
    if (first !== 0x74 && first !== 0x66) return false;
  }
  return true;
}

/** A line in a chunk, as text (`start` to `end`) and as the bytes it was decoded from (`from` to `to`). */
export interface LineText {
  text: string;
  start: number;
  end: number;
  bytes: Buffer;
  from: number;
  to: number;
}

/**
 * The record of a line its template read, as the object readers make it of the line's fields (ObjectRows). Each cell
 * is a string of its own, made from the line's bytes: a slice of the chunk's text would hold the whole chunk for as
 * long as a row keeps the cell (a late row held for the reorder, an id remembered), 60 MB more at a month of a
 * newcomer's gateway export (stop 43).
 */
export function recordOf(known: KnownLines, line: LineText): string[] {
  const { keyOf, scopeOf } = known;
  const { starts, ends } = known.template;
  const { bytes, from } = line;
  // A line of as many characters as bytes is ASCII: its cells are read as Latin-1, the same text, decoded faster.
  const encoding = line.end - line.start === line.to - from ? "latin1" : "utf8";
  const cell = (key: number) => (known.template.arrays[key] === 1 ? known.template.text(bytes, key) : bytes.toString(encoding, starts[key], ends[key]));
  const record = new Array<string>(keyOf.length);
  for (let column = 0; column < keyOf.length; column++) {
    const key = keyOf[column]!;
    if (key < 0) record[column] = "";
    else record[column] = scoped(known, bytes, column) ? `${cell(scopeOf[column]!)} ${cell(key)}` : cell(key);
  }
  return record;
}
