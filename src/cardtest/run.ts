import { existsSync } from "node:fs";
import { resolveAccount, type AccountSettings } from "../account/account.js";
import { planTerms } from "../engine/terms.js";
import type { Statement } from "../engine/types.js";
import { expand } from "../scenario/expand.js";
import { loadScenario } from "../scenario/load.js";
import { simulationSettings } from "../scenario/settings.js";
import type { Scenario } from "../scenario/types.js";
import { Calendar } from "../time.js";
import { UserError, UserErrors, shown, type Location } from "../errors.js";
import { nearest } from "../nearest.js";
import type { RateCard } from "../ratecard/types.js";
import { cardShown } from "../ratecard/versions.js";
import { replayEvents } from "../replay/replay-events.js";
import { replayFiles } from "../replay/replay-files.js";
import { checkDistinctFiles } from "../usage/distinct-files.js";
import { expandUsage } from "../usage/sources.js";
import { compare, type Mismatch } from "./compare.js";
import { caseAccount, caseCardFiles, caseUsage, INLINE_ROWS, inlineRows, loadCards, relativeTo, type Suite } from "./suite.js";

export type CaseResult =
  | { name: string; location: Location; outcome: "passed" }
  | { name: string; location: Location; outcome: "failed"; mismatches: Mismatch[] }
  /** The case could not run: an input it names is missing or wrong (a meter the card no longer has). */
  | { name: string; location: Location; outcome: "error"; errors: UserError[] };

export interface SuiteResult {
  file: string;
  card: { file: string; provider: string; version: string };
  cases: CaseResult[];
}

/** Run every case of a suite through the one engine, each on its own replay. */
export async function runSuite(suite: Suite, card: RateCard, only?: (name: string) => boolean): Promise<SuiteResult> {
  const cases: CaseResult[] = [];
  for (const [index, c] of suite.doc.cases.entries()) {
    if (only && !only(c.name)) continue;
    const location = suite.at(["cases", index, "name"]);
    try {
      const priced = c.card === undefined ? card : loadCards(caseCardFiles(suite, index));
      const { statement, settings } = await replayCase(suite, priced, index);
      checkExpectedMeters(suite, index, priced);
      const mismatches = compare(statement, c.expect, (p) => suite.at(["cases", index, "expect", ...p]), settings.name, settings.zone);
      cases.push(mismatches.length === 0 ? { name: c.name, location, outcome: "passed" } : { name: c.name, location, outcome: "failed", mismatches });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      cases.push({ name: c.name, location, outcome: "error", errors: e instanceof UserErrors ? e.errors : [e] });
    }
  }
  return { file: suite.file, card: cardShown(card), cases };
}

/** A case's statement: its usage replayed for its account, or its scenario expanded into usage; either way through the one engine. */
async function replayCase(suite: Suite, card: RateCard, index: number): Promise<{ statement: Statement; settings: AccountSettings }> {
  const c = suite.doc.cases[index]!;
  if (c.scenario === undefined) {
    const settings = resolveAccount(card, caseAccount(suite, index), { plan: c.plan, anchor: c.anchor, timezone: c.timezone, through: c.through, locate: (flag) => suite.at(["cases", index, flag]) });
    return { statement: await replayFiles(card, settings, { files: caseFiles(suite, index), mappingFile: undefined, mapFlags: [] }), settings };
  }
  const scenario = scenarioOf(suite, index);
  const settings = simulationSettings(scenario, { terms: planTerms(scenario.plan, scenario.allowance ?? scenario.plan.included), purchases: [] });
  return { statement: await replayEvents(card, settings, expand(scenario, new Calendar(scenario.start, scenario.zone))), settings };
}

/**
 * An expectation on a meter the card does not have compares with nothing and would fail as
 * "expected 30, got 0": it is refused at its key instead, as a usage row's unknown meter is.
 */
function checkExpectedMeters(suite: Suite, index: number, card: RateCard): void {
  const expect = suite.doc.cases[index]!.expect;
  const known = [...new Set((card.versions ?? [card]).flatMap((v) => [...v.meters.keys(), ...v.events.keys()]))];
  const named: [string, (string | number)[]][] = [
    ...[...(expect.meters?.keys() ?? [])].map((m): [string, (string | number)[]] => [m, ["meters", m]]),
    ...(expect.cycles ?? []).flatMap((cycle, i) => [...(cycle.meters?.keys() ?? [])].map((m): [string, (string | number)[]] => [m, ["cycles", i, "meters", m]])),
  ];
  const errors = named
    .filter(([meter]) => !known.includes(meter))
    .map(([meter, path]) => {
      const near = nearest(meter, known);
      return new UserError(`unknown meter ${shown(meter)}${near ? `; did you mean ${shown(near)}?` : ""}`, suite.at(["cases", index, "expect", ...path]), `a meter of ${cardShown(card).provider} ${cardShown(card).version}`, shown(meter));
    });
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new UserErrors(errors);
}

/**
 * A case's usage files, each value expanded and refused at its own entry of the tests file: a glob
 * matching nothing, or a file the entries before it already named (which --usage refuses at the flag).
 */
function caseFiles(suite: Suite, index: number): string[] {
  const files: string[] = [];
  caseUsage(suite, suite.doc.cases[index]!).forEach((value, entry) => {
    const place = suite.at(["cases", index, "usage", entry]);
    const expanded = expandUsage([value], place);
    // A path that names nothing is the tests file's mistake: said at its line, not at the missing file's 1:1.
    if (expanded.length === 1 && expanded[0] === value && !existsSync(value)) {
      const rows = inlineRows(value);
      if (rows !== undefined) throw new UserError(INLINE_ROWS.problem, place, INLINE_ROWS.expected, rows);
      throw new UserError("no such usage file", place, "a usage file, folder or quoted glob, relative to the tests file", shown(value));
    }
    files.push(...expanded);
    try {
      checkDistinctFiles(files);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      throw new UserError(e.problem, place, "each file once in the case's usage", e.found);
    }
  });
  return files;
}

/** A scenario case names no usage and no account of its own: the scenario holds both. */
export function scenarioOf(suite: Suite, index: number): Scenario {
  const c = suite.doc.cases[index]!;
  const clash = (["usage", "account", "anchor", "timezone", "through", "changes"] as const).find((k) => c[k] !== undefined);
  if (clash) throw new UserError(`a scenario case cannot also have ${clash}`, suite.at(["cases", index, clash]), "scenario alone (it sets the start, cycles and plan), or usage with an account", clash);
  return loadScenario(relativeTo(suite.file, c.scenario!), { card: caseCardFiles(suite, index), plan: c.plan });
}

export function tally(results: readonly SuiteResult[]): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  for (const r of results) for (const c of r.cases) c.outcome === "passed" ? passed++ : failed++;
  return { passed, failed };
}
