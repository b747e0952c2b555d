import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { Compressors, SchemaTree } from "hyparquet";
import { shown, UserError } from "../errors.js";
import { leafText, namedPaths, NotUtf8, notUtf8Error } from "./object-leaves.js";
import { ObjectRows, quantityColumn, type ObjectSource } from "./objects.js";
import { largeGroups } from "./parquet-groups.js";
import { pageDamage } from "./parquet-pages.js";
import { parquetValues, TEXT_PARSERS, TIME_PARSERS, valueCell, withCells } from "./parquet-values.js";
import type { PlainRecord } from "./plain-csv.js";

/**
 * Parquet, one row group at a time, so that memory holds one group, never the file. A flat file (columns, no
 * groups) is read column by column: a group's columns as hyparquet decodes them, which both readers make their
 * rows of, the plain reader as records (parquetRecords) and the row scanner as CSV bytes (record-lines.ts), each
 * cell by `cell`. A nested file is read as objects, each flattened as a JSON line's is (objects.ts).
 */
export type ParquetRows = FlatParquet | { flat: false; records: AsyncGenerator<PlainRecord[]> };

export interface FlatParquet {
  flat: true;
  /** The columns' names: the file's header. */
  header: readonly string[];
  groups: AsyncGenerator<ColumnGroup>;
  /** The cell of a value of column `c` on the file's row `row` (null: empty); refused at its place where it is text that is not UTF-8. */
  cell(c: number, value: unknown, row: number): string;
}

/**
 * A row group's values, a column each in the header's order: row `start + i` (0-based in the file) holds
 * columns[c][i]. Its reader lets go of them (`release`) before it asks for the next group: a suspended generator's
 * frame may still hold the last group as the next is decoded, two groups where one will do (stop 43: 88 MB of the
 * reading thread's heap where the rows' way took 61).
 */
export interface ColumnGroup {
  start: number;
  count: number;
  columns: readonly ArrayLike<unknown>[];
}

/** Let go of a group's values: the group may be held on after its reader is done with it. */
export function release(group: ColumnGroup): void {
  (group as { columns: readonly ArrayLike<unknown>[] }).columns = [];
}

export async function parquetRows(path: string, source: ObjectSource): Promise<ParquetRows> {
  const { file, mapping } = source;
  const notes = source.notes ?? mapping.skipped;
  // Loaded with the first Parquet file: a run on CSV would load it for nothing, a tenth of its start.
  const { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } = await import("hyparquet");
  const buffer = await asyncBufferFromFile(path);
  let metadata;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (e) {
    throw new UserError("not a readable Parquet file", { file, line: 1, column: 1 }, "a Parquet file", (e as Error).message);
  }
  // A flat schema (columns, no groups) without rows: to unnest is read column by column, in the schema's order. An id
  // read within its scope (CloudEvents' within its source) is read as objects, which pair them (id-scopes.ts): read by
  // column, two gateways' event "1" were one event, the second dropped as its repeat (stop 52).
  const flat = mapping.rows === undefined && mapping.scopes === undefined && metadata.schema.length - 1 === metadata.schema[0]?.num_children;
  const rows = new ObjectRows(file, mapping, "row", undefined, notes);
  const values = parquetValues(metadata);
  metadata = values.metadata;
  const unreadable = (start: number, message: string) => new UserError("a Parquet row group that cannot be read", { file, line: start + 1, column: 1 }, "Parquet pages uncompressed or compressed with snappy, zstd, gzip or brotli", message);
  const tree = parquetSchema(metadata);
  const groupRead = async <T>(index: number, start: number, read: () => Promise<T>, columns?: readonly string[]): Promise<T> => {
    const chunks = metadata.row_groups[index]!.columns.filter((chunk) => columns === undefined || columns.includes(chunk.meta_data?.path_in_schema[0] ?? ""));
    // hyparquet places each column chunk in the schema as it begins the group's reads: one it cannot place (a damaged
    // footer) left the reads begun before it to fail with nothing awaiting them, and the process ended with a stack
    // (red team, stop 43). Such a chunk is refused before any read begins, as hyparquet refuses it.
    const unplaced = chunks.map((chunk) => chunk.meta_data?.path_in_schema ?? []).find((path) => !placed(tree, path));
    if (unplaced !== undefined) throw unreadable(start, `parquet schema element not found: ${unplaced.join(",")}`);
    const rows = Number(metadata.row_groups[index]!.num_rows);
    for (const chunk of chunks) {
      const damage = chunk.meta_data === undefined ? undefined : await pageDamage(buffer, chunk.meta_data, { tree, rows });
      if (damage !== undefined) throw unreadable(start, `a damaged ${damage}`);
    }
    return read().catch((e: unknown) => {
      // A column annotated as text is decoded with the group: its row is not known, the group's first is said.
      if (e instanceof NotUtf8) throw notUtf8Error(e, { file, line: start + 1, column: 1 });
      throw unreadable(start, (e as Error).message);
    });
  };
  const compressors = await codecs();
  const groupRows = metadata.row_groups.map((group) => Number(group.num_rows));
  // A footer damaged in a group's count of rows gave the group's columns arrays of no length (red team, stop 44: a stack).
  const uncounted = groupRows.findIndex((rows) => !Number.isSafeInteger(rows) || rows < 0);
  if (uncounted >= 0) throw new UserError("not a readable Parquet file", { file, line: 1, column: 1 }, "a Parquet file", `row group ${uncounted + 1} without a count of its rows`);
  // Told where every column is read: a pass that reads one column alone (the ids', a note's times) tells nobody.
  const large = largeGroups(file, groupRows);
  if (large !== undefined) notes?.largeGroups(large);
  if (!flat) {
    const read = metadata;
    // A top-level column's values, each row's struct or list assembled, as hyparquet's rows hold them (rowgroup.js,
    // asyncGroupToRows): a row's object is made only as its batch is read. Made a group at a time, the group's
    // objects and records peaked at 492 MB on 2M rows of DuckDB's groups (stop 50).
    const names = tree.children.map((child) => child.element.name);
    // An object holds a name once: hyparquet's rows kept the last such column without a word, as a CSV header's is refused.
    const twice = names.findIndex((name, i) => names.indexOf(name) !== i);
    if (twice >= 0) throw new UserError(`duplicate column ${shown(names[twice]!)}`, { file, line: 1, column: twice + 1 }, "each column named once", `also column ${names.indexOf(names[twice]!) + 1}`);
    // A top-level column under ignore_columns: is not read, as a flat file's is not (red51b #2); flattening passes it over.
    const named = [...namedPaths(mapping)];
    const scopes = new Set(mapping.scopes?.values() ?? []);
    const ignoredTop = names.filter((name) => mapping.ignore.has(name) && mapping.skipRows?.has(name) !== true && !scopes.has(name) && !named.some((path) => path.startsWith(`${name}.`)));
    const records = async function* (): AsyncGenerator<PlainRecord[]> {
      let start = 0;
      for (const [index, count] of groupRows.entries()) {
        const chunks = new Map(names.map((name): [string, GroupChunk[]] => [name, []]));
        await groupRead(index, start, () => parquetRead({ file: buffer, metadata: read, rowStart: start, rowEnd: start + count, utf8: false, compressors, parsers: TEXT_PARSERS, ...(ignoredTop.length === 0 ? {} : { columns: names.filter((name) => !ignoredTop.includes(name)) }), onChunk: (chunk) => chunks.get(chunk.columnName)?.push(chunk) }), ignoredTop.length === 0 ? undefined : names.filter((name) => !ignoredTop.includes(name)));
        let columns = names.map((name) => columnValues(chunks.get(name)!, start, count));
        chunks.clear();
        for (let from = 0; from < count; from += BATCH) {
          const out: PlainRecord[] = [];
          for (let i = from; i < Math.min(from + BATCH, count); i++) {
            const object: Record<string, unknown> = {};
            names.forEach((name, c) => (object[name] = columns[c]![i]));
            try {
              rows.push(withCells(object, values.columns), start + i + 1, out);
            } catch (e) {
              throw e instanceof NotUtf8 ? notUtf8Error(e, { file, line: start + i + 1, column: 1 }) : e;
            }
          }
          if (from + BATCH >= count) columns = [];
          if (out.length > 0) yield out;
        }
        start += count;
      }
      rows.finish();
    };
    return { flat: false, records: records() };
  }
  const all = metadata.schema.slice(1).map((e) => e.name);
  const alone = source.only?.(all);
  const header = alone === undefined ? all : [alone];
  const kinds = header.map((name) => values.columns.find((c) => c.keys.length === 1 && c.keys[0] === name)?.kind);
  // A flat file's rows whose quantity is null, told as JSON Lines' are (ObjectRows.countQuantity): a column is on every row.
  const quantityAt = alone === undefined ? quantityColumn(header, mapping) : undefined;
  const nulls = { rows: 0, first: 0 };
  const read = metadata;
  const at = new Map<string, number>();
  header.forEach((name, c) => at.has(name) || at.set(name, c));
  // A column under ignore_columns: is not read: its cells are empty, as none is looked at, and bytes of it that are no
  // UTF-8 (a request's hash) are no text refused (red51b #2). One a skip_rows: reads is read.
  const unread = header.filter((name) => mapping.ignore.has(name) && mapping.skipRows?.has(name) !== true);
  const readColumns = alone !== undefined || unread.length > 0 ? header.filter((name) => !unread.includes(name)) : undefined;
  /** A group's columns, from hyparquet's chunks of each. */
  const readGroup = async (index: number, start: number, count: number): Promise<ColumnGroup> => {
    const chunks = header.map((): GroupChunk[] => []);
    await groupRead(index, start, () =>
      parquetRead({ file: buffer, metadata: read, rowStart: start, rowEnd: start + count, utf8: false, compressors, parsers: values.timesInLists ? TEXT_PARSERS : { ...TEXT_PARSERS, ...TIME_PARSERS }, ...(readColumns === undefined ? {} : { columns: readColumns }), onChunk: (chunk) => chunks[at.get(chunk.columnName) ?? -1]?.push(chunk) }),
      readColumns,
    );
    const columns = chunks.map((column) => columnValues(column, start, count));
    if (quantityAt !== undefined) {
      const quantities = columns[quantityAt]!;
      for (let i = 0; i < count; i++) if ((quantities[i] === null || quantities[i] === undefined) && nulls.rows++ === 0) nulls.first = start + i + 1;
    }
    return { start, count, columns };
  };
  const groups = async function* (): AsyncGenerator<ColumnGroup> {
    let start = 0;
    for (const [index, count] of groupRows.entries()) {
      let group: ColumnGroup | undefined = await readGroup(index, start, count);
      yield group;
      // Let go before the next group is read: the frame would hold this one meanwhile.
      group = undefined;
      start += count;
    }
    rows.finish();
    if (nulls.rows > 0) notes?.unquantified({ file, line: nulls.first, column: 1 }, header[quantityAt!]!, nulls.rows);
  };
  return {
    flat: true,
    header,
    groups: groups(),
    cell: (c, value, row) => {
      const kind = kinds[c];
      try {
        return kind === undefined || value === null || value === undefined ? leafText(value) : valueCell(kind, value);
      } catch (e) {
        throw e instanceof NotUtf8 ? notUtf8Error(e, { file, line: row, column: c + 1 }) : e;
      }
    },
  };
}

/**
 * The codecs past those hyparquet reads itself (uncompressed, snappy): zstd, Polars' default and a common DuckDB choice
 * (newcomer, stop 43: refused), by fzstd; gzip and brotli by Node's zlib. LZ4 is still refused, the codec named.
 */
async function codecs(): Promise<Compressors> {
  const { decompress } = await import("fzstd");
  return {
    ZSTD: (input) => decompress(input),
    GZIP: (input) => gunzipSync(input),
    BROTLI: (input) => brotliDecompressSync(input),
  };
}

/** Whether a column chunk's path names elements of the schema, each within the one before (hyparquet's getTreePath). */
function placed(tree: SchemaTree, path: readonly string[]): boolean {
  let node = tree;
  for (const part of path) {
    const child = node.children.find((c) => c.element.name === part);
    if (child === undefined) return false;
    node = child;
  }
  return true;
}

interface GroupChunk {
  columnName: string;
  columnData: ArrayLike<unknown>;
  rowStart: number;
  rowEnd: number;
}

/**
 * A column's values of the group's rows from its chunks, as hyparquet's own rows take them: a chunk may begin before
 * the group's first row, and a row past the column's values has none (undefined, an empty cell). Two columns of one
 * name (a header both readers refuse) give one list chunks that begin again: the first column's run is kept.
 */
export function columnValues(chunks: readonly GroupChunk[], start: number, count: number): ArrayLike<unknown> {
  const own: GroupChunk[] = [];
  for (const chunk of chunks) if (own.length === 0 || chunk.rowStart === own.at(-1)!.rowEnd) own.push(chunk);
  if (own.length === 1 && own[0]!.rowStart === start && own[0]!.columnData.length >= count) return own[0]!.columnData;
  const values = new Array<unknown>(count);
  for (const chunk of own) {
    for (let row = Math.max(chunk.rowStart, start); row < Math.min(chunk.rowEnd, start + count); row++) values[row - start] = chunk.columnData[row - chunk.rowStart];
  }
  return values;
}

/** Records in short batches, as the CSV readers give them: events made from a whole group at once would outlive the young generation. */
const BATCH = 1024;

/** A Parquet file's records, the plain reader's (and the ids' and timestamps' passes'): a flat file's header first. */
export async function* parquetRecords(path: string, source: ObjectSource): AsyncGenerator<PlainRecord[]> {
  const rows = await parquetRows(path, source);
  if (!rows.flat) {
    yield* rows.records;
    return;
  }
  const { header, cell } = rows;
  yield [{ record: [...header], line: 1 }];
  for await (const group of rows.groups) {
    const { start, count, columns } = group;
    for (let from = 0; from < count; from += BATCH) {
      const out: PlainRecord[] = [];
      for (let i = from; i < Math.min(from + BATCH, count); i++) out.push({ record: columns.map((values, c) => cell(c, values[i], start + i + 1)), line: start + i + 1 });
      if (from + BATCH >= count) release(group);
      yield out;
    }
  }
}
