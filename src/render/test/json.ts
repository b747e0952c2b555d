import type { SuiteResult } from "../../cardtest/run.js";
import { tally } from "../../cardtest/run.js";
import type { Location } from "../../errors.js";
import type { Untested } from "./report.js";

const where = (l: Location) => ({ file: l.file, line: l.line, column: l.column });

/** `burnrate.cardtest/v1`. */
export function cardtestJson(results: readonly SuiteResult[], untested: readonly Untested[], requireTests: boolean): object {
  const { passed, failed } = tally(results);
  return {
    schema: "burnrate.cardtest/v1",
    passed,
    failed: failed + (requireTests ? untested.length : 0),
    untested: untested.map((u) => ({ card: u.card, tests_file: u.testsFile })),
    suites: results.map((r) => ({
      file: r.file,
      card: r.card,
      cases: r.cases.map((c) => ({
        name: c.name,
        ...where(c.location),
        outcome: c.outcome,
        mismatches: c.outcome === "failed" ? c.mismatches.map((m) => ({ ...where(m.location), what: m.what, expected: m.expected, actual: m.actual, ...(m.refused === undefined ? {} : { refused: m.refused }) })) : [],
        errors: c.outcome === "error" ? c.errors.map((e) => e.message) : [],
      })),
    })),
  };
}
