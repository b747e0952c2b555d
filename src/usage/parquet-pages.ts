import type { AsyncBuffer, ColumnMetaData, PageHeader, SchemaTree } from "hyparquet";

/**
 * A column chunk's page headers, walked before hyparquet decodes the chunk. hyparquet moves its reader by each
 * header's sizes as it finds them: a header that lacks one (a damaged byte in its thrift) moves the reader to NaN,
 * where every read gives the chunk's first byte again, and a run-length decoding that waits for its values to fill
 * loops forever, holding the thread so that not even Ctrl-C ends the process (red team, stop 43: a 99 KB file ran
 * for 20 minutes). The walk takes the pages hyparquet would take (column.js, readColumn): a flat column's until
 * the group's rows are read, another's to the chunk's last byte. A header among them without a size hyparquet moves
 * its reader by is refused. Anything else it finds wrong (a header that does not parse, a page past the chunk) is
 * left to hyparquet, which refuses it as it reaches it, or never reaches it: red29 found damaged files the walk
 * refused that hyparquet reads whole, their rows complete before the damage. The chunk's bytes are read twice, the
 * second time from the system's cache.
 */
export async function pageDamage(file: AsyncBuffer, meta: ColumnMetaData, column: { tree: SchemaTree; rows: number }): Promise<string | undefined> {
  const { parquetHeader } = await import("hyparquet/src/column.js");
  // The chunk's bytes as hyparquet's plan takes them (plan.js): from its dictionary page where it has one.
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const end = start + Number(meta.total_compressed_size);
  if (!(count(start) && count(end))) return undefined;
  const reader = { view: new DataView(await file.slice(start, end)), offset: 0 };
  const flat = flatColumn(column.tree, meta.path_in_schema);
  let rows = 0;
  while ((!flat || rows < column.rows) && reader.offset < reader.view.byteLength - 1) {
    const at = start + reader.offset;
    let header: PageHeader;
    try {
      header = parquetHeader(reader);
    } catch {
      return undefined;
    }
    const moved = unmoved(header);
    if (moved !== undefined) return `page header at byte ${at}: ${moved} is not a size`;
    if (reader.offset + header.compressed_page_size > reader.view.byteLength) return undefined;
    reader.offset += header.compressed_page_size;
    // A data page's values, each a row of a flat column, as hyparquet counts them: by its header's count of them.
    const values = header.data_page_header?.num_values ?? header.data_page_header_v2?.num_values;
    if (header.type !== "DICTIONARY_PAGE" && count(values)) rows += values;
  }
  return undefined;
}

/** The field of a page header hyparquet moves its reader by that is not a whole number of at least zero; undefined for none. */
function unmoved(header: PageHeader): string | undefined {
  if (!count(header.compressed_page_size)) return "compressed_page_size";
  const v2 = header.data_page_header_v2;
  if (header.type !== "DATA_PAGE_V2" || v2 === undefined) return undefined;
  // A V2 page's levels come before its values, and hyparquet finds the values by their lengths.
  if (!count(v2.repetition_levels_byte_length)) return "data_page_header_v2.repetition_levels_byte_length";
  if (!count(v2.definition_levels_byte_length)) return "data_page_header_v2.definition_levels_byte_length";
  return undefined;
}

/** Whether hyparquet reads the column as flat (schema.js, isFlatColumn): a top-level leaf, not repeated. */
function flatColumn(tree: SchemaTree, path: readonly string[]): boolean {
  if (path.length !== 1) return false;
  const node = tree.children.find((c) => c.element.name === path[0]);
  return node !== undefined && node.children.length === 0 && node.element.repetition_type !== "REPEATED";
}

/** A whole number of at least zero, as a size or a count is. */
function count(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
