import { atFlag, UserError, type Location } from "../errors.js";
import { Calendar } from "../time.js";
import { usersIn } from "./expand.js";
import type { Scenario, Timed } from "./types.js";

/**
 * How much a simulation may expand to. A cycle's rows are built, sorted and replayed together
 * (about a kilobyte each in memory: a cycle of 2,000,000 rows peaks near 1.8 GB), so one cycle holds
 * at most MAX_CYCLE_ROWS; the engine replays 100,000 to 300,000 rows a second, so MAX_WORK rows
 * (and per-user draws) is a few minutes of work.
 */
const MAX_CYCLE_ROWS = 2_000_000;
const MAX_WORK = 50_000_000;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What the command line adds on top of one replay of the scenario. */
export interface SimulationRuns {
  /** How many plans are replayed (--compare-plans: every plan of the card). */
  plans: number;
  /** --samples N: N more replays of each plan, drawing every user's counts. */
  samples: number;
}

interface ScenarioSize {
  /** Usage rows of one replay, over every cycle. */
  rows: number;
  /** Per-user draws of one sampled replay (each user's count of each activity, in every cycle). */
  draws: number;
  /** The first cycle with more rows than a cycle may hold (else the largest), and the population that gives it most of them. */
  peak: { rows: number; cycle: number; population: number | undefined };
}

/**
 * The rows the scenario expands to, counted without making them: unique meters give one row per
 * user, flows at most one an hour, schedules one per occurrence.
 */
function scenarioSize(scenario: Scenario): ScenarioSize {
  const calendar = new Calendar(scenario.start, scenario.zone);
  let rows = scenario.timed.filter((t) => t.when.kind === "once").length;
  let draws = 0;
  const peak: ScenarioSize["peak"] = { rows: -1, cycle: 0, population: undefined };
  for (let index = 0; index < scenario.cycles; index++) {
    const length = calendar.start(index + 1) - calendar.start(index);
    const scheduled = scenario.timed.reduce((n, t) => n + occurrencesAtMost(t, length), 0);
    let cycleRows = scheduled;
    // Schedules alone may make the most rows: then no population is to blame.
    let biggest = { rows: scheduled, population: undefined as number | undefined };
    scenario.populations.forEach((p, i) => {
      const users = usersIn(p, index);
      const unique = p.activities.filter((a) => a.unique).length;
      // An account of its own per user (billing: per_user) is replayed with a row a day per flow.
      const flows = p.activities.length - unique;
      // A meter charged per event is replayed as a row per event.
      const perEvent = p.activities.filter((a) => a.perEvent).reduce((n, a) => n + a.perUser.toNumber() * users, 0);
      const made = perEvent + (p.perUser ? users * (unique + flows * Math.ceil(length / (24 * HOUR))) : users * unique + flows * Math.ceil(length / HOUR));
      draws += users * p.activities.filter((a) => a.distribution !== "fixed").length;
      cycleRows += made;
      if (made > biggest.rows) biggest = { rows: made, population: i };
    });
    rows += cycleRows;
    const stillUnder = peak.rows <= MAX_CYCLE_ROWS;
    if (stillUnder && cycleRows > peak.rows) Object.assign(peak, { rows: cycleRows, cycle: index, population: biggest.population });
  }
  return { rows, draws, peak };
}

/** At most how many times a scheduled row happens in a cycle of this length; a one-off row is counted once, above. */
function occurrencesAtMost(t: Timed, length: number): number {
  if (t.when.kind === "once") return 0;
  const schedule = t.when.schedule;
  if (schedule.kind === "interval") return Math.ceil(length / (schedule.minutes * 60_000));
  if (schedule.kind === "daily") return Math.ceil(length / DAY) + 1;
  return 1;
}

/** A count for a message: grouped digits, and no "Infinity" when growth compounds past any number. */
function count(n: number): string {
  return n > 1e15 ? "more than 10^15" : Math.round(n).toLocaleString("en-US");
}

/** An estimate for a message: "about 1,200", or "more than 10^15". */
function about(n: number): string {
  return n > 1e15 ? count(n) : `about ${count(n)}`;
}

/**
 * Refuse, before any row is made, a simulation that would not fit: a cycle too large to hold,
 * or more rows in all than a run can replay in minutes. The error says the estimate and what to change.
 */
export function checkScenarioSize(scenario: Scenario, runs: SimulationRuns, at: (path: (string | number)[]) => Location): void {
  const size = scenarioSize(scenario);
  const { peak } = size;
  if (peak.rows > MAX_CYCLE_ROWS) {
    const byUsers = peak.population !== undefined;
    throw new UserError(
      `scenario too large: ${about(peak.rows)} usage rows in cycle ${peak.cycle + 1} (${byUsers ? "one per user and unique meter" : "one per scheduled occurrence"}), ${count(size.rows)} over ${scenario.cycles} cycle(s)`,
      byUsers ? at(["populations", peak.population!, "users"]) : at(["schedules"]),
      `at most ${count(MAX_CYCLE_ROWS)} rows in a cycle: ${byUsers ? "fewer users, slower growth, fewer unique meters per user, or a flow meter" : "fewer or less frequent schedules and sends"}`,
      `${count(peak.rows)} rows`,
    );
  }
  // Each plan is replayed up to twice (without and with top-ups), and once more per sample, which also draws every user's counts.
  const once = size.rows * 2;
  const work = runs.plans * (once + runs.samples * (once + size.draws));
  if (work <= MAX_WORK) return;
  const perPlan = `${about(size.rows)} usage rows over ${scenario.cycles} cycle(s), replayed up to twice per plan`;
  const expected = `at most ${count(MAX_WORK)} rows replayed`;
  if (once > MAX_WORK) {
    throw new UserError(`scenario too large: ${perPlan}`, at(["cycles"]), `${expected}: fewer cycles or users`, `${count(once)} rows`);
  }
  const flag = runs.samples > 0 && once * runs.plans <= MAX_WORK ? "--samples" : "--compare-plans";
  const what = `${perPlan}${runs.plans > 1 ? ` for ${runs.plans} plans` : ""}${runs.samples > 0 ? ` and ${runs.samples} sample(s) drawing ${count(size.draws)} user counts each` : ""}`;
  // The samples that fit, and "one plan" only where more than one is replayed (new67 M5: offered to a run of one plan).
  const fits = runs.samples > 0 ? Math.floor((MAX_WORK / runs.plans - once) / (once + size.draws)) : 0;
  const fixes = [...(runs.samples > 0 ? [fits >= 1 ? `--samples ${count(fits)} or fewer` : "no --samples"] : []), ...(runs.plans > 1 ? ["one plan"] : []), "a smaller scenario"];
  const fix = fixes.length === 2 ? fixes.join(" or ") : `${fixes.slice(0, -1).join(", ")}, or ${fixes.at(-1)!}`;
  throw new UserError(`simulation too large: ${what}`, atFlag(flag), `${expected}: ${fix}`, `${count(work)} rows and draws`);
}
