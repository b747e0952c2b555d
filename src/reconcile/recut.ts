import { DateTime } from "luxon";
import type { AccountSettings } from "../account/account.js";
import { cycleOfPeriod } from "../bill/period.js";
import type { BillCharge, BillPeriod } from "../bill/types.js";
import type { DeclaredCut } from "../bill/mapping.js";
import type { LedgerEntry, StatementLine } from "../engine/types.js";
import { UserError, shown } from "../errors.js";
import { ZERO, type Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import type { FeeCycle } from "../ratecard/plan-fee.js";
import { Calendar, formatInstant, Zone, type Instant } from "../time.js";
import { replayFiles, type UsageInput } from "../replay/replay-files.js";
import { boughtByPeriod, type LoggedGrant } from "./recut-bought.js";

/** What reconciling needs of a statement line: a replay's own, or one summed from its ledger at other boundaries. */
type CutLine = Pick<StatementLine, "meter" | "component" | "dimensions" | "quantity" | "unitPrice" | "amount" | "events">;

interface CutCycle {
  index: number;
  start: Instant;
  end: Instant;
  total: Decimal;
  lines: readonly CutLine[];
  grants: readonly { kind: string; granted: Decimal }[];
  /** Requests past the plan's quota, credits billed past zero, and their money; a re-cut bill's periods have none of their own. */
  overage?: { requests: Decimal; amount: Decimal; credits?: Decimal };
  /** The plan in force at the cycle's end, whose fee the cycle owes; a re-cut bill's periods have none of their own. */
  plan?: string;
  /** The card version in force at the cycle's end, when several are given. */
  version?: string;
  /** The plans in force over the cycle's parts, where its plan changed during it; a re-cut bill's periods have none of their own. */
  plans?: readonly { plan: string; from: Instant; to: Instant }[];
  /** Credits of paid grants by the card version in force when bought (several versions given): each at its version's credit price. */
  boughtIn?: readonly { version: string; credits: Decimal }[];
  /**
   * A re-cut period's fees, where it owes them: each of the account's own cycles that start in it, by the plan (and
   * version) at its end, its start and the subscription's end before its end (cycleFee).
   */
  owes?: readonly FeeCycle[];
  /** The subscription's end, where it falls before the cycle's end (the statement's): a cycle from it on owes no fee. */
  subscriptionEnd?: Instant;
}

/** A statement as reconciling reads it: per account, per cycle of some calendar, its lines. */
export interface CutStatement {
  accounts: readonly { account: string; cycles: readonly CutCycle[] }[];
}

/** The first instant of a bill's period, in the zone it is cut in: at its midnight, or at the time of a declared cut. */
export function periodStart(period: BillPeriod, zone: Zone, cut?: DeclaredCut): Instant | undefined {
  if (period.kind === "start-instant") return period.at;
  if (period.kind !== "start-date") return undefined;
  const day = DateTime.fromISO(period.date, { zone: zone.name }).startOf("day");
  return (cut?.declared === true ? day.set({ hour: cut.hour, minute: cut.minute }) : day).toMillis();
}

/**
 * A bill period wholly before the account's anchor is no cycle of the account: refused at its cell. Otherwise it
 * was read as a bill cut at its own periods, re-cut, and its lines reported as missing from the usage (red team,
 * stop 36: October billed for an account anchored on November 1). A period that runs past the anchor is left to
 * the calendars: a bill cut on another day may start its first period before the account's.
 */
export function refuseBeforeAnchor(charges: readonly BillCharge[], calendar: Calendar, anchor: Instant | undefined): void {
  if (anchor === undefined) return;
  for (const c of charges) {
    const start = periodStart(c.period, calendar.zone);
    if (start === undefined || start >= anchor || new Calendar(start, calendar.zone).start(1) > anchor) continue;
    const text = c.period.kind === "start-date" ? c.period.text ?? c.period.date : c.period.kind === "start-instant" ? c.period.text ?? formatInstant(c.period.at) : formatInstant(start);
    throw new UserError("period is no cycle of the account: it is over before the account's anchor", c.periodCell, `a cycle on or after the anchor, ${calendar.zone.localDate(anchor)} in ${calendar.zone.name}, when the account's first cycle starts`, shown(text));
  }
}

/**
 * The bill's own calendar, when its periods are not the account's cycles but
 * are monthly cycles of their own (a provider billing from another day than
 * the one the credits reset on); undefined when the account's cycles fit. A
 * period that fits neither is the account calendar's error, which names the
 * nearby cycle starts.
 */
export function offAnchorCalendar(charges: readonly BillCharge[], calendar: Calendar, cut?: DeclaredCut): Calendar | undefined {
  let refusal: UserError | undefined;
  for (const c of charges) {
    try {
      cycleOfPeriod(c.period, calendar, c.periodCell);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      refusal ??= e;
    }
  }
  if (!refusal) return undefined;
  // A cut the bill mapping declares is where its periods start (red63e H2: a bill cut on the 5th at 00:00 UTC, for an
  // account in New York, was re-cut at New York's midnight, and its correct lines failed where rows fell between).
  // Periods written as instants at UTC midnights (a FOCUS export's) are UTC months, whatever the account's zone: in
  // Honolulu's they were months of other lengths, and no fee was compared (red64d M3).
  const utcMonths = charges.every((c) => c.period.kind === "start-instant" && c.period.at % DAY === 0);
  const zone = cut?.declared === true ? cut.zone : utcMonths ? UTC : calendar.zone;
  const starts = charges.map((c) => periodStart(c.period, zone, cut)).filter((s): s is Instant => s !== undefined);
  if (starts.length < charges.length) throw refusal;
  // Not spread into Math.min: a bill of some 120,000 lines or more is past the arguments a call takes.
  const earliest = starts.reduce((a, b) => Math.min(a, b), Infinity);
  const bills = periodCalendar(earliest, zone, cut);
  try {
    for (const c of charges) cycleOfPeriod(c.period, bills, c.periodCell);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    throw (cut?.declared === true ? offTheCut(charges, cut, charges[starts.indexOf(earliest)]!.period) : undefined) ?? refusal;
  }
  return bills;
}

/**
 * The first period that does not start at the declared cut, said at it: the account calendar's error named the
 * account zone's midnights (red64e L6: Honolulu's 10:00Z for a bill declared cut at 00:00 America/New_York, 04:00Z),
 * and its first row, not the one off the cut (red64b L3).
 */
function offTheCut(charges: readonly BillCharge[], cut: DeclaredCut, first: BillPeriod): UserError | undefined {
  // The day the bill writes: a date's, or an instant's own, as written in UTC.
  const date = first.kind === "start-date" ? first.date : new Date(first.at).toISOString().slice(0, 10);
  const periods = periodCalendar(periodStart({ kind: "start-date", date }, cut.zone, cut)!, cut.zone, cut);
  for (const c of charges) {
    try {
      cycleOfPeriod(c.period, periods, c.periodCell);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      return new UserError(`${e.problem}, at the cut the bill mapping declares (${cut.text})`, e.location, e.expected, e.found);
    }
  }
  return undefined;
}

const DAY = 86_400_000;
const UTC = Zone.of("UTC")!;

/**
 * Monthly bill periods from `start` (the first one's first instant), in the zone they are cut in. Cut at midnight, a day
 * whose midnight the clocks skip starts at its first instant, and the months after at their midnights (red64b L2: a
 * cut at 00:00 America/Santiago from a day its clocks skip put every period at 01:00).
 */
function periodCalendar(start: Instant, zone: Zone, cut: DeclaredCut | undefined): Calendar {
  return new Calendar(start, zone, cut?.declared !== true || (cut.hour === 0 && cut.minute === 0));
}

/**
 * The account's calendar with its cycles' days at a declared cut: the bill's months of an account whose cycles an
 * upgrade moved, cut where the provider cuts them (red64b M1: they were re-cut at the account zone's midnights, the
 * declared `cut: "00:00 UTC"` unused). The calendar itself where no cut is declared.
 */
export function calendarAtCut(own: Calendar, cut: DeclaredCut): Calendar {
  if (!cut.declared) return own;
  return periodCalendar(periodStart({ kind: "start-date", date: own.zone.localDate(own.start(0)) }, cut.zone, cut)!, cut.zone, cut);
}

/**
 * Whether bill periods start on the account's cycles' days, whatever the hour or zone they are cut at: each then holds
 * one cycle start, whose fee it owes (red64b M3: a bill of instants at UTC months, for an account in New York, owed its
 * fees as the same bill of dates does).
 */
export function onAccountDays(bills: Calendar, own: Calendar): boolean {
  return bills.zone.localDate(bills.start(0)).slice(8) === own.zone.localDate(own.start(0)).slice(8);
}

/**
 * The bill period holding a day, the account's local date, in the zone the bill is cut in: the fee of a cycle is owed in
 * the period of its first day, wherever the hours fall (red64c H1, H2: a Tokyo account's cycle from December 1 starts on
 * November 30 in UTC, and its fee was owed in November's period, or lost before the bill's first).
 */
function periodOfDay(bills: Calendar, date: string): number {
  return bills.indexOf(DateTime.fromISO(date, { zone: bills.zone.name }).endOf("day").toMillis());
}

/**
 * Replay the usage at the account's own cycles (allowances, recurring items and
 * gauges as the account has them), and cut what it charged at the bill's
 * periods instead: every charge and refund of the ledger, summed by the bill
 * period it falls in. Memory grows with lines, not with rows. Charges before the
 * bill's first period are kept as cycle -1, to be shown as outside the bill.
 * With `fees`, each period owes the fees of the account's cycles that start in it.
 */
export async function recut(card: RateCard, settings: AccountSettings, usage: UsageInput, bills: Calendar, fees: boolean): Promise<CutStatement> {
  const accounts = new Map<string, Map<number, Map<string, CutLine>>>();
  // Credits bought, by account, bill period and grant kind: a bill's credits_bought line is compared with them (red63e
  // H1: a purchase on Nov 20 of a bill cut on the 5th was "missing in usage", the re-cut periods having no grants).
  const bought = new Map<string, Map<number, Map<string, Decimal>>>();
  // The same grants as logged, by account, for the versions they were bought under (boughtByPeriod).
  const logged = new Map<string, LoggedGrant[]>();
  const push = (e: LedgerEntry) => {
    if (e.type === "payment" && e.grant !== undefined) {
      const periods = bought.get(e.account) ?? new Map<number, Map<string, Decimal>>();
      bought.set(e.account, periods);
      const index = Math.max(-1, bills.indexOf(e.at));
      if (settings.versions !== undefined) {
        const mine = logged.get(e.account) ?? [];
        logged.set(e.account, mine);
        mine.push({ period: index, at: e.at, kind: e.grant, amount: e.amount });
      }
      const kinds = periods.get(index) ?? new Map<string, Decimal>();
      periods.set(index, kinds);
      kinds.set(e.grant, (kinds.get(e.grant) ?? ZERO).plus(e.amount));
      return;
    }
    if ((e.type !== "charge" && e.type !== "refund") || e.meter === undefined) return;
    let cycles = accounts.get(e.account);
    if (!cycles) accounts.set(e.account, (cycles = new Map()));
    const index = Math.max(-1, bills.indexOf(e.at));
    const lines = cycles.get(index) ?? new Map<string, CutLine>();
    cycles.set(index, lines);
    const meter = e.meter;
    // A component's line by its unit price on the card, as the statement's (red63e M1: an event's part cut down to the
    // step read as a price of 0.00024999..., and a second version's price was lost in the first's).
    const add = (component: string | undefined, quantity: Decimal, amount: Decimal, price?: Decimal) => {
      const key = JSON.stringify([meter, component ?? null, e.dimensions, price?.toString() ?? null]);
      const unitPrice = price ?? (quantity.isZero() ? ZERO : amount.div(quantity).abs());
      const seen = lines.get(key);
      lines.set(key, seen === undefined
        ? { meter, component, dimensions: e.dimensions, quantity, unitPrice, amount, events: 1 }
        : { ...seen, quantity: seen.quantity.plus(quantity), amount: seen.amount.plus(amount), events: seen.events + 1, unitPrice: seen.unitPrice.eq(unitPrice) ? unitPrice : seen.unitPrice });
    };
    // A token-priced row's components on lines of their own, as the statement has them; its own line the rest.
    const amount = e.amount.neg();
    const parts = e.parts ?? [];
    for (const p of parts) add(p.component, p.quantity, p.amount, p.unitPrice);
    add(undefined, e.quantity ?? ZERO, parts.reduce((rest, p) => rest.minus(p.amount), amount));
  };
  const statement = await replayFiles(card, settings, usage, { push, restart: () => (accounts.clear(), bought.clear(), logged.clear()), parts: true });
  const first = statement.accounts[0]?.cycles[0]?.start ?? bills.start(0);
  return {
    accounts: statement.accounts.map((a) => {
      const periods = accounts.get(a.account) ?? new Map<number, Map<string, CutLine>>();
      const grants = bought.get(a.account) ?? new Map<number, Map<string, Decimal>>();
      const boughtIn = settings.versions === undefined ? undefined : boughtByPeriod(settings.versions, a.cycles.map((c) => c.start), logged.get(a.account) ?? []);
      for (const index of grants.keys()) if (!periods.has(index)) periods.set(index, new Map());
      const owes = new Map<number, FeeCycle[]>();
      for (const c of fees ? a.cycles : []) {
        const index = periodOfDay(bills, settings.zone.localDate(c.start));
        if (index < 0) continue;
        owes.set(index, [...(owes.get(index) ?? []), { plan: c.plan, start: c.start, ...(c.version === undefined ? {} : { version: c.version }), ...(c.subscriptionEnd === undefined ? {} : { subscriptionEnd: c.subscriptionEnd }) }]);
        if (!periods.has(index)) periods.set(index, new Map());
      }
      return {
        account: a.account,
        cycles: [...periods].sort((x, y) => x[0] - y[0]).map(([index, lines]) => ({
          index,
          start: index < 0 ? Math.min(first, bills.start(0)) : bills.start(index),
          end: bills.start(index + 1),
          total: [...lines.values()].reduce((s, l) => s.plus(l.amount), ZERO),
          lines: [...lines.values()],
          grants: [...(grants.get(index) ?? [])].map(([kind, granted]) => ({ kind, granted })),
          // With versions, creditsBoughtIn reads only these: a period of no purchase carries none bought, not no record.
          ...(boughtIn === undefined ? {} : { boughtIn: boughtIn.get(index) ?? [] }),
          ...(owes.has(index) ? { owes: owes.get(index)! } : {}),
        })),
      };
    }),
  };
}
