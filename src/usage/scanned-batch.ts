import type { EventIdColumn } from "../engine/event-ids.js";
import type { Zone } from "../time.js";
import type { FolderColumnTeller } from "./folder-columns.js";
import type { ReadColumns } from "./layout.js";
import type { ColumnMapping } from "./mapping.js";
import type { QuantityGapTeller } from "./quantity-gaps.js";
import type { SkipTeller } from "./skip-cells.js";

/** What the row scanner (row-scanner.ts) is set up with, and the batches of rows as columns it gives the replay. */

export interface ScanSetup {
  file: string;
  zone: Zone;
  defaultAccount: string;
  mapping: ColumnMapping;
  /** The columns the card reads besides the canonical ones. */
  read: ReadColumns;
  /** Events the scanner may read, with the dimensions a row of each must carry; a row of any other stops it. */
  events: ReadonlyMap<string, readonly string[]>;
  /** The components of each charge that has them, by meter. */
  components?: ReadonlyMap<string, readonly string[]>;
  /** Most shapes kept: past it the scanner stops, and memory stays bounded by it. */
  maxShapes?: number;
  /** The keys of the ids that may repeat, when the first pass found the log in time order: other ids are sent only where they order rows (SentIds). */
  repeatedIds?: Float64Array;
  /** Batches' column buffers handed back by the replay (`batchBuffer`), filled again before a new one is made. */
  spare?: ArrayBuffer[];
  /** Batches' id buffers handed back likewise (id-buffers.ts). */
  spareIds?: ArrayBuffer[];
  /** The header's line number: 1, or 0 for records of another format written as CSV lines by their own lines' numbers (record-lines.ts). */
  headerLine?: 0 | 1;
  /** Told a folder mapping's column the file lacks (folder-columns.ts) and the rows `skip_rows:` skipped (skip-cells.ts): the file's notes, posted to the run with its rows. */
  notes?: FolderColumnTeller & SkipTeller & QuantityGapTeller;
}

/**
 * Rows as columns: the i-th row is at `base + at[i]`, on line `firstLine + line[i]`, of shape `shape[i]` and
 * account `account[i]`, and so on. Instants and lines are kept as small offsets (12 bytes a row in all, not
 * 20): batches wait in memory between the threads, the more of them the better both keep busy.
 */
export interface ScannedBatch {
  count: number;
  base: number;
  at: Int32Array;
  shape: Int32Array;
  account: Int32Array;
  /** A number from `quantities`, or -1 for the next text of `quantityTexts`. */
  quantity: Int32Array;
  firstLine: number;
  line: Uint16Array;
  /** Each row's event id as its bytes, when the file has the column: a string is made only for a row the replay prices in full. */
  ids: EventIdColumn | undefined;
  /** Shapes first seen in this batch, numbered on, as one flat list (fast to clone): each its meter, then each of the header's dimensions' cells ("" when empty), as numbers of texts in `values`. */
  shapeCells: number[];
  /** Texts of cells first seen in this batch, numbered on likewise: a shape's values are found once, here, and the main thread only indexes them. */
  values: string[];
  /** Accounts first seen in this batch, numbered on likewise. */
  accountNames: string[];
  /** Quantity texts first seen in this batch, numbered on likewise. */
  quantities: string[];
  quantityTexts: string[];
  /** With component columns (the header's `components`), each row's, as many a row: a whole number itself, another as -1 less the number of its text in `componentTexts` (numbered on likewise); 0 for a column the row's meter does not read. */
  components: Int32Array | undefined;
  componentTexts: string[];
}

/** The header's dimensions: their names in order (each shape's cells follow it) and their columns, for the events' origins. */
export interface ScannedHeader {
  dimensions: string[];
  columns: [string, number][];
  /** The components with a column, in the order of a row's `components`. */
  components: string[];
  /** The file goes on with the shapes of the file before (`RowScanner.nextFile`). */
  continued?: boolean;
}

/** The one buffer of a batch's columns. */
export function batchBuffer(batch: Pick<ScannedBatch, "at">): ArrayBuffer {
  return batch.at.buffer as ArrayBuffer;
}
