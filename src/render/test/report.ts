import type { ChalkInstance } from "chalk";
import type { CaseResult, SuiteResult } from "../../cardtest/run.js";
import { tally } from "../../cardtest/run.js";
import { formatLocation } from "../../errors.js";
import { annotation } from "../check/github.js";
import { markdownText, visible } from "../shared/escape.js";

/** A card named on the command line that has no tests file beside it. */
export interface Untested {
  card: string;
  testsFile: string;
}

/**
 * Where a card's tests were looked for, and the flag for tests kept elsewhere: a CI job testing a card's next version,
 * a copy at another path, was told only that none was beside the copy (newcomer68 L11).
 */
const NOT_FOUND = "not found, nor a tests file beside the card naming it";
const ELSEWHERE = "--tests FILE names tests kept elsewhere";

function tallyLine(results: readonly SuiteResult[], untested: readonly Untested[], requireTests: boolean): string {
  const { passed, failed } = tally(results);
  return `${passed} passed, ${failed + (requireTests ? untested.length : 0)} failed`;
}

function caseLines(c: CaseResult): string[] {
  switch (c.outcome) {
    case "passed":
      return [];
    case "failed":
      return c.mismatches.map((m) => `${formatLocation(m.location)}: ${m.what}: expected ${m.expected}, got ${m.actual}${m.refused === undefined ? "" : ` (${m.refused})`}`);
    case "error":
      return c.errors.map((e) => `could not run: ${e.message}`);
  }
}

/** Like a test runner: one line per case, what failed indented under it, and the tally last. */
export function cardtestText(results: readonly SuiteResult[], untested: readonly Untested[], requireTests: boolean, color: ChalkInstance): string {
  const out: string[] = [];
  for (const u of untested) {
    out.push(`${requireTests ? color.red("FAIL") : color.yellow("SKIP")} ${visible(u.card)}: no tests (${visible(u.testsFile)} ${NOT_FOUND}; ${ELSEWHERE})`);
  }
  for (const r of results) {
    out.push(visible(`${r.file} (${r.card.provider} ${r.card.version}, ${r.card.file})`));
    for (const c of r.cases) {
      out.push(`  ${c.outcome === "passed" ? color.green("PASS") : color.red("FAIL")} ${visible(c.name)}`);
      for (const line of caseLines(c)) out.push(`       ${visible(line)}`);
    }
  }
  out.push("", tallyLine(results, untested, requireTests));
  return `${out.join("\n")}\n`;
}

export function cardtestGithub(results: readonly SuiteResult[], untested: readonly Untested[], requireTests: boolean): string {
  const out: string[] = [];
  // Untested is not silent in CI: the table says SKIP and the JSON lists it, so the workflow's log says it too (newcomer, stop 36).
  for (const u of untested) {
    out.push(requireTests
      ? annotation("error", { file: u.card, line: 1, column: 1 }, "burnrate test", `no tests: ${u.testsFile} ${NOT_FOUND} (${ELSEWHERE})`)
      : annotation("warning", { file: u.card, line: 1, column: 1 }, "burnrate test", `no tests: ${u.testsFile} ${NOT_FOUND}, so no expectation checks this card's prices (${ELSEWHERE}; --require-tests makes this an error)`));
  }
  for (const r of results) {
    for (const c of r.cases) {
      if (c.outcome === "passed") continue;
      const detail = caseLines(c).join("\n");
      out.push(annotation("error", c.location, `burnrate test: ${c.name}`, `${c.name} failed\n${detail}`));
    }
  }
  out.push(`${tallyLine(results, untested, requireTests)}${untested.length > 0 && !requireTests ? `, ${untested.length} untested` : ""}`);
  return `${out.join("\n")}\n`;
}

export function cardtestMarkdown(results: readonly SuiteResult[], untested: readonly Untested[], requireTests: boolean): string {
  const cell = markdownText;
  // The case's own lines are joined with <br>, written here; the data in them is escaped.
  const detail = (c: CaseResult) => caseLines(c).map(cell).join("<br>");
  const out = [`### burnrate test: ${tallyLine(results, untested, requireTests)}`, "", "| | Case | Tests file | Detail |", "| --- | --- | --- | --- |"];
  for (const u of untested) out.push(`| ${requireTests ? "FAIL" : "SKIP"} | (none) | ${cell(u.testsFile)} | no tests for ${cell(u.card)} (${cell(`${NOT_FOUND}; ${ELSEWHERE}`)}) |`);
  for (const r of results) {
    for (const c of r.cases) out.push(`| ${c.outcome === "passed" ? "PASS" : "FAIL"} | ${cell(c.name)} | ${cell(formatLocation(c.location))} | ${detail(c)} |`);
  }
  return `${out.join("\n")}\n`;
}
