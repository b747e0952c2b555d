import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { binary, burnrate, ROOT, type Run } from "./helpers/cli.js";

// SPEC 3: every command shares one error format and one exit-code policy. Bad input and
// bad usage exit 2 with "burnrate: error: ..." on stderr, nothing on stdout and no stack
// trace; commander's own usage errors (unknown option, missing argument, bad choice) too.
// The cases run in process, through run(argv, io), whose exit code is the one bin/burnrate's
// process takes (a spawn costs about half a CPU second, times some forty cases); the cases
// marked `binary` run the built binary too, one of each way an error ends the run (commander's
// own usage errors, a file that cannot be read, a flag's bad value), and must give the same
// bytes and exit code there as in process.
const CARD = "ratecards/fliplet.yaml";
const USAGE = "fixtures/fliplet/usage.csv";
const ACCOUNT = "fixtures/fliplet/account.yaml";
const BILL = "fixtures/reconcile/bill-clean.csv";
const SCENARIO = "fixtures/scenarios/fliplet/email-1000.yaml";

interface Case {
  name: string;
  args: string[];
  /** The first line of stderr, after "burnrate: error: ". */
  says: RegExp;
  /** Also run through the built binary, which must give what run() gave. */
  binary?: boolean;
}

const perCommand: Record<string, { missingFile: string[]; unknownFormat?: string[]; ok: string[] }> = {
  statement: { missingFile: ["statement", "--card", CARD, "--plan", "pro", "--usage", "nope.csv"], unknownFormat: ["statement", "--account", ACCOUNT, "--usage", USAGE, "--format", "xml"], ok: ["statement", "--account", ACCOUNT, "--usage", USAGE] },
  simulate: { missingFile: ["simulate", "nope.yaml"], unknownFormat: ["simulate", SCENARIO, "--format", "xml"], ok: ["simulate", SCENARIO] },
  reconcile: { missingFile: ["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", "fixtures/reconcile/usage.csv", "--bill", "nope.csv"], unknownFormat: ["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", "fixtures/reconcile/usage.csv", "--bill", BILL, "--format", "xml"], ok: ["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", "fixtures/reconcile/usage.csv", "--bill", BILL] },
  check: { missingFile: ["check", "nope.yaml"], unknownFormat: ["check", CARD, "--format", "xml"], ok: ["check", CARD] },
  test: { missingFile: ["test", "nope.yaml"], unknownFormat: ["test", CARD, "--format", "xml"], ok: ["test", CARD] },
  diff: { missingFile: ["diff", "--base", "nope.yaml", "--card", CARD, "--account", ACCOUNT, "--usage", USAGE], unknownFormat: ["diff", "--base", CARD, "--card", CARD, "--account", ACCOUNT, "--usage", USAGE, "--format", "xml"], ok: ["diff", "--base", CARD, "--card", CARD, "--account", ACCOUNT, "--usage", USAGE] },
  schema: { missingFile: ["schema", "nope"], ok: ["schema", "ratecard"] },
};

const cases: Case[] = [];
for (const [command, c] of Object.entries(perCommand)) {
  cases.push({ name: `${command}: missing file`, args: c.missingFile, binary: command === "statement" || command === "schema", says: command === "schema" ? /unknown schema "nope"/ : /nope\.(csv|yaml):1:1: cannot read file: ENOENT \(expected an existing[^)]*, found no such file\)/ });
  if (c.unknownFormat) cases.push({ name: `${command}: unknown format`, args: c.unknownFormat, says: /xml|format/ });
  cases.push({ name: `${command}: unknown option`, args: [...c.ok, "--bogus"], says: /^unknown option '--bogus'/ });
}
cases.push(
  { name: "unknown command", binary: true, args: ["nope"], says: /^unknown command 'nope'/ },
  { name: "simulate: missing argument", binary: true, args: ["simulate"], says: /^missing required argument 'scenario'/ },
  { name: "statement: option missing its value", binary: true, args: ["statement", "--usage"], says: /^option '--usage <file\.\.\.>' argument missing/ },
  { name: "statement: no usage", args: ["statement", "--card", CARD, "--plan", "pro"], says: /^--usage: no usage \(expected --usage FILE, found none\)/ },
  { name: "statement: no card", args: ["statement", "--usage", USAGE, "--plan", "pro"], says: /^--card: no rate card \(expected --card FILE, or card: in the account file, found neither\)/ },
  { name: "statement: bad --anchor", binary: true, args: ["statement", "--account", ACCOUNT, "--usage", USAGE, "--anchor", "2026-02-30"], says: /^--anchor: no such date \(expected a calendar date, found "2026-02-30"\)/ },
  { name: "statement: bad --timezone", args: ["statement", "--account", ACCOUNT, "--usage", USAGE, "--timezone", "Mars/Base"], says: /^--timezone: .*\(expected .*, found "Mars\/Base"\)/ },
  { name: "reconcile: no bill", args: ["reconcile", "--account", ACCOUNT, "--usage", USAGE], says: /^required option '--bill <file>' not specified/ },
  { name: "reconcile: bad --tolerance", args: ["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", "fixtures/reconcile/usage.csv", "--bill", BILL, "--tolerance", "1e3"], says: /^--tolerance: .*\(expected .*, found "1e3"\)/ },
  { name: "diff: bad --fail-over", args: ["diff", "--base", CARD, "--card", CARD, "--account", ACCOUNT, "--usage", USAGE, "--fail-over", "abc"], says: /^--fail-over: .*\(expected .*, found "abc"\)/ },
  { name: "simulate: bad --samples", args: ["simulate", SCENARIO, "--samples", "-1"], says: /samples/ },
  { name: "check: a directory", binary: true, args: ["check", "fixtures"], says: /fixtures:1:1: .*directory/ },
  { name: "check: no card", args: ["check"], says: /^missing required argument 'files'/ },
  { name: "diff: no base card", args: ["diff", "--card", CARD, "--account", ACCOUNT, "--usage", USAGE], says: /^required option '--base <file>' not specified/ },
  { name: "diff: usage from standard input", binary: true, args: ["diff", "--base", CARD, "--account", ACCOUNT, "--usage", "-"], says: /^--usage: diff cannot read usage from standard input \(expected a usage file \(it is replayed once per card\), found -\)/ },
  { name: "reconcile: no usage", args: ["reconcile", "--account", ACCOUNT, "--bill", BILL], says: /^--usage: no usage \(expected --usage FILE, found none\)/ },
  { name: "simulate: --seed without --samples", args: ["simulate", SCENARIO, "--seed", "3"], says: /^--seed: --seed without --samples/ },
  { name: "schema: a name and --write", args: ["schema", "ratecard", "--write", "schema"], says: /^--write: a name and --write \(expected either NAME or --write DIR, found "ratecard"\)/ },
);

describe("a usage error of the command line", () => {
  it("ends with a hint to --help, not the command's page of help", () => {
    const run = binary(["statement", "--acount", ACCOUNT]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("burnrate: error: unknown option '--acount'\n(Did you mean --account?)\n(add --help for the command's options)\n");
  });
});

describe("one error format, one exit code", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const run: Run = await burnrate(c.args);
      if (c.binary) expect(binary(c.args)).toEqual(run);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe("");
      const first = run.stderr.split("\n")[0]!;
      expect(first).toMatch(/^burnrate: error: /);
      expect(first.slice("burnrate: error: ".length)).toMatch(c.says);
      expect(run.stderr).not.toMatch(/\n\s+at |internal error|Error:/);
    });
  }

  it("help and version exit 0; the version is package.json's", () => {
    const version = binary(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toBe(`${JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version}\n`);
    expect(binary(["statement", "--help"]).code).toBe(0);
  });

  it("a finding exits 1 with its message on stderr, not prefixed as an error", () => {
    const run = binary(["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", "fixtures/reconcile/usage.csv", "--bill", "fixtures/reconcile/bill-rate-drift.csv"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^burnrate: (?!error: )/);
  });
});
