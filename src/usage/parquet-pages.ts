import type { AsyncBuffer, ColumnMetaData, PageHeader } from "hyparquet";

/**
 * A column chunk's page headers, walked before hyparquet decodes the chunk. hyparquet moves its reader by each
 * header's sizes as it finds them: a header that lacks one (a damaged byte in its thrift) moves the reader to NaN,
 * where every read gives the chunk's first byte again, and a run-length decoding that waits for its values to fill
 * loops forever, holding the thread so that not even Ctrl-C ends the process (red team, stop 43: a 99 KB file ran
 * for 20 minutes). A header is refused here where a size or count hyparquet moves by is not a whole number of
 * at least zero, or its page runs past the chunk; the chunk's bytes are read twice, the second time from the
 * system's cache.
 */
export async function pageDamage(file: AsyncBuffer, meta: ColumnMetaData): Promise<string | undefined> {
  const { parquetHeader } = await import("hyparquet/src/column.js");
  // The chunk's bytes as hyparquet's plan takes them (plan.js): from its dictionary page where it has one.
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const end = start + Number(meta.total_compressed_size);
  if (!(count(start) && count(end))) return `column chunk ${meta.path_in_schema.join(".")} at bytes ${start} to ${end}`;
  const reader = { view: new DataView(await file.slice(start, end)), offset: 0 };
  // hyparquet reads pages while a byte is left past the last one (column.js, readColumn).
  while (reader.offset < reader.view.byteLength - 1) {
    const at = start + reader.offset;
    let header: PageHeader;
    try {
      header = parquetHeader(reader);
    } catch (e) {
      return `page header at byte ${at}: ${(e as Error).message}`;
    }
    const wrong = headerDamage(header);
    if (wrong !== undefined) return `page header at byte ${at}: ${wrong}`;
    if (reader.offset + header.compressed_page_size > reader.view.byteLength) return `page at byte ${at} runs past its column chunk`;
    reader.offset += header.compressed_page_size;
  }
  return undefined;
}

/** What a page header lacks of the sizes and counts hyparquet reads its page by, as a field's name; undefined for none. */
function headerDamage(header: PageHeader): string | undefined {
  const fields: [string, unknown][] = [
    ["compressed_page_size", header.compressed_page_size],
    ["uncompressed_page_size", header.uncompressed_page_size],
  ];
  switch (header.type) {
    case "DATA_PAGE":
      fields.push(["data_page_header.num_values", header.data_page_header?.num_values]);
      break;
    case "DATA_PAGE_V2": {
      const v2 = header.data_page_header_v2;
      fields.push(
        ["data_page_header_v2.num_values", v2?.num_values],
        ["data_page_header_v2.num_rows", v2?.num_rows],
        ["data_page_header_v2.definition_levels_byte_length", v2?.definition_levels_byte_length],
        ["data_page_header_v2.repetition_levels_byte_length", v2?.repetition_levels_byte_length],
      );
      break;
    }
    case "DICTIONARY_PAGE":
      fields.push(["dictionary_page_header.num_values", header.dictionary_page_header?.num_values]);
      break;
    case "INDEX_PAGE":
      break;
    default:
      return "a page type Parquet does not have";
  }
  const missing = fields.find(([, value]) => !count(value));
  return missing === undefined ? undefined : `${missing[0]} is not a size`;
}

/** A whole number of at least zero, as a size or a count is. */
function count(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
