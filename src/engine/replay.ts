import type { RateCard } from "../ratecard/types.js";
import type { CycleStatement, LedgerSink, ReplaySetup, Statement, UsageEvent } from "./types.js";
import type { AccountRun } from "./replay-state.js";
import { canonicalOrder } from "./canonical-order.js";
import { eventIdOf, rowEvent, type ShapedRows } from "./rows.js";
import { KnownRows } from "./fast/known-rows.js";

/** Thrown when an event is earlier than one already replayed; the caller sorts the input and replays again. */
export class OutOfOrder extends Error {
  constructor(readonly event: UsageEvent) {
    super("usage is not in time order");
    this.name = "OutOfOrder";
  }
}

/**
 * The one pricing engine: statement, simulate, reconcile and diff all replay
 * usage through it. It is pure: events in, a statement out, no IO.
 *
 * Events must arrive in time order. Events at the same instant are buffered and
 * taken in a canonical order (account, meter, dimensions, quantity, id), so the
 * result never depends on how rows of one instant were shuffled or split across files.
 */
export class Replay extends KnownRows {
  constructor(card: RateCard, setup: ReplaySetup, ledger?: LedgerSink) {
    super(card, setup, ledger);
    for (const account of setup.accounts.keys()) this.run(account);
  }

  push(event: UsageEvent): void {
    this.take("events");
    if (event.at < this.instant) throw new OutOfOrder(event);
    if (event.at !== this.instant) {
      this.flush();
      this.instant = event.at;
    }
    this.pending.push(event);
  }

  /**
   * Take a batch of rows, in time order after those before. Rows of one instant
   * are held until the next instant, then priced in the canonical order as
   * events are; a row the shape's earlier rows have shown to need nothing but a
   * count, or a covered charge to a known line, is priced without an event.
   */
  pushRows(rows: ShapedRows): void {
    this.take("rows");
    if (this.source !== rows.source) {
      if (this.source !== undefined) throw new Error("a replay reads the rows of one source");
      this.source = rows.source;
    }
    const { count, base, at, shape, account, quantity, firstLine, line, ids, otherQuantities } = rows;
    const quantities = rows.source.quantities;
    const held = this.held;
    let other = 0;
    for (let i = 0; i < count; i++) {
      const t = base + at[i]!;
      const q = quantity[i]!;
      const value = q >= 0 ? quantities[q]! : otherQuantities[other++]!;
      if (t !== this.instant) {
        if (t < this.instant) throw new OutOfOrder(rowEvent(rows.source, { shape: shape[i]!, account: account[i]!, quantity: value, line: firstLine + line[i]!, at: t, eventId: eventIdOf(ids, i) }));
        this.flush();
        this.instant = t;
      }
      held.hold(rows, i, value);
    }
  }

  protected take(route: "events" | "rows"): void {
    if (this.route !== route) {
      if (this.route !== undefined) throw new Error("a replay takes events or rows, not both");
      this.route = route;
    }
  }

  finish(): Statement {
    this.flush();
    this.settleDeferred();
    this.applyDueUntil(Infinity);
    const end = this.setup.calendar.start(this.lastCycle + 1);
    // Each account's last cycle is made as its statement is read (finalCycle), unless the versions used are asked, which its lines tell.
    const lastMadeWhenRead = this.setup.versions === undefined;
    const last = new Map<AccountRun, () => CycleStatement>();
    for (const run of this.runs.values()) {
      // A re-anchored run's cycles do not end with the replay's: it runs through its own cycle holding the last instant.
      if (run.calendar !== undefined) this.advance(run, this.lastInstant);
      this.advance(run, run.calendar === undefined ? end - 1 : run.cycle.end - 1);
      if (lastMadeWhenRead) last.set(run, this.finalCycle(run));
      else this.closedCycles.add(run.ordinal, this.close(run));
    }
    const accounts = [...this.runs.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((r) => this.closedCycles.statement(r.ordinal, r.id, r.terms.plan.key, last.get(r)));
    const versions = this.versionsUsed(this.closedCycles.versions);
    return {
      provider: this.card.provider,
      version: this.card.version,
      unit: this.card.unit,
      currency: this.card.currency,
      timezone: this.setup.calendar.zone.name,
      accounts,
      events: { ...this.counts },
      duplicateEvents: this.duplicateList.result(),
      ...(versions === undefined ? {} : { versions }),
    };
  }

  protected flush(): void {
    if (this.held.count > 0) return this.flushRows();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 1) return this.price(batch[0]!);
    batch.sort(canonicalOrder);
    for (const event of batch) this.price(event);
  }
}
