import type { LedgerEntry } from "../engine/types.js";

const HOUR = 3_600_000;

interface LastKept {
  index: number;
  entry: LedgerEntry;
  /** A charge that a later charge of the same account in the same hour may take the place of. */
  replaceable: boolean;
}

/**
 * The ledger as a burn-down needs it. A run of charges within one hour keeps
 * only its last entry, which holds the run's lowest balance and highest grace
 * used; payments, allowances, refunds, expiries and the charge that first
 * draws on the grace buffer are always kept. Memory then grows with the time
 * the statement spans, not with the number of events, so a month of ten
 * million rows draws from a few thousand points.
 *
 * An array, so that the replay can fill it (and empty it, when it replays
 * unsorted input again) like the full ledger.
 */
export class BurnLedger extends Array<LedgerEntry> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  private readonly last = new Map<string, LastKept>();

  override push(...entries: LedgerEntry[]): number {
    for (const entry of entries) this.keep(entry);
    return this.length;
  }

  private keep(entry: LedgerEntry): void {
    const last = this.last.get(entry.account);
    // After the replay emptied the array, what was remembered no longer stands there.
    const current = last !== undefined && this[last.index] === last.entry ? last : undefined;
    const graceStarts = entry.uncovered.gt(0) && (current === undefined || current.entry.uncovered.isZero());
    if (entry.type === "charge" && !graceStarts && current?.replaceable && hourOf(current.entry) === hourOf(entry)) {
      this[current.index] = entry;
      current.entry = entry;
      return;
    }
    super.push(entry);
    this.last.set(entry.account, { index: this.length - 1, entry, replaceable: entry.type === "charge" && !graceStarts });
  }
}

function hourOf(entry: LedgerEntry): number {
  return Math.floor(entry.at / HOUR);
}
