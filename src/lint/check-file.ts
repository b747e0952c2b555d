import { existsSync, statSync } from "node:fs";
import { resolveAccount } from "../account/account.js";
import { expectsNothing } from "../cardtest/compare.js";
import { caseFiles, scenarioOf } from "../cardtest/run.js";
import { isGlob } from "../usage/sources.js";
import { caseAccount, caseCardFiles, caseUsage, coveringTestsFile, INLINE_ROWS, inlineRows, isTestsFile, loadSuite, notStandardInput, testedCard, type Suite } from "../cardtest/suite.js";
import { UserError, shown } from "../errors.js";
import { nodeKind, readText } from "../inputs.js";
import { parseRateCard } from "../ratecard/load.js";
import { cardCodec } from "../ratecard/schema.js";
import { ONETIME, type RateCard } from "../ratecard/types.js";
import { cardVersions } from "../ratecard/versions.js";
import { decodeYaml } from "../yaml/codec.js";
import { lintCard, type TestedGrantKinds } from "./card-rules.js";
import type { CheckedFile, LintFinding } from "./finding.js";
import { notACard } from "./file-kind.js";
import { findingsFromError } from "./from-errors.js";
import { droppedRecurringMeters, sameNamedVersions, type LoadedCard } from "./versions.js";

/**
 * Check one file named on the command line. A file that cannot be opened is bad
 * usage (exit 2); everything wrong inside a file that opens is a finding.
 */
function checkFile(file: string, loaded: LoadedCard[]): CheckedFile {
  mustExist(file);
  return isTestsFile(file) ? checkTests(file) : checkCard(file, loaded, coveringTestsFile(file));
}

/**
 * Check each file, then what only the files together show: the versions of one provider's card. With `tests` (`--tests
 * FILE`), the one card given is checked with that tests file as its expectations, and the tests file against that card.
 */
export function checkFiles(files: readonly string[], tests?: string): CheckedFile[] {
  const loaded: LoadedCard[] = [];
  if (tests !== undefined) {
    const card = testedCard(files, tests);
    mustExist(card);
    mustExist(tests);
    const checked = [checkCard(card, loaded, tests), checkTests(tests, card)];
    acrossVersions(loaded);
    return checked;
  }
  const checked = files.map((file) => checkFile(file, loaded));
  acrossVersions(loaded);
  return checked;
}

/** What only the versions of one provider's card together show. */
function acrossVersions(loaded: readonly LoadedCard[]): void {
  droppedRecurringMeters(loaded);
  sameNamedVersions(loaded);
}

function mustExist(file: string): void {
  notStandardInput(file);
  const where = { file, line: 1, column: 1 };
  if (!existsSync(file)) throw new UserError("cannot read file: ENOENT", where, "an existing rate card or tests file", "no such file");
  const stats = statSync(file);
  if (stats.isDirectory()) throw new UserError("is a directory", where, "a rate card or tests file", "a directory");
  // A device or a FIFO cannot be opened as a file either: /dev/zero would be read forever.
  if (!stats.isFile()) throw new UserError("not a regular file", where, "a rate card or tests file", nodeKind(stats));
}

function attempt<T>(findings: LintFinding[], run: () => T): T | undefined {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    findings.push(...findingsFromError(e));
    return undefined;
  }
}

function checkCard(file: string, loaded: LoadedCard[], testsFile: string): CheckedFile {
  const findings: LintFinding[] = [];
  const source = attempt(findings, () => readText(file));
  const card = source === undefined ? undefined : attempt(findings, () => parseRateCard(source, file));
  if (source === undefined || card === undefined) {
    // Only a file that parsed as YAML and failed the card's schema can be another input's shape.
    const other = source !== undefined && findings.every((f) => f.rule === "schema") ? notACard(source, file) : undefined;
    if (other) throw other;
    return { file, kind: "card", subject: undefined, findings };
  }
  const decoded = decodeYaml(source, file, cardCodec);
  findings.push(...lintCard({ card, doc: decoded.value, source, at: decoded.at, testedGrantKinds: grantedInTests(testsFile, card), testsFile }));
  loaded.push({ card, at: decoded.at, findings });
  return { file, kind: "card", subject: `${card.provider} ${card.version}`, card: { provider: card.provider, version: card.version, effective: card.effective }, findings };
}

/** Grant kinds the accounts of a card's tests grant. A tests file that does not load is reported when it is checked itself. */
/** Grant kinds the tests' accounts receive: purchases, subscription top-ups, and a plan's one-time credits. */
function grantedInTests(testsFile: string, card: RateCard): TestedGrantKinds {
  if (!existsSync(testsFile)) return { kind: "no-tests" };
  let suite: Suite;
  try {
    suite = loadSuite(testsFile);
  } catch (e) {
    if (e instanceof UserError) return { kind: "unreadable" };
    throw e;
  }
  const kinds = new Set<string>();
  suite.doc.cases.forEach((_, i) => {
    try {
      const doc = caseAccount(suite, i)?.doc;
      if (!doc) return;
      for (const g of doc.grants ?? []) kinds.add(g.kind);
      const terms = [doc, ...(doc.accounts?.values() ?? [])];
      for (const t of terms) for (const g of t.recurring_grants ?? []) kinds.add(g.kind);
      const plans = [suite.doc.cases[i]!.plan, ...terms.map((t) => t.plan)].filter((p): p is string => p !== undefined);
      if (plans.some((p) => card.plans.get(p)?.onetime.gt(0))) kinds.add(ONETIME);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
    }
  });
  return { kind: "known", kinds };
}

/** A tests file is checked as the expectations of its card: its shape, its files, and every name it uses. */
function checkTests(file: string, givenCard?: string): CheckedFile {
  const findings: LintFinding[] = [];
  const suite = attempt(findings, () => loadSuite(file, givenCard));
  if (!suite) return { file, kind: "tests", subject: undefined, findings };
  const subject = `expectations of ${suite.cardFiles.join(" + ")}`;
  const card = cardUnderTest(suite, suite.cardFiles, ["card"], findings, givenCard !== undefined);
  if (!card) return { file, kind: "tests", subject, findings };
  suite.doc.cases.forEach((c, i) => {
    const own = c.card === undefined ? card : cardUnderTest(suite, caseCardFiles(suite, i), ["cases", i, "card"], findings);
    if (own) findings.push(...checkCase(suite, own, i));
  });
  return { file, kind: "tests", subject, findings };
}

/**
 * The card (or versions) a tests file or a case names; a file that does not load is a finding at that `card:`. The
 * card given beside `--tests` (`given`) is no card: of the file's, which --tests passes over: its fix is the card given
 * (red69b L4: "set card: to the right file" changed nothing).
 */
function cardUnderTest(suite: Suite, files: readonly string[], path: (string | number)[], findings: LintFinding[], given = false): RateCard | undefined {
  const named = path.length > 1 || suite.doc.card !== undefined;
  const byFlag = given && path.length === 1;
  const cards = files.map((cardFile) => {
    const errors: LintFinding[] = [];
    const card = attempt(errors, () => parseRateCard(readText(cardFile), cardFile));
    if (!card) {
      // The card given beside --tests is said where its first error is, not at the card: --tests passes over (red70b #7).
      const at = byFlag ? errors[0]?.location : undefined;
      findings.push({
        severity: "error", rule: "card", location: at ?? suite.at(named ? path : []),
        message: byFlag ? `the card under test, ${cardFile}, given beside --tests, does not load` : `the card under test, ${cardFile}, is missing or does not load`,
        fix: byFlag ? `correct ${cardFile} by the errors reported with it, or give the right card beside --tests FILE` : `run burnrate check ${cardFile}, or set card: to the right file`,
      });
    }
    return card;
  });
  if (cards.some((c) => c === undefined)) return undefined;
  return attempt(findings, () => cardVersions(cards as RateCard[]));
}

function checkCase(suite: Suite, card: RateCard, index: number): LintFinding[] {
  const findings: LintFinding[] = [];
  const c = suite.doc.cases[index]!;
  const base = ["cases", index];
  const error = (rule: string, path: (string | number)[], message: string, fix: string) => findings.push({ severity: "error", rule, location: suite.at([...base, ...path]), message, fix });
  caseUsage(suite, c).forEach((usage, n) => {
    const path = ["usage", ...(Array.isArray(c.usage) && c.usage.length > 1 ? [n] : [])];
    // A quoted glob is test's to expand (caseFiles, below): one that matches is no missing file (red58b F7).
    if (!existsSync(usage) && isGlob(usage)) return;
    const rows = existsSync(usage) ? undefined : inlineRows(usage);
    if (rows !== undefined) error("missing-file", path, `${INLINE_ROWS.problem} (found ${rows})`, "write the rows to a file beside the tests file and give its path");
    else if (!existsSync(usage)) error("missing-file", path, `usage file ${usage} does not exist`, "correct the path (relative to the tests file)");
  });
  // Where every file is there, the case's files as `test` reads them: a glob matching nothing, or a file named twice,
  // which `test` refuses (newcomer58b M2: check said ok to `usage: [a.csv, ./a.csv]`).
  if (findings.length === 0) attempt(findings, () => caseFiles(suite, index));
  if (c.scenario !== undefined) attempt(findings, () => scenarioOf(suite, index));
  else attempt(findings, () => resolveAccount(card, caseAccount(suite, index), { plan: c.plan, anchor: c.anchor, timezone: c.timezone, through: c.through, locate: (flag) => suite.at(["cases", index, flag]) }));
  const meterNames = (meters: ReadonlyMap<string, unknown> | undefined, path: (string | number)[]) => {
    for (const meter of meters?.keys() ?? []) {
      if (!card.events.has(meter)) error("unknown-meter", [...path, meter], `unknown meter ${shown(meter)}`, `use a meter of ${card.provider} ${card.version}: ${[...card.events.keys()].join(", ")}`);
    }
  };
  if (expectsNothing(c.expect)) error("empty-expectation", ["expect"], "the case's expect: names nothing to compare (the case cannot fail)", "expect at least one of total, money, uncovered, rejected, meters (with a meter) or cycles");
  meterNames(c.expect.meters, ["expect", "meters"]);
  c.expect.cycles?.forEach((cycle, n) => {
    meterNames(cycle.meters, ["expect", "cycles", n, "meters"]);
    for (const kind of cycle.grants?.keys() ?? []) {
      if (!card.grantKinds.has(kind)) error("unknown-grant-kind", ["expect", "cycles", n, "grants", kind], `unknown grant kind ${shown(kind)}`, `use one of ${[...card.grantKinds.keys()].join(", ")}`);
    }
  });
  return findings;
}
