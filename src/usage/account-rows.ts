import { isRows, type ShapedRows } from "../engine/rows.js";
import type { UsageEvent } from "../engine/types.js";
import type { Instant } from "../time.js";
import type { UsageBatches } from "./merge.js";
import { BatchWriter, RowColumns } from "./row-columns.js";

/**
 * The usage of some accounts only, rows and events alike, from batches in time order (a reorder stage's, a sort's, a
 * reader's in order): reconcile's replay that rounds each event reprices only the accounts whose lines it checks, and a
 * log of many accounts is replayed a part of its accounts at a time (src/replay/account-parts.ts). An account's
 * statement is what its rows alone give (docs/accounts.md; test/many-accounts.test.ts holds it), but for a card's
 * `rewards:`, which credit one account for another's usage: the caller leaves a card with rewards whole.
 */
export async function* usageOfAccounts(batches: UsageBatches, accounts: AccountsKept): UsageBatches {
  const rows = new CopiedRows({ accounts });
  for await (const batch of batches) {
    if (isRows(batch)) yield* rows.of(batch);
    else {
      const kept: UsageEvent[] = [];
      for (const event of batch) {
        if (accounts.has(event.account)) kept.push(event);
        else accounts.leftOut?.(event.at);
      }
      if (kept.length > 0) yield kept;
    }
  }
  yield* rows.rest();
}

/** The accounts whose usage is kept; `leftOut` is told each instant of a row left out, where it asks. */
export interface AccountsKept {
  has(account: string): boolean;
  leftOut?(at: Instant): void;
}

/**
 * An instant moved, as a boundary hypothesis moves the events between two cuts (reconcile); undefined for an event
 * moved out of the replay, into a cycle before its first (a bill whose first month starts after the account's anchor).
 */
export type Retime = (at: Instant) => Instant | undefined;

/**
 * The scanner's rows with their instants moved by `retime` (reconcile's boundary hypotheses: never past another row's
 * instant), as they come, before any reorder stage or sort: those then order them by the instants moved, ties in the
 * order the rows came, as the events of the files read in turn and sorted by the moved instants were.
 */
export async function* retimedRows(batches: AsyncIterable<ShapedRows>, retime: Retime): AsyncGenerator<ShapedRows> {
  const rows = new CopiedRows({ retime });
  for await (const batch of batches) yield* rows.of(batch);
  yield* rows.rest();
}

/** Events with their instants moved by `retime` (retimedRows), those it moves out of the replay left out. */
export async function* retimedEvents(batches: AsyncIterable<readonly UsageEvent[]>, retime: Retime): AsyncGenerator<readonly UsageEvent[]> {
  for await (const batch of batches) {
    const moved: UsageEvent[] = [];
    for (const event of batch) {
      const at = retime(event.at);
      if (at !== undefined) moved.push({ ...event, at });
    }
    yield moved;
  }
}

/** Rows copied into batches of their own: those of the accounts kept, at their instants moved. */
class CopiedRows {
  private readonly kept = new RowColumns(1024);
  private writer: BatchWriter | undefined;
  /** By account number: whether the account is one kept. */
  private readonly keeps: boolean[] = [];

  constructor(private readonly how: { accounts?: AccountsKept; retime?: Retime }) {}

  of(batch: ShapedRows): ShapedRows[] {
    const writer = (this.writer ??= new BatchWriter(batch.source));
    const { accounts, retime } = this.how;
    const names = batch.source.accounts;
    const kept = this.kept;
    let other = 0;
    let n = 0;
    for (let i = 0; i < batch.count; i++) {
      const quantity = batch.quantity[i]! < 0 ? batch.otherQuantities[other++] : undefined;
      const account = batch.account[i]!;
      if (accounts !== undefined && !(this.keeps[account] ??= accounts.has(names[account]!))) {
        accounts.leftOut?.(batch.base + batch.at[i]!);
        continue;
      }
      kept.reserve(n + 1);
      kept.set(n, batch, i, quantity);
      if (retime !== undefined) {
        // The copy's instant, not the batch's: a batch holds its instants from a base of its own.
        const at = retime(kept.at[n]!);
        if (at === undefined) {
          kept.clear(n);
          continue;
        }
        kept.at[n] = at;
      }
      n++;
    }
    for (let k = 0; k < n; k++) writer.add(kept, k);
    for (let k = 0; k < n; k++) kept.clear(k);
    return writer.take();
  }

  rest(): ShapedRows[] {
    return this.writer === undefined ? [] : this.writer.take(true);
  }
}
