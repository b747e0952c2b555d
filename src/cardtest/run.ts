import { resolveAccount } from "../account/account.js";
import { UserError, UserErrors, type Location } from "../errors.js";
import type { RateCard } from "../ratecard/types.js";
import { replayFiles } from "../usage/replay-files.js";
import { compare, type Mismatch } from "./compare.js";
import { caseAccount, caseUsage, type Suite } from "./suite.js";

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
      const account = caseAccount(suite, index);
      const settings = resolveAccount(card, account, { plan: c.plan, anchor: c.anchor, timezone: c.timezone, through: c.through });
      const statement = await replayFiles(card, settings, { files: caseUsage(suite, c), mappingFile: undefined, mapFlags: [] });
      const mismatches = compare(statement, c.expect, (p) => suite.at(["cases", index, "expect", ...p]), settings.name, settings.zone);
      cases.push(mismatches.length === 0 ? { name: c.name, location, outcome: "passed" } : { name: c.name, location, outcome: "failed", mismatches });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      cases.push({ name: c.name, location, outcome: "error", errors: e instanceof UserErrors ? e.errors : [e] });
    }
  }
  return { file: suite.file, card: { file: card.file, provider: card.provider, version: card.version }, cases };
}

export function tally(results: readonly SuiteResult[]): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  for (const r of results) for (const c of r.cases) c.outcome === "passed" ? passed++ : failed++;
  return { passed, failed };
}
