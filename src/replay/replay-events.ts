import { calendarFor, type AccountSettings } from "../account/account.js";
import { Replay } from "../engine/replay.js";
import { closedCycleSetup } from "./cycle-spill.js";
import { instantOf, isRows } from "../engine/rows.js";
import type { LedgerEntry, Statement, UsageEvent } from "../engine/types.js";
import type { RateCard } from "../ratecard/types.js";
import type { Instant } from "../time.js";
import type { UsageBatches } from "../usage/merge.js";
import type { PartReplay } from "./account-parts.js";

/** Where a replay's ledger entries go as it makes them; a replay that starts over restarts it first. */
export interface LedgerOutput {
  push(entry: LedgerEntry): void;
  restart(): void;
  /** What it reads of the charges: LedgerSink.foldCharges. */
  readonly foldCharges?: number;
  /** Each charge's components: LedgerSink.parts. */
  readonly parts?: boolean;
}

/**
 * Replay events already in time order: batches streamed from files, or a
 * simulation's generated events, or sorted rows.
 */
export async function replayEvents(card: RateCard, settings: AccountSettings, events: UsageBatches | Iterable<UsageEvent>, ledger?: LedgerOutput, part?: PartReplay): Promise<Statement> {
  let replay: Replay | undefined;
  const start = (first: Instant | undefined) =>
    new Replay(card, {
      // A part's cycles start where the whole log's do: at the earlier of its own first row and the others' before it.
      calendar: calendarFor(settings, part === undefined ? first : earlier(part.first(), first)),
      ...(part === undefined ? {} : { part: part.part }),
      accounts: settings.accounts,
      ...(settings.unnamed === undefined ? {} : { unnamed: settings.unnamed.name }),
      fallback: settings.terms,
      purchases: settings.purchases,
      subscriptionEnd: settings.subscriptionEnd,
      renewalMonths: settings.renewalMonths,
      through: settings.through,
      changes: settings.changes,
      versions: settings.versions,
      eventIds: { window: settings.dedupeWindow, screen: settings.idScreen },
      closedCycles: closedCycleSetup(),
      ...(settings.skipBeforeAnchor === true ? { beforeFirstCycle: "skip" as const } : {}),
      ...(settings.refusalWorth === undefined ? {} : { refusalWorth: settings.refusalWorth }),
    }, ledger === undefined ? undefined : { write: (entry) => ledger.push(entry), ...(ledger.foldCharges === undefined ? {} : { foldCharges: ledger.foldCharges }), ...(ledger.parts === true ? { parts: true } : {}) });
  const push = (event: UsageEvent) => {
    replay ??= start(event.at);
    replay.push(event);
  };
  if (Symbol.asyncIterator in events) {
    for await (const batch of events) {
      if (!isRows(batch)) for (const event of batch) push(event);
      else if (batch.count > 0) (replay ??= start(instantOf(batch, 0))).pushRows(batch);
    }
  } else {
    for (const event of events) push(event);
  }
  return (replay ?? start(undefined)).finish(part?.elsewhere());
}

function earlier(a: Instant | undefined, b: Instant | undefined): Instant | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
