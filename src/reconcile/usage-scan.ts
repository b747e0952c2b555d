import type { AccountSettings } from "../account/account.js";
import { familiesAt, sortInstant, type ItemFamilies } from "../engine/canonical-order.js";
import { versionInstants, versionSwitches } from "../ratecard/versions.js";
import { SeenEventIds, type EventIdRule } from "../engine/event-ids.js";
import { lineDimensions, PriceBook, priceEvent } from "../engine/pricing.js";
import { OutOfOrder } from "../engine/replay.js";
import type { UsageEvent } from "../engine/types.js";
import { ZERO, type Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import { mappingResolver, type UsageInput } from "../replay/replay-files.js";
import type { Calendar } from "../time.js";
import type { EventBatches } from "../usage/merge.js";
import { screenOnce } from "../usage/screen-reuse.js";
import { otherAccountsOf } from "../usage/account-column.js";
import { readUsageInTurn, type SkipRule } from "../usage/read.js";
import { sortByTime } from "../usage/sort-runs.js";
import { gaveUp, NeedsFullParser, plainGivesUp } from "../usage/plain-csv.js";
import type { Aligner } from "./align.js";
import type { FirstRepeat, SkippedOnLine } from "./types.js";
import { NearSums } from "./near-sums.js";

interface RepeatsAndBoundaryEvents {
  /** Quantity of repeated event_ids behind each aligned line id. */
  duplicates: Map<string, Decimal>;
  /**
   * What those repeats would cost, priced as events (a token meter's components, surcharges and
   * per-event rounding included), where every repeat of the line is a flow event; absent otherwise.
   */
  duplicateAmounts: Map<string, Decimal>;
  /** Each line's first repeat: its event id and row, for a finance analyst to name to the provider (newcomer66 L8). */
  firstRepeats: Map<string, FirstRepeat>;
  /** The flow events near the boundaries, summed per line key between the hypotheses' cuts. */
  near: NearSums;
  /** The repeats among them, summed so: a cut that moves a repeat moves it onto another cycle's line. */
  nearRepeats: NearSums;
  /** What the rows a mapping's `skip_rows:` left out would add to each aligned line id, priced as the events they would have been. */
  skipped: Map<string, SkippedOnLine>;
}

interface UsageScanRequest {
  card: RateCard;
  settings: AccountSettings;
  input: UsageInput;
  calendar: Calendar;
  /** The replay's own calendar (the account file's), at whose cycle starts a grandfathered card version switches in. */
  replayCalendar: Calendar;
  aligner: Aligner;
  /** Where each hypothesis tested puts the bill's cut: its shift in milliseconds at each boundary (by the index of the cycle it starts). */
  shifts: readonly ReadonlyMap<number, number>[];
  /** The accounts compared, where the bill names them: another's events near a boundary are no line's to move. */
  accounts?: ReadonlySet<string> | undefined;
  /** Every event scanned, not only the usable ones: the scan `usable` must give the same findings as (a test's). */
  every?: boolean;
}

/**
 * One read of the usage, beside the replay, for what a statement does not
 * keep: which lines repeated event_ids belong to, and the events close to the
 * cycle boundaries a bill might cut elsewhere. The events that can matter are
 * taken in the replay's order (sorted by time), so the event_id rule picks the
 * same rows as repeats as the replay did. Flow amounts
 * come from the engine's own event pricing, without the wallet: they only
 * choose a boundary hypothesis, which a replay then proves.
 */
export async function scanRepeatsAndBoundaryEvents(request: UsageScanRequest): Promise<RepeatsAndBoundaryEvents> {
  const { card, settings, input } = request;
  const options = { card, zone: settings.zone, defaultAccount: settings.name, otherAccounts: otherAccountsOf(settings), mappingFor: mappingResolver(input) };
  // As the replay does: only ids a first pass finds on more than one row are remembered.
  const screen = await screenOnce(input.files, { card, mappingFor: mappingResolver(input), stdinCopy: undefined });
  const rule = { window: settings.dedupeWindow, screen };
  // Read once, the events that can matter sorted by time (in memory, or on disk past 50,000): the whole log streamed,
  // and read again sorted on disk where it came out of order, took most of a month's reconcile (newcomer, stop 44: 20 s
  // of 48, its rows days late). The order is the replay's sorted one: time, ties in the files' order. The plain CSV
  // reader first, as the replay's readers go; csv-parse where it gives up (a quoted line break), the skipped rows
  // counted again.
  const scan = async (plain: boolean) => {
    const skipped = new Map<string, SkippedOnLine>();
    const read = readUsageInTurn(input.files, { ...options, plain, skippedEvent: skippedRows(request, skipped) });
    const context = { ...request, cuts: new NearSums(request.calendar, request.shifts) };
    const events = sortByTime(request.every === true ? read : usable(read, context, rule));
    return { ...(await scanInReplayOrder(events, context, rule)), skipped };
  };
  if (plainGivesUp(input.files)) return scan(false);
  try {
    return await scan(true);
  } catch (e) {
    if (!(e instanceof NeedsFullParser)) throw e;
    gaveUp(input.files, "plain", e);
  }
  return scan(false);
}

/**
 * The events whose place in the replay's order can change what the scan finds: a row of an id that may repeat (the
 * first pass found it on more than one row), a flow charge near a boundary the bill might cut at, and every row of any
 * other meter (an item's rows of one instant keep the log's order among themselves, in the places the item's rows take:
 * with some of them left out, another row's place among them could move). Any other row is a flow charge of an id on
 * one row of the log (or of none), far from the boundaries, which the scan passes by wherever it comes: so the events
 * kept come in the order they come in among all of them.
 */
async function* usable(events: EventBatches, request: ScanContext, rule: EventIdRule): EventBatches {
  const ids = new SeenEventIds(rule);
  // A meter is a flow charge in every version of the card, or its rows are kept.
  const cards = [request.card, ...(versionInstants(request.card, request.calendar.zone)?.map((v) => v.card) ?? [])];
  const flows = new Map<string, boolean>();
  const flow = (meter: string) => {
    let known = flows.get(meter);
    if (known === undefined) flows.set(meter, (known = cards.every((card) => flowCharge(card, meter))));
    return known;
  };
  for await (const batch of events) {
    const kept = batch.filter((event) => !flow(event.meter) || ids.mayRepeat(event.eventId) || nearBoundaries(event, request).length > 0);
    if (kept.length > 0) yield kept;
  }
}

/** Whether `meter` names a charge of a flow meter in `card`. */
function flowCharge(card: RateCard, meter: string): boolean {
  const event = card.events.get(meter);
  return event !== undefined && event.role === "charge" && event.meter.aggregation === "flow";
}

/** The scan's request, with the sums its near events go to. */
interface ScanContext extends UsageScanRequest {
  cuts: NearSums;
}

/** The boundaries near which a flow charge of the accounts compared is: where some hypothesis's cut would move it across. */
function nearBoundaries(event: UsageEvent, request: ScanContext): number[] {
  const { calendar, accounts } = request;
  if (accounts !== undefined && !accounts.has(event.account)) return [];
  // An event before the first cycle is near its start too: a bill cut earlier there (a UTC month of an account in New
  // York) bills it in the first month (newcomer60 H1: such a shift was never found, 1,140 lines left unexplained).
  return request.cuts.near(event.at, calendar.indexOf(event.at));
}

/**
 * Each skipped row added to the lines it would have been priced into, as a repeat is: its account's line of its cycle,
 * each component on its own line where the bill itemises the meter by component. Rows of the accounts not compared, or
 * outside the calendar, are no line's.
 */
function skippedRows(request: UsageScanRequest, lines: Map<string, SkippedOnLine>): (event: UsageEvent, skip: SkipRule) => void {
  const { card, calendar, aligner, accounts } = request;
  const book = new PriceBook();
  return (event, skip) => {
    const cycle = calendar.indexOf(event.at);
    const meterEvent = card.events.get(event.meter)!;
    if (cycle < 0 || meterEvent.role !== "charge" || meterEvent.meter.aggregation !== "flow" || (accounts !== undefined && !accounts.has(event.account))) return;
    const dims = lineDimensions(meterEvent.meter, event.dimensions);
    for (const part of byItem(book, card, event, dims, aligner)) {
      const id = aligner.id(cycle, event.account, part.item, dims);
      const seen = lines.get(id);
      const first = skip.at;
      if (seen === undefined) lines.set(id, { rows: 1, quantity: part.quantity, amount: part.amount, rules: [skip], first });
      else {
        const known = seen.rules.some((r) => r.column === skip.column && r.value === skip.value);
        // The first by file name and line, as the note on stderr tells them, not the first the merged reading came to.
        const earlier = first.file < seen.first.file || (first.file === seen.first.file && first.line < seen.first.line);
        lines.set(id, { rows: seen.rows + 1, quantity: seen.quantity.plus(part.quantity), amount: seen.amount.plus(part.amount), rules: known ? seen.rules : [...seen.rules, skip], first: earlier ? first : seen.first });
      }
    }
  };
}

/**
 * Events in time order, each instant's in the canonical order the replay takes
 * them in, a batch at a time; throws OutOfOrder on an earlier event.
 */
async function* inReplayOrder(events: EventBatches, familiesAtInstant: (at: number) => ItemFamilies): AsyncGenerator<readonly UsageEvent[]> {
  let instant: UsageEvent[] = [];
  for await (const batch of events) {
    const ordered: UsageEvent[] = [];
    for (const event of batch) {
      const at = instant[0]?.at;
      if (at !== undefined && event.at < at) throw new OutOfOrder(event);
      if (at !== undefined && event.at > at) {
        for (const held of sortInstant(familiesAtInstant(at), instant)) ordered.push(held);
        instant = [];
      }
      instant.push(event);
    }
    if (ordered.length > 0) yield ordered;
  }
  yield instant.length === 0 ? instant : sortInstant(familiesAtInstant(instant[0]!.at), instant);
}

async function scanInReplayOrder(events: EventBatches, request: ScanContext, rule: EventIdRule): Promise<Omit<RepeatsAndBoundaryEvents, "skipped">> {
  const { card, calendar, aligner } = request;
  const duplicates = new Map<string, Decimal>();
  const duplicateAmounts = new Map<string, Decimal>();
  const firstRepeats = new Map<string, FirstRepeat>();
  const repeatOf = (id: string, event: UsageEvent) => {
    if (!firstRepeats.has(id) && event.eventId !== undefined) firstRepeats.set(id, { eventId: event.eventId, origin: event.origin });
  };
  const unpriced = new Set<string>();
  const near = request.cuts;
  const nearRepeats = new NearSums(request.calendar, request.shifts);
  const seen = new SeenEventIds(rule);
  const book = new PriceBook();
  // Each instant's items are the version in force's, switched in as the replay switches it: a grandfathered version at
  // the next cycle start of the replay's calendar, not of a moved account's the bill is cut at (red team, stop 38).
  const dated = versionInstants(card, calendar.zone);
  const switches = dated === undefined ? undefined : versionSwitches(dated, request.replayCalendar);
  for await (const batch of inReplayOrder(events, familiesAt(dated?.[0]?.card ?? card, switches))) for (const event of batch) {
    const cycle = calendar.indexOf(event.at);
    const meterEvent = card.events.get(event.meter)!;
    const dims = meterEvent.role === "charge" ? lineDimensions(meterEvent.meter, event.dimensions) : event.dimensions;
    const flow = meterEvent.role === "charge" && meterEvent.meter.aggregation === "flow";
    // A row before the first cycle is no line's, and the replay never sees its id (it refuses or skips the row): it is
    // only summed near the first cycle's start, where a bill's earlier cut moves it in.
    if (cycle < 0 && !flow) continue;
    if (cycle >= 0 && seen.repeats(event)) {
      const id = aligner.id(cycle, event.account, event.meter, dims);
      duplicates.set(id, (duplicates.get(id) ?? ZERO).plus(event.quantity));
      repeatOf(id, event);
      if (flow && !unpriced.has(id)) {
        const around = nearBoundaries(event, request);
        // A bill itemised by component bills a repeat's tokens on each component's line: each is its repeat there,
        // where the meter's own line (the free requests) was the only place a repeat was found (newcomer, stop 35).
        for (const part of byItem(book, card, event, dims, aligner)) {
          const partId = aligner.id(cycle, event.account, part.item, dims);
          if (part.item !== event.meter) {
            duplicates.set(partId, (duplicates.get(partId) ?? ZERO).plus(part.quantity));
            repeatOf(partId, event);
          }
          duplicateAmounts.set(partId, (duplicateAmounts.get(partId) ?? ZERO).plus(part.amount));
          const key = aligner.key(event.account, part.item, dims);
          for (const b of around) nearRepeats.add(b, key, { at: event.at, quantity: part.quantity, amount: part.amount });
        }
      } else {
        unpriced.add(id);
        duplicateAmounts.delete(id);
      }
      continue;
    }
    if (!flow) continue;
    const around = nearBoundaries(event, request);
    if (around.length === 0) continue;
    // Split as repeats are: a bill by component (request:input_tokens) sees the tokens a boundary moves on its
    // component lines, where only the meter's own line saw a move, and no shift was ever tested (newcomer, stop 37).
    for (const part of byItem(book, card, event, dims, aligner)) {
      const key = aligner.key(event.account, part.item, dims);
      for (const b of around) near.add(b, key, { at: event.at, quantity: part.quantity, amount: part.amount });
    }
  }
  return { duplicates, duplicateAmounts, firstRepeats, near, nearRepeats };
}

/**
 * A flow event as the bill's lines see it, priced by the engine: each component on a line of its own where the bill
 * itemises the meter by component for the event's account and dimension values, the rest (its own quantity, the
 * components billed whole) on the meter's own line.
 */
function byItem(book: PriceBook, card: RateCard, event: UsageEvent, dims: Readonly<Record<string, string>>, aligner: Aligner): { item: string; quantity: Decimal; amount: Decimal }[] {
  const meter = card.events.get(event.meter)!.meter;
  const priced = priceEvent(book, card, { meter, dims: event.dimensions, quantity: event.quantity, components: event.components, origin: event.origin });
  const parts: { item: string; quantity: Decimal; amount: Decimal }[] = [];
  let own = priced.amount;
  for (const part of priced.extras) {
    const item = aligner.item(event.meter, part.component, event.account, dims);
    if (item === event.meter) continue;
    parts.push({ item, quantity: part.quantity, amount: part.amount });
    own = own.minus(part.amount);
  }
  return [{ item: event.meter, quantity: event.quantity, amount: own }, ...parts];
}
