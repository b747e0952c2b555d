import { eventIdKey, type EventIdColumn } from "../engine/event-ids.js";
import { sortedHas } from "./key-runs.js";
import { NeedsFullParser } from "./plain-csv.js";
import { idColumnIn } from "./id-buffers.js";

/** Rows of one instant compared shape by shape; an instant of more rows keeps all their ids. */
const GROUP = 64;

/**
 * Which rows' event ids the scanner sends, in a log the first pass found in
 * time order (id-screen.ts). An id does two things in the replay: it makes a
 * repeat, and it orders rows of one instant that are alike in everything else
 * (the canonical order's last part). So an id is sent when the first pass found
 * its key on more than one row, or when another row of its instant has the
 * same shape (the same account, meter and dimension cells; the caller sends
 * every id where two shapes can be alike: an account column, a meter mapping),
 * or when its row is of the first or last instant of its batch (whose other
 * rows are in the batch before or after). Any other id is left out: most rows
 * then carry none, and neither thread spends anything on them. A row earlier
 * than the one before it, which the first pass said there is none of, stops
 * the scanner, and the plain reader reads the log with every id.
 */
export class SentIds {
  private readonly send: Uint8Array;
  private latest = -Infinity;
  private groupAt = NaN;
  private readonly groupRow = new Int32Array(GROUP);
  private readonly groupShape = new Int32Array(GROUP);
  private groupSize = 0;

  constructor(
    private readonly repeated: Float64Array,
    batchRows: number,
  ) {
    this.send = new Uint8Array(batchRows);
  }

  /** Row `i` of the batch being filled: its instant, shape and id (`bytes[from .. to)`, empty for none). */
  row(i: number, at: number, shape: number, bytes: Uint8Array, from: number, to: number): void {
    if (at < this.latest) throw new NeedsFullParser("a row earlier than the one before it, in a log the first pass found in order");
    this.latest = at;
    if (i === 0 || at !== this.groupAt) {
      this.groupAt = at;
      this.groupSize = 0;
    }
    let send = this.groupSize === GROUP;
    if (!send) {
      for (let g = 0; g < this.groupSize; g++) {
        if (this.groupShape[g] !== shape) continue;
        send = true;
        this.send[this.groupRow[g]!] = 1;
      }
      this.groupRow[this.groupSize] = i;
      this.groupShape[this.groupSize++] = shape;
      if (this.groupSize === GROUP) for (let g = 0; g < GROUP; g++) this.send[this.groupRow[g]!] = 1;
    }
    this.send[i] = send || (to > from && this.repeated.length > 0 && sortedHas(this.repeated, eventIdKey(bytes, from, to))) ? 1 : 0;
  }

  /** The batch's column of the ids sent, from all its ids and its rows' instant offsets, in a buffer from `spare` (id-buffers.ts); undefined when none is sent. */
  column(all: EventIdColumn, count: number, at: Int32Array, spare: ArrayBuffer[] | undefined): EventIdColumn | undefined {
    if (count === 0) return undefined;
    const send = this.send;
    const { bytes, ends } = all;
    // The first and the last instant's rows: others of their instant may be in the batch before or after.
    for (let i = 0; i < count && at[i] === at[0]; i++) send[i] = 1;
    for (let i = count - 1; i >= 0 && at[i] === at[count - 1]; i--) send[i] = 1;
    let size = 0;
    for (let i = 0; i < count; i++) if (send[i] === 1) size += ends[i]! - (i === 0 ? 0 : ends[i - 1]!);
    if (size === 0) return undefined;
    const sent = idColumnIn(spare, count, size);
    const out = sent.bytes;
    for (let i = 0, to = 0; i < count; i++) {
      if (send[i] === 1) for (let k = i === 0 ? 0 : ends[i - 1]!, end = ends[i]!; k < end; k++) out[to++] = bytes[k]!;
      sent.ends[i] = to;
    }
    return sent;
  }
}
