import { absentColumn, NO_SUCH_COLUMN } from "./absent-column.js";
import { createReadStream, statSync } from "node:fs";
import { pipeline, Readable } from "node:stream";
import { csvParseError } from "../csv-errors.js";
import { UserError, shown, type Location } from "../errors.js";
import { checkReadable, nodeKind, unreadable } from "../inputs.js";
import { ONE, parsePlainDecimal, type Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import type { UsageEvent } from "../engine/types.js";
import type { IdScreen } from "../engine/event-ids.js";
import { parseInstant, Zone } from "../time.js";
import { mergeByTime } from "./merge.js";
import { plainRecords, type FreeColumnsOf, type PlainRecord } from "./plain-csv.js";
import { openContent, utf16Error, type Content } from "./content.js";
import { parquetRecords } from "./parquet-read.js";
import { jsonLineRecords } from "./json-lines.js";
import { fallBack, lessComponents, rowFallbacks, type Fallback } from "./layout19-parts.js";
import { unknownMappedMeter, unknownMeter, type ColumnMapping } from "./mapping.js";
import { sinceEpoch } from "./epoch-stamps.js";
import { unreadConstant } from "./unread-columns.js";
import { columnsNothingReads, fixName, neededDimensions, quantityOf, readHeader, skipRowsFold, type Layout, type ReadColumns } from "./layout.js";
import { cardValue, valueKeyMiss, valueKeyWrittenOtherwise } from "./mapping-names.js";
import { utf8Guard } from "./utf8.js";
import { blankAccount, emptyAccountCell, spacedAccountCell, strayAccount, type OtherAccounts } from "./account-column.js";
import { cardComponents, meterComponents, readColumnsFor } from "./card-columns.js";
import { QuantityTally } from "./quantity-gaps.js";

export interface UsageOptions {
  /** Try the plain-CSV reader first; it throws `NeedsFullParser` when the file needs csv-parse. */
  plain?: boolean;
  card: RateCard;
  zone: Zone;
  /** Who pays for rows without an account column. */
  defaultAccount: string;
  /** The account file's other accounts, if any: a header without an account column is refused (account-column.ts). */
  otherAccounts?: OtherAccounts;
  mappingFor(file: string): ColumnMapping;
  /** A copy of standard input on disk, read wherever the file `-` is named: it may be read twice. */
  stdinCopy?: string;
  /** Other cards the same usage is replayed through (diff's base): a column any of them reads is read. */
  alsoReadBy?: readonly RateCard[];
  /** Where the row scanner runs: on a worker thread for a large file unless told `here`. */
  scanner?: "here";
  /** The event ids' first pass (id-screen.ts): the scanner sends only the ids the replay needs of a log it found in order. */
  idScreen?: IdScreen;
  /**
   * Handed each row a mapping's `skip_rows:` leaves out, read as the event it would have been, with the reason (reconcile:
   * a bill that counts a gateway's failed calls is over by exactly them); a row that reads as no event is not handed over.
   */
  skippedEvent?: (event: UsageEvent, skip: SkipRule) => void;
}

/** Longest CSV record accepted; longer is not a usage row and would only exhaust memory. */
const MAX_RECORD_BYTES = 1 << 20;

/** A JSON Lines file by its name: an empty one has no content to say so. */
const JSON_LINES_NAME = /\.(jsonl|ndjson)(\.gz)?$/i;

/** Open a file for reading, with errors that name it. `-` is standard input, or the copy of it given. */
function openInput(file: string, stdinCopy: string | undefined): Readable {
  if (file === "-") return stdinCopy === undefined ? process.stdin : createReadStream(stdinCopy, { highWaterMark: 1 << 14 });
  try {
    checkReadable(file);
  } catch (e) {
    throw unreadable(file, e);
  }
  return createReadStream(file, { highWaterMark: 1 << 14 });
}


/** Consecutive rows often share a timestamp: the last one parsed is kept. */
let lastStamp: { text: string; zone: Zone; parsed: ReturnType<typeof parseInstant> } | undefined;
function instantOf(text: string, zone: Zone): ReturnType<typeof parseInstant> {
  if (lastStamp?.text !== text || lastStamp.zone !== zone) lastStamp = { text, zone, parsed: parseInstant(text, zone) };
  return lastStamp.parsed;
}



/** Stream usage events from usage files in batches, merged by time (each file in time order; ties go to the earlier file). */
export function readUsage(files: readonly string[], options: UsageOptions): AsyncGenerator<readonly UsageEvent[]> {
  const run = emptyFiles(files);
  return mergeByTime(files.map((file) => readUsageFile(file, options, run)));
}

/**
 * A run's empty usage files (no bytes, or a gzip of none). Among several, an empty one is a day
 * with no usage, as a file of a header alone is: a daily export of a quiet day, and in JSON Lines
 * (no header) the only way to write one. A run whose every file is empty has nothing to read: the
 * first is refused, as one empty file alone is, since a usage argument that reads nothing is more
 * likely a wrong path or a failed export than a month of no usage.
 */
interface EmptyFiles {
  files: readonly string[];
  /** Each empty file read so far, and whether it was a gzip of nothing (which is a few bytes on disk, not 0). */
  empty: Map<string, boolean>;
}

function emptyFiles(files: readonly string[]): EmptyFiles {
  return { files, empty: new Map() };
}

/**
 * Every file's events, one file after another in the order given: what a
 * stable sort by time starts from, so that rows of one instant keep the order
 * of the files and of their lines. The merge by time (readUsage) breaks such
 * ties by its files' next rows, which is the files' order only while each file
 * is in time order; a sort is needed precisely when one is not.
 */
export async function* readUsageInTurn(files: readonly string[], options: UsageOptions): AsyncGenerator<readonly UsageEvent[]> {
  const run = emptyFiles(files);
  for (const file of files) yield* readUsageFile(file, options, run);
}

/** Stream usage events from one usage file (CSV, JSON Lines or Parquet, maybe gzipped) in batches, validating every row against the card. */
export async function* readUsageFile(file: string, options: UsageOptions, run: EmptyFiles = emptyFiles([file])): AsyncGenerator<readonly UsageEvent[]> {
  const { card } = options;
  const mapping = options.mappingFor(file);
  // Timestamps without an offset are in the export's zone where its mapping says (a gateway's UTC), else the account's.
  const zone = mapping.timestampZone === undefined ? options.zone : Zone.of(mapping.timestampZone)!;
  const read = readColumnsFor(card, options.alsoReadBy, options.otherAccounts);
  let layout: RowLayout | undefined;
  // A layout's fixed value (openai-usage's provider) is read where the card reads it and passed over otherwise, as
  // its other fields are: a card without a provider dimension was refused (newcomer, stop 38).
  const unread = unreadConstant(mapping, read);
  if (unread !== undefined) throw unread;
  const constants = [...(mapping.constants ?? [])].filter(([name]) => read.names.has(name));
  const constantNames = constants.map(([name]) => name);
  const constantValues = constants.map(([, value]) => value);
  const input = openInput(file, options.stdinCopy);
  let content: Content | undefined;
  // Loaded for the files the plain readers leave to it: a run whose usage they read does without it.
  let csv: typeof import("csv-parse") | undefined;
  // The last line read: a gzip cut short (a download cut, an export still being written) ends after it.
  let lastLine = 0;
  // The header record's layout, made once: the plain reader asks for it before the rows, to know the columns nothing reads.
  let headerRead = false;
  // Rows after the header, skipped or not: a CSV file of none is named by the header-only files' note.
  let rows = 0;
  const layoutFor = (header: readonly string[]): RowLayout => (layout ??= layoutOf(constantHeader([...header], constantNames, file), file, mapping, read));
  // Each meter's rows of no quantity, told at the file's end where others of the meter give one (quantity-gaps.ts).
  let gaps: QuantityTally | undefined;
  const priced = (event: UsageEvent, row: readonly string[], line: number): UsageEvent => {
    const at = layout!.index.quantity;
    if (at >= 0) (gaps ??= new QuantityTally(file, layout!.header[at] ?? "quantity", mapping.undone?.has("quantity") === true)).row(event.meter, row[at] === "", line);
    return event;
  };
  try {
    content = await openContent(input);
    const records = recordsOf(content, file, options, { mapping, cardColumns: read.names, freeOf: (header) => columnsNoRowReads(layoutFor(header), header.length) });
    if (records) {
      for await (const batch of records) {
        const events: UsageEvent[] = [];
        let failure: unknown;
        try {
          for (const { record, line } of batch) {
            lastLine = line;
            if (!headerRead || layout === undefined) {
              headerRead = true;
              layout = layoutFor(record);
            } else {
              rows++;
              const row = withConstants(record, constantValues);
              const why = skipped(record, line, file, layout, mapping);
              if (why === undefined) events.push(priced(toEvent(row, line, file, layout, card, zone, options.defaultAccount, mapping), row, line));
              else if (options.skippedEvent) handOver(options.skippedEvent, why, (read) => toEvent(row, line, file, read, card, zone, options.defaultAccount, mapping), layout);
            }
          }
        } catch (e) {
          failure = e;
        }
        // The rows before a bad one are replayed first: an engine error among them is the earlier error.
        if (events.length > 0) yield events;
        if (failure !== undefined) throw failure;
      }
    } else {
      // Every line ending ends a row, also mixed within a file (an LF header on CRLF rows, a lone CR):
      // csv-parse otherwise keeps the first one it meets, and leaves the others' CR inside the last cell.
      csv = await import("csv-parse");
      const parser = csv.parse({ bom: true, info: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES, record_delimiter: ["\r\n", "\n", "\r"] });
      // pipeline, unlike pipe, hands an error from any stage to the parser, where the loop below sees it.
      pipeline(Readable.from(content.chunks, { objectMode: false }), utf8Guard(file), parser, () => {});
      let events: UsageEvent[] = [];
      try {
        for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
          lastLine = info.lines;
          if (!layout) layout = layoutOf(constantHeader(record, constantNames, file), file, mapping, read);
          else {
            rows++;
            const row = withConstants(record, constantValues);
            const why = skipped(record, info.lines, file, layout, mapping);
            if (why === undefined) events.push(priced(toEvent(row, info.lines, file, layout, card, zone, options.defaultAccount, mapping), row, info.lines));
            else if (options.skippedEvent) handOver(options.skippedEvent, why, (read) => toEvent(row, info.lines, file, read, card, zone, options.defaultAccount, mapping), layout);
          }
          if (events.length >= 1024) {
            yield events;
            events = [];
          }
        }
      } catch (e) {
        if (events.length > 0) yield events;
        throw e;
      }
      if (events.length > 0) yield events;
    }
  } catch (e) {
    if (csv !== undefined && e instanceof csv.CsvError) throw csvParseError(e, file, MAX_RECORD_BYTES);
    if (isZlibError(e)) throw new UserError("not a complete gzip file", { file, line: lastLine + 1, column: 1 }, "gzip-compressed usage, whole", (e as Error).message);
    throw e;
  } finally {
    if (content) content.close();
    else input.destroy();
  }
  const tally = gaps?.result();
  if (tally !== undefined) mapping.skipped?.quantityGaps(tally);
  if (layout && rows === 0 && content?.format === "csv") mapping.skipped?.headerAlone(file);
  if (layout) return;
  run.empty.set(file, content?.compressed ?? false);
  if (run.empty.size === run.files.length) {
    const first = run.files[0]!;
    // JSON Lines has no header: asked for one, an empty .jsonl read as a CSV's fault (newcomer71 L5).
    const lines = run.files.filter((f) => JSON_LINES_NAME.test(f)).length;
    const row = lines === 0 ? "a header row" : lines === run.files.length ? "a JSON object on a line" : "a header row (CSV) or a JSON object on a line (JSON Lines)";
    throw new UserError("empty file", { file: first, line: 1, column: 1 }, run.files.length === 1 ? row : `${row} in at least one of the usage files (every one is empty)`, run.empty.get(first) ? "a gzip of nothing" : "nothing");
  }
}

/** The records of a file that is not left to csv-parse: JSON Lines, Parquet, or CSV for the plain reader. */
function recordsOf(content: Content, file: string, options: UsageOptions, { mapping, cardColumns, freeOf }: { mapping: ColumnMapping; cardColumns: ReadonlySet<string>; freeOf: FreeColumnsOf }): AsyncIterable<PlainRecord[]> | undefined {
  if (content.format === "gzip") {
    // Read as CSV, its bytes were "not UTF-8" at line 1, column 2: the 0x8b of gzip's magic.
    throw new UserError("gzip inside gzip: the file was compressed more than once", { file, line: 1, column: 1 }, "usage compressed once (gunzip the file once and read what it gives)", "gzip data again after gunzip");
  }
  if (content.format === "utf16") throw utf16Error(file);
  if (content.format === "json-array") {
    throw new UserError("a JSON array, not JSON Lines", { file, line: 1, column: 1 }, "one JSON object per line (JSON Lines), as jq -c '.[]' writes the array's objects", "a JSON array");
  }
  if (content.format === "jsonl") return jsonLineRecords(content.chunks, { file, mapping, cardColumns }, MAX_RECORD_BYTES);
  if (content.format === "parquet") {
    const path = file === "-" ? options.stdinCopy : file;
    if (path === undefined || content.compressed) throw new UserError("Parquet that cannot be read by row group", { file, line: 1, column: 1 }, "an uncompressed Parquet file on disk (Parquet compresses its own pages)", content.compressed ? "gzip around Parquet" : "standard input");
    // Parquet is read from its footer back, which a FIFO or `<(...)` cannot give; standard input is copied to a file first.
    const stats = statSync(path);
    if (!stats.isFile()) throw new UserError("Parquet from a pipe, which cannot be read from its end", { file, line: 1, column: 1 }, "a Parquet file on disk, or the pipe as standard input (--usage -), which is copied first", nodeKind(stats));
    return parquetRecords(path, { file, mapping });
  }
  if (options.plain && (file !== "-" || options.stdinCopy !== undefined)) return plainRecords(content.chunks, MAX_RECORD_BYTES, freeOf);
  return undefined;
}

/**
 * Why a row is not usage by the mapping's `skip_rows:` (a gateway's failed call), if it is not: told to the
 * run's count, and never an event, so that it is neither charged, nor counted toward a quota, nor its
 * id seen by the event_id rule (a retry under the same id is the call that happened).
 */
function skipped(record: readonly string[], line: number, file: string, layout: Layout, mapping: ColumnMapping): SkipRule | undefined {
  if (layout.skip === undefined) return undefined;
  for (const { index, column, values } of layout.skip) {
    const cell = record[index]!;
    if (!values.has(cell)) continue;
    const at = { file, line, column: index + 1 };
    mapping.skipped?.row(at, column, cell);
    return { column, value: cell, at };
  }
  // A row no column skips, whose cell is a value but for case or spaces: charged, and told (red team, stop 40: a row
  // another column skipped was told as charged).
  for (const { index, column, folded } of layout.skip) {
    const cell = record[index]!;
    const meant = cell === "" ? undefined : folded.get(skipRowsFold(cell));
    if (meant !== undefined) mapping.skipped?.nearMiss({ at: { file, line, column: index + 1 }, column, cell, meant, place: mapping.places?.skipRows?.get(column) });
  }
  return undefined;
}

/** The `skip_rows:` column and value that left a row out, and the cell. */
export interface SkipRule {
  column: string;
  value: string;
  at: Location;
}

/** A skipped row as the event it would have been, where it reads as one: a failed call without its tokens is no event to price. */
function handOver(to: (event: UsageEvent, skip: SkipRule) => void, why: SkipRule, read: (layout: RowLayout) => UsageEvent, layout: RowLayout): void {
  let event: UsageEvent;
  try {
    event = read(layout);
  } catch (e) {
    if (e instanceof UserError) return;
    throw e;
  }
  to(event, why);
}

/** A layout's dimensions of one value for every row (the provider of a provider's own report), as columns after the file's own. */
function withConstants(record: string[], constants: readonly string[]): string[] {
  return constants.length === 0 ? record : [...record, ...constants];
}

/**
 * A header with the mapping's constant columns after its own. A column the file writes and the mapping gives one value
 * for too is refused at the file's column: which of them is meant is not said (it was a "duplicate column" past the
 * header's last).
 */
export function constantHeader(header: string[], constants: readonly string[], file: string): string[] {
  for (const name of constants) {
    const column = header.indexOf(name);
    if (column >= 0) throw new UserError(`column ${shown(name)} is given by the usage mapping's constants: too`, { file, line: 1, column: column + 1 }, `the column, or constants: { ${name}: ... } in the mapping for an export without it, not both`, shown(name));
  }
  return withConstants(header, constants);
}

function isZlibError(e: unknown): boolean {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && (e as NodeJS.ErrnoException).code!.startsWith("Z_");
}

/** The digits parsePlainDecimal reads at most (money.ts): more is no plausible count, and only slows the replay. */
const MAX_QUANTITY_DIGITS = 40;

/** A cell written as a plain decimal that is refused only for its length: said so, not "not a number". */
function tooLong(cell: string): boolean {
  const text = cell.trim();
  return /^-?(?:\d+(?:\.\d*)?|\.\d+)$/.test(text) && text.replace(/[-.]/g, "").length > MAX_QUANTITY_DIGITS;
}

/** A header's layout, with the dimensions read from another column where a row's own cell is empty (rowFallbacks). */
type RowLayout = Layout & { fallbacks?: readonly Fallback[]; otherAccounts?: OtherAccounts };

/**
 * How rows without a count that are not usage are left out. Where the count is read from another column when its own
 * is empty (OpenRouter's `tokens_prompt` beside `native_tokens_prompt`), a skip on the empty column would also leave
 * out the rows the other column counts, and `skip_rows:` skips on any one column it names (newcomer62b M4: 4 priced
 * requests lost by following the advice).
 */
function emptyCountSkip(layout: RowLayout, index: number, name: string): string {
  const column = fixName(layout.header[index] ?? name, "COLUMN").yaml;
  const others = layout.fallbacks?.find((f) => f.name === name)?.from.map((f) => fixName(f.source, "COLUMN").yaml);
  if (others === undefined || others.length === 0) return `; a row without it that is not usage is left out by skip_rows: { ${column}: [""] } in the usage mapping`;
  return `; a row without it that is not usage is left out by a skip_rows: on a column that marks such rows (a status, a cancelled flag), not on ${column}: its count is read from ${others.join(" or ")} where ${column} is empty, and those rows would be left out too`;
}

/**
 * The columns of a row no reader of it reads (columnsNothingReads), a fallback's source columns aside: their quoted
 * cells, a gateway's JSON, may hold anything, and are given back empty by the plain reader.
 */
function columnsNoRowReads(layout: RowLayout, width: number): Uint8Array {
  const free = columnsNothingReads(layout, width);
  for (const fallback of layout.fallbacks ?? []) for (const { index } of fallback.from) free[index] = 0;
  return free;
}

function layoutOf(header: string[], file: string, mapping: ColumnMapping, read: ReadColumns): RowLayout {
  const layout: RowLayout = { ...readHeader(header, file, mapping, read), ...(read.otherAccounts === undefined ? {} : { otherAccounts: read.otherAccounts }) };
  const fallbacks = rowFallbacks(layout, mapping);
  return fallbacks === undefined ? layout : { ...layout, fallbacks };
}

function toEvent(record: string[], line: number, file: string, layout: RowLayout, card: RateCard, zone: Zone, defaultAccount: string, mapping: ColumnMapping): UsageEvent {
  const { index } = layout;
  const at = (i: number): Location => ({ file, line, column: i + 1 });
  const stamp = record[index.timestamp]!;
  const parsed = mapping.timestampUnit === undefined ? instantOf(stamp, zone) : sinceEpoch(stamp, mapping.timestampUnit);
  // A column that cannot hold an offset (a Parquet timestamp, a gateway's UTC wall clock) is read in a zone the mapping names (newcomer, stop 41).
  const zoned = parsed.ok || parsed.clocks !== true || mapping.timestampZone !== undefined ? "" : `; or, if the export writes UTC, timestamp_zone: UTC in the usage mapping`;
  if (!parsed.ok) throw new UserError(parsed.problem, at(index.timestamp), `${parsed.expected}${zoned}`, shown(stamp));

  const rawMeter = index.meter >= 0 ? record[index.meter]! : mapping.meter!;
  const meterName = mapping.meterValues.get(rawMeter) ?? rawMeter;
  const meterEvent = card.events.get(meterName);
  if (!meterEvent) {
    const meters = [...new Set((card.versions ?? [card]).flatMap((v) => [...v.events.keys()]))];
    const named = `${card.provider} ${(card.versions ?? [card]).map((v) => v.version).join(", ")}`;
    throw (index.meter < 0 ? unknownMappedMeter(mapping, meters, named, at(0)) : undefined) ?? unknownMeter(mapping, rawMeter, meters, named, at(Math.max(index.meter, 0)));
  }

  let quantity = ONE;
  // An empty cell is the column's default, as if the column were absent: one event.
  if (index.quantity >= 0 && record[index.quantity] !== "") {
    const cell = record[index.quantity]!;
    const q = quantityOf(cell);
    if (!q) throw new UserError(tooLong(cell) ? "quantity has more digits than a quantity may have" : "quantity is not a number", at(index.quantity), `a plain decimal such as 12 or 0.5${tooLong(cell) ? ` of at most ${MAX_QUANTITY_DIGITS} digits` : ""}`, shown(cell));
    if (q.isNegative() && !q.isZero()) {
      throw new UserError(`negative quantity on meter ${shown(meterName)}`, at(index.quantity), "a quantity of 0 or more (deletions and refunds have their own meters)", shown(cell));
    }
    quantity = q;
  }

  let dimensions: Record<string, string> = {};
  for (const d of layout.dimensions) {
    const value = record[d.index]!;
    if (value === "") continue;
    // Composed (NFC), as the scanner reads them (FileShapes.text): one value in two Unicode forms is one value.
    const text = NOT_ASCII.test(value) ? value.normalize("NFC") : value;
    const mapped = d.values?.get(text) ?? d.values?.get(value);
    if (mapped === undefined && d.values !== undefined) {
      const key = valueKeyWrittenOtherwise(d.values, text);
      if (key !== undefined) throw valueKeyMiss(mapping, d.name, value, key, at(d.index));
    }
    dimensions[d.name] = mapped ?? text;
  }
  if (layout.fallbacks !== undefined) fallBack(record, dimensions, layout.fallbacks, mapping.skipped?.fallbacks, { file, line });
  const meter = meterEvent.meter;
  let components: Record<string, Decimal> | undefined;
  // Every version's components of the meter (meterComponents): each event is priced by its own version's.
  const parts = meterEvent.role === "charge" && meter.components.length + (card.versions?.length ?? 0) > 0 ? meterComponents(card, meterName) : undefined;
  if (parts !== undefined && parts.names.length > 0) {
    components = {};
    for (const name of parts.names) {
      const column = layout.dimensions.find((d) => d.name === name);
      const cell = dimensions[name];
      if (cell === undefined && !parts.required.has(name)) continue;
      if (cell === undefined) {
        // A gateway leaves a count empty (a call cancelled, a stream cut): priced as 0 it would under-bill in silence, so it
        // is refused, with the way on where the row is not usage (newcomer, stop 36: a month stopped with no way given).
        const skip = column ? emptyCountSkip(layout, column.index, name) : "";
        throw new UserError(`meter ${shown(meterName)} needs a quantity of ${shown(name)}`, at(column?.index ?? 0), `a plain decimal${skip}`, column ? "an empty cell, or a null or missing field" : absentColumn(mapping, name, layout.header));
      }
      const q = parsePlainDecimal(cell.trim());
      // Named as the export names its column, and as the card reads it where a mapping renamed it (newcomer, stop 40).
      const source = layout.header[column!.index];
      // Only a rename the user's mapping wrote: a layout's may read a sum of the export's fields under a path it has not (red team, stop 40).
      const called = source === undefined || source === name || mapping.places?.rename.has(source) !== true ? name : `${shown(source)} (read as ${name})`;
      if (!q || q.isNegative()) throw new UserError(!q && tooLong(cell) ? `${called} has more digits than a quantity may have` : `${called} is not a quantity`, at(column!.index), `a plain decimal of 0 or more${!q && tooLong(cell) ? `, of at most ${MAX_QUANTITY_DIGITS} digits` : ""}`, shown(cell));
      components[name] = q;
    }
    dimensions = without(dimensions, parts.names);
    if (layout.less !== undefined) lessComponents(components, layout.less, card, meterName, file, line);
  }
  // A count of a component another meter prices, on a row of a meter that does not: read by nothing, and told (newcomer61
  // H2: an embedding call's 800,000 prompt tokens, billed by its quantity of 1, in silence). The scanner leaves such rows here.
  for (const name of cardComponents(card)) {
    const cell = dimensions[name];
    if (cell === undefined || parts?.names.includes(name) === true) continue;
    if (parsePlainDecimal(cell.trim())?.isZero() !== true) mapping.skipped?.unpricedComponent({ file, line, column: (layout.columns.get(name) ?? 1) }, meterName, name);
  }
  for (const dim of neededDimensions(meterEvent)) {
    if (dimensions[dim] === undefined) {
      const column = (layout.columns.get(dim) ?? 0) - 1;
      const absent = column < 0 ? absentColumn(mapping, dim, layout.header) : "an empty cell";
      // A column the export does not write at all may be given every row's one value (newcomer51 #5: no way was named);
      // one the mapping reads as another is the mapping's to fix.
      const given = absent === NO_SUCH_COLUMN ? `; or, where every row has one, constants: { ${dim}: VALUE } in the usage mapping` : "";
      throw new UserError(`meter ${shown(meterName)} needs dimension ${shown(dim)}`, at(Math.max(column, 0)), `a value for ${shown(dim)}${given}`, absent);
    }
  }
  // dimension_values: { account: ... } merges an export's spellings of one customer (newcomer53: Globex and globex).
  const cell = index.account >= 0 ? record[index.account]! : undefined;
  // A cell of spaces is no account either (red56b F7), where a row of no account is refused.
  const account = cell !== undefined && cell !== "" ? cardValue(mapping, "account", cell) : defaultAccount;
  // A cell of spaces that dimension_values: names an account is that account's (red58 F8).
  if (cell !== undefined && layout.otherAccounts !== undefined && blankAccount(cell) && (cell === "" || blankAccount(account))) throw emptyAccountCell(at(index.account), layout.header[index.account]!, layout.otherAccounts, cell);
  if (cell !== undefined && strayAccount(account, defaultAccount, layout.otherAccounts)) throw spacedAccountCell(at(index.account), cell, account);
  const eventId = index.event_id >= 0 && record[index.event_id] !== "" ? record[index.event_id] : undefined;
  return { at: parsed.at, account, meter: meterName, quantity, ...(components ? { components } : {}), dimensions, eventId, origin: { file, line, column: 1, columns: layout.columns } };
}

const NOT_ASCII = /[^\x00-\x7f]/;

/**
 * The dimensions but the component columns, as a new object: one the components were deleted from turns into a
 * dictionary of its own, 450 bytes an event where the rest of it took 300, and reconcile's scan holds 50,000 events to
 * sort (docs/performance.md, near47).
 */
function without(dimensions: Record<string, string>, names: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(dimensions)) if (!names.includes(name)) kept[name] = value;
  return kept;
}
