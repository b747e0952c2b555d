import { notUtf8, truncatedAtEnd } from "./utf8.js";
import { UserError } from "../errors.js";
import { Decimal } from "../money.js";
import { ObjectRows, type ObjectSource } from "./objects.js";
import { LineKinds, recordOf, type LineText } from "./json-line-kinds.js";
import type { PlainRecord } from "./plain-csv.js";
import { checkRepeatedKeys } from "./fix19a-json-keys.js";

/**
 * JSON.parse reads a number as a double, which keeps 15 to 17 significant digits: a 64-bit request
 * id (1795132800000000001) would come out as another number, and ids a unit apart as one id, so
 * distinct requests were dropped as repeats. A line with a run of 16 digits or more has each
 * number a double would not keep exactly quoted before it is parsed: its cell is the number as
 * written, as a plain decimal. Strings are matched first, so digits inside one are left alone.
 */
const LONG_DIGITS = /\d[\d.]{15}/;
const STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

function exactNumbers(line: string): string {
  return line.replace(STRING_OR_NUMBER, (token) => {
    if (token.startsWith('"')) return token;
    const exact = new Decimal(token);
    // Quoted as a plain decimal (12345678901234567e0 as 12345678901234567): a cell's quantity is read as one.
    return exact.equals(new Decimal(String(Number(token)))) ? token : `"${exact.toFixed()}"`;
  });
}

/**
 * The first value of a line that is a number written with a leading zero (`007`, `-01.5`), outside
 * strings: what JSON.parse calls "Unexpected number". Only a whole value counts (after `:`, `,` or `[`,
 * before `,`, `}` or `]`): an unquoted date (`2026-11-03`) is another mistake.
 */
function leadingZero(line: string): { text: string; at: number } | undefined {
  for (const match of line.matchAll(/"(?:[^"\\]|\\.)*"|([:,[]\s*)(-?0\d[\d.]*(?:[eE][+-]?\d+)?)(?=\s*[,}\]])/g)) {
    if (match[2] !== undefined) return { text: match[2], at: match.index + match[1]!.length };
  }
  return undefined;
}

/**
 * JSON Lines as records, a chunk of bytes at a time: one object per line, blank lines skipped. Both
 * readers take a file's records from here, the plain reader (jsonLineRecords) and the row scanner's
 * (record-lines.ts), so that a line is read one way.
 */
export class JsonLines {
  /** The lines' objects as records. */
  readonly rows: ObjectRows;
  /** The kinds of line read by their templates, for this reader and the scanner's (record-lines.ts). */
  readonly kinds: LineKinds;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  /** A line the last chunk began, as text and as bytes. */
  private rest = "";
  private restBytes = Buffer.alloc(0);
  private line = 0;

  constructor(
    private readonly source: ObjectSource & { cardColumns?: ReadonlySet<string> },
    private readonly maxLine: number,
    /** How many kinds of line templates read at once (LineKinds): 0 parses every line. */
    kinds?: number,
  ) {
    this.rows = new ObjectRows(source.file, source.mapping, "line", source.cardColumns, source.notes ?? source.mapping.skipped);
    this.kinds = new LineKinds(this.rows, source.mapping.ignore, kinds);
  }

  /** The records of the lines a chunk ends; the header comes first, with the first object's. */
  push(chunk: Buffer): PlainRecord[] {
    const { file } = this.source;
    let textChunk: string;
    try {
      textChunk = this.decoder.decode(chunk, { stream: true });
    } catch {
      // At the bad byte, as a CSV's guard says it (red57b F1: the first line of the chunk, column 1, "other bytes").
      throw notUtf8(file, Buffer.concat([this.restBytes, chunk]), { line: this.line + 1, column: 1 });
    }
    const out: PlainRecord[] = [];
    const text = this.rest + textChunk;
    // The same lines as bytes, for their templates: a newline is never part of another character's bytes.
    const bytes = this.restBytes.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length) : Buffer.concat([this.restBytes, chunk]);
    let start = 0;
    let from = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      // A whole line as long is refused as a line left open is, wherever the chunks end (red team, stop 41: a line of
      // 1.4 MB, all but a few bytes an ignored field, was read from 1 MiB chunks and refused from 16 KiB ones).
      // Its line ending's CR is no part of it (red team, stop 41: a line of the most a line may be, ended by CR LF, was refused).
      if (nl - start - (nl > start && text.charCodeAt(nl - 1) === 13 ? 1 : 0) > this.maxLine) throw this.tooLong();
      const to = bytes.indexOf(NEWLINE, from);
      this.take({ text, start, end: nl, bytes, from, to }, out);
      start = nl + 1;
      from = to + 1;
    }
    this.rest = text.slice(start);
    this.restBytes = Buffer.from(bytes.subarray(from));
    if (this.rest.length > this.maxLine) throw this.tooLong();
    return out;
  }

  /**
   * The next line, longer than a line may be: most often a gateway's log that keeps each call's prompt and response,
   * which no meter reads and which ignore_columns cannot shed, the line being measured whole (newcomer71 L10).
   */
  private tooLong(): UserError {
    return new UserError("line too long", { file: this.source.file, line: this.line + 1, column: 1 }, `a JSON object of at most ${this.maxLine} bytes; a log that keeps each call's prompt and response writes longer lines: export the usage without them (the gateway's usage or spend export, or jq -c 'del(.messages, .response)' over the log)`, "a longer line");
  }

  /** The records of a last line without a newline, after the last chunk. */
  last(): PlainRecord[] {
    // A file that ends within a character's bytes is no more UTF-8 than one with a stray byte (red team, stop 43: its last bytes went unread).
    try {
      this.decoder.decode();
    } catch {
      throw truncatedAtEnd(this.source.file, this.restBytes, { line: this.line + 1, column: 1 });
    }
    const out: PlainRecord[] = [];
    if (this.rest.length > 0) this.take({ text: this.rest, start: 0, end: this.rest.length, bytes: this.restBytes, from: 0, to: this.restBytes.length }, out);
    this.rest = "";
    this.restBytes = Buffer.alloc(0);
    return out;
  }

  /** After the last records: ObjectRows.finish. */
  finish(): void {
    this.rows.finish();
  }

  private take(line: LineText, out: PlainRecord[]): void {
    const at = ++this.line;
    const known = at > 1 ? this.kinds.reads(line.bytes, line.from, line.to, at) : undefined;
    if (known !== undefined) {
      out.push({ record: recordOf(known, line), line: at });
      return;
    }
    const value = this.parsed(line.text.slice(line.start, line.end), at, out);
    if (value !== BLANK) this.kinds.parsed(line.bytes, line.from, line.to, value, at);
  }

  /** One line's records (none for a blank line), its value parsed: for a reader that splits lines itself (record-lines.ts). */
  parsed(body: string, line: number, out: PlainRecord[]): unknown {
    const value = parseJsonLine(body, { file: this.source.file, line });
    if (value !== BLANK) this.rows.push(value, line, out);
    return value;
  }
}

const NEWLINE = 0x0a;

/** What parseJsonLine gives for a blank line, which the readers skip. */
export const BLANK = Symbol("blank line");

/**
 * One line's value, as every reader of JSON Lines parses it (the records' readers, and the event ids' first pass
 * where a line's id is not plainly written: streamed-ids.ts), or BLANK; a line that is not JSON is refused.
 */
export function parseJsonLine(body: string, { file, line }: { file: string; line: number }): unknown {
  const trimmed = (line === 1 ? body.replace(/^\uFEFF/, "") : body).trim();
  if (trimmed === "") return BLANK;
  let value: unknown;
  try {
    value = JSON.parse(LONG_DIGITS.test(trimmed) ? exactNumbers(trimmed) : trimmed);
  } catch {
    // The message and its position as the line is written, not as exactNumbers rewrote it.
    let problem = "";
    try {
      JSON.parse(trimmed);
    } catch (e) {
      problem = (e as Error).message;
    }
    const zero = leadingZero(trimmed);
    if (zero !== undefined) {
      const digits = zero.text.replace(/^(-?)0+(?=\d)/, "$1");
      throw new UserError(`a JSON number with a leading zero, ${zero.text}, which JSON does not allow`, { file, line, column: body.indexOf(trimmed) + zero.at + 1 }, `${digits} as a number, or "${zero.text}" as a string where the zeros are part of an id`, zero.text);
    }
    // A pretty-printed object spans lines, each of them no JSON on its own; an object cut short is most often a file's
    // last line, where a copy or an export job stopped (newcomer64b L1: told to reformat a pretty-printed file).
    const hint = cutShort(trimmed, problem)
      ? "one JSON object per line: this one ends before its object does, as a file cut short ends where a copy or an export stopped (an object written over several lines ends so too: jq -c . writes one a line)"
      : "one JSON object per line (a pretty-printed file spans lines: jq -c . writes one a line)";
    throw new UserError("not valid JSON", { file, line, column: 1 }, hint, problem);
  }
  checkRepeatedKeys(trimmed, value, (offset) => ({ file, line, column: body.indexOf(trimmed) + offset + 1 }));
  return value;
}


/** An object's opening and at least one of its keys and values, that JSON.parse read to the end of without closing it, in the middle of a value. */
function cutShort(text: string, problem: string): boolean {
  // A line that ends at a comma, a colon or an opening goes on on the next line: a pretty-printed or wrapped file.
  if (!text.startsWith("{") || !/"\s*:/.test(text) || /[,:{[]$/.test(text)) return false;
  return /end of JSON input|Unterminated string/.test(problem) || problem.endsWith(`position ${text.length}`) || problem.includes(`position ${text.length} `);
}

/** JSON Lines' records in batches, a batch a chunk. */
export async function* jsonLineRecords(chunks: AsyncIterable<Buffer>, source: ObjectSource & { cardColumns?: ReadonlySet<string> }, maxLine: number): AsyncGenerator<PlainRecord[]> {
  const lines = new JsonLines(source, maxLine);
  for await (const chunk of chunks) {
    const out = lines.push(chunk);
    if (out.length > 0) yield out;
  }
  const out = lines.last();
  if (out.length > 0) yield out;
  lines.finish();
}
