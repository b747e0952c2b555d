import type { LedgerEntry } from "../../engine/types.js";

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
 * An array the replay fills as it goes, and restarts when it replays the
 * input again (unsorted, or needing the full CSV parser).
 */
export class BurnLedger extends Array<LedgerEntry> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  private readonly last = new Map<string, LastKept>();

  restart(): void {
    this.length = 0;
    this.last.clear();
  }

  override push(...entries: LedgerEntry[]): number {
    for (const entry of entries) this.keep(entry);
    return this.length;
  }

  private keep(entry: LedgerEntry): void {
    const current = this.last.get(entry.account);
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
