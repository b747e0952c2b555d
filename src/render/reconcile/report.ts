import { CREDITS_BOUGHT, OVERAGE, PLAN_FEE } from "../../bill/mapping.js";
import { ZERO, type Decimal } from "../../money.js";
import { sumCredits } from "./json.js";
import { computedQuantity, meterName, roundingApart, summarize, type Direction, type Status } from "../../reconcile/summary.js";
import type { BoundaryFound, Difference, IgnoredRows, LineStatus, ReconciledLine, Reconciliation } from "../../reconcile/types.js";
import { localDate, type RenderContext } from "../shared/context.js";
import type { Block } from "../shared/document.js";
import { count, exactGrouped } from "../shared/numbers.js";
import { dimensionText } from "../shared/summary.js";
import { fileLine } from "../shared/file-line.js";
import { accountZoneHint } from "../../reconcile/zone-hint.js";
import { blendedDrift } from "../../reconcile/blended-drift.js";

const STATUS: Record<Status, string> = {
  agrees: "the bill agrees with the usage",
  within_tolerance: "every difference has a reason and is within tolerance",
  attention: "needs attention",
};

/** The status when every difference is a rounding one: within tolerance by definition, whatever the tolerance. */
const ROUNDING_ONLY = "every difference is rounding, which always passes";

const LINE_STATUS: Record<LineStatus, string> = {
  agrees: "agrees",
  differs: "differs",
  only_on_bill: "only on bill",
  only_in_usage: "only in usage",
};

/** The titles of the direction tables (and of the lines as billed at a found boundary's cut), which the HTML page replaces with its own. */
export const DIRECTION_TITLES = { overcharged: "Overcharged: the bill above usage", undercharged: "Undercharged: the bill below usage", asBilled: "As billed at the bill's cut: the boundary explains the gap", rounding: "Rounding only: within a step of the bill's rounding" } as const;

export interface ReconcileView {
  /** Every line with its status, not only the differences. */
  allLines: boolean;
}

/**
 * A reconciliation for people: the summary first (totals, then which way the
 * bill is off: overcharged and undercharged, each with its lines), then what
 * explains each difference. A reason is shown as a reason: an explained
 * overcharge is still listed as an overcharge. Amounts are exact: a rounding
 * difference must not vanish in display.
 */
export function reconcileBlocks(r: Reconciliation, account: RenderContext, view: ReconcileView = { allLines: false }): Block[] {
  // The bill's periods and lines are dated in the zone its mapping cuts them in (red64b M2: cut at 00:00 UTC, an account
  // in New York's sheet dated the bill's 2026-11-05 line 2026-11-04); the account's own cycle start in its own.
  const ctx = billDates(r, account);
  const s = summarize(r);
  const apart = roundingApart(s);
  const unit = r.unit;
  const amount = (v: Decimal) => `${exactGrouped(v)} ${unit}`;
  const signed = (v: Decimal) => (v.gt(0) ? `+${exactGrouped(v)}` : exactGrouped(v));
  const cycles = r.cycles.map((c) => `${localDate(ctx, c.start)} to ${localDate(ctx, c.end - 1)}`).join(", ");
  const tolerance = [r.tolerance.absolute.gt(0) ? `${exactGrouped(r.tolerance.absolute)} ${unit}` : "", r.tolerance.percent.gt(0) ? `${exactGrouped(r.tolerance.percent)}%` : ""].filter(Boolean).join(" or ");
  const currency = r.money?.currency ?? "";
  // Credits, money or both: a part that is zero beside the other is left out ("0 cents and -0.002 USD", red team, stop 42).
  const sums = (d: Direction) => [d.amount.isZero() && !d.money.isZero() ? "" : `${signed(d.amount)} ${unit}`, d.money.isZero() ? "" : `${signed(d.money)} ${currency}`].filter(Boolean).join(" and ");
  const direction = (d: Direction, what: string) => (d.count === 0 ? "none" : `${d.count} line(s), ${sums(d)}: ${what}`);
  const reasons = new Map<string, number>();
  for (const d of r.differences) if (d.class !== "unexplained") reasons.set(d.class, (reasons.get(d.class) ?? 0) + 1);
  const noted = r.lines.filter((l) => l.note !== undefined).length;
  const rounded = r.differences.filter((d) => d.class === "rounding").length;
  const shifted = r.differences.filter((d) => d.class === "boundary_shift" && d.withinTolerance).length;

  const blocks: Block[] = [
    { kind: "heading", level: 1, text: `Reconciliation · ${r.provider} ${r.version} · ${r.bill.file} · ${r.timezone}` },
    // Under the heading, before the figures they may bear on (a customer id typo, a "*" price).
    ...(r.warnings ?? []).map((w): Block => ({ kind: "note", text: `Warning: ${w}` })),
    {
      kind: "facts",
      rows: [
        ["Cycles", cycles],
        ...(r.recut ? [["Boundary", `boundary_shift: the bill's cycles start on ${localDate(ctx, r.recut.billStart)}${r.recut.zone === undefined ? "" : ` (${r.recut.zone.name})`}, ${r.recut.accounts === undefined ? "the account's" : `those of ${r.recut.accounts}`} on ${localDate(account, r.recut.accountStart)}${r.recut.zone === undefined ? "" : ` (${account.zone.name})`}; usage re-cut at the bill's periods${r.recut.accounts === undefined ? "" : " (the other accounts' at their own cycles)"}`] as const] : []),
        ...r.shifts.map((f) => ["Boundary", shiftText(r, f)] as const),
        // A bill of money lines alone (plan fees, overage) has no total in credits: "Net difference 0 credits" read as
        // no difference on an invoice 14.92 USD off (newcomer57 L4).
        ...(r.money !== undefined && !r.lines.some((l) => !l.line.money)
          ? []
          : ([
              ["Bill total", amount(r.billTotal)],
              ["Computed total", amount(r.computedTotal)],
              ["Net difference", `${signed(r.billTotal.minus(r.computedTotal))} ${unit} (bill minus computed)`],
            ] as const)),
        ...(r.money ? [[`${moneyLabel(r)} (${r.money.currency})`, `bill ${exactGrouped(r.money.billTotal)}, computed ${exactGrouped(r.money.computedTotal)}, difference ${signed(r.money.billTotal.minus(r.money.computedTotal))} ${r.money.currency}`] as const] : []),
        ...invoiceFacts(r),
        ...(r.overageNotCompared === undefined ? [] : [[`Overage (${r.currency})`, `not compared: the bill has no overage line (usage ${exactGrouped(r.overageNotCompared.amount)} ${r.currency}, ${count(r.overageNotCompared.accounts.length)} account(s) past the allowance)`] as const]),
        ...(r.credits.length === 0 ? [] : [["Credits", `${creditsText(r)}: ${r.creditRule === "fail" ? "each needs attention (credits: fail in the bill mapping)" : "listed apart from the lines they were given on, and passed (credits: fail in the bill mapping makes each need attention)"}`] as const]),
        ["Overcharged", direction(apart.overcharged, "the bill above usage")],
        ["Undercharged", direction(apart.undercharged, "the bill below usage")],
        ...(apart.rounding.count === 0 ? [] : [["Rounding only", direction(apart.rounding, "within a step of the bill's rounding, listed last")] as const]),
        ["Reason found", s.explained.count === 0 ? "none" : `${s.explained.count} difference(s): ${[...reasons].map(([c, n]) => `${c} ${n}`).join(", ")}`],
        ["No reason found", s.unexplained.count === 0 ? "none" : `${s.unexplained.count} difference(s), ${signed(s.unexplained.amount)} ${unit}${s.unexplained.money.isZero() ? "" : ` and ${signed(s.unexplained.money)} ${currency}`}`],
        ["Tolerance", tolerance !== "" ? tolerance : `none (exact)${passing(rounded, shifted)}`],
        ["Lines that agree", `${r.agreeing}${noted > 0 ? ` (${noted} with a note)` : ""}`],
        ...notOnBill(r.otherAccounts, amount),
        ...(r.usageGaps === undefined || r.usageGaps.length === 0 ? [] : [["Usage gaps", `${r.usageGaps.join("; ")}; a difference on those days may be usage missing from the log, not the bill's`] as const]),
        ...repeats(r),
        ["Status", `${s.status === "within_tolerance" && rounded === r.differences.length ? ROUNDING_ONLY : STATUS[s.status]}${attentionText(s.attention.length, s.failingCredits, s.unbilled.length)}${r.everyAccount ? "" : uncomparedText(r.otherAccounts)}${r.usageGaps?.length ? "; the usage skips days (Usage gaps)" : ""}`],
      ],
    },
  ];

  const number = new Map(r.differences.map((d, i) => [d, i + 1]));
  const quantity = (v: Decimal | undefined) => (v === undefined ? "" : exactGrouped(v));
  const figures = (l: Pick<ReconciledLine, "line" | "cycleStart">) => [
    localDate(ctx, l.cycleStart),
    meterName(l) + (l.line.money ? ` (${currency})` : "") + (l.line.account === undefined ? "" : ` (${l.line.account})`),
    dimensionText(l.line.dimensions),
    quantity(l.line.bill?.quantity),
    l.line.bill ? exactGrouped(l.line.bill.amount) : "",
    quantity(computedQuantity(l)),
    l.line.computed ? exactGrouped(l.line.computed.amount) : "",
  ];
  const head = ["#", "Cycle", "Meter", "Dimensions", "Bill qty", "Bill", "Usage qty", "Usage", "Delta"];
  const align = ["right", "left", "left", "left", "right", "right", "right", "right", "right"] as const;
  // Unexplained is its own class; a reason over the tolerance says so beside it.
  const reason = (d: Difference) => (d.class !== "unexplained" && !d.withinTolerance ? `${d.class}, over tolerance` : d.class);
  const directionTable = (title: string, differences: readonly Difference[]) => {
    if (differences.length === 0) return;
    blocks.push({
      kind: "table",
      title,
      head: [...head, "Reason"],
      align: [...align, "left"],
      rows: differences.map((x) => [String(number.get(x)), ...figures(x), signed(x.delta), reason(x)]),
    });
  };
  directionTable(DIRECTION_TITLES.overcharged, apart.overcharged.differences);
  directionTable(DIRECTION_TITLES.undercharged, apart.undercharged.differences);
  directionTable(DIRECTION_TITLES.asBilled, s.asBilled.differences);
  // Rounding passes whatever the tolerance: past a few, its lines are counted, not each shown with its explanation (newcomer60
  // M5: a reseller's 6 findings above 2,428 rounding rows and as many explanations). --all-lines and JSON and CSV list each.
  const rounding = view.allLines ? apart.rounding.differences : apart.rounding.differences.slice(0, SHOWN_APART);
  directionTable(DIRECTION_TITLES.rounding, rounding);
  const left = apart.rounding.differences.length - rounding.length;
  if (left > 0) blocks.push({ kind: "note", text: `${left.toLocaleString("en-US")} more rounding line(s), each within a step of the bill's rounding, which always passes: --all-lines, --format json or csv lists each.` });
  const counted = new Set(apart.rounding.differences.slice(rounding.length));
  const explained = r.differences.filter((d) => !counted.has(d));
  if (explained.length > 0) blocks.push({ kind: "facts", rows: explained.map((d) => [`#${number.get(d)}`, d.explanation] as const) });

  if (view.allLines) {
    blocks.push({
      kind: "table",
      title: "Every line",
      // The number of a difference goes in its status: a column of its own would not leave 100 columns room.
      head: [...head.slice(1), "Status"],
      align: [...align.slice(1), "left"],
      rows: r.lines.map((l) => [
        ...figures(l),
        signed(l.delta),
        l.difference ? `${LINE_STATUS[l.status]}: ${l.difference.class} #${number.get(l.difference)}` : LINE_STATUS[l.status] + (l.recut ? " (re-cut)" : "") + (l.note ? " (note)" : ""),
      ]),
    });
  }
  const allNotes = r.lines.filter((l) => l.note !== undefined);
  // The notes of lines that agree, as rounding's past a few: counted (newcomer60 M5: 1,200 notes of free requests). The
  // lines the bill has come first (a quantity it shows for nothing used), those only in the usage after (red60b F3: a
  // mistyped account's plan row was counted among free requests); shown in the lines' order.
  const billed = allNotes.filter((l) => l.line.bill !== undefined);
  const kept = new Set(view.allLines ? allNotes : [...billed, ...allNotes.filter((l) => l.line.bill === undefined)].slice(0, SHOWN_APART));
  const notes = allNotes.filter((l) => kept.has(l));
  // Each by its account where the bill names accounts, as the differences are (newcomer49 F9: 60 notes of 20 accounts, none named).
  if (notes.length > 0) blocks.push({ kind: "facts", rows: notes.map((l) => [`${localDate(ctx, l.cycleStart)} ${meterName(l)}${l.line.account === undefined ? "" : ` (${l.line.account})`} ${dimensionText(l.line.dimensions)}`.trim(), l.note!] as const) });
  if (allNotes.length > notes.length) blocks.push({ kind: "note", text: `${(allNotes.length - notes.length).toLocaleString("en-US")} more line(s) that agree have a note: --all-lines or --format json lists each.` });

  if (r.payments) {
    blocks.push({ kind: "note", text: `Payments on the bill: ${r.payments.rows} row(s), ${amount(r.payments.bill)}; credits granted by the account file in these cycles: ${amount(r.payments.granted)}${r.payments.free.length === 0 ? "" : ` (given free by the card, not compared: ${r.payments.free.map((k) => `${k.kind} ${amount(k.credits)}`).join(", ")})`}.` });
  }
  if (r.credits.length > 0) {
    blocks.push({
      kind: "table",
      title: "Credits on the bill (not compared)",
      head: ["Cycle", "Line", "Dimensions", "Bill row", "Activity", "Amount"],
      align: ["left", "left", "left", "left", "left", "right"],
      rows: r.credits.map((c) => [
        localDate(ctx, c.cycleStart),
        c.meters.join("+") + (c.account === undefined ? "" : ` (${c.account})`),
        dimensionText(c.dimensions),
        `${c.origin.file}:${c.origin.line}`,
        c.activity,
        `${exactGrouped(c.amount)} ${c.money ? r.currency : unit}`,
      ]),
    });
  }
  for (const i of byActivity(r.ignored)) blocks.push({ kind: "note", text: `Not reconciled (ignored by the bill mapping): ${i.rows} ${i.activity} row(s), ${amount(i.amount)}.` });
  for (const text of otherAccountsNotes(r.otherAccounts, amount)) blocks.push({ kind: "note", text });
  const blended = blendedDrift(r);
  if (blended !== undefined) blocks.push({ kind: "note", text: `The ${blended.slice(4)}.` });
  for (const c of r.outsideBill) {
    blocks.push({ kind: "note", text: `Usage outside the bill's cycles, not compared: ${localDate(ctx, c.start)} to ${localDate(ctx, c.end - 1)}, ${amount(c.amount)}.` });
  }
  return blocks;
}

/**
 * A found boundary shift: where the bill cuts, that every line is compared there, what the cut moves between the bill's
 * cycles and their neighbours (so that the account's own figure is not lost), and how a line it explains is judged.
 */
function shiftText(r: Reconciliation, f: BoundaryFound): string {
  const whose = f.accounts === undefined ? "" : ` (accounts ${f.accounts})`;
  const money = f.movedMoney.isZero() ? "" : ` and ${exactGrouped(f.movedMoney.abs())} ${r.currency}`;
  const moved = f.moved.isZero() && f.movedMoney.isZero() ? "the cut moves no amount" : `${exactGrouped(f.moved.abs())} ${r.unit}${money} moved ${f.moved.lt(0) || (f.moved.isZero() && f.movedMoney.lt(0)) ? "out to the neighbouring cycles" : "in from the neighbouring cycles"}`;
  const declared = f.cut.declaredInMapping ? `the bill mapping's cut: "${f.cut.declared}"` : "00:00 UTC, the cut providers use (the bill mapping declares no cut:)";
  const rule = !f.cut.atDeclared
    ? `not ${declared}, so each line it explains is held to the tolerance on its whole gap at the account's cycles; if the provider does cut there, cut: "${f.cut.found}" in the bill mapping says so${accountZoneHint(f.cut.found, f.cut.accountZone)}`
    : f.rule === "fail"
    ? "each line it explains held to the tolerance on its whole gap at the account's cycles (boundary_shift: fail in the bill mapping)"
    : "a line it explains passes where what is left at the cut is rounding or within tolerance (boundary_shift: fail in the bill mapping holds its whole gap)";
  return `boundary_shift: ${f.label}${whose}; every line compared at the bill's cut: ${moved} (usage at the account's cycles ${exactGrouped(f.accountTotal)} ${r.unit}); ${rule}`;
}

/** What passes with no tolerance given, said beside "exact", which would otherwise contradict the status. */
function passing(rounded: number, shifted: number): string {
  const shift = "a boundary shift as billed at the bill's cut, once rounded";
  if (rounded > 0 && shifted > 0) return `; a rounding difference, and ${shift}, pass`;
  if (rounded > 0) return "; a rounding difference always passes";
  return shifted > 0 ? `; ${shift}, passes` : "";
}

/** What needs attention, beside the status: differences, credits where the bill mapping has them fail, and accounts off the bill under --every-account. */
function attentionText(differences: number, credits: number, unbilled: number): string {
  const parts = [...(differences > 0 ? [`${differences} difference(s)`] : []), ...(credits > 0 ? [`${credits} credit(s)`] : []), ...(unbilled > 0 ? [`${unbilled.toLocaleString("en-US")} account(s) not on the bill, --every-account`] : [])];
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

/**
 * Accounts with usage the bill names no line of, where --every-account is not given: the status passes the lines the
 * bill has, and says what it did not compare (newcomer70 M5: an invoice leaving out a customer read "every difference
 * is rounding, which always passes").
 */
function uncomparedText(others: Reconciliation["otherAccounts"]): string {
  const used = others.filter((a) => !a.amount.isZero()).length;
  return used === 0 ? "" : `; ${used.toLocaleString("en-US")} account(s) with usage not on the bill, not compared (--every-account makes them need attention)`;
}

/** The credits' count and sums: in the card's unit, and in its currency for those on a fee or overage line. */
function creditsText(r: Reconciliation): string {
  const amounts = [...(r.credits.some((c) => !c.money) ? [`${exactGrouped(sumCredits(r, false))} ${r.unit}`] : []), ...(r.credits.some((c) => c.money) ? [`${exactGrouped(sumCredits(r, true))} ${r.currency}`] : [])];
  return `${r.credits.length} row(s), ${amounts.join(" and ")}`;
}

/**
 * The bill's total as billed, in the card's currency, with what burnrate computes for the same and the difference:
 * the figure finance signs the invoice against (newcomer, stop 38). The rows not compared (ignored, credits) are in the
 * bill's total and not in burnrate's, and the difference says how much of it is theirs.
 */
function invoiceFacts(r: Reconciliation): (readonly [string, string])[] {
  const i = r.invoice;
  // A bill wholly in the card's unit with nothing set aside: its total is the bill total above.
  if (i === undefined || (i.currency === r.unit && i.ignored.isZero() && r.ignored.length === 0 && r.credits.length === 0)) return [];
  const billed = i.compared.plus(i.ignored).plus(i.credits);
  const notCompared = i.ignored.plus(i.credits);
  const signed = (v: Decimal) => (v.gt(0) ? `+${exactGrouped(v)}` : exactGrouped(v));
  const parts = [`${exactGrouped(i.compared)} compared`, ...(r.ignored.length > 0 ? [`${exactGrouped(i.ignored)} ignored by the mapping`] : []), ...(r.credits.length > 0 ? [`${exactGrouped(i.credits)} credits`] : [])];
  return [
    [`Invoice total (${i.currency})`, `${exactGrouped(billed)} ${i.converted ? "as read" : "as billed"}, every row${parts.length > 1 ? `: ${parts.join(", ")}` : ""}${i.converted ? `; its rows in ${r.unit} turned into ${i.currency} at the card's credit price` : ""}`],
    [`Computed (${i.currency})`, `${exactGrouped(i.computed)} for the compared rows`],
    ["Invoice difference", `${signed(billed.minus(i.computed))} ${i.currency} (bill minus computed)${notCompared.isZero() ? "" : `: ${signed(i.compared.minus(i.computed))} on the compared rows, ${signed(notCompared)} the rows not compared`}`],
  ];
}

/** What a reconciliation's money lines are: plan fees, overage (requests past a quota, credits past zero), credits bought, or several. */
function moneyLabel(r: Reconciliation): string {
  const has = (meter: string) => r.lines.some((l) => l.line.money && l.line.meters[0] === meter);
  const kinds = [...(has(PLAN_FEE) ? ["plan fees"] : []), ...(has(OVERAGE) ? ["overage"] : []), ...(has(CREDITS_BOUGHT) ? ["credits bought"] : [])];
  const text = kinds.length === 0 ? "overage" : kinds.length === 1 ? kinds[0]! : `${kinds.slice(0, -1).join(", ")} and ${kinds.at(-1)}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The ignored rows summed by activity alone, for the report: the sheet and the JSON have them by account and cycle. */
function byActivity(ignored: readonly IgnoredRows[]): { activity: string; rows: number; amount: Decimal }[] {
  const sums = new Map<string, { activity: string; rows: number; amount: Decimal }>();
  for (const i of ignored) {
    const seen = sums.get(i.activity);
    sums.set(i.activity, seen === undefined ? { activity: i.activity, rows: i.rows, amount: i.amount } : { ...seen, rows: seen.rows + i.rows, amount: seen.amount.plus(i.amount) });
  }
  return [...sums.values()];
}

/** Accounts named one a line up to this many; past it, a line for them all (the JSON lists each). */
const OTHER_ACCOUNTS_NAMED = 5;

/** Rounding lines and notes of agreeing lines shown in a report for people before the rest are counted. */
const SHOWN_APART = 20;

/**
 * The accounts with usage the bill names no line of, in the summary: a reseller's customer left off the invoice is
 * revenue not billed, and was said only under the report, 9,700 lines down (newcomer60 M4). Accounts of no usage in
 * these cycles are left to the note below.
 */
function notOnBill(others: Reconciliation["otherAccounts"], amount: (v: Decimal) => string): (readonly [string, string])[] {
  const used = others.filter((a) => !a.amount.isZero()).sort((a, b) => b.amount.comparedTo(a.amount) || (a.account < b.account ? -1 : 1));
  if (used.length === 0) return [];
  const named = used.slice(0, 3).map((a) => `${a.account} (${amount(a.amount)})`).join(", ");
  return [["Not on the bill", `${used.length.toLocaleString("en-US")} account(s) with usage in these cycles: ${named}${used.length > 3 ? `, and ${(used.length - 3).toLocaleString("en-US")} more` : ""}; not compared`]];
}

/**
 * The accounts the bill does not name, each on a line where they are few. A reseller's bill for one customer of 10,000
 * printed 10,000 such lines (newcomer51 #2): past OTHER_ACCOUNTS_NAMED, one line says how many, what they come to, how
 * many came to nothing, and names the largest.
 */
function otherAccountsNotes(others: Reconciliation["otherAccounts"], amount: (v: Decimal) => string): string[] {
  if (others.length <= OTHER_ACCOUNTS_NAMED) return others.map((a) => `Account ${a.account} is not on the bill, not compared: ${amount(a.amount)} in these cycles.`);
  const total = others.reduce((sum, a) => sum.plus(a.amount), ZERO);
  const idle = others.filter((a) => a.amount.isZero()).length;
  const largest = [...others].sort((a, b) => b.amount.comparedTo(a.amount) || (a.account < b.account ? -1 : 1)).slice(0, 3).filter((a) => !a.amount.isZero());
  const named = largest.length === 0 ? "" : `; the largest ${largest.map((a) => `${a.account} (${amount(a.amount)})`).join(", ")}`;
  const nothing = idle === 0 ? "" : `, ${idle.toLocaleString("en-US")} of them nothing`;
  return [`${others.length.toLocaleString("en-US")} accounts are not on the bill, not compared: ${amount(total)} in these cycles${nothing}${named}; --format json lists each (other_accounts).`];
}

/**
 * The usage rows counted once as repeats of an event_id: a sign-off sheet accounts for every row the log has (newcomer63b
 * M4: six repeated request ids were in no table, note or key of reconcile's).
 */
function repeats(r: Reconciliation): (readonly [string, string])[] {
  const { duplicates, read } = r.replayed.events;
  if (duplicates === 0) return [];
  const listed = r.replayed.duplicateEvents?.listed ?? [];
  const first = listed[0];
  const example = first === undefined ? "" : `, first ${first.eventId} (${fileLine(first.repeat)}, seen at ${fileLine(first.first)})`;
  // The log's, every account's: a bill of one account compares its own lines alone (red64b L4, L5).
  const json = listed.length < duplicates ? `--format json lists the first ${listed.length.toLocaleString("en-US")}` : "--format json lists them";
  return [["Repeats", `${duplicates.toLocaleString("en-US")} of the log's ${read.toLocaleString("en-US")} usage row(s) counted once: their event_id was seen before${example}; ${json}`]];
}

/** The context bill periods are dated in: the zone a re-cut bill's mapping cuts them in, else the account's. */
export function billDates(r: Reconciliation, ctx: RenderContext): RenderContext {
  return r.recut?.zone === undefined ? ctx : { ...ctx, zone: r.recut.zone };
}
