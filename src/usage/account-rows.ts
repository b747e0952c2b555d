import { isRows, type ShapedRows } from "../engine/rows.js";
import type { UsageBatches } from "./merge.js";
import { BatchWriter, RowColumns } from "./row-columns.js";

/**
 * The usage of some accounts only, rows and events alike, from batches in time order (a reorder stage's, a sort's, a
 * reader's in order: a batch's rows are at most 24 days from its first): reconcile's replay that rounds each event
 * reprices only the accounts whose lines it checks. An account's statement is what its rows alone give (docs/accounts.md;
 * test/many-accounts.test.ts holds it), but for a card's `rewards:`, which credit one account for another's usage: the
 * caller leaves a card with rewards whole.
 */
export async function* usageOfAccounts(batches: UsageBatches, accounts: ReadonlySet<string>): UsageBatches {
  const rows = new AccountRows(accounts);
  for await (const batch of batches) {
    if (isRows(batch)) yield* rows.of(batch);
    else {
      const kept = batch.filter((event) => accounts.has(event.account));
      if (kept.length > 0) yield kept;
    }
  }
  yield* rows.rest();
}

/** Rows copied into batches of their own, those of the accounts kept. */
class AccountRows {
  private readonly kept = new RowColumns(1024);
  private writer: BatchWriter | undefined;
  /** By account number: whether the account is one kept. */
  private readonly keeps: boolean[] = [];

  constructor(private readonly accounts: ReadonlySet<string>) {}

  of(batch: ShapedRows): ShapedRows[] {
    const writer = (this.writer ??= new BatchWriter(batch.source));
    const names = batch.source.accounts;
    const kept = this.kept;
    let other = 0;
    let n = 0;
    for (let i = 0; i < batch.count; i++) {
      const quantity = batch.quantity[i]! < 0 ? batch.otherQuantities[other++] : undefined;
      const account = batch.account[i]!;
      if (!(this.keeps[account] ??= this.accounts.has(names[account]!))) continue;
      kept.reserve(n + 1);
      kept.set(n++, batch, i, quantity);
    }
    for (let k = 0; k < n; k++) writer.add(kept, k);
    for (let k = 0; k < n; k++) kept.clear(k);
    return writer.take();
  }

  rest(): ShapedRows[] {
    return this.writer === undefined ? [] : this.writer.take(true);
  }
}
