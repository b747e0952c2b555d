import { formatLocation, shown, type Location } from "../errors.js";
import { changeDirection, changedTerms, termsOnVersion } from "../engine/timeline.js";
import { planTerms } from "../engine/terms.js";
import type { AccountChange, AccountTerms } from "../engine/types.js";
import type { Decimal } from "../money.js";
import type { Plan, RateCard } from "../ratecard/types.js";
import type { VersionsOn } from "../ratecard/versions.js";
import { exactGrouped } from "../render/shared/numbers.js";
import { ACCOUNT } from "./expand.js";
import type { Population, UserActivity } from "./types.js";

/** What a scenario's run does that its reader may not expect: said on standard error and among the report's notes. */
export interface ScenarioNote {
  /** Where the report says it: under the sampled figures, under the users' own accounts (billing: per_user), or under the scenario's plan. */
  about: "samples" | "accounts" | "plan";
  at: Location;
  text: string;
}

/** The note as standard error gives it, at its place in the scenario. */
export function noteLine(note: ScenarioNote): string {
  return `burnrate: note: ${formatLocation(note.at)}: ${note.text}\n`;
}

/** A share of users drawing 0 of a unique meter worth a word: one in 20 or more. */
const NOTABLE = 0.05;

/**
 * Unique meters (charged once a user a cycle, when their quantity is above 0) that --samples draws so that a notable
 * share of users draw 0 and are not charged: a seat of quantity 1 drawn Poisson leaves out e^-1, 36.8%, of users, and
 * the sampled money falls below the deterministic money without a word. A user is left out where every item of the
 * population on that meter and those dimensions draws 0 (red71c L1: two seat items each said 36.8%, where both draw 0
 * for e^-2, 13.5%; and a fixed one charges every user): Poisson draws 0 with probability e^-m, and items drawn
 * geometric share one exponential level a user (expand.ts), so all of them draw 0 with probability 1 / (1 + their m
 * summed). A fixed item of quantity above 0 charges every user: no note. Said where the drawn figures are: under the
 * sampled table, or, for billing: per_user, under the users' own accounts (red71c L2).
 */
export function zeroDrawNotes(populations: readonly Population[], itemAt: (population: number, item: number) => Location): ScenarioNote[] {
  const notes: ScenarioNote[] = [];
  populations.forEach((p, i) => {
    const groups = new Map<string, { activity: UserActivity; index: number }[]>();
    p.activities.forEach((a, j) => {
      if (!a.unique) return;
      const key = JSON.stringify([a.meter, Object.entries(a.dimensions).sort(([x], [y]) => (x < y ? -1 : 1))]);
      groups.set(key, [...(groups.get(key) ?? []), { activity: a, index: j }]);
    });
    for (const group of groups.values()) {
      const items = group.filter((g) => g.activity.perUser.gt(0));
      if (items.length === 0 || items.some((g) => g.activity.distribution === "fixed")) continue;
      const sum = (d: string) => items.filter((g) => g.activity.distribution === d).reduce((t, g) => t + g.activity.perUser.toNumber(), 0);
      const share = Math.exp(-sum("poisson")) / (1 + sum("geometric"));
      if (share < NOTABLE) continue;
      notes.push({ about: p.perUser ? "accounts" : "samples", at: itemAt(i, items[0]!.index), text: zeroDrawText(p, items.map((g) => g.activity), share) });
    }
  });
  return notes;
}

function zeroDrawText(p: Population, items: readonly UserActivity[], share: number): string {
  const drawn = (a: UserActivity) => `${a.distribution === "poisson" ? "Poisson" : "geometric"} around ${a.perUser.toFixed()} a user`;
  const what = items.length === 1 ? `${items[0]!.meter} of population ${shown(p.name)} ${drawn(items[0]!)}` : `${items[0]!.meter} of population ${shown(p.name)} in ${items.length} items (${items.map(drawn).join("; ")})`;
  const zero = items.length === 1 ? "draw 0" : "draw 0 in every one of them";
  const falls = p.perUser ? "the users' own accounts (billing: per_user) come to less than they would without --samples" : "the sampled figures fall below the deterministic ones";
  return `--samples draws ${what}: about ${(share * 100).toFixed(1)}% of users ${zero} in a cycle, and its unique meter charges them nothing, so ${falls}; where every user is charged each cycle (a seat), distribution: fixed on the item says so`;
}

/** The sign of a plan or allowance change: an upgrade (1), a downgrade (-1), neither (0: a plan of the same rank, or the allowance in force), or the plan already in force ("same"). */
type Direction = -1 | 0 | 1 | "same";

/**
 * Where --plan starts the scenario on another plan than its own, a plan or allowance change of its `changes:` may go
 * the other way (the scenario's upgrade to Business a downgrade from Enterprise, its raise to 5,000 a cut from 10,000)
 * or to the plan already in force, which changes nothing. Upgrade or downgrade is the engine's rule (changeDirection:
 * more included credits, else the dearer plan) on the card version in force at the change, with each side's terms
 * brought through the versions switched in before it (termsOnVersion) and the changes before it (changedTerms), as
 * the replay's are (red71c M1: judged on the first version's plans, a version that resized Mid gave a wrong note and
 * left out a right one); what each does is that version's setting (plan_changes). A change the replay keeps waiting
 * behind a downgrade is not followed (red71c L3). The plans compared beside the scenario (--compare-plans) are priced
 * without its changes.
 */
export function planFlagNotes(card: RateCard, from: { written: Plan | undefined; flagged: Plan; allowance: Decimal | undefined }, changes: readonly AccountChange[], versions: VersionsOn): ScenarioNote[] {
  const { written, flagged } = from;
  if (written === undefined || written === flagged) return [];
  let asWritten: AccountTerms = planTerms(written, from.allowance ?? written.included);
  let asFlagged: AccountTerms = planTerms(flagged);
  let since = -Infinity;
  const notes: ScenarioNote[] = [];
  for (const c of changes) {
    // The versions switched in since the last change (a switch at the change's instant comes first, as in the replay).
    for (const at of versions.switches.filter((s) => s > since && s <= c.at)) {
      const version = versions.at(at);
      // A plan the version lacks is the replay's located error: nothing more to judge.
      if (!version.plans.has(asWritten.plan.key) || !version.plans.has(asFlagged.plan.key)) return notes;
      asWritten = termsOnVersion(asWritten, version, ACCOUNT);
      asFlagged = termsOnVersion(asFlagged, version, ACCOUNT);
    }
    since = c.at;
    const version = versions.at(c.at);
    if (c.change.kind === "plan" && !version.plans.has(c.change.plan.key)) return notes;
    const before = { written: asWritten, flagged: asFlagged };
    asWritten = after(asWritten, c, version);
    asFlagged = after(asFlagged, c, version);
    if (c.change.kind !== "plan" && c.change.kind !== "allowance") continue;
    const was = direction(before.written, asWritten);
    const is = direction(before.flagged, asFlagged);
    if (was === is) continue;
    const text = c.change.kind === "plan"
      ? planFlagText(version, { was, is, written: before.written.plan, from: before.flagged.plan, to: asWritten.plan, flagged })
      : allowanceFlagText(version, { was, is, written: before.written.allowance, from: before.flagged.allowance, to: c.change.allowance, flagged, unit: card.unit });
    notes.push({ about: "plan", at: c.origin, text });
  }
  return notes;
}

/** The terms a change leads to on the version in force, as the replay's termsAfter gives them. */
function after(terms: AccountTerms, c: AccountChange, version: RateCard): AccountTerms {
  const changed = changedTerms(terms, c.change);
  return changed === terms ? terms : termsOnVersion(changed, version, ACCOUNT);
}

function direction(before: AccountTerms, after: AccountTerms): Direction {
  if (after === before) return "same";
  return Math.sign(changeDirection(before, after)) as -1 | 0 | 1;
}

/** What each direction does, as the card version in force says it. */
function rule(card: RateCard, is: Direction): string {
  return is === 1 ? ` (the card's plan_changes: upgrade ${card.planChanges.upgrade})` : is === -1 ? ` (the card's plan_changes: downgrade ${card.planChanges.downgrade})` : "";
}

function planFlagText(card: RateCard, { was, is, written, from, to, flagged }: { was: Direction; is: Direction; written: Plan; from: Plan; to: Plan; flagged: Plan }): string {
  // A plan of the same rank is another plan: its gates, quota and grace apply at once (red71c L4: Twin, Mid's equal, "changes nothing").
  const name = (d: Direction, plan: Plan) => (d === 1 ? `an upgrade from ${plan.label}` : d === -1 ? `a downgrade from ${plan.label}` : `a change from ${plan.label} to a plan of the same rank, applied at once`);
  const now = is === "same" ? "names the plan already in force and changes nothing" : `is ${name(is, from)}${rule(card, is)}`;
  return `--plan ${flagged.key}: the scenario's change to ${to.label}, ${was === "same" ? "the plan already in force" : name(was, written)} as written, ${now}`;
}

function allowanceFlagText(card: RateCard, { was, is, written, from, to, flagged, unit }: { was: Direction; is: Direction; written: Decimal; from: Decimal; to: Decimal; flagged: Plan; unit: string }): string {
  const n = (v: Decimal) => `${exactGrouped(v)} ${unit}`;
  const name = (d: Direction, allowance: Decimal) => (d === 1 ? `a raise from ${n(allowance)}` : d === -1 ? `a cut from ${n(allowance)}` : "the allowance already in force");
  const now = is === 1 || is === -1 ? `is ${name(is, from)}${rule(card, is)}` : "is the allowance already in force and changes nothing";
  return `--plan ${flagged.key}: the scenario's allowance change to ${n(to)}, ${name(was, written)} as written, ${now}`;
}
