import { formatExact, ZERO, type Decimal } from "../../money.js";
import { TOPUP } from "../../ratecard/purchases.js";
import type { RateCard } from "../../ratecard/types.js";
import type { Instant } from "../../time.js";
import { cardPurchase, purchaseWords } from "../../scenario/purchases.js";
import { quotaReached } from "../../engine/rules.js";
import type { Rejection } from "../../engine/types.js";
import { isEndedReason } from "../../engine/subscription-end.js";
import { ownLimit } from "../../scenario/own-limit.js";
import type { CycleResult, PlanResult, Simulation, UsersRanking } from "../../scenario/simulate.js";
import { givenFree, unsoldPlans } from "./unsold.js";
import { localDate, localDateTime, type RenderContext } from "../shared/context.js";
import type { Block } from "../shared/document.js";
import { count, credits, exactGrouped } from "../shared/numbers.js";
import { partsBlocks } from "./parts.js";
import { creditPrices, laterTerms, timedVersions, versionsText, type Timed } from "./version-terms.js";

/** A simulation for people: the money first, then each cycle's credits, when they run out, and what it takes to cover them. */
export function simulationBlocks(sim: Simulation, ctx: RenderContext): Block[] {
  const { scenario } = sim;
  const { card } = ctx;
  const amount = (v: Decimal) => credits(v, card.precision.display, card.precision.rounding);
  const money = (v: Decimal) => `${credits(v, 2)} ${card.currency}`;
  const own = sim.plans[0]!;
  const blocks: Block[] = [
    { kind: "heading", level: 1, text: `Simulation · ${scenario.name}` },
    {
      kind: "facts",
      rows: [
        ["Scenario", scenario.file],
        ["Card", `${card.provider} ${versionsText(card)} · ${scenario.cycles} cycle${scenario.cycles === 1 ? "" : "s"} from ${localDate(ctx, scenario.start)} · ${scenario.zone.name}`],
        ["Plan", planText(sim, ctx, amount, money)],
        ["Money", `${money(own.money)} over ${cyclesBilled(own, scenario.cycles)}${moneyDetail(own, amount, money, card.unit)}${usersPay(sim)}`],
        ...refusedBuying(own, scenario.cycles),
        ...(sim.ranking.length > 0 ? [["Cheapest plan", sim.ownUsage || sim.users === undefined ? cheapestText(sim, money) : usersCheapestText(sim.users, money)] as [string, string]] : []),
        // Beside the own account's, the users' own: a plan that covers the creator may refuse every user (red63d M2).
        ...(sim.ownUsage && sim.users !== undefined ? [["Users' plan", usersCheapestText(sim.users, money)] as [string, string]] : []),
      ],
    },
  ];
  if (sim.ranking.length > 0) blocks.push(...comparison(sim, amount, money));
  blocks.push(...partsBlocks(sim, ctx, amount));
  const accounts = accountsBlock(sim, ctx, amount, money);
  if (accounts) blocks.push(...accounts);
  blocks.push(...planBlocks(own, sim, ctx, amount, money));
  if (sim.samples) blocks.push(...sampleBlocks(sim, ctx, amount, money));
  return blocks;
}

/**
 * The scenario's plan and the plans its own cycles move to, each from the instant it applies (a change within the cycle
 * it is in force at the end of, an upgrade, at once; or else from that cycle's start, a downgrade waiting for the next
 * cycle), each as the card version in force then prices it, then as later versions do while it is in force (laterTerms).
 * A change that leaves the plan as it was is not named. Until stop 70 a later plan read the first version's price, and
 * the first plan every later version's, past its change (newcomer70b M2: Team's April price never billed, Business's
 * April 6,600 left out).
 */
function planText(sim: Simulation, ctx: RenderContext, amount: (v: Decimal) => string, money: (v: Decimal) => string): string {
  const card = ctx.card;
  const own = sim.plans[0]!;
  const spans: { plan: PlanResult["plan"]; from: Instant }[] = [];
  let plan = own.plan;
  for (const cycle of own.cycles) {
    if (cycle.plan === plan) continue;
    plan = cycle.plan;
    const change = [...sim.scenario.changes].reverse().find((c) => c.change.kind === "plan" && c.change.plan === plan && c.at < cycle.end);
    spans.push({ plan, from: change !== undefined && change.at >= cycle.start ? change.at : cycle.start });
  }
  const versions = timedVersions(card, own.cycles, ctx);
  // A negotiated allowance stays whatever a version's plan includes: only the price is the version's.
  const negotiated = !own.allowance.eq(own.plan.included);
  let text = `${own.plan.label} (${included({ allowance: own.allowance, onetime: own.plan.onetime, unit: card.unit }, amount)} for ${money(own.plan.price)})`;
  if (own.own) text += laterTerms(versions, own.plan.key, { price: own.plan.price, included: own.plan.included }, { after: -Infinity, until: spans[0]?.from, negotiated }, { unit: card.unit, amount, money });
  spans.forEach(({ plan, from }, i) => {
    const inForce = versions === undefined ? plan : (versions.reduce((last, v) => (v.at <= from ? v : last), versions[0]!).version.plans.get(plan.key) ?? plan);
    text += `, then ${plan.label} from ${localDateTime(ctx, from)} (${included({ allowance: inForce.included, onetime: inForce.onetime, unit: card.unit }, amount)} for ${money(inForce.price)})`;
    text += laterTerms(versions, plan.key, { price: inForce.price, included: inForce.included }, { after: from, until: spans[i + 1]?.from, negotiated: false }, { unit: card.unit, amount, money });
  });
  return text;
}

/**
 * Two rows per plan that can buy credits: as is ("without top-ups") and with the
 * ones it needs ("with top-ups"); each row says whether it covers the scenario
 * as bought in that row, and what it refuses if not.
 */
function comparison(sim: Simulation, amount: (v: Decimal) => string, money: (v: Decimal) => string): Block[] {
  const unit = sim.scenario.card.unit;
  const cardKind = sim.plans.find((p) => p.purchase)?.purchase?.kind;
  const rows = sim.options.map((o, i) => {
    const p = o.result;
    const kind = purchaseWords(p.purchase?.kind ?? cardKind);
    return [
      String(i + 1),
      p.label + (p.own ? " (scenario)" : ""),
      o.withTopups ? `with ${kind}` : p.purchase ? `without ${kind}` : `as is (no ${kind} sold)`,
      o.withTopups ? amount(p.topupNeeded) : "-",
      o.money === undefined ? `${money(p.money)} + ${kind} (no price)` : money(o.money),
      o.covers ? "yes" : `${coverageGap(p, { withTopups: o.withTopups, kind, pastZero: pastZeroWords(sim.scenario.card) })}${o.withTopups ? "" : askedText(p, amount)}`,
    ];
  });
  // An account without usage covers it on any plan: the row emphasised would be named for its price alone.
  const bare = !sim.ownUsage && sim.users !== undefined;
  const blocks: Block[] = [{
    kind: "table",
    title: bare ? "The scenario's own account (no usage) on each plan, cheapest first" : "Plans, cheapest first",
    head: ["Rank", "Plan", "Bought", `Bought (${unit})`, "Money", "Covers the scenario"],
    align: ["right", "left", "left", "right", "right", "left"],
    rows,
    emphasis: sim.cheapestOption && !bare ? [0] : [],
  }];
  const unpriced = sim.options.find((o) => o.result.purchase !== undefined && o.result.purchase.price === undefined);
  if (unpriced) {
    const kind = purchaseWords(unpriced.result.purchase!.kind);
    blocks.push({ kind: "note", text: `The card gives no price for ${kind}: a row "with ${kind}" counts the ${unit} to buy as ${kind}, and its money leaves them out, so it cannot be named the cheapest.` });
  }
  const overage = overageUnasked(sim);
  if (overage !== undefined) blocks.push({ kind: "note", text: overage });
  return blocks;
}

/**
 * The plans whose request quota the scenario's usage passes, refused, where their card would bill the requests past it
 * as overage: the scenario says nothing of overage (off), so no row compares it, and a quote read the dearer plan that
 * covers as the cheapest (new67 M1: Enterprise at 13,105.46 USD, where Pro with `overage: true` covers for 11,803.93).
 */
function overageUnasked(sim: Simulation): string | undefined {
  if (sim.scenario.overage) return undefined;
  const refused = sim.plans.flatMap((p) => {
    const quota = p.plan.quota;
    if (quota === undefined) return [];
    const rows = p.cycles.reduce((n, c) => n + c.rejectedBuying.reduce((m, r) => m + (quotaReached(r.reason) ? r.events : 0), 0), 0);
    return rows > 0 ? [`${p.label} ${rows.toLocaleString("en-US")} past its quota of ${exactGrouped(quota.requests)} (overage ${formatExact(quota.overagePrice)} ${sim.scenario.card.currency} a request)`] : [];
  });
  if (refused.length === 0) return undefined;
  return `Requests refused past a plan's request quota, usage rows: ${refused.join("; ")}. The card bills them as overage where overage billing is on, which the scenario leaves off: overage: true in the scenario compares each plan with it.`;
}

/**
 * Why a plan falls short as bought in its row: refused usage or grace without top-ups; with them, what they
 * cannot buy (a gated meter, a quota). Refusals are counted in usage rows, the rows `--emit-usage` writes: a
 * flow's hourly row holds many reads or tokens and is refused whole, so a count of "events" would mislead.
 */
function coverageGap(p: PlanResult, { withTopups, kind, pastZero }: { withTopups: boolean; kind: string; pastZero: string }): string {
  if (withTopups) {
    // A scenario that changes to a plan selling none (Free) refuses in those cycles whatever it buys before.
    const unsold = unsoldPlans(p);
    if (unsold.length > 0) return `no: refused on ${unsold.join(" and ")} (no ${kind} sold)`;
    const count = (ended: boolean) => p.cycles.reduce((n, c) => n + c.rejectedBuying.reduce((m, r) => m + (ownLimit(r) || isEndedReason(r.reason) !== ended ? 0 : r.events), 0), 0);
    const [still, ended] = [count(false), count(true)];
    const after = ended > 0 ? `${rows(ended)} refused after the subscription ends` : "";
    if (still > 0) return `no: ${rows(still)} refused even with ${kind}${after ? `, ${after}` : ""}`;
    return after ? `no: ${after}` : `no: ${pastZero} even with ${kind}`;
  }
  const rejected = p.cycles.reduce((n, c) => n + c.rejected.reduce((m, r) => m + (ownLimit(r) ? 0 : r.events), 0), 0);
  // What an overage pool bills past zero is served (newcomer68 M2): only what goes past zero unbilled falls short.
  const grace = p.cycles.some((c) => c.graceUsed.gt(c.pastZeroBilled));
  const reasons = [rejected > 0 ? `${rows(rejected)} refused` : "", grace ? pastZero : ""].filter(Boolean);
  return `no: ${reasons.join(", ")}`;
}

/**
 * What went past the credits unbilled, named by what the card's pools let past them, as the statement names it: grace
 * where a pool has a grace buffer; else usage past zero (newcomer61 M3: "grace used" on a card with no grace). On a
 * card of overage pools that is an allow pool's or a crossing charge's: an overage pool's usage past zero is billed,
 * and never why a plan falls short (newcomer68 M2; red69b L1: a crossing's 50 credits read "grace used").
 */
function pastZeroWords(card: RateCard): string {
  const policies = new Set([...card.pools.values()].map((pool) => pool.whenExhausted));
  return policies.has("grace") || !(policies.has("allow") || policies.has("overage")) ? "grace used" : "usage past zero";
}

/** How far a plan's credits fall short, where the simulation measured it (CycleResult.asked): "; asks up to 86,208.00 a cycle against 1,000.00". */
function askedText(p: PlanResult, amount: (v: Decimal) => string): string {
  const most = mostAsked(p);
  if (most === undefined) return "";
  return `; asks up to ${amount(most.asked)} a cycle${most.allowance.isZero() ? ", with no allowance" : ` against ${amount(most.allowance)}`}`;
}

/** The cycle whose usage asks the most with the credits unlimited, and its allowance; undefined where nothing was measured. */
function mostAsked(p: PlanResult): { asked: Decimal; allowance: Decimal } | undefined {
  let most: { asked: Decimal; allowance: Decimal } | undefined;
  for (const c of p.cycles) if (c.asked !== undefined && (most === undefined || c.asked.gt(most.asked))) most = { asked: c.asked, allowance: c.allowance };
  return most;
}

/**
 * The headline's refusals that buying cannot lift: a quota, a gate, a daily limit, or cycles on a plan that
 * sells none. Shown for a plan that buys; one that buys nothing shows its refusals in "Refused" alone.
 */
function refusedBuying(p: PlanResult, cycles: number): [string, string][] {
  if (p.purchase === undefined) return [];
  const hit = p.cycles.filter((c) => c.rejectedBuying.length > 0);
  if (hit.length === 0) return [];
  // By reason, then what each meter's refused rows hold: "credits exhausted (data_read 14,010, data_write 1,402)".
  const reasons = new Map<string, Map<string, Decimal>>();
  let events = 0;
  for (const r of hit.flatMap((c) => c.rejectedBuying)) {
    events += r.events;
    const meters = reasons.get(r.reason) ?? new Map<string, Decimal>();
    meters.set(r.meter, (meters.get(r.meter) ?? ZERO).plus(r.quantity));
    reasons.set(r.reason, meters);
  }
  const held = (q: Decimal) => credits(q, q.isInteger() ? 0 : 2);
  const what = [...reasons].map(([reason, meters]) => `${reason} (${[...meters].map(([meter, q]) => `${meter} ${held(q)}`).join(", ")})`).join("; ");
  return [["Refused", `${rows(events)} even with ${purchaseWords(p.purchase.kind)}, in ${hit.length} of ${cycles} cycle${cycles === 1 ? "" : "s"}: ${what}`]];
}

/** A count of usage rows: a flow's hourly row, a schedule's or a send's occurrence, a user's row of a unique meter. */
function rows(n: number): string {
  return `${count(n)} usage row${n === 1 ? "" : "s"}`;
}

function planBlocks(p: PlanResult, sim: Simulation, ctx: RenderContext, amount: (v: Decimal) => string, money: (v: Decimal) => string): Block[] {
  const { card } = ctx;
  // A scenario that changes plan says which plan each cycle ends on: its allowance and price are that plan's.
  const changes = p.cycles.some((c) => c.plan !== p.plan);
  const plan = <T>(cells: T[]): T[] => (changes ? cells : []);
  // The Plan column takes the room the units took: they move to the headings, and a card with no
  // grace pool (its "Grace used" always 0) loses that column, so the row fits 100 columns without
  // wrapping "Runs out" (the table without changes is as it was).
  // What went past the credits, named by what the card lets past them, as the statement names it: a card of allow or
  // overage pools and no grace buffer has no grace used, but usage past zero (red56 F7). A card whose pools all block
  // lets nothing past, and has no such column (newcomer58a L5: a column of zeros on the app builder's, Flowly's).
  const policies = new Set([...card.pools.values()].map((pool) => pool.whenExhausted));
  const grace = <T>(cells: T[]): T[] => ((!changes && [...policies].some((w) => w !== "block")) || policies.has("grace") ? cells : []);
  const graceHead = !policies.has("grace") && (policies.has("allow") || policies.has("overage")) ? "Past zero" : "Grace used";
  // Under "Grace used", what went past the credits unbilled, as JSON and CSV grace_used; what an overage pool bills past
  // zero is said in a note, as JSON and CSV past_zero_billed (red71c M2: "Grace used 951.00" on a 100-credit buffer, 851
  // of it the overage pool's, where JSON said 100). Under "Past zero" (no grace pool) both, as its name says.
  const graceShown = (c: CycleResult) => (graceHead === "Grace used" ? c.graceUsed.minus(c.pastZeroBilled) : c.graceUsed);
  const rejectedText = (rejected: readonly Rejection[]) => {
    const events = rejected.reduce((n, r) => n + r.events, 0);
    return events === 0 ? "none" : changes ? count(events) : `${count(events)} row${events === 1 ? "" : "s"}`;
  };
  // What buying cannot lift (a quota, a gate), per cycle, where a cycle that sells top-ups still refuses: in
  // a cycle that sells none, "Refused" already says it, as the note on such plans does.
  const kind = purchaseWords(cardPurchase(card, sim.scenario.buys)?.kind);
  const buying = <T>(cells: T[]): T[] => (p.purchase !== undefined && p.cycles.some((c) => c.topupsSoldAt !== undefined && c.rejectedBuying.length > 0) ? cells : []);
  // Grouped like every other number of the table: 1,060.60%.
  // A plan with no allowance in any cycle (Floopy's) has no share to show: the column makes room for the others.
  const shares = <T>(cells: T[]): T[] => (p.cycles.some((c) => !c.allowance.isZero()) ? cells : []);
  const ofAllowance = (c: CycleResult, decimals: number) => (c.allowance.isZero() ? "" : `${credits(c.total.mul(100).div(c.allowance), decimals)}%`);
  const cycleMoney = changes ? (v: Decimal) => credits(v, 2) : money;
  // Tight, for a terminal the row fits no other way: the run-out without the year its row's start gives,
  // and a share of 1,000% or more without decimals, which say nothing there.
  const cycleRow = (c: CycleResult, tight: boolean) => [
    String(c.index + 1),
    localDate(ctx, c.start),
    ...plan([c.plan.label]),
    amount(c.total),
    ...shares([ofAllowance(c, tight && c.total.gte(c.allowance.mul(10)) ? 0 : 2)]),
    c.runsOutAt === undefined ? "-" : tight ? localDateTime(ctx, c.runsOutAt).slice(5) : localDateTime(ctx, c.runsOutAt),
    ...grace([amount(graceShown(c))]),
    rejectedText(c.rejected),
    c.topupsSoldAt !== undefined ? amount(c.topupNeeded) : "not sold",
    ...buying([rejectedText(c.rejectedBuying)]),
    cycleMoney(c.money),
  ];
  const total = ["Total", "", ...plan([""]), amount(p.cycles.reduce((t, c) => t.plus(c.total), ZERO)), ...shares([""]), "", ...grace([""]), "", p.purchase ? amount(p.topupNeeded) : "", ...buying([""]), cycleMoney(p.money)];
  const blocks: Block[] = [
    { kind: "heading", level: 2, text: `${p.label}: per cycle` },
    {
      kind: "table",
      head: ["Cycle", "Start", ...plan(["Plan"]), card.unit[0]!.toUpperCase() + card.unit.slice(1), ...shares(["Of allowance"]), "Runs out", ...grace([graceHead]), changes ? "Refused rows" : "Refused", "Top-ups", ...buying(["Still refused"]), changes ? `Money (${card.currency})` : "Money"],
      align: ["right", "left", ...plan(["left" as const]), "right", ...shares(["right" as const]), "left", ...grace(["right" as const]), "left", "right", ...buying(["left" as const]), "right"],
      rows: [...p.cycles.map((c) => cycleRow(c, false)), total],
      tight: [...p.cycles.map((c) => cycleRow(c, true)), total],
      emphasis: [p.cycles.length],
    },
  ];

  const categories = [...card.categories].filter(([k]) => p.cycles.some((c) => c.byCategory.has(k)));
  const pools = [...card.pools].filter(([k]) => p.cycles.some((c) => c.byPool.has(k)));
  if (categories.length > 0) {
    blocks.push({
      kind: "table",
      title: `${card.unit[0]!.toUpperCase() + card.unit.slice(1)} by category and pool`,
      head: ["Cycle", ...categories.map(([, c]) => c.label), ...pools.map(([, pool]) => `${pool.label} pool`)],
      align: ["right", ...categories.map(() => "right" as const), ...pools.map(() => "right" as const)],
      rows: p.cycles.map((c) => [
        String(c.index + 1),
        ...categories.map(([k]) => amount(c.byCategory.get(k) ?? ZERO)),
        ...pools.map(([k]) => amount(c.byPool.get(k) ?? ZERO)),
      ]),
    });
  }

  const notes: string[] = [];
  if (p.own) notes.push(...sim.scenario.notes.filter((n) => n.about === "plan").map((n) => `${n.text} (line ${n.at.line}).`));
  if (changes) notes.push(`A cycle in which the plan changes is priced at the plan in force at its end${shares([0]).length > 0 ? `, and "Of allowance" is of that plan's allowance` : ""}.`);
  if (p.cycles.some((c) => c.runsOutAt !== undefined)) {
    // A credit's price is shown as the card gives it: at two places, a tenth of a cent is 0.00.
    const priced = p.purchase?.price === undefined ? `, which the card sells without a price (left out of "Money")` : `, at ${creditPrices(timedVersions(card, p.cycles, ctx), p.purchase.price, `${card.currency} per ${card.unit.replace(/s$/, "")}`)}`;
    // Where the pools bill all that went past the credits and nothing is bought, there is nothing to buy instead: the note on overage says why.
    const billedOnly = p.topupNeeded.isZero() && p.cycles.some((c) => c.pastZeroBilled.gt(0));
    notes.push(`${grace([`"Runs out", "${graceHead}" and `]).join("") || '"Runs out" and '}"Refused" are for a customer who buys no ${kind}${p.purchase && !billedOnly ? `; "Top-ups" are the ${card.unit} to buy instead${p.purchase.kind === TOPUP ? "" : ` as ${kind}`}${priced}` : ""}.`);
  }
  if (graceHead === "Grace used" && p.cycles.some((c) => c.pastZeroBilled.gt(0))) notes.push(billedPastZero(p, card, amount, kind));
  if (buying([0]).length > 0) notes.push(`"Still refused" counts the usage rows refused even with the ${kind} bought: a quota, a gate or a limit that buying does not lift, or a plan that sells none.`);
  // The engine judges a quota per usage row, as a log's rows are single requests; a simulated row is an hour of them.
  if (p.cycles.some((c) => c.rejectedBuying.some((r) => /request quota of/.test(r.reason)))) {
    notes.push("A quota is judged per usage row, and each simulated row holds an hour of a population's requests: the row that would cross the quota is refused whole, so up to an hour's requests fewer than the quota go through.");
  }
  // Cycles whose plan sells none (Free, or Free after a downgrade) keep what they refuse.
  const unsold = unsoldPlans(p);
  if (unsold.length > 0) notes.push(`${unsold.join(" and ")} cannot buy ${kind}${givenFree(card, p.purchase?.kind ?? TOPUP)}: refused usage stays refused.`);
  const asked = p.cycles.flatMap((c) => (c.asked === undefined ? [] : [c.asked]));
  if (asked.length > 0) {
    const least = asked.reduce((a, b) => (b.lt(a) ? b : a));
    const most = mostAsked(p)!;
    const range = least.eq(most.asked) ? amount(most.asked) : `${amount(least)} to ${amount(most.asked)}`;
    notes.push(`With its ${card.unit} and its request quota unlimited (its gates and the scenario's own limits as they are), the usage asks ${range} ${card.unit} a cycle${most.allowance.isZero() ? "" : `, up to ${credits(most.asked.div(most.allowance), 1)} times the ${amount(most.allowance)} of its allowance`}: what the customer would need${p.purchase === undefined ? `, and ${p.label} sells no more` : ""}.`);
  }
  const held = p.cycles.reduce((n, c) => n + c.rejected.reduce((m, r) => m + (ownLimit(r) ? r.events : 0), 0), 0);
  if (held > 0) notes.push(`"Refused" counts ${rows(held)} held back by the scenario's own daily limits or budgets, which do not stop a plan covering it.`);
  const overage = p.cycles.reduce((t, c) => t.plus(c.overageMoney), ZERO);
  if (overage.gt(0)) notes.push(overageNote(p, { card, versions: timedVersions(card, p.cycles, ctx) }, money(overage), kind));
  if (sim.scenario.timed.some((t) => t.when.kind === "once" && t.when.at === sim.scenario.start && card.meters.get(t.meter)?.aggregation === "gauge")) {
    notes.push("Gauge levels (storage, records) set at the start are first charged at the second cycle's start, as a level that rises during a cycle is.");
  }
  for (const text of notes) blocks.push({ kind: "note", text });
  return blocks;
}

/** On a card of a grace pool and an overage pool, what "Grace used" leaves out: the credits the overage pools bill past zero. */
function billedPastZero(p: PlanResult, card: RateCard, amount: (v: Decimal) => string, kind: string): string {
  const pools = overagePools(card);
  const billed = p.cycles.map((c) => c.pastZeroBilled);
  const least = billed.reduce((a, b) => (b.lt(a) ? b : a));
  const most = billed.reduce((a, b) => (b.gt(a) ? b : a));
  const range = least.eq(most) ? amount(most) : `${amount(least)} to ${amount(most)}`;
  return `"Grace used" leaves out the ${card.unit} the ${pools.join(" and ")} pool${pools.length === 1 ? "" : "s"} (when_exhausted: overage) bill${pools.length === 1 ? "s" : ""} past zero for a customer who buys no ${kind}: ${range} ${card.unit} a cycle (JSON and CSV past_zero_billed).`;
}

/**
 * What a plan's overage money is for: requests past its quota, and usage past zero that an overage pool bills at the
 * credit price, bought instead only where buying costs less or serves what a pool refuses (newcomer68 M2: the note
 * named requests alone).
 */
function overageNote(p: PlanResult, { card, versions }: { card: RateCard; versions: readonly Timed[] | undefined }, amount: string, kind: string): string {
  const pools = overagePools(card);
  const billed = p.cycles.some((c) => c.overageCredits.gt(0));
  const price = card.creditPrice === undefined ? "the card's credit price" : creditPrices(versions, card.creditPrice, `${card.currency} per ${card.unit.replace(/s$/, "")}`);
  const what = [
    ...(p.cycles.some((c) => c.overageRequests.gt(0)) ? ["requests past the plan's quota"] : []),
    ...(billed ? [`usage past zero in the ${pools.join(" and ")} pool${pools.length === 1 ? "" : "s"} (when_exhausted: overage), at ${price}`] : []),
  ];
  // Each cycle's, at its start: a purchase ahead of a dearer version's cycles is not weighed (newcomer70b M1: buying on
  // March 31 what April to June take at the old price was 1,680.80 USD cheaper, and the note read as if weighed).
  const instead = billed && p.purchase !== undefined ? `; ${kind} are bought instead, each cycle's at its start, only where they cost less than that cycle's overage or serve usage a pool would refuse (buying ahead of a price rise is not weighed)` : "";
  return `"Money" includes ${amount} of overage: ${what.join(", and ")}, billed in money${instead}.`;
}

function sampleBlocks(sim: Simulation, ctx: RenderContext, amount: (v: Decimal) => string, money: (v: Decimal) => string): Block[] {
  const samples = sim.samples!;
  const blocks: Block[] = [{ kind: "heading", level: 2, text: `Sampled: ${samples.count} run${samples.count === 1 ? "" : "s"}, seed ${samples.seed}` }];
  const when = (at: number | undefined) => (at === undefined ? "lasts" : localDateTime(ctx, at));
  for (const p of samples.plans) {
    // Credits bought at no price are not in the money: said as the plan comparison says it (new67 M2: Starter read
    // "money p50 20.00 USD" that needed some 7,400 bonus credits a cycle at no price).
    const purchase = sim.plans.find((r) => r.plan === p.plan)?.purchase;
    const unpriced = purchase !== undefined && purchase.price === undefined && p.cycles.some((c) => c.topupNeeded.p99.gt(0)) ? ` + ${purchaseWords(purchase.kind)} (no price)` : "";
    blocks.push({
      kind: "table",
      title: `${p.label}: money p50 ${money(p.money.p50)}, p90 ${money(p.money.p90)}, p99 ${money(p.money.p99)}${unpriced}`,
      head: ["Cycle", `${titled(ctx.card.unit)} p50`, `${titled(ctx.card.unit)} p90`, "Money p50", "Money p90", "Runs out p50", "Runs out p90", "Ran out in"],
      align: ["right", "right", "right", "right", "right", "left", "left", "right"],
      rows: p.cycles.map((c) => [
        String(c.index + 1),
        amount(c.total.p50),
        amount(c.total.p90),
        money(c.money.p50),
        money(c.money.p90),
        when(c.runsOutAt.p50),
        when(c.runsOutAt.p90),
        `${c.ranOut}/${samples.count}`,
      ]),
    });
  }
  for (const note of sim.scenario.notes.filter((n) => n.about === "samples")) blocks.push({ kind: "note", text: `${note.text} (line ${note.at.line}).` });
  blocks.push({ kind: "note", text: "p90 spend is the amount 90% of samples stay within; p90 run-out is the instant the credits last until in 90% of samples (\"lasts\": the whole cycle)." });
  return blocks;
}

/** What the plan's money holds beyond its price: top-ups (or packs the card does not price) and overage. */
function moneyDetail(p: PlanResult, amount: (v: Decimal) => string, money: (v: Decimal) => string, unit: string): string {
  const overage = p.cycles.reduce((t, c) => t.plus(c.overageMoney), ZERO);
  const parts: string[] = [];
  if (p.topupNeeded.gt(0)) {
    const kind = purchaseWords(p.purchase?.kind);
    parts.push(p.purchase?.price === undefined ? `plus ${amount(p.topupNeeded)} ${kind.endsWith(` ${unit}`) ? kind : `${unit} of ${kind}`}, which the card does not price` : `of which ${kind} ${money(p.cycles.reduce((t, c) => t.plus(c.topupMoney), ZERO))} (${amount(p.topupNeeded)} ${unit})`);
  }
  if (overage.gt(0)) parts.push(`overage ${money(overage)}`);
  return parts.length > 0 ? `, ${parts.join(", ")}` : "";
}

/** `billing: per_user`: each plan as the users' own accounts would pay it, and what the creator earns. */
function accountsBlock(sim: Simulation, ctx: RenderContext, amount: (v: Decimal) => string, money: (v: Decimal) => string): Block[] | undefined {
  const plans = sim.plans.filter((p) => p.accounts !== undefined);
  if (plans.length === 0) return undefined;
  const unit = ctx.card.unit;
  return [
    {
      kind: "table",
      title: `Users' own accounts (billing: per_user), ${unit} each over the cycles`,
      head: ["Plan", "Accounts", "p50", "p90", "Max", "Sum", "Run out", "First run-out", "Creator reward"],
      align: ["left", "right", "right", "right", "right", "right", "right", "left", "right"],
      rows: plans.map((p) => {
        const a = p.accounts!;
        return [p.plan.label, count(a.accounts), amount(a.credits.p50), amount(a.credits.p90), amount(a.credits.max), amount(a.credits.sum), count(a.ranOut), a.firstRunOut === undefined ? "-" : localDateTime(ctx, a.firstRunOut), amount(a.rewards)];
      }),
    },
    {
      kind: "table",
      title: "Users' own accounts: money each",
      head: ["Plan", "p50", "p90", "Max", "Sum"],
      align: ["left", "right", "right", "right", "right"],
      rows: plans.map((p) => [p.plan.label, money(p.accounts!.money.p50), money(p.accounts!.money.p90), money(p.accounts!.money.max), money(p.accounts!.money.sum)]),
    },
    ...sim.scenario.notes.filter((n) => n.about === "accounts").map((n): Block => ({ kind: "note", text: `${n.text} (line ${n.at.line}).` })),
    { kind: "note", text: `Each user pays from their own account on the plan, buying only what the card prices; "Run out" counts accounts whose ${unit} run out if they buy nothing. The ${unit} and the creator reward (what the app's creator earns) are on the usage the plan serves: a refused request counts in neither. ${sim.ownUsage ? "The plans above price the scenario's own account only." : "The scenario's own account has no usage: the plans above differ for it by their price alone, and the cheapest plan named is the one whose users pay least in all."}` },
  ];
}

/**
 * The cycles the own account's money is over: the scenario's, or more where an upgrade that starts a cycle of its own
 * (`upgrade: new_cycle`) made the account's cycles others (red63 L1: "over 3 cycles" above 4 fees, the last one's
 * cycle running past the scenario's end).
 */
function cyclesBilled(own: PlanResult, cycles: number): string {
  const count = (n: number) => `${n} cycle${n === 1 ? "" : "s"}`;
  return own.cycles.length === cycles ? count(cycles) : `${count(own.cycles.length)}: an upgrade started a cycle of its own within the scenario's ${cycles}, and the last runs past its end`;
}

/** Where the scenario's own account has no usage, what its money is: the plan's price alone, its users paying on their own accounts. */
function usersPay(sim: Simulation): string {
  if (sim.ownUsage || !sim.scenario.populations.some((p) => p.perUser)) return "";
  return " for the scenario's own account, which has no usage: every population is billing: per_user, and its users pay on their own accounts (below)";
}

/** The plan whose users' own accounts pay least in all, serving every user's usage (UsersRanking). */
function usersCheapestText(users: UsersRanking, money: (v: Decimal) => string): string {
  const best = users.cheapest;
  if (best === undefined) {
    const first = users.ranking[0]!;
    return `none serves every user's own account: on each plan some user's usage is refused or goes past zero; the fewest on ${first.plan.label}, ${count(first.accounts!.refused)} of ${count(first.accounts!.accounts)} accounts, at ${money(first.accounts!.money.sum)} in all`;
  }
  const a = best.accounts!;
  return `${best.plan.label} for the users' own accounts, serving every user's usage, at ${money(a.money.sum)} in all (${count(a.accounts)} account${a.accounts === 1 ? "" : "s"})`;
}

function cheapestText(sim: Simulation, money: (v: Decimal) => string): string {
  const o = sim.cheapestOption;
  if (!o) {
    // "at a known price" said of a scenario that no plan covers at any price read as a price missing (newcomer, stop 38).
    const unpriced = sim.options.find((x) => x.covers);
    if (unpriced !== undefined) return `none covers the scenario at a known price: ${unpriced.result.label} covers it with ${purchaseWords(unpriced.result.purchase?.kind)} the card gives no price`;
    const sellsNone = sim.plans.every((p) => p.purchase === undefined);
    return `no plan covers the scenario, at any price: ${sellsNone ? "each runs out of its credits or refuses usage, and none sells more" : "each refuses some of its usage even with what it can buy"}`;
  }
  const kind = purchaseWords(o.result.purchase?.kind);
  return `${o.result.label} ${o.withTopups ? `with ${kind}` : o.result.purchase ? `without ${kind}` : "as is"}, covering the scenario, at ${money(o.money!)}`;
}

/** A plan's included credits a cycle; a prepaid plan's none said so ("0.0000 cents a cycle" read as a figure), and its one-time credits. */
function included(plan: { allowance: Decimal; onetime: Decimal; unit: string }, amount: (v: Decimal) => string): string {
  const { allowance, onetime, unit } = plan;
  if (!allowance.isZero()) return `${amount(allowance)} ${unit} a cycle`;
  return onetime.gt(0) ? `${amount(onetime)} ${unit} once, none a cycle` : `no ${unit} included`;
}

/** The card's unit as a column heading: "Cents p50" on a card priced in cents, not "Credits p50". */
function titled(unit: string): string {
  return unit.charAt(0).toUpperCase() + unit.slice(1);
}

/** The pools that bill past zero in any version of the card: the first version's alone named none where a later one adds one (red71d). */
function overagePools(card: RateCard): string[] {
  return [...new Set((card.versions ?? [card]).flatMap((v) => [...v.pools.values()].filter((pool) => pool.whenExhausted === "overage").map((pool) => pool.label)))];
}
