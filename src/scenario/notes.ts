import { formatLocation, shown, type Location } from "../errors.js";
import { changeDirection, changedTerms } from "../engine/timeline.js";
import { planTerms } from "../engine/terms.js";
import type { AccountChange, AccountTerms } from "../engine/types.js";
import type { Decimal } from "../money.js";
import type { Plan, RateCard } from "../ratecard/types.js";
import type { Population } from "./types.js";

/** What a scenario's run does that its reader may not expect: said on standard error and among the report's notes. */
export interface ScenarioNote {
  /** Where the report says it: under the sampled figures, or under the scenario's plan. */
  about: "samples" | "plan";
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
 * Items of a unique meter (charged once a user a cycle, when their quantity is above 0) that --samples draws so that
 * a notable share of users draw 0 and are not charged: a seat of quantity 1 drawn Poisson leaves out e^-1, 36.8%, of
 * users, and the sampled money falls below the deterministic money without a word. Poisson draws 0 with probability
 * e^-m; geometric (Poisson at an exponential level of mean 1) with 1 / (1 + m).
 */
export function zeroDrawNotes(populations: readonly Population[], itemAt: (population: number, item: number) => Location): ScenarioNote[] {
  const notes: ScenarioNote[] = [];
  populations.forEach((p, i) => p.activities.forEach((a, j) => {
    if (!a.unique || a.distribution === "fixed") return;
    const mean = a.perUser.toNumber();
    const share = a.distribution === "poisson" ? Math.exp(-mean) : 1 / (1 + mean);
    if (mean <= 0 || share < NOTABLE) return;
    const percent = (share * 100).toFixed(1);
    notes.push({
      about: "samples",
      at: itemAt(i, j),
      text: `--samples draws ${a.meter} of population ${shown(p.name)} ${a.distribution === "poisson" ? "Poisson" : "geometric"} around ${a.perUser.toFixed()} a user: about ${percent}% of users draw 0 in a cycle, and its unique meter charges them nothing, so the sampled figures fall below the deterministic ones; where every user is charged each cycle (a seat), distribution: fixed on the item says so`,
    });
  }));
  return notes;
}

/** The sign of a change of plan: an upgrade (1), a downgrade (-1), or the plan already in force (0). */
type Direction = -1 | 0 | 1;

/**
 * Where --plan starts the scenario on another plan than its own, a plan change of its `changes:` may go the other
 * way (the scenario's upgrade to Business a downgrade from Enterprise) or to the plan already in force, which changes
 * nothing. Upgrade or downgrade is the engine's rule (changeDirection: more included credits, else the dearer plan),
 * and what each does is the card's setting (plan_changes). Each side's terms follow the changes before it, as the
 * replay's do. The plans compared beside the scenario (--compare-plans) are priced without its changes.
 */
export function planFlagNotes(card: RateCard, from: { written: Plan | undefined; flagged: Plan; allowance: Decimal | undefined }, changes: readonly AccountChange[]): ScenarioNote[] {
  const { written, flagged } = from;
  if (written === undefined || written === flagged) return [];
  let asWritten: AccountTerms = planTerms(written, from.allowance ?? written.included);
  let asFlagged: AccountTerms = planTerms(flagged);
  const notes: ScenarioNote[] = [];
  for (const c of changes) {
    const before = { written: asWritten, flagged: asFlagged };
    asWritten = changedTerms(asWritten, c.change);
    asFlagged = changedTerms(asFlagged, c.change);
    if (c.change.kind !== "plan") continue;
    const was = direction(before.written, asWritten);
    const is = direction(before.flagged, asFlagged);
    if (was !== is) notes.push({ about: "plan", at: c.origin, text: planFlagText(card, { was, is, written: before.written.plan, from: before.flagged.plan, to: c.change.plan, flagged }) });
  }
  return notes;
}

function direction(before: AccountTerms, after: AccountTerms): Direction {
  if (after.plan.key === before.plan.key) return 0;
  return Math.sign(changeDirection(before, after)) as Direction;
}

function planFlagText(card: RateCard, { was, is, written, from, to, flagged }: { was: Direction; is: Direction; written: Plan; from: Plan; to: Plan; flagged: Plan }): string {
  const name = (d: Direction) => (d > 0 ? "an upgrade" : d < 0 ? "a downgrade" : "no change");
  // What each does is the card's setting: said as the card writes it.
  const rule = is > 0 ? ` (the card's plan_changes: upgrade ${card.planChanges.upgrade})` : ` (the card's plan_changes: downgrade ${card.planChanges.downgrade})`;
  const now = is === 0 ? "names the plan already in force and changes nothing" : `is ${name(is)} from ${from.label}${rule}`;
  return `--plan ${flagged.key}: the scenario's change to ${to.label}, ${was === 0 ? "the plan already in force" : `${name(was)} from ${written.label}`} as written, ${now}`;
}
