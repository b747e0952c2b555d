import type { AccountStatement, CycleStatement, Statement } from "../../engine/types.js";
import { Decimal, formatExact, formatFixed, ZERO } from "../../money.js";
import type { RateCard } from "../../ratecard/types.js";
import { localDate, localDateTime, localInstants, type RenderContext } from "../shared/context.js";
import type { Block, FactValue } from "../shared/document.js";
import { count, credits, exactGrouped, percentOf } from "../shared/numbers.js";
import type { LineKind } from "../../engine/types.js";
import { byProject, dimensionValues, splitBy } from "../shared/summary.js";
import { fileLine, fileLineWithin } from "../shared/file-line.js";
import { cycleMoney, cycleMoneyBlocks } from "./money.js";
import { FleetTotals } from "./fleet.js";
import { uncoveredLabel } from "./uncovered-label.js";
import { planBilled, versionOf } from "../../ratecard/plan-fee.js";
import { plansOfVersions, versionInstants } from "../../ratecard/versions.js";
import { Zone } from "../../time.js";
import { leftOutOf, type LeftOut } from "./period.js";
import { refusedForCredits } from "../../engine/limits.js";
import { isEndedReason } from "../../engine/subscription-end.js";
import { waitingText } from "../../engine/timeline.js";
import { NOTHING_SAID, saidBlocks, type Said } from "./said.js";

/** Where a line's charge came from: an event, a cycle-start recharge of an active item or a level, or a refund. */
const KIND_LABEL: Record<LineKind, string> = { usage: "usage", recurring: "recurring", gauge: "gauge", refund: "refund" };

/**
 * A statement for people: per account and cycle, totals first, then grants, categories, projects and lines.
 * Blocks are made as they are drawn, account by account, and the accounts are read once.
 */
/** `said`: what the run said beside the statement, first, so that a report kept without its standard error says it too. */
export function* statementBlocks(statement: Statement, ctx: RenderContext, said: Said = NOTHING_SAID): Generator<Block> {
  const { card } = ctx;
  yield* saidBlocks(said);
  const dp = card.precision.display;
  const money = (v: Decimal) => credits(v, dp, card.precision.rounding);
  if (statement.versions !== undefined) {
    yield {
      kind: "table",
      title: "Card versions",
      head: ["Version", "Effective", "Applies", "Prices from"],
      align: ["left", "left", "left", "left"],
      rows: statement.versions.map((v) => [v.version, v.effective, v.applies === "next_cycle" ? "next cycle" : "at once", localDateTime(ctx, v.from)]),
    };
  }
  const meters = new Set<string>();
  // The duplicates the cycles shown hold, counted as they are drawn: a page lets each account go once drawn (red48 #1).
  const shown = { duplicates: 0, cut: false };
  const fleet = new FleetTotals();
  // What --cycle left out is told at the first account, and again only at an account it differs for (a calendar of its
  // own): nine accounts of one month printed the same note nine times (newcomer61 L1).
  let toldLeft: string | undefined;
  const zone = Zone.of(statement.timezone);
  for (const account of statement.accounts) {
    fleet.account();
    const terms = account.rewardsOnly ? "rewards only, on no plan" : `plan ${plansShown(card, account, zone)}`;
    yield { kind: "heading", level: 1, text: `${card.provider} ${statement.version} · account ${account.account} · ${terms} · ${statement.timezone}` };
    if (account.rewardsOnly) yield { kind: "note", text: "A creator the account file does not name, with no usage of its own: shown the rewards it earned, billed no plan fee and given no included credits." };
    const cycles = account.cycles;
    const left = leftOutOf(account);
    const leftNote = left === undefined ? undefined : leftOutNote(cycles.length, left, statement.accounts.length > 1);
    if (leftNote !== undefined && leftNote !== toldLeft) yield { kind: "note", text: leftNote };
    toldLeft = leftNote ?? toldLeft;
    shown.cut ||= left !== undefined;
    for (const c of cycles) {
      for (const l of c.lines) meters.add(l.meter);
      for (const d of c.duplicates) shown.duplicates += d.events;
      yield* cycleBlocks(c, ctx, money, account.rewardsOnly === true);
      const billed = cycleMoney(card, c.plan, c);
      fleet.add(c, billed);
      const changed = new Set(c.plans.map((p) => p.plan)).size > 1 ? { plan: planLabel(card, c.plan, c.version) } : undefined;
      yield* cycleMoneyBlocks(billed, changed);
    }
  }
  yield* fleet.blocks(ctx, { credits: money, card: `${card.provider} ${statement.version}` });
  yield* meterLabelBlocks(meters, ctx);
  if (statement.events.duplicates > 0) {
    yield { kind: "note", text: duplicatesNote(statement, shown) };
    yield* duplicateEventBlocks(statement);
  }
}

/**
 * The duplicates' count: the whole replay's, which --cycle runs from the first cycle, and then how many the cycles
 * shown hold, which their tables count (newcomer, stop 43: a cycle's table said 2,349 and the note below it 2,361).
 */
function duplicatesNote(statement: Statement, shown: { duplicates: number; cut: boolean }): string {
  const counted = `${count(statement.events.duplicates)} duplicate event(s) by event_id were counted once and not priced again`;
  if (!shown.cut) return `${counted}.`;
  return `${counted} in the whole replay, ${count(shown.duplicates)} of them in the cycle(s) shown; the list below is the whole replay's.`;
}

/** What --cycle left out of an account, and that the cycles shown still carry what came before them. */
function leftOutNote(shown: number, left: LeftOut, several: boolean): string {
  const total = shown + left.before + left.after;
  return `--cycle: ${count(shown)} of ${count(total)} cycle(s) shown, ${count(left.before)} before and ${count(left.after)} after left out${several ? ", for this account and those after it unless told again" : ""}. `
    + "The replay ran from the first cycle: the balances and credits carried into these are the whole statement's.";
}

/** The card's own words for each meter key the statement shows, as a bill or an invoice names them. */
function meterLabelBlocks(keys: ReadonlySet<string>, ctx: RenderContext): Block[] {
  const rows = [...ctx.card.meters.values()].filter((m) => keys.has(m.key) && m.labels.length > 0).map((m) => [m.key, m.labels.join(", ")]);
  if (rows.length === 0) return [];
  return [{ kind: "table", title: "Meters", head: ["Meter", "Label on the card"], align: ["left", "left"], rows }];
}

/** The table lists this many repeats; the JSON lists them all (up to the engine's bound). */
const TABLE_DUPLICATES = 10;
/** A terminal table's width: the Rejected table's First line gets what its other columns leave of it. */
const TABLE_WIDTH = 100;

/** The first repeats by event_id, each with the row it repeats, and how many more. */
function duplicateEventBlocks(statement: Statement): Block[] {
  const listed = statement.duplicateEvents?.listed ?? [];
  if (listed.length === 0) return [];
  const blocks: Block[] = [{
    kind: "table",
    title: "Duplicate event_ids",
    head: ["Event id", "Meter", "First seen", "Repeated at"],
    align: ["left", "left", "left", "left"],
    rows: listed.slice(0, TABLE_DUPLICATES).map((e) => [e.eventId, e.meter, fileLine(e.first), fileLine(e.repeat)]),
  }];
  const more = statement.events.duplicates - Math.min(listed.length, TABLE_DUPLICATES);
  if (more > 0) blocks.push({ kind: "note", text: `and ${count(more)} more duplicate(s): --format json lists them all.` });
  return blocks;
}

/** What the subscription's end did to a cycle (planBilled): the plan served until it, or not at all. */
function subscriptionEnded(c: CycleStatement, ctx: RenderContext): string {
  const end = localDateTime(ctx, c.subscriptionEnd!);
  return planBilled(c) ? `ended ${end}: the plan served until then (its fee billed, its included credits lapsed then)` : `ended ${end}: no plan fee, no included credits`;
}

function cycleBlocks(c: CycleStatement, ctx: RenderContext, money: (v: Decimal) => string, rewardsOnly: boolean): Block[] {
  const { card } = ctx;
  const unit = card.unit;
  const blocks: Block[] = [];
  const endInclusive = localDate(ctx, c.end - 1);
  blocks.push({ kind: "heading", level: 2, text: `Cycle ${c.index + 1}: ${localDate(ctx, c.start)} to ${endInclusive} (resets ${localDateTime(ctx, c.end)}${c.renews !== c.end ? `, renews ${localDate(ctx, c.renews)}` : ""})` });
  const rejectedEvents = c.rejected.reduce((n, r) => n + r.events, 0);
  // Amounts right-aligned on their decimal point, as in the tables below.
  const amounts = [c.allowance, c.total, c.uncovered].map(money);
  const width = Math.max(...amounts.map((a) => a.length));
  const [allowance, total, uncovered] = amounts.map((a) => `${a.padStart(width)} ${unit}`);
  const facts: [string, FactValue][] = [
    ["Allowance", allowance!],
    ["Charged", total!],
    [uncoveredLabel(card), uncovered!],
    ["Allowance used", c.allowance.gt(0) ? percentOf(c.allowanceUsed, c.allowance) : "no allowance"],
    ["Rejected", rejectedEvents === 0 ? "none" : `${count(rejectedEvents)} event(s)`],
  ];
  if (card.thresholds.length > 0) {
    facts.push(["Thresholds", c.thresholds.length === 0 ? "none crossed" : c.thresholds.map((t) => `${t.percent}% at ${localDateTime(ctx, t.at)}`)]);
  }
  if (c.quota) facts.push(["Request quota", `${exactGrouped(c.quota.used)} of ${exactGrouped(c.quota.limit)} requests`]);
  if (c.overage.requests.gt(0) || c.overage.credits?.gt(0)) facts.push(["Overage", `${overageParts(c.overage, unit)}, ${card.currency} ${exactGrouped(c.overage.amount)} billed at the period's end`]);
  if (c.alerts.length > 0) {
    facts.push(["Alerts", c.alerts.map((a) => (a.kind === "low_balance" ? `balance below ${money(a.level)} at ${localDateTime(ctx, a.at)}` : `${a.key} budget ${a.percent}% at ${localDateTime(ctx, a.at)}`))]);
  }
  if (c.rewards.earned.gt(0)) facts.push(["Creator rewards", `${money(c.rewards.earned)} ${unit} earned from ${c.rewards.from.map((r) => r.account).join(", ")}`]);
  if (c.exhaustedAt !== undefined) facts.push(ranOut(c, ctx));
  if (c.subscriptionEnd !== undefined && !rewardsOnly) facts.push(["Subscription", subscriptionEnded(c, ctx)]);
  blocks.push({ kind: "facts", rows: facts });
  blocks.push(...timelineBlocks(c, ctx, money));

  // A cycle of no grant (pay as you go, nothing included) has no Credits table: a heading over no rows read as missing data (newcomer57 L7).
  if (c.grants.length > 0) blocks.push({
    kind: "table",
    title: "Credits",
    head: ["Grant", "Opening", "Granted", "Consumed", "Expired", "Closing"],
    align: ["left", "right", "right", "right", "right", "right"],
    rows: c.grants.map((g) => [g.kind, money(g.opening), money(g.granted), money(g.consumed), money(g.expired), money(g.closing)]),
  });

  const share = (v: Decimal) => (c.total.isZero() ? "" : percentOf(v, c.total));
  const categories = splitBy(c.lines, (l) => l.category);
  blocks.push({
    kind: "table",
    title: "By category",
    head: ["Category", "Pool split", "Amount", "Share"],
    align: ["left", "left", "right", "right"],
    rows: [...card.categories].filter(([k]) => categories.has(k)).map(([k, cat]) => {
      const pools = splitBy(c.lines.filter((l) => l.category === k), (l) => l.pool);
      return [cat.label, [...pools].map(([p, v]) => `${p} ${money(v)}`).join(", "), money(categories.get(k)!), share(categories.get(k)!)];
    }),
  });

  const projects = byProject(c.lines);
  if (projects.size > 1) {
    blocks.push({
      kind: "table",
      title: "By project",
      head: ["Project", "Amount", "Share"],
      align: ["left", "right", "right"],
      rows: [...projects].sort((a, b) => b[1].cmp(a[1]) || (a[0] < b[0] ? -1 : 1)).map(([p, v]) => [p, money(v), share(v)]),
    });
  }

  // With several card versions, each line says which one priced it.
  const versioned = c.lines.some((l) => l.version !== undefined);
  const lines = c.lines.map((l) => [
    l.component === undefined ? l.meter : `${l.meter}:${l.component}`,
    KIND_LABEL[l.kind],
    l.pool,
    dimensionValues(l.dimensions),
    exactGrouped(l.quantity),
    exactGrouped(l.unitPrice),
    ...(versioned ? [l.version ?? ""] : []),
    money(l.amount),
  ]);
  // The amounts shown, each rounded to the display's places, add up to the total shown under them: where rounding each
  // apart moved their sum, a row says by how much, as the Money table's does (newcomer59 L2: lines of 140.026, 6.508 and
  // 15.2996 shown 140.03, 6.51 and 15.30 summed a cent over the Total 1,118.03 a finance reader ticked them off against).
  const rounding = shownRounding(c.lines.map((l) => l.amount), c.total, ctx.card.precision);
  if (!rounding.isZero()) lines.push([`Rounding to ${formatExact(new Decimal(10).pow(-ctx.card.precision.display))}`, "", "", "", "", "", ...(versioned ? [""] : []), money(rounding)]);
  lines.push(["Total", "", "", "", "", "", ...(versioned ? [""] : []), money(c.total)]);
  blocks.push({
    kind: "table",
    title: "Charges",
    head: ["Meter", "Kind", "Pool", "Dimensions", "Quantity", "Unit price", ...(versioned ? ["Version"] : []), "Amount"],
    align: ["left", "left", "left", "left", "right", "right", ...(versioned ? ["left" as const] : []), "right"],
    rows: lines,
    emphasis: [lines.length - 1],
    maxWidths: [null, null, null, 26, null, null, ...(versioned ? [null] : []), null],
  });

  if (c.budgets.length > 0) {
    blocks.push({
      kind: "table",
      title: "Budgets",
      head: ["Budget", "Amount", "Spent", "Used"],
      align: ["left", "right", "right", "right"],
      rows: c.budgets.map((b) => [b.key, money(b.budget), money(b.spent), b.budget.isZero() ? "" : percentOf(b.spent, b.budget)]),
    });
  }
  if (c.rejected.length > 0) {
    const head = ["Meter", "Reason", "Events", "Quantity", "First at", "First line"];
    const rows = c.rejected.map((r) => [r.meter, localInstants(ctx, r.reason), count(r.events), exactGrouped(r.quantity), localDateTime(ctx, r.firstAt)]);
    // The path keeps as many of its last folders as the table has room for (at least the file's
    // name): two days' exports/*/usage.csv must not both read usage.csv. The JSON's first_line has it whole.
    const widths = head.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const room = TABLE_WIDTH - widths.reduce((sum, w) => sum + w + 2, 2);
    blocks.push({
      kind: "table",
      title: "Rejected",
      head,
      align: ["left", "left", "right", "right", "left", "left"],
      rows: c.rejected.map((r, i) => [...rows[i]!, r.firstOrigin ? fileLineWithin(r.firstOrigin, room) : ""]),
    });
  }
  if (c.duplicates.length > 0) {
    blocks.push({
      kind: "table",
      title: "Duplicates (same event_id, not priced)",
      head: ["Meter", "Events", "Quantity"],
      align: ["left", "right", "right"],
      rows: c.duplicates.map((d) => [d.meter, count(d.events), exactGrouped(d.quantity)]),
    });
  }
  return blocks;
}

/**
 * When the credits ran out (the engine's `exhaustedAt`) and which of its two ways: an event refused for want of credits
 * (some may be left, too few for it), or a charge that left no credits (paid to the last one, or past zero into a
 * grace buffer or an allow pool). One row said "Credits short" for both (newcomer, stop 38: globex's balance drawn to
 * exactly 0, nothing refused then, read as a refusal). A cycle that had no credits to run out, its usage let past
 * zero by an allow pool (pay as you go), says when its usage began to be charged past zero instead. So does one after
 * the subscription ended, its usage refused for it (red team, stop 38: "the credits left could not pay it" where no
 * cycle credits ever were, every refusal "subscription ended").
 */
/** What the total as shown differs by from the sum of the amounts as shown, each at the display's places (`credits`). */
function shownRounding(amounts: readonly Decimal[], total: Decimal, { display, rounding }: RateCard["precision"]): Decimal {
  const asShown = (v: Decimal) => new Decimal(formatFixed(v, display, rounding));
  let sum = ZERO;
  for (const amount of amounts) sum = sum.plus(asShown(amount));
  return asShown(total).minus(sum);
}

function ranOut(c: CycleStatement, ctx: RenderContext): [string, string] {
  const at = localDateTime(ctx, c.exhaustedAt!);
  const hadCredits = c.grants.some((g) => g.opening.gt(0) || g.granted.gt(0));
  const refusal = c.rejected.find((r) => r.firstAt === c.exhaustedAt && refusedForCredits(r.reason));
  if (refusal !== undefined && isEndedReason(refusal.reason)) {
    const ended = c.subscriptionEnd === undefined ? "" : ` ${localDateTime(ctx, c.subscriptionEnd)}`;
    // The credits that outlive the end may be none by the refusal (the included ones lapse at it: red team, stop 38),
    // or too few: either way it is the end that refused, not credits run out.
    return hadCredits
      ? ["Refused from", `${at}: the subscription had ended${ended}, and the credits that outlive it could not pay`]
      : ["Refused from", `${at}: no credits this cycle, the subscription had ended${ended}`];
  }
  if (refusal !== undefined) return ["Credits ran out", `${at}, an event refused: the credits left could not pay it`];
  // The cycle's billed credits say an overage pool went past zero; else an allow pool did (red56 F5: the first such pool in the card was named).
  const billed = c.overage.credits?.gt(0) === true;
  const allowed = billed || (c.uncovered.gt(0) && [...ctx.card.pools.values()].some((p) => p.whenExhausted === "allow"));
  if (!allowed) return ["Credits ran out", `${at}, a charge left no credits`];
  const lets = billed ? "billed as overage" : "as an allow pool lets it";
  return hadCredits
    ? ["Credits ran out", `${at}, a charge left no credits; usage went on past zero, ${lets}`]
    : ["Past zero from", `${at}: no credits this cycle, usage charged past zero ${lets}`];
}

/** What a cycle's overage is of: requests past the quota, credits billed past zero, or both. */
function overageParts(overage: CycleStatement["overage"], unit: string): string {
  const parts = [
    ...(overage.requests.gt(0) ? [`${exactGrouped(overage.requests)} ${overage.requests.eq(1) ? "request" : "requests"}`] : []),
    ...(overage.credits?.gt(0) ? [`${exactGrouped(overage.credits)} ${unit} past zero`] : []),
  ];
  return parts.join(" and ");
}

const CHANGE_LABEL = { plan: "Plan", overage: "Overage billing", allowance: "Allowance", subscription_end: "Subscription end", cancel_scheduled: "Cancel scheduled" } as const;

/** The plan in force over each part of the cycle, and each change with its instant and what it granted or removed. */
function timelineBlocks(c: CycleStatement, ctx: RenderContext, money: (v: Decimal) => string): Block[] {
  const blocks: Block[] = [];
  if (c.plans.length > 0) {
    blocks.push({
      kind: "table",
      title: "Plans in force",
      head: ["Plan", "From", "To"],
      align: ["left", "left", "left"],
      rows: c.plans.map((p, i) => [segmentLabel(ctx.card, ctx.zone, c, i), localDateTime(ctx, p.from), localDateTime(ctx, p.to)]),
    });
  }
  if (c.timeline.length > 0) {
    const effect = (t: CycleStatement["timeline"][number]): string => {
      if (t.appliesAt !== undefined) return `applies from ${localDateTime(ctx, t.appliesAt)}`;
      if (t.tookBack !== undefined) return `took back ${waitingText(t.tookBack)}, which was to apply from ${localDateTime(ctx, t.tookBack.appliesAt)}`;
      // A re-statement changes nothing at once: "at once" alone read as if it undid the downgrade (newcomer72a H2). An
      // allowance beside a downgrade waiting says what it did (a raise grants, a cut changes nothing) and that the
      // downgrade still waits (red72c H1: the table said only "applies from", JSON and CSV that it still waits).
      if (t.stillWaits !== undefined) {
        const did = t.granted.gt(0) ? `granted ${money(t.granted)} ${ctx.card.unit}` : t.from === t.to ? "at once" : "changes nothing";
        return `${did}; ${waitingText(t.stillWaits)} still applies from ${localDateTime(ctx, t.stillWaits.appliesAt)}`;
      }
      if (t.granted.gt(0) && t.removed.gt(0)) return `granted ${money(t.granted)} ${ctx.card.unit}, removed ${money(t.removed)}`;
      if (t.granted.gt(0)) return `granted ${money(t.granted)} ${ctx.card.unit}`;
      if (t.removed.gt(0)) return `removed ${money(t.removed)} ${ctx.card.unit}`;
      if (t.capped?.gt(0)) return `${money(t.capped)} ${ctx.card.unit} now expire at the end`;
      return "at once";
    };
    blocks.push({
      kind: "table",
      title: "Changes",
      head: ["At", "Change", "From", "To", "Effect"],
      align: ["left", "left", "left", "left", "left"],
      rows: c.timeline.map((t) => [localDateTime(ctx, t.at), CHANGE_LABEL[t.change], localInstants(ctx, t.from), localInstants(ctx, t.to), effect(t)]),
    });
  }
  return blocks;
}

/**
 * The plans in force over the cycles shown, in order, by their labels: a month before an upgrade was headed with the
 * plan the account ended on (newcomer69 L1: October's Starter fee under "plan Growth", upgraded on 20 November).
 * Each cycle's plans are labelled as the card version its fee is read from labels them (planLabel), so a plan a later
 * version relabels reads by its new label from then on (`Pro → Pro Plus`): the label is what that cycle was sold as.
 */
function plansShown(card: RateCard, account: AccountStatement, zone: Zone | undefined): string {
  const shown = account.cycles.flatMap((c) => (c.plans.length > 0 ? c.plans.map((p, i) => ({ key: p.plan, label: segmentLabel(card, zone, c, i) })) : [{ key: c.plan, label: planLabel(card, c.plan, c.version) }]));
  // One after another, a plan again after another one named again (A → B → A, red69c F1); a plan relabelled between
  // cycles is named again by its new label, where the same plan under the same label once is enough.
  const labels = shown.filter((p, i) => i === 0 || shown[i - 1]!.key !== p.key || shown[i - 1]!.label !== p.label).map((p) => p.label);
  return (labels.length > 0 ? labels : [planLabel(card, account.plan, account.cycles.at(-1)?.version)]).join(" → ");
}

/**
 * The label of a cycle's `i`-th plan in force: the plan the cycle ends on as the version its fee is read from labels it;
 * one the account left within the cycle as the version in force when it began labels it (red70b #1: Free, left on
 * November 10, read "Starter", the name a version from November 15 gave it).
 */
function segmentLabel(card: RateCard, zone: Zone | undefined, c: CycleStatement, i: number): string {
  const segment = c.plans[i]!;
  const versions = zone === undefined ? undefined : versionInstants(card, zone);
  if (i === c.plans.length - 1 || versions === undefined) return planLabel(card, segment.plan, c.version);
  // Never a version later than the cycle's own, nor one that applies from the next cycle (`applies: next_cycle`) and
  // starts within this one, whatever its date (red70c H1: Pro read "Pro Plus" and then "Pro" within one cycle; red70d H1:
  // such a version before one applying at once in the same cycle).
  const began = versions.reduce((last, v, j) => (v.effective <= segment.from && !(v.card.applies === "next_cycle" && v.effective > c.start) ? j : last), 0);
  const own = versions.findIndex((v) => v.card.version === c.version);
  return planLabel(card, segment.plan, versions[own < 0 ? began : Math.min(began, own)]!.card.version);
}

/**
 * A plan's label in the card version in force over a cycle (its `version`, as the fee reads it: plan-fee.ts), where
 * that version has the plan; else as the earliest version that has it writes it. The first version's label was shown
 * for every cycle: a November under a version that renamed Pro to "Pro Plus" read "Pro" (red69c F6).
 */
function planLabel(card: RateCard, key: string, version: string | undefined): string {
  return versionOf(card, version).plans.get(key)?.label ?? plansOfVersions(card).get(key)?.label ?? key;
}
