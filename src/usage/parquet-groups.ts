import { formatLocation, type Location } from "../errors.js";

/**
 * Parquet row groups too large to read in the memory budget. A group's columns are decoded whole (hyparquet decodes a
 * column chunk's pages at once, and DuckDB and pyarrow write a chunk as one page), so memory grows with a group's
 * rows: on a 10-column gateway export, groups of 122,880 rows (DuckDB's default) peaked at 220 MB, of 500,000 at
 * 395 MB and of a million (pyarrow's default) at 700 MB, the reading thread's heap running out there and the file read
 * again on the main thread (newcomer50 F1). The run goes on, priced the same; the note says why it costs what it
 * costs, and how the file is written to cost less.
 */
export interface LargeGroups {
  /** The first row of the file's largest group. */
  at: Location;
  /** The largest group's rows, and how many groups are past LARGE_GROUP_ROWS. */
  rows: number;
  groups: number;
}

/** Polars' default (512 x 512): groups up to it read within the budget (250,000 rows: 251 MB on newcomer50's export). */
export const LARGE_GROUP_ROWS = 262_144;

/** The file's groups past LARGE_GROUP_ROWS, by their rows: undefined where none is. */
export function largeGroups(file: string, groupRows: readonly number[]): LargeGroups | undefined {
  let largest = -1;
  let start = 0;
  let at = 0;
  let groups = 0;
  for (const rows of groupRows) {
    if (rows > LARGE_GROUP_ROWS) groups++;
    if (rows > largest) {
      largest = rows;
      at = start;
    }
    start += rows;
  }
  return groups === 0 ? undefined : { at: { file, line: at + 1, column: 1 }, rows: largest, groups };
}

export function largeGroupsNote({ at, rows, groups }: LargeGroups): string {
  const which = groups === 1 ? "a row group" : `${groups.toLocaleString("en-US")} row groups`;
  return `burnrate: note: ${at.file} has ${which} of more than ${LARGE_GROUP_ROWS.toLocaleString("en-US")} rows (the largest ${rows.toLocaleString("en-US")} rows, from ${formatLocation(at)}): each group is read whole, and memory grows with its rows (some 700 MB at a million); written in groups of 122,880 rows or fewer (DuckDB's ROW_GROUP_SIZE default; row_group_size in pyarrow and Polars), the file is read in the memory budget\n`;
}
