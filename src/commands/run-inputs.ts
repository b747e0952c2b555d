import { existsSync } from "node:fs";
import { caseCardFiles, caseUsage, isTestsFile, loadSuite, relativeTo, testsFileFor, type Suite } from "../cardtest/suite.js";
import { UserError } from "../errors.js";
import type { ReplayInputOptions } from "../inputs.js";
import { besideMappings, runInputs, type RunInput } from "../output.js";
import { folderMapping } from "../usage/sources.js";

/**
 * What a replaying command (statement, diff, reconcile) reads: the card, the
 * account and the card it names, the usage and its mappings. An output may land
 * on none of them.
 */
export function replayRunInputs(options: ReplayInputOptions, accountCard: string | undefined, more: Record<string, string | readonly string[] | undefined> = {}): RunInput[] {
  return runInputs({
    "--card": options.card,
    "--account": options.account,
    "account's card:": accountCard,
    "--usage": options.usage,
    "--mapping": options.mapping,
    "usage mapping": besideMappings(options.usage),
    "folder mapping": [...new Set(options.usage.flatMap((f) => folderMapping(f) ?? []))],
    ...more,
  });
}

/** A tests file reads its card and each case's usage, account and scenario: none may be overwritten by -o. */
export function suiteInputs(suite: Suite): RunInput[] {
  const cases = suite.doc.cases;
  return runInputs({
    "tests file": suite.file,
    card: [...new Set([...suite.cardFiles, ...cases.flatMap((_, i) => caseCardFiles(suite, i))])],
    "case usage": cases.flatMap((c) => caseUsage(suite, c)),
    "case account": cases.flatMap((c) => (typeof c.account === "string" ? [relativeTo(suite.file, c.account)] : [])),
    "case scenario": cases.flatMap((c) => (c.scenario === undefined ? [] : [relativeTo(suite.file, c.scenario)])),
  });
}

/** What `check` reads: each card, the tests file beside it (or `--tests FILE`), and what each tests file reads. */
export function checkRunInputs(files: readonly string[], tests?: string): RunInput[] {
  const inputs = runInputs({ card: files });
  const testsFiles = tests === undefined ? files.map((file) => (isTestsFile(file) ? file : testsFileFor(file))) : [tests];
  for (const testsFile of testsFiles) {
    if (!existsSync(testsFile)) continue;
    inputs.push(...runInputs({ "tests file": testsFile }));
    try {
      inputs.push(...suiteInputs(loadSuite(testsFile)));
    } catch (e) {
      // A tests file that does not load is a finding of the check; what it would read is unknown.
      if (!(e instanceof UserError)) throw e;
    }
  }
  return inputs;
}
