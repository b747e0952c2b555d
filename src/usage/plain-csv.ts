/**
 * A reader for plain CSV: no quotes, one line ending throughout, every record as
 * wide as the header, valid UTF-8. Most usage logs are exactly that, and splitting
 * them by hand is several times faster than a full CSV parser. Anything else
 * (a quote, a stray carriage return, a ragged row, a very long line, bytes that
 * are not UTF-8) throws `NeedsFullParser`, and the caller reads the file with
 * csv-parse instead, so both paths give the same records and the same errors.
 */
export class NeedsFullParser extends Error {
  constructor(readonly reason: string) {
    super(`plain CSV reader gave up: ${reason}`);
    this.name = "NeedsFullParser";
  }
}

export interface PlainRecord {
  record: string[];
  /** The file's line number, as csv-parse's `info.lines` gives it. */
  line: number;
}

export async function* plainRecords(source: AsyncIterable<Buffer>, maxLine: number): AsyncGenerator<PlainRecord[]> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const state: SplitState = { rest: "", line: 0, width: -1, crlf: undefined, started: false };
  for await (const chunk of source) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw new NeedsFullParser("not UTF-8");
    }
    const batch = split(state, text, maxLine, false);
    if (batch.length > 0) yield batch;
  }
  let tail: string;
  try {
    tail = decoder.decode();
  } catch {
    throw new NeedsFullParser("not UTF-8");
  }
  const batch = split(state, tail, maxLine, true);
  if (batch.length > 0) yield batch;
}

interface SplitState {
  rest: string;
  line: number;
  width: number;
  /** Whether lines end in CR LF, as the first line does; undefined before it. */
  crlf: boolean | undefined;
  started: boolean;
}

function split(state: SplitState, chunk: string, maxLine: number, last: boolean): PlainRecord[] {
  let text = chunk;
  if (!state.started && text.length > 0) {
    state.started = true;
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  }
  if (text.includes('"')) throw new NeedsFullParser("a quoted field");
  text = state.rest + text;
  const out: PlainRecord[] = [];
  let start = 0;
  for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
    take(state, text, start, nl, maxLine, out);
    start = nl + 1;
  }
  state.rest = text.slice(start);
  if (state.rest.length > maxLine) throw new NeedsFullParser("a very long line");
  if (last && state.rest.length > 0) {
    if (state.rest.endsWith("\r")) throw new NeedsFullParser("a carriage return at the end");
    take(state, state.rest, 0, state.rest.length, maxLine, out, true);
    state.rest = "";
  }
  return out;
}

function take(state: SplitState, text: string, start: number, nl: number, maxLine: number, out: PlainRecord[], unterminated = false): void {
  state.line++;
  let end = nl;
  if (!unterminated) {
    const cr = end > start && text.charCodeAt(end - 1) === 13;
    if (cr) end--;
    state.crlf ??= cr;
    if (cr !== state.crlf) throw new NeedsFullParser("mixed line endings");
  }
  if (end === start) return;
  if (end - start > maxLine) throw new NeedsFullParser("a very long line");
  const body = text.slice(start, end);
  if (body.includes("\r")) throw new NeedsFullParser("a carriage return inside a line");
  const record = body.split(",");
  if (state.width < 0) state.width = record.length;
  else if (record.length !== state.width) throw new NeedsFullParser("a row of another width");
  out.push({ record, line: state.line });
}
