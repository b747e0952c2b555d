import { accountZoneHint } from "./zone-hint.js";
import type { AccountSettings } from "../account/account.js";
import { cycleOfPeriod } from "../bill/period.js";
import { readBill, type BillInput } from "../bill/read.js";
import type { Bill } from "../bill/types.js";
import type { BoundaryRule, DeclaredCut } from "../bill/mapping.js";
import { versionAtInstant } from "../bill/period-price.js";
import { unsaidCurrency, unsaidUnit } from "../bill/unsaid-currency.js";
import type { Statement } from "../engine/types.js";
import { atFlag, UserError, UserErrors, shown } from "../errors.js";
import { nearest } from "../nearest.js";
import { fallbackNearMisses } from "../engine/fallback-prices.js";
import { cardNamedValues } from "../ratecard/condition-values.js";
import { Decimal, ZERO, formatExact } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import { Calendar } from "../time.js";
import { replayFiles, type UsageInput } from "../replay/replay-files.js";
import { Aligner, meterOfItem, sumOf, type PlacedCharge } from "./align.js";
import { cycleUsage, roundingMayReach } from "./rounding-reach.js";
import { overagesFollowing } from "./overage-follows.js";
import { findBoundaryShift, hypotheses, movesOf, shiftAt, type Hypothesis, type Move, type ShiftFinding } from "./boundary.js";
import { atDeclaredCut, declaredHypothesis } from "./declared-cut.js";
import { atBillsCut } from "./at-cut.js";
import { agreementNote, classify, type Verdict } from "./classify.js";
import { accountGroups, billCut, type BillCut } from "./moved-calendar.js";
import { onAccountDays, periodStart, recut, refuseBeforeAnchor, type CutStatement } from "./recut.js";
import type { AlignedLine, BoundaryFound, Difference, ReconciledLine, Reconciliation, Tolerance, UncomparedOverage } from "./types.js";
import { granted, ignoredRows, kindsOf, mergeSpans, outsideBill, spans, overageNotCompared, uncomparedOverage, type Granted } from "./beside-bill.js";
import { scanRepeatsAndBoundaryEvents } from "./usage-scan.js";
import { creditRows, inCurrency, invoiceTotal } from "./invoice.js";

export interface ReconcileInput {
  card: RateCard;
  settings: AccountSettings;
  usage: UsageInput;
  bill: BillInput;
  tolerance: Tolerance;
  /** The usage scan reads every event, not only those that can matter (a test's: usage-scan.ts, `every`). */
  scanEvery?: boolean;
  /** The bill is to invoice every account (`--every-account`): one with usage charged that it names no line of needs attention. */
  everyAccount?: boolean;
  /**
   * Called between the long synchronous steps (the heap watch's check, as diff's comparison): they give the event loop
   * no turn, and a bill of 96,000 lines for 20,000 accounts grew the heap by 300 MB of garbage in one (red68).
   */
  between?: () => void;
}

/**
 * Compare a provider's bill with the statement the engine computes from the
 * same usage, line by line, and class every difference.
 */
export async function reconcile(input: ReconcileInput): Promise<Reconciliation> {
  const { card } = input;
  // The bill is read first so that a bad row fails before a long replay.
  const bill = readBill(input.bill, card, input.settings.zone);
  const between = input.between ?? (() => {});
  between();
  // The replay runs through the bill's last period: a cycle the usage never reaches still owes its plan fee and its
  // recurring charges (red team, stop 36: January's fee, billed after the log's last row, read as a re-cut). Replayed
  // again only where the bill goes past the usage's last cycle.
  const first = await replayFiles(card, input.settings, input.usage);
  const settings = throughBill(input.settings, bill, first);
  const replayed = settings === input.settings ? first : await replayFiles(card, settings, input.usage);
  const own = calendarOf(replayed, settings);
  refuseBeforeAnchor(bill.charges, own, settings.anchor);
  // A row with an empty account cell is the account file's own account, as in usage.
  const accountOf = (account: string | undefined) => (bill.byAccount ? account ?? settings.name : undefined);

  // A bill that names accounts has each account's rows compared at that account's own cycles (its accounts grouped by
  // cycles alike, each group compared on its own and the sheets merged); one without an account column covers every
  // account, at one calendar.
  const named = bill.byAccount ? [...new Set([...bill.charges, ...bill.payments].map((c) => accountOf(c.account)!))] : [];
  // Looked up by account, not searched: each of 20,000 accounts searched a list of 20,000 names.
  const onBill = new Set(named);
  const groups: { accounts: ReadonlySet<string> | undefined; statement: Statement }[] = bill.byAccount ? accountGroups(named, replayed, own) : [{ accounts: undefined, statement: replayed }];
  const parts = groups.map((group) => {
    const mine = <T extends { account: string | undefined }>(rows: readonly T[]) => rows.filter((r) => group.accounts === undefined || group.accounts.has(accountOf(r.account)!));
    return ofAccounts(groups.length > 1 ? group.accounts : undefined, () => {
      const rows = mine(bill.charges);
      const cut = billCut(rows, group.statement, own, bill.cut);
      between();
      const placed: PlacedCharge[] = rows.map((c, i) => {
        if (i % CHECKED_ROWS === 0) between();
        return { ...c, account: accountOf(c.account), cycle: cycleOfPeriod(c.period, cut.calendar, c.periodCell) };
      });
      const payments = mine(bill.payments).map((p) => ({ ...p, account: accountOf(p.account), cycle: cycleOfPeriod({ kind: "within", at: p.at }, cut.calendar, p.origin) }));
      // A credit is placed as the rows are (its period names a cycle), then listed apart from its line.
      return { ...cut, accounts: group.accounts, charges: placed.filter((c) => !c.credit), credits: placed.filter((c) => c.credit), payments };
    });
  });
  const charges = parts.flatMap((p) => p.charges);
  const payments = parts.flatMap((p) => p.payments);
  const credits = creditRows(parts);
  if (charges.length + payments.length + credits.length === 0) throw new UserError("the bill has no charges", { file: bill.file, line: 2, column: 1 }, "at least one charge row", "none");
  const aligner = new Aligner(bill, charges, card);
  const compared: Compared[] = [];
  for (const part of parts) compared.push(await compare({ ...input, settings, aligner, replayed, own, several: parts.length > 1, billLayout: bill.layout, boundaryRule: bill.boundaryShift, cut: bill.cut }, part));

  const lines = compared.flatMap((c) => [...c.lines.values()]);
  const rank = new Map([...card.events.keys()].map((m, i) => [m, i]));
  const sheet = compared.flatMap((c) => c.sheet).sort((a, b) => a.cycleStart - b.cycleStart || a.line.cycle - b.line.cycle
    || (rank.get(meterOfItem(a.line.meters[0]!)) ?? 0) - (rank.get(meterOfItem(b.line.meters[0]!)) ?? 0)
    || byText(a.line.account ?? "", b.line.account ?? "") || byText(JSON.stringify(a.line.dimensions), JSON.stringify(b.line.dimensions)));
  const differences = sheet.flatMap((l) => (l.difference ? [l.difference] : []));
  const calendars = new Map(compared.flatMap((c) => [...(c.accounts ?? [])].map((a) => [a, c.calendar] as const)));
  const [head] = compared as [Compared];
  return {
    provider: card.provider,
    // The version the replay ended on, as the statement of the same usage names it (versions given: the latest in force).
    version: replayed.version,
    unit: card.unit,
    currency: card.currency,
    timezone: settings.zone.name,
    bill: { file: bill.file, layout: bill.layout, dimensions: bill.dimensions },
    cycles: spans(compared.flatMap((c) => c.cycles.map((index) => ({ index, start: c.calendar.start(index), end: c.calendar.start(index + 1) })))),
    recut: compared.find((c) => c.recut !== undefined)?.recut,
    shifts: compared.flatMap((c) => (c.shift ? [c.shift] : [])),
    tolerance: input.tolerance,
    billTotal: sumOf(charges.filter((c) => !c.money).map((c) => c.amount)),
    computedTotal: sumOf(lines.filter((l) => !l.money).map((l) => l.computed?.amount ?? ZERO)),
    money: lines.some((l) => l.money) ? {
      currency: card.currency,
      billTotal: sumOf(charges.filter((c) => c.money).map((c) => c.amount)),
      computedTotal: sumOf(lines.filter((l) => l.money).map((l) => l.computed?.amount ?? ZERO)),
    } : undefined,
    agreeing: sheet.length - differences.length,
    differences,
    lines: sheet,
    outsideBill: mergeSpans(compared.flatMap((c) => c.outsideBill)),
    overageNotCompared: overageNotCompared(compared.flatMap((c) => (c.overage ? [c.overage] : []))),
    // Accounts the bill does not name at all, summed over the first group's cycles.
    otherAccounts: head.statement.accounts.filter((a) => bill.byAccount && !onBill.has(a.account)).map((a) => ({
      account: a.account,
      amount: sumOf(a.cycles.filter((c) => head.cycles.includes(c.index)).map((c) => c.total)),
    })),
    everyAccount: input.everyAccount === true,
    ignored: ignoredRows(bill.ignored, { calendarOf: (account) => (account === undefined ? undefined : calendars.get(account)) ?? head.calendar, accountOf }),
    fallbacks: fallbackNearMisses(card, replayed),
    replayed,
    credits,
    creditRule: bill.credits,
    invoice: invoiceTotal({
      card,
      layout: bill.layout,
      charges,
      credits: parts.flatMap((p) => p.credits),
      ignored: bill.ignored,
      computed: { units: sumOf(lines.filter((l) => !l.money).map((l) => l.computed?.amount ?? ZERO)), money: lines.some((l) => l.money && l.computed !== undefined), inCurrency: compared.map((c) => c.computedMoney) },
    }),
    payments: bill.layout === "ledger"
      ? { bill: sumOf(payments.map((p) => p.amount)), granted: sumOf(compared.map((c) => c.granted.total)), byKind: kindsOf(compared.flatMap((c) => c.granted.byKind)), free: kindsOf(compared.flatMap((c) => c.granted.free)), rows: payments.length }
      : undefined,
  };
}

/**
 * A group's rows placed at its cycles; a row that names none is refused saying whose cycles those are, where the bill's
 * accounts have different ones (the starts it lists are that account's).
 */
function ofAccounts<T>(accounts: ReadonlySet<string> | undefined, place: () => T): T {
  try {
    return place();
  } catch (e) {
    if (!(e instanceof UserError) || accounts === undefined || e instanceof UserErrors) throw e;
    const whose = `${accounts.size === 1 ? "account" : "accounts"} ${[...accounts].map((a) => shown(a)).join(", ")}`;
    throw new UserError(`${e.problem} of ${whose}`, e.location, e.expected, e.found);
  }
}

/** Bill rows placed between two calls of the heap watch's check. */
const CHECKED_ROWS = 1024;

/** One group of the bill's accounts, as compared: its aligned lines and sheet, at its own calendar. */
interface Compared {
  accounts: ReadonlySet<string> | undefined;
  calendar: Calendar;
  statement: CutStatement;
  /** The bill's cycles of the group, in order. */
  cycles: number[];
  lines: Map<string, AlignedLine>;
  sheet: ReconciledLine[];
  recut: Reconciliation["recut"];
  /** The boundary shift found for the group, whose lines are then at the bill's cut. */
  shift: BoundaryFound | undefined;
  outsideBill: Reconciliation["outsideBill"];
  granted: Granted;
  /** The compared lines' computed amounts in the card's currency; undefined where a cycle's version has no credit price. */
  computedMoney: Decimal | undefined;
  /** The group's overage where the bill's lines do not compare it (Aligner.comparesOverage). */
  overage: UncomparedOverage | undefined;
}

interface CompareContext extends ReconcileInput {
  aligner: Aligner;
  replayed: Statement;
  /** The calendar of the replay's cycles. */
  own: Calendar;
  /** Whether the bill's accounts are compared in several groups: a re-cut then names whose cycles it re-cut. */
  several: boolean;
  billLayout: Bill["layout"];
  boundaryRule: Bill["boundaryShift"];
  cut: Bill["cut"];
}

interface Part extends BillCut {
  accounts: ReadonlySet<string> | undefined;
  charges: PlacedCharge[];
  credits: PlacedCharge[];
  payments: { account: string | undefined; cycle: number }[];
}

/** Compare one group of the bill's accounts (every account, where the bill names none) with the statement at the group's calendar. */
async function compare(ctx: CompareContext, part: Part): Promise<Compared> {
  const { card, settings, aligner, replayed } = ctx;
  const { calendar, bills, accounts, charges, payments } = part;
  const versionAt = versionAtInstant(card, settings.zone);
  // A bill by the calendar's months of accounts whose cycles an upgrade moved owes, each month, the fees of the
  // cycles that start in it (red team, stop 37); a bill cut at other days compares none.
  const statement: CutStatement = bills ? await recut(card, settings, ctx.usage, bills, bills === ctx.own || onAccountDays(bills, ctx.own)) : replayed;
  const cycles = new Set([...charges.map((c) => c.cycle), ...payments.map((p) => p.cycle)]);
  const own = aligner.align(statement, charges, cycles, accounts);
  ctx.between?.();
  attachRefusals(own, replayed, calendar);
  ctx.between?.();
  let lines = own;
  let verdicts = new Map<string, Verdict | undefined>();
  for (const [id, line] of lines) verdicts.set(id, classify(line, card));

  const tolerated = (line: AlignedLine, rest: Decimal) => within(rest, line, ctx.tolerance, versionAt(calendar.start(line.cycle)));
  let found: ShiftFinding | undefined;
  // Whether the found cut is the one the bill mapping declares (00:00 UTC where unsaid): only there does a shift pass as billed.
  let declared = true;
  // The first cycle's start too: a bill cut later there leaves the first hours of the log out of its first month.
  const boundaries = [...new Set([...cycles].flatMap((c) => [c, c + 1]))].filter((b) => b >= 0).sort((a, b) => a - b);
  const searched = hypotheses(calendar, boundaries);
  const asDeclared = declaredHypothesis(searched, calendar, boundaries, ctx.cut);
  const all = asDeclared === undefined ? searched : [asDeclared, ...searched];
  // A cut the bill mapping declares, other than the account's own: the bill is compared there whatever else is found.
  const provider = !bills && ctx.cut.declared ? all.find((h) => atDeclaredCut(h, calendar, boundaries, ctx.cut)) : undefined;
  // The scan and the search in a function of their own: its events' sums are let go once the cut is found, before a
  // replay rounding each event (newcomer37: 29 MB held through it).
  const search = async (): Promise<{ found: ShiftFinding | undefined; repeatsMoved?: ReadonlyMap<string, Move> }> => {
    let found: ShiftFinding | undefined;
    // The declared cut is tried first: where it fits as well as another, it is the one kept.
    const candidates = [...all.filter((h) => atDeclaredCut(h, calendar, boundaries, ctx.cut)), ...all.filter((h) => !atDeclaredCut(h, calendar, boundaries, ctx.cut))];
    const scan = await scanRepeatsAndBoundaryEvents({ card, settings, input: ctx.usage, calendar, replayCalendar: ctx.own, aligner, shifts: candidates.map((h) => h.shifts), accounts, every: ctx.scanEvery });
    for (const [id, line] of lines) {
      const repeated = scan.duplicates.get(id);
      const skipped = scan.skipped.get(id);
      if (repeated) {
        line.duplicates = repeated;
        const first = scan.firstRepeats.get(id);
        if (first !== undefined) line.firstRepeat = first;
        const amount = scan.duplicateAmounts.get(id);
        if (amount !== undefined) line.duplicateAmount = amount;
      }
      if (skipped) line.skipped = skipped;
      if (repeated || skipped) verdicts.set(id, classify(line, card, tolerated));
    }
    // A re-cut bill already has its boundary: no other is looked for.
    const shiftContext = { card, settings, input: ctx.usage, calendar, aligner, charges, cycles, accounts, lines, verdicts, near: scan.near };
    if (!bills && [...verdicts.values()].some((v) => v?.shiftable)) {
      found = await findBoundaryShift(shiftContext, candidates);
      if (found) declared = atDeclaredCut(found.hypothesis, calendar, boundaries, ctx.cut);
    }
    // No cut found to explain the bill: it is compared at the declared one, where a neighbouring month's events billed
    // again differ (red team, stop 38: December's bill charged the 7 events November's had at 00:00 Los Angeles).
    if (found === undefined && provider !== undefined) found = await shiftAt(shiftContext, provider);
    // The repeats the cut moves go with their events onto the other cycle's line (red team, red34 #5).
    return { found, repeatsMoved: found === undefined ? undefined : movesOf(found.hypothesis, scan.nearRepeats) };
  };
  let repeatsMoved: ReadonlyMap<string, Move> | undefined;
  if (provider !== undefined || [...verdicts.values()].some((v) => v !== undefined && v.class !== "rounding")) ({ found, repeatsMoved } = await search());
  // Once the bill's cut is found, every line is judged there, not only those it explains.
  if (found) ({ lines, verdicts } = atBillsCut(found, own, card, { tolerated, repeatsMoved }));
  // A cut other than the declared one is reported with what it explains, and held as boundary_shift: fail holds it.
  const rule = declared ? ctx.boundaryRule : "fail";
  const undeclared = found && !declared ? undeclaredText(found.hypothesis, ctx.cut, settings.zone.name) : "";

  // A provider that rounds each event where the card rounds none bills a price the card does not have: before
  // the card is blamed, the usage is priced again rounding each event (at the bill's cut, where one is found), and a
  // line that then comes to the bill's amount exactly is that rounding.
  // A line out of that pricing's reach (a component's line billed above it) does not ask for it (rounding-reach.ts).
  if (!bills && card.precision.roundAt === "none" && [...verdicts].some(([id, v]) => v?.class === "rate_drift" && (found !== undefined || roundingMayReach(lines.get(id)!, card, cycleUsage(replayed, lines.get(id)!, accounts))))) {
    const each = roundingEachEvent(card);
    const rounded = found ? await found.replay(each) : await replayFiles(each, settings, driftingOnly(ctx.usage, settings, card, { lines, verdicts }));
    const again = aligner.align(rounded, charges, cycles, accounts);
    for (const [id, line] of lines) {
      const bill = line.bill?.amount;
      const each = again.get(id)?.computed?.amount;
      if (verdicts.get(id)?.class !== "rate_drift" || bill === undefined || each === undefined || !each.eq(bill)) continue;
      verdicts.set(id, { class: "rounding", explanation: `the bill rounds each event to ${formatExact(card.precision.step)} (${card.precision.rounding}), where the card rounds none: priced so, the usage comes to the bill's ${formatExact(bill)} exactly (round_at: event in the card would say so)`, shiftable: false });
    }
  }

  // A bill in the card's currency that does not say so is off by the credit price on every usage line: said, with the mapping key.
  // So is a bill in the card's unit throughout, its fee and overage rows read as money.
  const versionOf = (line: AlignedLine) => versionAt(calendar.start(line.cycle));
  for (const [id, verdict] of overagesFollowing(lines, verdicts, card, versionOf)) verdicts.set(id, verdict);
  for (const [id, text] of [...unsaidCurrency({ charges, layout: ctx.billLayout }, lines, card, versionOf), ...unsaidUnit({ charges }, lines, card, versionOf)]) {
    const verdict = verdicts.get(id);
    if (verdict) verdicts.set(id, { ...verdict, explanation: text });
  }

  const hint = hints(lines, statement, card);
  const sheet: ReconciledLine[] = [];
  for (const [id, line] of lines) {
    const verdict = verdicts.get(id);
    const cycleStart = calendar.start(line.cycle);
    const delta = (line.bill?.amount ?? ZERO).minus(line.computed?.amount ?? ZERO);
    const recutLine = bills !== undefined || line.moved !== undefined;
    if (!verdict) {
      sheet.push({ line, cycleStart, status: "agrees", delta, difference: undefined, note: agreementNote(line), recut: recutLine });
      continue;
    }
    const cls = verdict.class;
    const tolerance = (rest: Decimal, rounding: boolean) => (rounding && rest.abs().lte(Decimal.max(card.precision.step, line.bill?.step ?? ZERO))) || within(rest, line, ctx.tolerance, versionAt(cycleStart));
    const difference: Difference = {
      line,
      cycleStart,
      delta,
      class: cls,
      explanation: cls === "boundary_shift" ? `${verdict.explanation}${undeclared}` : `${verdict.explanation}${hint(line)}`,
      // Rounding within one step is no difference; rounding each of many events (the card rounding none) can add up past it,
      // and is held to the tolerance. A line the bill's cut explains is judged by what is left at the cut, rounding as any
      // line's (a provider billing UTC months is the usual case); `boundary_shift: fail` holds its whole gap at the account's cycles.
      withinTolerance: cls === "boundary_shift"
        ? rule === "fail" ? within(delta.plus(line.moved?.amount ?? ZERO), line, ctx.tolerance, versionAt(cycleStart)) : tolerance(delta, classify(line, card)?.class === "rounding")
        : tolerance(delta, cls === "rounding"),
      prices: verdict.prices,
    };
    // A line the cut explains to the unit is as billed there: it agrees at the cut, and differs at the account's cycles.
    const status = !line.bill ? (line.computed ? "only_in_usage" : "agrees") : !line.computed ? "only_on_bill" : delta.isZero() ? "agrees" : "differs";
    sheet.push({ line, cycleStart, status, delta, difference, note: undefined, recut: recutLine });
  }
  const whose = ctx.several && accounts !== undefined ? [...accounts].join(", ") : undefined;
  return {
    accounts,
    calendar,
    statement,
    cycles: [...cycles].sort((a, b) => a - b),
    lines,
    sheet,
    recut: bills ? { accountStart: part.moved ?? ctx.own.start(0), billStart: bills.start(0), ...(bills.zone === ctx.own.zone ? {} : { zone: bills.zone }), ...(whose === undefined ? {} : { accounts: whose }) } : undefined,
    // The cycles outside the bill at its cut hold what the cut moved out of it.
    outsideBill: outsideBill(found?.statement ?? statement, cycles, accounts),
    granted: granted(card, statement, cycles, accounts),
    shift: found ? shiftOf(found, lines, whose, { rule, declared, cut: ctx.cut, accountZone: settings.zone.name }) : undefined,
    computedMoney: inCurrency([...lines.values()], (line) => versionAt(calendar.start(line.cycle)).creditPrice),
    overage: aligner.comparesOverage ? undefined : uncomparedOverage(statement, cycles, accounts),
  };
}

/** A found shift's totals: what the cut moves into the compared cycles, and their usage at the account's own cycles. */
function shiftOf(found: ShiftFinding, lines: ReadonlyMap<string, AlignedLine>, accounts: string | undefined, judged: { rule: BoundaryRule; declared: boolean; cut: DeclaredCut; accountZone: string }): BoundaryFound {
  const all = [...lines.values()];
  const moved = (money: boolean) => sumOf(all.filter((l) => l.money === money).map((l) => l.moved?.amount ?? ZERO));
  const account = sumOf(all.filter((l) => !l.money).map((l) => (l.moved ? l.moved.accountCycles?.amount : l.computed?.amount) ?? ZERO));
  const cut = { found: found.hypothesis.cut, declared: judged.cut.text, declaredInMapping: judged.cut.declared, atDeclared: judged.declared, accountZone: judged.accountZone };
  return { label: found.hypothesis.label, accounts, moved: moved(false), movedMoney: moved(true), accountTotal: account, explained: found.explained.size, rule: judged.rule, cut };
}

/** Why a line a cut other than the declared one explains needs attention, and how to declare the cut where it is the provider's. */
function undeclaredText(h: Hypothesis, cut: DeclaredCut, accountZone: string): string {
  const declared = cut.declared ? `the bill mapping declares cut: "${cut.text}"` : `the bill mapping declares no cut:, so 00:00 UTC, the cut providers use`;
  return `; but ${declared}: a cut found to fit the bill is not the provider's word (a bill charging the neighbouring cycle's events fits one as well), so the line's whole gap at the account's cycles is held to the tolerance; if the provider does cut at ${h.cut}, cut: "${h.cut}" in the bill mapping says so${accountZoneHint(h.cut, accountZone)}`;
}

/**
 * What a difference's explanation adds about the names on its line: a bill's account that the usage never names is
 * most often the same customer spelt otherwise (Acme, acme); a bill's dimension value that the usage writes otherwise
 * but for case ("CRM" for "crm") would read as missing on either side, and hide what differs between them.
 */
function hints(lines: ReadonlyMap<string, AlignedLine>, statement: CutStatement, card: RateCard): (line: AlignedLine) => string {
  const known = statement.accounts.map((a) => a.account);
  const accountHint = (line: AlignedLine) => {
    if (line.account === undefined || line.computed !== undefined || known.includes(line.account)) return "";
    const near = nearest(line.account, known);
    return `; the usage has no account ${shown(line.account)} at all${near === undefined ? "" : ` (did you mean ${shown(near)}?)`}`;
  };
  const named = cardNamedValues(card);
  const valueHint = (line: AlignedLine) => {
    if (line.computed !== undefined || line.bill === undefined) return "";
    for (const other of lines.values()) {
      // By meter, not component: a bill itemised by component whose values the usage writes otherwise left the usage's components on their meter's line (newcomer54 M3).
      if (other.computed === undefined || other.bill !== undefined || other.cycle !== line.cycle || other.account !== line.account || meterOfItem(other.meters[0]!) !== meterOfItem(line.meters[0]!)) continue;
      const names = Object.keys(line.dimensions);
      if (names.length !== Object.keys(other.dimensions).length) continue;
      const differ = names.filter((d) => other.dimensions[d] !== line.dimensions[d]);
      if (differ.length === 0 || !differ.every((d) => other.dimensions[d]?.toLowerCase() === line.dimensions[d]!.toLowerCase())) continue;
      const d = differ[0]!;
      const [usage, billed] = [other.dimensions[d]!, line.dimensions[d]!];
      // The side the card names is the one to read the other as: the usage's value priced by a "*" entry is the usage's to map.
      if (!named.get(d)?.has(usage) && named.get(d)?.has(billed)) {
        return `; the usage has ${d} ${shown(usage)}, the bill's ${shown(billed)} but for case, and the card prices ${shown(billed)}: dimension_values: in the usage mapping reads the usage's as it (--map value:${d}:${billed}=${usage})`;
      }
      return `; the usage has ${d} ${shown(usage)}, the bill's ${shown(billed)} but for case: dimension_values: in the bill mapping reads one as the other (--bill-map value:${d}:${usage}=${billed})`;
    }
    return "";
  };
  return (line) => `${accountHint(line)}${valueHint(line)}`;
}

/**
 * The settings run through the cycle holding the bill's last period's last instant, where that is after the replay's
 * cycles end: a month of the bill holds the fee of an account's cycle that starts in it after the log's last row (red63e
 * M2: Pro's cycle from December 10, `new_cycle` having moved the account's cycles, was not compared on December's bill).
 */
function throughBill(settings: AccountSettings, bill: Pick<Bill, "charges" | "cut">, replayed: Statement): AccountSettings {
  // Not spread into Math.max: a log of some 120,000 accounts or more is past the arguments a call takes.
  const end = replayed.accounts.reduce((latest, a) => Math.max(latest, a.cycles.at(-1)?.end ?? -Infinity), -Infinity);
  // Dated periods start where the bill's mapping cuts them (red64b L1: measured at the account zone's midnight, a cut
  // 23:00 UTC for an account in Tokyo ended the replay before a cycle starting in the bill's last period).
  const zone = bill.cut.declared ? bill.cut.zone : settings.zone;
  let last = -Infinity;
  for (const c of bill.charges) {
    const p = c.period;
    const at = p.kind === "start-date" ? periodStart(p, zone, bill.cut)! : p.at;
    // A period's end: the one it names, else a month on (a transaction's instant is its own).
    const named = p.kind === "start-instant" ? p.endAt : undefined;
    const until = p.kind === "within" ? at : (named ?? new Calendar(at, zone).start(1)) - 1;
    if (until > last) last = until;
  }
  return last >= end && Number.isFinite(end) ? { ...settings, through: last } : settings;
}

/** Each line's refused events: the replay's rejections of its meters (and account, when the bill names accounts) in its cycle. */
function attachRefusals(lines: ReadonlyMap<string, AlignedLine>, replayed: Statement, calendar: Calendar): void {
  const refused = replayed.accounts.flatMap((a) => a.cycles.flatMap((c) => c.rejected.map((r) => ({ account: a.account, cycle: calendar.indexOf(r.firstAt), rejection: r }))));
  if (refused.length === 0) return;
  // Looked up by cycle and meter (and account), in the replay's order: each of a bill's 96,000 lines searched every
  // refusal of 20,000 accounts (red68: 20 s of a reconcile's 77).
  const byMeter = new Map<string, number[]>();
  const byAccount = new Map<string, number[]>();
  const add = (index: Map<string, number[]>, key: string, i: number) => {
    const found = index.get(key);
    if (found === undefined) index.set(key, [i]);
    else found.push(i);
  };
  refused.forEach((r, i) => {
    add(byMeter, `${r.cycle}\u0000${r.rejection.meter}`, i);
    add(byAccount, `${r.cycle}\u0000${r.rejection.meter}\u0000${r.account}`, i);
  });
  for (const line of lines.values()) {
    const mine = new Set<number>();
    for (const item of line.meters) {
      const key = `${line.cycle}\u0000${meterOfItem(item)}`;
      for (const i of (line.account === undefined ? byMeter.get(key) : byAccount.get(`${key}\u0000${line.account}`)) ?? []) mine.add(i);
    }
    if (mine.size > 0) line.refused = [...mine].sort((x, y) => x - y).map((i) => refused[i]!.rejection);
  }
}

/** The replay's calendar: cycle 0 starts where the replay put it (the anchor, or the first usage month), in the account's zone. */
function calendarOf(statement: Statement, settings: AccountSettings): Calendar {
  const first = statement.accounts[0]?.cycles[0];
  if (!first) throw new UserError("no usage and no account to reconcile", atFlag("--usage"), "usage rows or an account file", "neither");
  return new Calendar(first.start, settings.zone, settings.anchorDated === true && first.start === settings.anchor);
}

/** The card (and each of its versions) rounding each event at its own step, as a provider that rounds per request does. */
function roundingEachEvent(card: RateCard): RateCard {
  const each = (c: RateCard): RateCard => ({ ...c, precision: { ...c.precision, roundAt: "event" } });
  return card.versions === undefined ? each(card) : { ...each(card), versions: card.versions.map(each) };
}

/**
 * The usage of the accounts whose lines differ by a rate, where the bill names accounts: the replay rounding each event
 * reprices only those (an account's statement is what its rows alone give), a few of a gateway's hundreds of
 * customers. A card with rewards (one account credited for another's usage), a bill without accounts, or an account
 * file without an anchor (the cycles start in the month of the log's first row, which another account's row may be:
 * red team, stop 45) reprices all.
 */
function driftingOnly(usage: UsageInput, settings: AccountSettings, card: RateCard, judged: { lines: ReadonlyMap<string, AlignedLine>; verdicts: ReadonlyMap<string, Verdict | undefined> }): UsageInput {
  const accounts = [...judged.lines].filter(([id]) => judged.verdicts.get(id)?.class === "rate_drift").map(([, line]) => line.account);
  if (settings.anchor === undefined || accounts.includes(undefined) || [card, ...(card.versions ?? [])].some((c) => c.rewards !== undefined)) return usage;
  return { ...usage, accounts: new Set(accounts as string[]) };
}

/**
 * Whether a difference is within the tolerance. `--tolerance` counts the card's unit: on a line in money (a fee,
 * overage) it is that many credits' worth at the credit price of the version in force in the line's cycle, and nothing on a card without one (red team,
 * stop 36: a tolerance of 1 credit passed a fee 0.99 USD over, 99 credits' worth).
 */
function within(delta: Decimal, line: AlignedLine, tolerance: Tolerance, card: RateCard): boolean {
  const gap = delta.abs();
  const reference = (line.bill?.amount ?? line.computed?.amount ?? ZERO).abs();
  const absolute = !line.money ? tolerance.absolute : card.creditPrice === undefined ? ZERO : tolerance.absolute.mul(card.creditPrice);
  return gap.lte(absolute) || gap.lte(reference.mul(tolerance.percent).div(100));
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
