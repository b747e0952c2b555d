import { effectiveInsideText } from "../../costdiff/single-effective.js";
import type { CardChange } from "../../costdiff/card-changes.js";
import { delta, lineName, refusalsMoved, totalsBy, type CostRow, type PricedLine, type RefusedRow, type Totals } from "../../costdiff/compare.js";
import { largestRefused, lineGateTripped, type CostDiff, type RefusedMore } from "../../costdiff/diff.js";
import { formatLocation } from "../../errors.js";
import { formatExact, formatFixed } from "../../money.js";
import type { Block } from "../shared/document.js";
import { count, exactGrouped } from "../shared/numbers.js";
import { markdownText } from "../shared/escape.js";
import { cardShown } from "../../ratecard/versions.js";
import { moneyItemName, unknownSide, type MoneyChange } from "../../costdiff/money.js";
import { unknownChange, unknownShown, unknownTotalFact, unknownTotalSentence } from "./unknown-money.js";
import type { ExpiredRow } from "../../costdiff/expired.js";
import { Figures } from "./figures.js";
import { cappedTable, COMMENT_CHARACTERS, COMMENT_ROWS, cutToFit, largestFirst } from "./comment-size.js";
import { LINE_NEVER_PRICED, unmeasuredNoun, unmeasuredShown, unmeasuredWhy } from "../../costdiff/unmeasured.js";


/** Lets a workflow find its earlier comment and update it instead of adding another. */
const COMMENT_MARKER = "<!-- burnrate-diff -->";


/** How many meters the headline names. */
const HEADLINE_METERS = 3;

/**
 * Why a line changed when refusals moved: more or fewer events refused for want of credits, so fewer or more charged.
 * Not when the credits ran out: a card whose pool serves past zero refuses none though its credits ran out earlier, and
 * "ran out later" read as an allowance that lasts longer (newcomer72b M2).
 */
function refusalNote(r: CostRow): string | undefined {
  const moved = refusalsMoved(r);
  return moved && `${moved === "earlier" ? "more" : "fewer"} events refused for want of credits: ${count(r.oldRefused)} → ${count(r.newRefused)}`;
}

// A set of versions is named by all of them (cardShown): the first alone would name a version the set may have replaced.
const cardName = (d: CostDiff, which: "base" | "card") => `${d[which].provider} ${cardShown(d[which]).version}`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function diffSummary(d: CostDiff): string {
  const f = new Figures(d);
  const t = d.comparison.total;
  const accounts = new Set(d.comparison.cycles.map((c) => c.account)).size;
  const cycles = new Set(d.comparison.cycles.map((c) => c.start)).size;
  const scope = `for ${plural(accounts, "account")} over ${plural(cycles, "cycle")}`;
  const change = delta(t);
  // A meter can move a lot while the total barely does: the largest meter changes belong in the headline.
  const meters = [...totalsBy(d.comparison.rows, (r) => r.meter)].filter(([, m]) => !delta(m).isZero())
    .sort(([, a], [, b]) => delta(b).abs().comparedTo(delta(a).abs())).slice(0, HEADLINE_METERS);
  const largest = meters.length === 0 ? "" : ` Largest by meter: ${meters.map(([meter, m]) => `${meter} ${f.change(m)}`).join(", ")}.`;
  const inCredits = change.isZero()
    ? `No change in ${d.card.unit}: ${f.amount(t.old)} under both cards, ${scope}.`
    : `${capital(d.card.unit)} ${change.gt(0) ? "rise" : "fall"} by ${f.change(t)}, from ${f.fromTo(t)}, ${scope}.`;
  return [inCredits, ...lostSummary(d), ...servedSummary(d), ...(largest ? [largest.trimStart()] : []), ...moneySummary(d)].join(" ");
}

const capital = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}`;

/** The events refused in every account's cycle, for any reason, under each card: `3 → 4`, or `3` where as many. */
function inAll(d: CostDiff): string {
  const [o, n] = [d.comparison.cycles.reduce((k, c) => k + c.oldRejected, 0), d.comparison.cycles.reduce((k, c) => k + c.newRejected, 0)];
  return o === n ? count(n) : `${count(o)} → ${count(n)}`;
}

/**
 * Where one card refuses events the other serves, the change split in two: what the prices do to the usage both cards
 * serve, and what the events served by one card only cost. A price rise with a smaller allowance read "credits fall",
 * the refused events being charged nothing (newcomer, stop 37): the customer pays more for each event still served.
 */
function servedSummary(d: CostDiff): string[] {
  const { served, total, cycles, refused } = d.comparison;
  const [oldRejected, newRejected] = [cycles.reduce((n, c) => n + c.oldRejected, 0), cycles.reduce((n, c) => n + c.newRejected, 0)];
  // By quantity too: as many events refused under each card may be rows of other sizes (red team, stop 38).
  if (!cycles.some((c) => c.oldRejected !== c.newRejected) && refused.length === 0) return [];
  const f = new Figures(d);
  const rest = delta(total).minus(delta(served));
  // Nothing served by both is no evidence the prices did not move (red59b F10: a max price 4 -> 5 read "move nothing").
  const nothingShared = served.old.isZero() && served.new.isZero();
  const prices = nothingShared
    ? `The cards serve none of the same usage: what one serves, the other refuses.`
    : delta(served).isZero()
    ? `On the usage both cards serve, ${d.card.unit} do not change (${f.amount(served.old)}): the prices move nothing.`
    : `On the usage both cards serve, ${d.card.unit} ${delta(served).gt(0) ? "rise" : "fall"} by ${f.change(served)}, from ${f.fromTo(served)}: what the prices change.`;
  const lost = d.refusedMore !== undefined && rest.lt(0) ? ": what the customer no longer gets, charged nothing" : "";
  // As many events refused under each card may be rows of other sizes: said, as the count alone reads "no change".
  // "In all": the events of every account's cycle and meter, refused for any reason, where the note on the usage refused
  // more counts those of the meters and cycles that refuse more (newcomer, stop 38: "3 → 4 refused" beside "2 → 3").
  const refusedCount = oldRejected === newRejected ? `${count(newRejected)} ${newRejected === 1 ? "event" : "events"} refused in all under each, rows of other sizes` : `${count(oldRejected)} → ${count(newRejected)} events refused in all`;
  return [prices, `${nothingShared ? "All of the" : "The other"} ${f.signed(rest)} is the events one card serves and the other refuses (${refusedCount})${lost}.`];
}

/** An expiry rule as the reports show it: the card's words, or `none` where the card has no such grant kind. */
const ruleShown = (rule: string | undefined) => rule ?? "none";

/**
 * The credits customers lose to a changed expiry, that the base card did not let expire: charged nothing, so the
 * credits charged do not move (newcomer, stop 38: a pack made to expire at its cycle's end lost 1,800 paid credits, 18
 * USD, under "No change in credits"). Paid credits with their money, as they are money the customer spent.
 */
function lostSummary(d: CostDiff): string[] {
  const lost = d.money.lost;
  if (lost === undefined) return [];
  const f = new Figures(d);
  const unit = d.card.unit;
  const paid = delta(lost.paid);
  const given = delta(lost.credits).minus(paid);
  const parts = [
    ...(paid.gt(0) ? [`${f.amount(paid)} paid ${unit}${lost.worth === undefined ? "" : ` (${f.money(delta(lost.worth), f.moneyDigits(lost.worth))} ${d.money.currency})`}`] : []),
    ...(given.gt(0) ? [`${f.amount(given)} ${unit} the plan gives`] : []),
  ];
  const rules = [...new Map(lost.rows.map((r) => [r.kind, `${r.kind} ${ruleShown(r.rule.old)} → ${ruleShown(r.rule.new)}`])).values()];
  const largest = [...lost.rows].sort((a, b) => delta(b).comparedTo(delta(a)))[0]!;
  const cycles = new Set(lost.rows.map((r) => JSON.stringify([r.account, r.start]))).size;
  // The share --fail-over judges, said whether or not it trips: a reviewer reads the loss beside the limit.
  const share = f.share({ ...lost.credits, percentOf: d.comparison.total.old });
  const of = share === undefined ? "" : ` (${formatFixed(share, Math.max(2, share.decimalPlaces()))}% of the ${f.amount(d.comparison.total.old)} ${unit} the base card charged)`;
  return [`Customers lose ${parts.length > 0 ? parts.join(" and ") : `${f.amount(delta(lost.credits))} ${unit}`} that did not expire before${of}, in ${cycles} of the accounts' cycles (expiry ${rules.join(", ")}). Largest: ${largest.kind} ${f.fromTo(largest, " → ")} ${unit} lost in the cycle from ${f.cycle(largest.start)}, account ${largest.account}.`];
}

/**
 * What the change costs in money, and in credits drawn from paid grants: a price in money (an overage price,
 * a plan's price, the credit price) or a smaller allowance moves them with no change in the credits charged.
 */
function moneySummary(d: CostDiff): string[] {
  const f = new Figures(d);
  const { total, paidDrawn, paidWorth, currency } = d.money;
  const out: string[] = [];
  const unknown = unknownTotalSentence(d);
  if (unknown !== undefined) out.push(unknown);
  // Said when it moves; the table's facts give the money either way.
  if (total !== undefined && !delta(total).isZero()) {
    out.push(`Money (${currency}) ${delta(total).gt(0) ? "rises" : "falls"} by ${f.moneyChange(total)}, from ${f.moneyFromTo(total)}.`);
  }
  if (!delta(paidDrawn).isZero()) {
    const worth = paidWorth === undefined ? "" : `, worth ${f.moneyFromTo(paidWorth, " → ")} ${currency} at the credit price`;
    out.push(`${d.card.unit[0]!.toUpperCase()}${d.card.unit.slice(1)} drawn from paid grants (top-ups, purchases) ${delta(paidDrawn).gt(0) ? "rise" : "fall"} by ${f.paidChange({ ...paidDrawn, percentOf: d.money.baseCredits })}, from ${f.fromTo(paidDrawn)}${worth}.`);
  }
  return out;
}

function gate(d: CostDiff): string | undefined {
  const texts: string[] = [];
  if (d.failOver) {
    const limit = `${formatExact(d.failOver.percent)}%`;
    const over = [
      ...(d.failOver.credits ? [d.card.unit] : []), ...(d.failOver.money ? [`money (${d.money.currency})`] : []), ...(d.failOver.paidCredits ? [`${d.card.unit} drawn from paid grants`] : []),
      ...(d.failOver.prices ? [`${d.card.unit} on the usage both cards serve, by the prices`] : []),
      ...(d.failOver.refused ? [`the worth of the usage the new card refuses more of, ${worthAtAll(d.refusedMore?.rows ?? [])}`] : []),
      ...(d.failOver.expired ? [`the ${d.card.unit} customers lose to a changed expiry, as a share of the ${d.card.unit} the base card charged`] : []),
    ];
    texts.push(d.failOver.exceeded ? `The rise is more than the --fail-over limit of ${limit} (${over.join(", ")}).` : `Within the --fail-over limit of ${limit}.`);
  }
  const f = new Figures(d);
  const units = { unit: d.card.unit, currency: d.money.currency };
  for (const g of d.gates) {
    const limit = g.flag.endsWith("-amount") ? `${formatExact(g.limit)} ${d.card.unit}` : `${formatExact(g.limit)}%`;
    texts.push(g.tripped.length > 0
      ? `${g.tripped.length} meter change(s) past the ${g.flag} limit of ${limit}, largest ${g.tripped[0]!.meter}.`
      : `No meter change past the ${g.flag} limit of ${limit}.`);
    const first = g.money[0];
    if (first) texts.push(`${g.money.length} money change(s) past that limit, largest ${moneyItemName(first.item, units)}: ${f.item(first, first.old)} → ${f.item(first, first.new)} in the cycle from ${f.cycle(first.start)}, account ${first.account}.`);
  }
  if (d.failOverLine) {
    const { percent, tripped, rates } = d.failOverLine;
    const first = tripped[0];
    const limit = `the --fail-over-line limit of ${formatExact(percent)}%`;
    const priceRises = rates.map((c) => `${c.path} ${c.old} → ${c.new} (${formatLocation(c.location)})`).join("; ");
    // A price past the limit whose line's cost is not (its rows now refused) trips the gate too: said as one sentence, not as "no line" and then a line.
    if (first) texts.push(`${tripped.length} priced line(s) past ${limit}, largest ${lineName(first)}: ${f.fromTo(first, " → ")}, ${f.change(first)}.`);
    if (rates.length > 0) {
      const prices = `${plural(rates.length, "price")} of lines the usage priced rise${rates.length === 1 ? "s" : ""} by more: ${priceRises}`;
      texts.push(first
        ? `Also past that limit, ${prices}.`
        : `Past ${limit} by price: ${prices}, though no line's cost over the usage rose by more (a line's cost is all its rows': those the new card refuses, and those another version prices, part of a month before the rise, hold it under the price's rise).`);
    }
    if (!first && rates.length === 0) texts.push(`No priced line past ${limit}.`);
  }
  return texts.length === 0 ? undefined : texts.join(" ");
}

/** Price rises the replay cannot measure: named, so a rise on a line the usage never priced is not read as "no change". */
function unmeasuredNote(d: CostDiff): string | undefined {
  const refused = d.refusedMore === undefined ? undefined : refusedNote(d, d.refusedMore);
  const rises = risesNote(d);
  return rises === undefined ? refused : refused === undefined ? rises : `${rises} ${refused}`;
}

/** Whose prices a refused row's worth is at: the new card's where the base card served the meter free or not at all. */
export const worthAt = (r: RefusedRow): string => (r.pricedBy === "new" ? "at the new card's prices (the base card charged nothing for it)" : "at the base card's prices");

/** Whose prices the worth of several refused rows is at (worthAt). */
export const worthAtAll = (rows: readonly RefusedRow[]): string => (rows.some((r) => r.pricedBy === "new") ? "at the base card's prices (the new card's where the base card charged nothing for the meter)" : "at the base card's prices");

/** What a refused row's meter lost: its quantity under each card, and its worth at the base card's prices (worthAt). */
function refusedWorth(f: Figures, r: RefusedRow): string {
  return `${exactGrouped(r.quantity.old)} → ${exactGrouped(r.quantity.new)} refused, ${r.priced ? `worth ${f.fromTo(r, " → ")} ${worthAt(r)}` : "worth unknown (neither card charged anything for it)"}`;
}

/**
 * The usage the new card refuses more of, said plainly: by quantity and worth, as one refused row may be ten times
 * another (red team, stop 38: as many events refused, ten times the fetches, and "credits fall 43%").
 */
function refusedNote(d: CostDiff, more: RefusedMore): string {
  const f = new Figures(d);
  const largest = largestRefused(more);
  // The share --fail-over judges, said whether or not it trips (red59b F9: the row's share of its meter's cycle was the one shown).
  const share = f.share({ ...more.worth, percentOf: d.comparison.total.old });
  const of = share === undefined ? "" : `: ${share.gte(0) ? "+" : ""}${formatFixed(share, Math.max(2, share.decimalPlaces()))}% of the ${f.amount(d.comparison.total.old)} here`;
  const judged = d.failOver === undefined ? "" : ` --fail-over judges its worth, as a share of the ${d.card.unit} the base card charged${of}.`;
  return `The new card refuses more of the usage, charged nothing: what the customer no longer gets is worth ${f.fromTo(more.worth, " → ")} ${d.card.unit} ${worthAtAll(more.rows)}, in ${plural(more.rows.length, "meter")} of the accounts' cycles (${count(more.old)} → ${count(more.new)} events refused in those meters and cycles, of the ${inAll(d)} refused in all; for want of credits, a quota, a gate, a budget or a limit). Largest: ${largest.meter} ${refusedWorth(f, largest)} in the cycle from ${f.cycle(largest.start)}, account ${largest.account}.${judged}${d.failOnUnmeasured ? " --fail-on-unmeasured fails the run." : ""}`;
}

function risesNote(d: CostDiff): string | undefined {
  if (d.unmeasured.length === 0) return undefined;
  // A rise of a price in money says why the usage misses it; a line's price, as before, in the sentence.
  const lineOnly = d.unmeasured.every((c) => unmeasuredWhy(c) === LINE_NEVER_PRICED);
  const rises = d.unmeasured.map((c) => `${unmeasuredShown(c)} (${formatLocation(c.location)}${lineOnly ? "" : `, ${unmeasuredWhy(c)}`})`);
  const gated = d.failOnUnmeasured ? ` --fail-on-unmeasured fails the run until the corpus exercises ${d.unmeasured.length === 1 ? "it" : "them"}.` : "";
  const where = lineOnly ? "on lines the usage never priced" : "the usage never exercises";
  return `${plural(d.unmeasured.length, unmeasuredNoun(d.unmeasured))} ${where}, so no cost gate measured ${d.unmeasured.length === 1 ? "it" : "them"}: ${rises.join("; ")}.${gated}`;
}

/** The gates that fail the run, by flag: the comment's "Over the limit." names them, as the sentences after it say more that is within. */
function failedGates(d: CostDiff): string[] {
  const unmeasured = d.unmeasured.length > 0 || d.refusedMore !== undefined || d.money.otherCurrency !== undefined || d.money.unpricedCredits !== undefined;
  return [
    ...(d.failOver?.exceeded ? ["--fail-over"] : []),
    ...d.gates.filter((g) => g.tripped.length > 0 || g.money.length > 0).map((g) => g.flag),
    ...(lineGateTripped(d.failOverLine) ? ["--fail-over-line"] : []),
    ...(d.failOnUnmeasured && unmeasured ? ["--fail-on-unmeasured"] : []),
  ];
}

/** The money items that changed, per account and cycle: what customers pay beyond credits. */
function moneyTable(d: CostDiff, title: string | undefined): TableBlock | undefined {
  const f = new Figures(d);
  const units = { unit: d.card.unit, currency: d.money.currency };
  const changed = d.money.changes.filter((m) => (m.unpriced === undefined ? !delta(m).isZero() : unknownShown(m)));
  if (changed.length === 0) return undefined;
  const change = (m: MoneyChange) => (m.unpriced !== undefined ? unknownChange(m, d.card.unit) : m.percentOf !== undefined ? f.paidChange({ ...m, percentOf: m.percentOf }) : f.moneyChange(m));
  // A side with credits bought at no credit_price left out of it has no figure (the statement's total: null).
  const cell = (m: MoneyChange, side: "old" | "new") => ([side, "both"].includes(unknownSide(m) ?? "") ? "unknown" : f.item(m, m[side]));
  return {
    kind: "table", title,
    head: ["Account", "Cycle", "Item", "Old", "New", "Change"],
    align: ["left", "left", "left", "right", "right", "right"],
    rows: changed.map((m) => [m.account, f.cycle(m.start), moneyItemName(m.item, units), cell(m, "old"), cell(m, "new"), change(m)]),
  };
}

type TableBlock = Extract<Block, { kind: "table" }>;

const changedRows = (d: CostDiff) => d.comparison.rows.filter((r) => !delta(r).isZero());

function rowsTable(d: CostDiff, rows: readonly CostRow[], title: string | undefined): TableBlock {
  const f = new Figures(d);
  // The cause column shows only when some line has one, on that line, not in a folded block.
  const why = rows.some((r) => refusalNote(r) !== undefined);
  return {
    kind: "table", title,
    head: ["Account", "Cycle", "Meter", "Old", "New", "Change", ...(why ? ["Why"] : [])],
    align: ["left", "left", "left", "right", "right", "right", ...(why ? ["left" as const] : [])],
    rows: rows.map((r) => [r.account, f.cycle(r.start), r.meter, ...f.row(r), ...(why ? [refusalNote(r) ?? ""] : [])]),
  };
}

/**
 * The priced lines whose cost changed, when that grain says more than the
 * meters do: some changed meter has several priced lines (a token-priced
 * card's components by model and provider), or `--fail-over-line` was asked.
 */
function changedLines(d: CostDiff): PricedLine[] {
  const changed = d.comparison.lines.filter((l) => !delta(l).isZero());
  const perMeter = new Map<string, number>();
  for (const l of d.comparison.lines) perMeter.set(l.meter, (perMeter.get(l.meter) ?? 0) + 1);
  const finer = changed.some((l) => perMeter.get(l.meter)! > 1);
  return d.failOverLine !== undefined || finer ? changed : [];
}

function linesTable(d: CostDiff, lines: readonly PricedLine[]): TableBlock {
  const f = new Figures(d);
  const gated = d.failOverLine !== undefined;
  const past = new Set(d.failOverLine?.tripped ?? []);
  return {
    kind: "table",
    head: ["Line", "Old", "New", "Change", ...(gated ? ["Gate"] : [])],
    align: ["left", "right", "right", "right", ...(gated ? ["left" as const] : [])],
    rows: lines.map((l) => [lineName(l), ...f.row(l), ...(gated ? [past.has(l) ? `past --fail-over-line ${formatExact(d.failOverLine!.percent)}%` : ""] : [])]),
  };
}

function totalsTable(d: CostDiff, label: string, totals: Map<string, Totals>): TableBlock {
  const f = new Figures(d);
  const all = d.comparison.total;
  return {
    kind: "table",
    head: [label, "Old", "New", "Change"],
    align: ["left", "right", "right", "right"],
    rows: [...[...totals].map(([k, t]) => [k, ...f.row(t)]), ["Total", ...f.row(all)]],
    emphasis: [totals.size],
  };
}

/** The usage refused per account, cycle and meter where the cards refuse different quantities: what each refuses, and its worth. */
function refusedTable(d: CostDiff): TableBlock | undefined {
  const f = new Figures(d);
  if (d.comparison.refused.length === 0) return undefined;
  const worth = (r: RefusedRow, side: "old" | "new") => (r.priced ? f.amount(r[side], f.rowDigits(r)) : "unknown");
  return {
    kind: "table",
    head: ["Account", "Cycle", "Meter", "Old refused", "New refused", "Old worth", "New worth", "Events"],
    align: ["left", "left", "left", "right", "right", "right", "right", "right"],
    rows: d.comparison.refused.map((r) => [r.account, f.cycle(r.start), r.meter, exactGrouped(r.quantity.old), exactGrouped(r.quantity.new), worth(r, "old"), worth(r, "new"), r.events.old === r.events.new ? count(r.events.new) : `${count(r.events.old)} → ${count(r.events.new)}`]),
  };
}

function cyclesTable(d: CostDiff): TableBlock {
  const f = new Figures(d);
  return {
    kind: "table",
    head: ["Account", "Cycle", "Old", "New", "Change", "Rejected events"],
    align: ["left", "left", "right", "right", "right", "right"],
    rows: d.comparison.cycles.map((c) => [c.account, f.cycle(c.start), ...f.row(c), c.oldRejected === c.newRejected ? count(c.newRejected) : `${count(c.oldRejected)} → ${count(c.newRejected)}`]),
  };
}

/** The credits each grant kind of changed expiry loses, per account and cycle, under each card, and what the paid ones cost. */
function expiredTable(d: CostDiff): TableBlock | undefined {
  const f = new Figures(d);
  if (d.money.expired.length === 0) return undefined;
  const priced = d.money.expired.some((r) => r.worth !== undefined);
  const worth = (r: ExpiredRow) => (r.worth === undefined ? "" : f.moneyFromTo(r.worth, " → "));
  return {
    kind: "table",
    head: ["Account", "Cycle", "Grant kind", "Expiry", "Old lost", "New lost", "Change", ...(priced ? [`Worth (${d.money.currency})`] : [])],
    align: ["left", "left", "left", "left", "right", "right", "right", ...(priced ? ["right" as const] : [])],
    rows: d.money.expired.map((r) => [r.account, f.cycle(r.start), r.kind, `${ruleShown(r.rule.old)} → ${ruleShown(r.rule.new)}`, ...f.row(r), ...(priced ? [worth(r)] : [])]),
  };
}

/** With sets of versions, each change also says from when and between which versions. */
function cardChangesTable(changes: readonly CardChange[], title: string | undefined): TableBlock {
  const renamed = (c: CardChange) => (c.renamed === undefined ? "" : "from" in c.renamed ? ` (renamed from ${c.renamed.from})` : ` (renamed to ${c.renamed.to})`);
  const row = (c: CardChange) => [c.what === "setting" ? c.change : `${c.what} ${c.change}${renamed(c)}`, c.path, c.old ?? "", c.new ?? "", formatLocation(c.location)];
  if (!changes.some((c) => c.versions !== undefined)) {
    return { kind: "table", title, head: ["Change", "Path", "Old", "New", "Where"], align: ["left", "left", "right", "right", "left"], rows: changes.map(row) };
  }
  return {
    kind: "table", title,
    head: ["From", "Versions", "Change", "Path", "Old", "New", "Where"],
    align: ["left", "left", "left", "left", "right", "right", "left"],
    rows: changes.map((c) => [c.versions?.from ?? "", c.versions ? `${c.versions.base} → ${c.versions.card}` : "", ...row(c)]),
  };
}

interface Section {
  title: string;
  block: TableBlock;
}

/** The breakdowns, each a table: what changed, then per meter, account and cycle, then the card's own edits. */
function sections(d: CostDiff): Section[] {
  const out: Section[] = [];
  const changed = changedRows(d);
  if (changed.length > 0) out.push({ title: "Changed lines", block: rowsTable(d, changed, undefined) });
  const money = moneyTable(d, undefined);
  if (money) out.push({ title: "Changed money, per account and cycle", block: money });
  const expired = expiredTable(d);
  if (expired) out.push({ title: `Changed ${d.card.unit} lost to a changed expiry, per account, cycle and grant kind`, block: expired });
  const lines = changedLines(d);
  if (lines.length > 0) out.push({ title: "Changed priced lines, over the whole usage", block: linesTable(d, lines) });
  out.push({ title: "By meter", block: totalsTable(d, "Meter", totalsBy(d.comparison.rows, (r) => r.meter)) });
  out.push({ title: "By account", block: totalsTable(d, "Account", totalsBy(d.comparison.rows, (r) => r.account)) });
  out.push({ title: "By cycle", block: cyclesTable(d) });
  const refused = refusedTable(d);
  if (refused) out.push({ title: `Refused usage, per account, cycle and meter (worth ${worthAtAll(d.comparison.refused)})`, block: refused });
  if (d.cardChanges.length > 0) out.push({ title: "Card changes", block: cardChangesTable(d.cardChanges, undefined) });
  return out;
}

/** The full report, for a terminal. */
/**
 * The usage given, on one line: a month of daily files given one by one (a
 * shell's glob) would make the facts table as wide as thirty names. The JSON
 * keeps every name.
 */
function usageShown(files: readonly string[]): string {
  if (files.length <= 3) return files.join(", ");
  return `${files.length} files: ${files[0]}, ${files[1]}, …, ${files.at(-1)}`;
}

export function diffBlocks(d: CostDiff): Block[] {
  const f = new Figures(d);
  const t = d.comparison.total;
  const gateText = gate(d);
  const blocks: Block[] = [
    { kind: "heading", level: 1, text: `Cost diff: ${cardName(d, "base")} → ${cardName(d, "card")}` },
    {
      kind: "facts",
      rows: [
        ["Base card", cardShown(d.base).file],
        ["New card", cardShown(d.card).file],
        ["Usage", usageShown(d.usage)],
        [`Total ${d.card.unit}`, `${f.fromTo(t, " → ")}, ${f.change(t)}`],
        ...(d.money.total ? [[`Money (${d.money.currency})`, `${f.moneyFromTo(d.money.total, " → ")}, ${f.moneyChange(d.money.total)}`] as [string, string]] : []),
        ...(unknownTotalFact(d) === undefined ? [] : [[`Money (${d.money.currency})`, unknownTotalFact(d)!] as [string, string]]),
      ],
    },
    { kind: "note", text: diffSummary(d) },
  ];
  if (gateText) blocks.push({ kind: "note", text: gateText });
  if (d.effectiveInside !== undefined) blocks.push({ kind: "note", text: `Note: ${effectiveInsideText(d.effectiveInside)}.` });
  const unmeasured = unmeasuredNote(d);
  if (unmeasured) blocks.push({ kind: "note", text: unmeasured });
  for (const s of sections(d)) blocks.push({ kind: "heading", level: 2, text: s.title }, s.block);
  if (d.cardChanges.length === 0) blocks.push({ kind: "note", text: "No change in the card itself: the two cards price the same way." });
  return blocks;
}

/**
 * A pull-request comment in the manner of infracost's: one line that says what
 * the change costs, the lines that changed, the card edits that caused them,
 * and everything else folded away; its tables cut to fit a comment (comment-size.ts).
 */
export function diffMarkdown(d: CostDiff): string {
  const view = largestFirst(d);
  for (const cap of COMMENT_ROWS) {
    const text = comment(d, view, { cap, details: true });
    if (text.length <= COMMENT_CHARACTERS) return text;
  }
  const least = COMMENT_ROWS.at(-1)!;
  const folded = comment(d, view, { cap: least, details: false });
  if (folded.length <= COMMENT_CHARACTERS) return folded;
  return cutToFit(comment(d, view, { cap: 0, details: false }));
}

/** The comment's text: its sentences from `d`, its tables from `view` (largestFirst), each cut to `cap` rows, none at 0. */
function comment(d: CostDiff, view: CostDiff, { cap, details }: { cap: number; details: boolean }): string {
  const gateText = gate(d);
  const changed = changedRows(d);
  const failed = failedGates(d);
  const out: string[] = [
    COMMENT_MARKER,
    `### burnrate: ${markdownText(cardName(d, "base"))} → ${markdownText(cardName(d, "card"))}`,
    "",
    `${failed.length > 0 ? `**Over the limit.** Failed: ${failed.join(", ")}. ` : ""}${markdownText(diffSummary(d))}${gateText ? ` ${markdownText(gateText)}` : ""}`,
    "",
  ];
  if (d.effectiveInside !== undefined) out.push(`**Note.** ${markdownText(effectiveInsideText(d.effectiveInside))}.`, "");
  // Refused usage is --fail-over's to judge where it is given: under "Not measured." it read as if nothing had (newcomer71 L9).
  const refused = d.refusedMore === undefined ? undefined : refusedNote(d, d.refusedMore);
  const judged = refused !== undefined && d.failOver !== undefined;
  const unmeasured = [risesNote(d), judged ? undefined : refused].filter((n) => n !== undefined).join(" ");
  if (unmeasured) out.push(`**Not measured.** ${markdownText(unmeasured)}`, "");
  if (judged) out.push(`**Refused usage.** ${markdownText(refused)}`, "");
  const tables = cap > 0;
  if (tables && changed.length > 0) out.push(...cappedTable(rowsTable(view, changedRows(view), undefined), cap, ["changed line", "changed lines"]));
  const money = tables ? moneyTable(view, "Changed money, per account and cycle") : undefined;
  if (money) out.push(...cappedTable(money, cap, ["changed money row", "changed money rows"]));
  const expired = tables ? expiredTable(view) : undefined;
  if (expired) out.push(...cappedTable({ ...expired, title: `Changed ${d.card.unit} lost to a changed expiry, per account, cycle and grant kind` }, cap, ["changed expiry row", "changed expiry rows"]));
  const lines = changedLines(view);
  if (tables && lines.length > 0) out.push(...cappedTable({ ...linesTable(view, lines), title: "Changed priced lines, over the whole usage" }, cap, ["changed priced line", "changed priced lines"]));
  // The card's edits are what the review is of: never cut past the first cap (red63b M3: a price rise cut to fit long names).
  if (d.cardChanges.length > 0) {
    out.push(`<details><summary>${plural(d.cardChanges.length, "change")} in the card</summary>`, "", ...cappedTable(cardChangesTable(d.cardChanges, undefined), COMMENT_ROWS[0], ["card change", "card changes"]), "</details>", "");
  } else {
    out.push("No change in the card itself.", "");
  }
  if (!details) {
    out.push(`_${tables ? "Per meter, account and cycle" : "The tables"}: in \`burnrate diff --format json\` or \`--format table\`, too long for a comment._`);
    return `${out.join("\n")}\n`;
  }
  const detail = sections(view).filter((s) => !s.title.startsWith("Changed") && s.title !== "Card changes").flatMap((s) => cappedTable({ ...s.block, title: s.title }, cap, ["row", "rows"]));
  out.push("<details><summary>Per meter, account and cycle</summary>", "", ...detail, "</details>");
  return `${out.join("\n")}\n`;
}
