import type { LedgerEntry } from "../../engine/types.js";

/**
 * A ledger format written entry by entry, so a ledger of millions of events is
 * written as the replay makes it instead of held whole: the text before the
 * first entry, each batch of entries, and the text after the last.
 */
export interface LedgerFormat {
  start: string;
  entries(batch: readonly LedgerEntry[], first: boolean): string;
  end(empty: boolean): string;
}

/** A whole ledger in one of those formats. */
export function ledgerText(format: LedgerFormat, entries: readonly LedgerEntry[]): string {
  return `${format.start}${entries.length > 0 ? format.entries(entries, true) : ""}${format.end(entries.length === 0)}`;
}
