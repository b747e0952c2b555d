import type { EventIdColumn } from "../engine/event-ids.js";

/** Bytes an id buffer has past its rows' ends when first made, so that batches of a few more id bytes fill it again. */
const SLACK = 4096;

/**
 * A batch's event id column in one buffer: where each of its `rows` ends (4
 * bytes a row), then `size` bytes of ids. Id columns travel a batch at a time
 * (from the scanner's worker to the order stages, from the reorder stage to the
 * replay), and a new buffer each batch lived on until a whole collection found
 * it dead: at 50M rows, 35 to 100 MB of the main thread's memory outside the
 * heap between collections (docs/performance.md). So a column is made in a
 * buffer from `spare`, the buffers of columns their reader is done with, when
 * one is large enough; a smaller one is let go.
 */
export function idColumnIn(spare: ArrayBuffer[] | undefined, rows: number, size: number): EventIdColumn {
  const need = 4 * rows + size;
  let buffer = spare?.pop();
  if (buffer === undefined || buffer.byteLength < need) buffer = new ArrayBuffer(Math.max(need + (need >> 2), 4 * rows + SLACK));
  return { ends: new Int32Array(buffer, 0, rows), bytes: new Uint8Array(buffer, 4 * rows, size) };
}

/** The one buffer of a column `idColumnIn` made. */
export function idBuffer(ids: EventIdColumn): ArrayBuffer {
  return ids.ends.buffer as ArrayBuffer;
}
