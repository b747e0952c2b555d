import { existsSync, readdirSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { AccountFile } from "../account/account.js";
import { atFlag, UserError, shown, type Location } from "../errors.js";
import { loadAccount, loadCard, readText } from "../inputs.js";
import type { RateCard } from "../ratecard/types.js";
import { cardVersions } from "../ratecard/versions.js";
import { decodeYaml } from "../yaml/codec.js";
import { testsCodec, type CaseDocument, type TestsDocument } from "./schema.js";

const TESTS_SUFFIX = /\.tests\.ya?ml$/;

/** `ratecards/*.yaml` matches both cards and their tests files; the name tells them apart. */
export function isTestsFile(file: string): boolean {
  return TESTS_SUFFIX.test(file);
}

/** `fliplet.yaml` keeps its expectations in `fliplet.tests.yaml`. */
export function testsFileFor(cardFile: string): string {
  return cardFile.replace(/\.ya?ml$/, "") + ".tests.yaml";
}

export interface Suite {
  file: string;
  doc: TestsDocument;
  at(path: readonly (string | number)[]): Location;
  /**
   * The card under test: `card:` in the file, else NAME.yaml beside NAME.tests.yaml; the card given with `--tests`
   * over both. Several files are versions of one provider's card, as `--card` given more than once.
   */
  cardFiles: string[];
}

/**
 * A tests file read. `card`: the card its cases are priced by in place of the one the file names (`check` or `test`
 * CARD `--tests FILE`): a CI job checks a card's next version, a copy elsewhere, against the expectations kept beside
 * the card it replaces. A case's own `card:` stays its own where it names other versions, which that case prices on
 * purpose; where it names the file's own card, the card given prices it.
 */
export function loadSuite(file: string, card?: string): Suite {
  const decoded = decodeYaml(readText(file), file, testsCodec, "a tests file");
  const doc = decoded.value;
  // A case is named in reports, GitHub annotations and --case: two of one name could not be told apart (newcomer58b L5).
  // Alike as shown: a trailing space, a zero-width character or another Unicode form of the same letters print alike (red58b F12).
  const seen = new Map<string, number>();
  doc.cases.forEach((c, i) => {
    const shownAs = c.name.normalize("NFC").replace(/[\p{Cf}]/gu, "").trim();
    const first = seen.get(shownAs);
    if (first !== undefined) {
      const alike = doc.cases[first]!.name === c.name ? "" : `, written otherwise but shown alike: ${shown(doc.cases[first]!.name)}`;
      throw new UserError(`two cases named ${shown(c.name)}`, decoded.at(["cases", i, "name"]), `a name of its own for each case (case ${first + 1} has this one${alike})`, shown(c.name));
    }
    seen.set(shownAs, i);
  });
  const cardFiles = doc.card !== undefined ? doc.card.map((c) => relativeTo(file, c)) : [file.replace(TESTS_SUFFIX, ".yaml")];
  if (card === undefined) return { file, doc, at: decoded.at, cardFiles };
  // A case whose own card: is the file's own card is priced by the card given: named so case by case, it was priced by
  // the card it replaces, and a next version's CI passed without pricing it (red69b M2).
  const own = new Set(cardFiles.map((f) => resolve(f)));
  const isOwn = (files: readonly string[]) => files.length === own.size && files.every((c) => own.has(resolve(relativeTo(file, c))));
  const cases = doc.cases.map((c) => (c.card !== undefined && isOwn(c.card) ? { ...c, card: undefined } : c));
  return { file, doc: { ...doc, card: undefined, cases }, at: decoded.at, cardFiles: [card] };
}

/** The card files a case is priced by: its own `card:`, else the suite's. */
export function caseCardFiles(suite: Suite, index: number): string[] {
  const own = suite.doc.cases[index]!.card;
  return own === undefined ? suite.cardFiles : own.map((c) => relativeTo(suite.file, c));
}

/**
 * One card, or the versions of one provider's card, read from their files. A file that is not there is
 * the mistake of the `card:` that names it, when one does (`named`): said there, not at the file's 1:1.
 */
export function loadCards(files: readonly string[], named?: Location): RateCard {
  return cardVersions(files.map((file) => {
    if (named !== undefined && !existsSync(file)) throw new UserError("no such card file", named, "a rate card relative to the tests file", shown(file));
    return loadCard(file);
  }));
}

/** Where the tests file names the card of a case (its own `card:`), or of every case (`card:` at the top); undefined for the card beside it. */
export function cardNamedAt(suite: Suite, index?: number): Location | undefined {
  if (index !== undefined && suite.doc.cases[index]!.card !== undefined) return suite.at(["cases", index, "card"]);
  return suite.doc.card === undefined ? undefined : suite.at(["card"]);
}

/** Paths in a tests file are relative to it, kept relative to where burnrate runs so messages stay short. */
export function relativeTo(file: string, path: string): string {
  const joined = resolve(dirname(file), path);
  const cwd = process.cwd();
  return joined.startsWith(`${cwd}/`) ? joined.slice(cwd.length + 1) : joined;
}

/**
 * The case's account: a file beside the tests, or written inline (its errors then point into the tests file),
 * with the case's own `changes:` after the account's.
 */
export function caseAccount(suite: Suite, index: number): AccountFile | undefined {
  const c = suite.doc.cases[index]!;
  const account = accountOf(suite, index);
  if (c.changes === undefined) return account;
  const own = account?.doc.changes ?? [];
  return {
    file: account?.file ?? suite.file,
    doc: { ...account?.doc, changes: [...own, ...c.changes] },
    at: (path) => {
      const [key, i, ...rest] = path;
      if (key === "changes" && typeof i === "number" && i >= own.length) return suite.at(["cases", index, "changes", i - own.length, ...rest]);
      return account ? account.at(path) : suite.at(["cases", index, ...path]);
    },
  };
}

function accountOf(suite: Suite, index: number): AccountFile | undefined {
  const account = suite.doc.cases[index]!.account;
  if (account === undefined) return undefined;
  if (typeof account === "string") {
    const file = relativeTo(suite.file, account);
    if (!existsSync(file)) throw new UserError("no such account file", suite.at(["cases", index, "account"]), "an account file relative to the tests file, or the account written inline", shown(file));
    return loadAccount(file);
  }
  return { file: suite.file, doc: account, at: (path) => suite.at(["cases", index, "account", ...path]) };
}

export function caseUsage(suite: Suite, c: CaseDocument): string[] {
  return (c.usage ?? []).map((u) => relativeTo(suite.file, u));
}

/**
 * How a case's usage value that names no file reads as rows written inline (`usage: |` and the CSV
 * below it, a natural first guess): "text of N lines" where it holds more than one line, else
 * undefined (a path, perhaps with a block scalar's trailing newline, is a path that is not there).
 */
export function inlineRows(value: string): string | undefined {
  const lines = value.trimEnd().split(/\r\n|\r|\n/).length;
  return lines > 1 ? `text of ${lines} lines` : undefined;
}

/** What a case's inline rows are refused as, by test (the case cannot run) and check (an error of the tests file). */
export const INLINE_ROWS = { problem: "usage is a path, not CSV text", expected: "a usage file, folder or quoted glob, relative to the tests file (write the rows to a file beside it)" };

/**
 * The tests file that holds a card's expectations: NAME.tests.yaml beside it, else a tests file beside it whose
 * `card:` (or a case's) names it, as a new version's tests name the versions they price (`card: [fliplet.yaml,
 * fliplet-2027-01.yaml]`); NAME.tests.yaml, to be written, when none does. The earlier version was warned of
 * having no tests while a version's file tested it (newcomer, stop 35).
 */
export function coveringTestsFile(cardFile: string): string {
  const beside = testsFileFor(cardFile);
  if (existsSync(beside)) return beside;
  const card = resolve(cardFile);
  const folder = dirname(cardFile);
  for (const name of readdirSync(folder).filter((n) => isTestsFile(n)).sort()) {
    const file = join(folder, name);
    try {
      const suite = loadSuite(file);
      const named = [...suite.cardFiles, ...suite.doc.cases.flatMap((_, i) => caseCardFiles(suite, i))];
      if (named.some((f) => resolve(f) === card)) return file;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
    }
  }
  return beside;
}

/**
 * The one card `--tests FILE` is the tests file of (given beside it on the command line, as it may be, it is that
 * card's tests, not a card of its own). Several cards, or none, are refused at the flag: its cases would be priced by
 * the wrong one.
 */
export function testedCard(files: readonly string[], tests: string): string {
  for (const file of [...files, tests]) notStandardInput(file);
  if (!existsSync(tests)) throw new UserError("cannot read file: ENOENT", { file: tests, line: 1, column: 1 }, "an existing tests file", "no such file");
  const cards = distinctFiles(files).filter((f) => samePath(f) !== samePath(tests));
  if (cards.length === 1 && !isTestsFile(cards[0]!)) return cards[0]!;
  const found = cards.length === 0 ? "no card" : cards.length === 1 ? `a tests file, ${cards[0]!}` : `${cards.length} files: ${cards.slice(0, 3).join(", ")}${cards.length > 3 ? ", ..." : ""}`;
  throw new UserError("a tests file given with --tests is the expectations of one card", atFlag("--tests"), "one rate card beside --tests FILE, the card its cases are priced by", found);
}

/**
 * The files given, each once however spelled (`next.yaml ./next.yaml`), by its first spelling: compared as spelled, the
 * same card beside --tests was refused as two, and without it checked or tested twice (red69b L3).
 */
export function distinctFiles(files: readonly string[]): string[] {
  const byPath = new Map<string, string>();
  for (const file of files) {
    const kept = byPath.get(samePath(file));
    // The file's own name over a link's (red70c M1: `link.yaml flowly.yaml` kept the link, whose name no tests file
    // covers, and flowly's tests were passed over): where it is first, it stays in the first one's place.
    if (kept === undefined || (isLink(kept) && !isLink(file))) byPath.set(samePath(file), file);
  }
  return [...byPath.values()];
}

function isLink(file: string): boolean {
  return samePath(file) !== resolve(file);
}

/** A file's path with its links followed (red70b #6: a link to the card beside it was two cards); as spelled where it is not there to follow, which its reading then says. */
function samePath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}

/**
 * `-` given to check or test as a card or a tests file: both are read from files, whose paths the tests' usage and
 * cards are relative to. Piped in, a card was read once for each case, and the second read found nothing: "-:1:1:
 * empty file" (red69b M3); without --tests, "cannot read file: ENOENT".
 */
export function notStandardInput(file: string): void {
  if (file === "-") throw new UserError("a rate card or tests file on standard input", { file: "-", line: 1, column: 1 }, "a card and its tests as files, their cases' paths relative to them: a piped card written to a file first (git show HEAD:card.yaml > next.yaml)", "-");
}
