import type { Calendar, Instant } from "../time.js";
import { Deferred, type Credits } from "./credits.js";
import type { OpenCycle } from "./cycle.js";
import type { AccountTerms, TimelineEntry } from "./types.js";
import type { Grant, Wallet } from "./wallet.js";
import type { AccountRun, ActiveItem, GaugeLevel } from "./replay-state.js";

/**
 * What a run holds only once a rule or a change needs it: recurring and gauge items, daily spending, a pending
 * downgrade, a subscription's end, capped grants, a calendar of its own. Most runs of a log of many accounts
 * need none of it, and it was nine fields of every run.
 */
type RareField = "active" | "refused" | "gauges" | "daily" | "day" | "pending" | "subscriptionEnd" | "capped" | "endChange" | "calendar" | "unbudgeted" | "ended";
type RunRecords = { [K in RareField]: AccountRun[K] | undefined };

/** Every field in one literal, so that every run's records share one hidden class. */
const noRecords = (): RunRecords => ({ active: undefined, refused: undefined, gauges: undefined, daily: undefined, day: undefined, pending: undefined, subscriptionEnd: undefined, capped: undefined, endChange: undefined, calendar: undefined, unbudgeted: undefined, ended: undefined });

/** An account's run (AccountRun): its records made at their first use, as a log of 100,000 accounts has as many runs. */
export class Run implements AccountRun {
  serial = 0;
  rowsRead = false;
  /** Made at the known path's first row of the account: the rows of most accounts of a log of 100,000 go the full way. */
  private deferredUnits: Deferred | undefined = undefined;
  cycle = undefined as unknown as OpenCycle;
  private records: RunRecords | undefined = undefined;

  constructor(
    readonly id: string,
    readonly ordinal: number,
    public terms: AccountTerms,
    public wallet: Wallet,
    subscriptionEnd: Instant | undefined,
  ) {
    if (subscriptionEnd !== undefined) this.subscriptionEnd = subscriptionEnd;
  }

  /** Covered charges of known rows not yet taken from the wallet. */
  get deferred(): Deferred {
    return (this.deferredUnits ??= new Deferred());
  }

  /** The records, made at the first value other than none written to one. */
  private recorded(): RunRecords {
    return (this.records ??= noRecords());
  }

  get active(): Map<string, Map<string, ActiveItem>> | undefined {
    return this.records?.active;
  }

  set active(active: Map<string, Map<string, ActiveItem>> | undefined) {
    if (active !== undefined || this.records !== undefined) this.recorded().active = active;
  }

  get refused(): Map<string, Set<string>> | undefined {
    return this.records?.refused;
  }

  set refused(refused: Map<string, Set<string>> | undefined) {
    if (refused !== undefined || this.records !== undefined) this.recorded().refused = refused;
  }

  get gauges(): Map<string, Map<string, GaugeLevel>> | undefined {
    return this.records?.gauges;
  }

  set gauges(gauges: Map<string, Map<string, GaugeLevel>> | undefined) {
    if (gauges !== undefined || this.records !== undefined) this.recorded().gauges = gauges;
  }

  get daily(): Map<string, Credits> | undefined {
    return this.records?.daily;
  }

  set daily(daily: Map<string, Credits> | undefined) {
    if (daily !== undefined || this.records !== undefined) this.recorded().daily = daily;
  }

  get day(): string | undefined {
    return this.records?.day;
  }

  set day(day: string | undefined) {
    if (day !== undefined || this.records !== undefined) this.recorded().day = day;
  }

  get pending(): AccountTerms | undefined {
    return this.records?.pending;
  }

  set pending(pending: AccountTerms | undefined) {
    if (pending !== undefined || this.records !== undefined) this.recorded().pending = pending;
  }

  get subscriptionEnd(): Instant | undefined {
    return this.records?.subscriptionEnd;
  }

  set subscriptionEnd(end: Instant | undefined) {
    if (end !== undefined || this.records !== undefined) this.recorded().subscriptionEnd = end;
  }

  get capped(): Map<Grant, TimelineEntry> | undefined {
    return this.records?.capped;
  }

  set capped(capped: Map<Grant, TimelineEntry> | undefined) {
    if (capped !== undefined || this.records !== undefined) this.recorded().capped = capped;
  }

  get endChange(): TimelineEntry | undefined {
    return this.records?.endChange;
  }

  set endChange(entry: TimelineEntry | undefined) {
    if (entry !== undefined || this.records !== undefined) this.recorded().endChange = entry;
  }

  get calendar(): { calendar: Calendar; index: number } | undefined {
    return this.records?.calendar;
  }

  set calendar(calendar: { calendar: Calendar; index: number } | undefined) {
    if (calendar !== undefined || this.records !== undefined) this.recorded().calendar = calendar;
  }

  get ended(): "cycle" | "instant" | undefined {
    return this.records?.ended;
  }

  set ended(ended: "cycle" | "instant" | undefined) {
    if (ended !== undefined || this.records !== undefined) this.recorded().ended = ended;
  }

  get unbudgeted(): Set<string> | undefined {
    return this.records?.unbudgeted;
  }

  set unbudgeted(values: Set<string> | undefined) {
    if (values !== undefined || this.records !== undefined) this.recorded().unbudgeted = values;
  }
}
