import { existsSync } from "node:fs";
import { runSuite, tally, type SuiteResult } from "../cardtest/run.js";
import { isTestsFile, loadSuite, testsFileFor } from "../cardtest/suite.js";
import { Finding, UserError } from "../errors.js";
import { loadCard } from "../inputs.js";
import type { Io } from "../io.js";
import { emit } from "../output.js";
import { reportFormat } from "../render/check-format.js";
import { cardtestJson } from "../render/cardtest-json.js";
import { cardtestGithub, cardtestMarkdown, cardtestText, type Untested } from "../render/cardtest-report.js";
import { colorFor, json } from "../render/format.js";
import { render } from "../render/reporters.js";

export interface TestOptions {
  format?: string;
  output?: string;
  case?: string;
  requireTests?: boolean;
  color?: boolean;
}

/**
 * Run the expectations kept beside each card. Given a card, its NAME.tests.yaml
 * runs; given a tests file, it runs against its card; given both, once.
 */
export async function test(files: string[], options: TestOptions, io: Io): Promise<void> {
  const format = reportFormat(options);
  const suites: string[] = [];
  const untested: Untested[] = [];
  for (const file of files) {
    if (!existsSync(file)) throw new UserError("cannot read file: ENOENT", { file, line: 1, column: 1 }, "an existing rate card or tests file", "no such file");
    const suite = isTestsFile(file) ? file : testsFileFor(file);
    if (!existsSync(suite)) untested.push({ card: file, testsFile: suite });
    else if (!suites.includes(suite)) suites.push(suite);
  }

  const only = options.case === undefined ? undefined : (name: string) => name.includes(options.case!);
  const results: SuiteResult[] = [];
  for (const file of suites) {
    const suite = loadSuite(file);
    results.push(await runSuite(suite, loadCard(suite.cardFile), only));
  }

  const requireTests = options.requireTests ?? false;
  emit(render(format, {
    json: () => json(cardtestJson(results, untested, requireTests)),
    github: () => cardtestGithub(results, untested, requireTests),
    markdown: () => cardtestMarkdown(results, untested, requireTests),
    table: () => cardtestText(results, untested, requireTests, colorFor(options, io)),
  }), options.output, io.stdout);
  const { failed } = tally(results);
  if (failed > 0) throw new Finding(`${failed} expectation case(s) failed`);
  if (requireTests && untested.length > 0) throw new Finding(`${untested.length} card(s) without tests (--require-tests)`);
}
