import { existsSync } from "node:fs";
import { runSuite, tally, type SuiteResult } from "../cardtest/run.js";
import { cardNamedAt, coveringTestsFile, distinctFiles, isTestsFile, loadCards, loadSuite, notStandardInput, testedCard, type Suite } from "../cardtest/suite.js";
import { atFlag, Finding, shown, UserError } from "../errors.js";
import { loadCard } from "../inputs.js";
import type { Io } from "../io.js";
import { checkDestination, emit, runInputs } from "../output.js";
import { suiteInputs } from "./run-inputs.js";
import { reportFormat, reportNameWarning } from "../render/shared/report-format.js";
import type { Untested } from "../render/test/report.js";
import { colorFor } from "../render/shared/format.js";
import { report } from "../render/shared/reporters.js";
import { closedCycleSetup } from "../replay/cycle-spill.js";
import { threadSize } from "../usage/thread-bytes.js";

export interface TestOptions {
  format?: string;
  output?: string;
  case?: string;
  requireTests?: boolean;
  /** `--tests FILE`: the tests file of the one card given, wherever either is (suite.ts, loadSuite). */
  tests?: string;
  color?: boolean;
}

/**
 * Run the expectations kept beside each card. Given a card, its NAME.tests.yaml
 * runs; given a tests file, it runs against its card; given both, once.
 */
export async function test(files: string[], options: TestOptions, io: Io): Promise<void> {
  const format = reportFormat(options);
  // The environment's settings are refused here, once (exit 2), not by each case as a failure of its own (red52 F1).
  threadSize();
  closedCycleSetup();
  const suites: string[] = [];
  const untested: Untested[] = [];
  const card = options.tests === undefined ? undefined : testedCard(files, options.tests);
  for (const file of card === undefined ? distinctFiles(files) : []) {
    notStandardInput(file);
    if (!existsSync(file)) throw new UserError("cannot read file: ENOENT", { file, line: 1, column: 1 }, "an existing rate card or tests file", "no such file");
    // A card a tests file beside it names (a new version's tests pricing both versions) is run there.
    const suite = isTestsFile(file) ? file : coveringTestsFile(file);
    if (!existsSync(suite)) {
      // A card without tests is still loaded: one that does not load is an error (exit 2), not "untested".
      loadCard(file);
      untested.push({ card: file, testsFile: suite });
    } else suites.push(suite);
  }

  const only = options.case === undefined ? undefined : (name: string) => caseNamed(name, options.case!);
  // A card and its tests file given both, however spelled, run its cases once.
  const loaded = card === undefined ? distinctFiles(suites).map((suite) => loadSuite(suite)) : [loadSuite(options.tests!, card)];
  if (options.case !== undefined) selectsSome(loaded, options.case);
  const results: SuiteResult[] = [];
  const inputs = runInputs({ card: files });
  for (const suite of loaded) {
    inputs.push(...suiteInputs(suite));
    results.push(await runSuite(suite, loadCards(suite.cardFiles, cardNamedAt(suite)), only));
  }

  const requireTests = options.requireTests ?? false;
  // A refusal of -o onto an input stands alone: the format's warning only for a file that will be written.
  checkDestination({ path: options.output, inputs });
  const warning = reportNameWarning(options, format);
  if (warning !== undefined) io.stderr.write(warning);
  await emit(report("test", format, { results, untested, requireTests }, { color: colorFor(options, io) }), options.output, io, inputs);
  const { failed } = tally(results);
  if (failed > 0) throw new Finding(`${failed} expectation case(s) failed`);
  if (requireTests && untested.length > 0) throw new Finding(`${untested.length} card(s) without tests (--require-tests)`);
}

/**
 * Whether `--case TEXT` selects a case: its name contains the text, whatever the case of either (newcomer59 L4: `--case
 * Northwind` for "month end on the gateway export, northwind" selected nothing). Selecting a case too many runs one
 * more test; none selected is refused.
 */
function caseNamed(name: string, text: string): boolean {
  return name.toLocaleLowerCase("en-US").includes(text.toLocaleLowerCase("en-US"));
}

/** `--case TEXT` that no case's name contains runs nothing and passes: in CI, a renamed case would go untested. */
function selectsSome(suites: readonly Suite[], text: string): void {
  const names = suites.flatMap((suite) => suite.doc.cases.map((c) => c.name));
  if (names.some((name) => caseNamed(name, text))) return;
  const listed = names.length === 0 ? "no case: the cards given have no tests file" : `text from a case's name, such as ${names.slice(0, 3).map((n) => shown(n)).join(", ")}${names.length > 3 ? ` (of ${names.length})` : ""}`;
  throw new UserError(`no case's name contains ${shown(text)}`, atFlag("--case"), listed, shown(text));
}
