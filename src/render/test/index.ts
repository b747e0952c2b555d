import type { SuiteResult } from "../../cardtest/run.js";
import { json } from "../shared/format.js";
import type { ReportFormat } from "../shared/report-format.js";
import type { FormatReporters } from "../shared/reporters.js";
import { cardtestJson } from "./json.js";
import { cardtestGithub, cardtestMarkdown, cardtestText, type Untested } from "./report.js";

/** What `burnrate test` reports: the suites run, the cards without tests, and whether tests were required. */
interface CardtestReport {
  results: readonly SuiteResult[];
  untested: readonly Untested[];
  requireTests: boolean;
}

/** `burnrate test`'s renderers by format name, registered in ../shared/reporters.ts. */
export const testReporters: FormatReporters<ReportFormat, CardtestReport> = {
  json: (r) => json(cardtestJson(r.results, r.untested, r.requireTests)),
  github: (r) => cardtestGithub(r.results, r.untested, r.requireTests),
  markdown: (r) => cardtestMarkdown(r.results, r.untested, r.requireTests),
  table: (r, settings) => cardtestText(r.results, r.untested, r.requireTests, settings.color),
};
