import { readFileSync } from "node:fs";
import { Argument, Command, CommanderError, Option } from "commander";
import { atFlag, Finding, shown, UserError } from "./errors.js";
import { checkUsage, dedupeWindow, failOverPercent, gateLimit, maxLateness, sampleCount, tolerance } from "./flags.js";
import type { Io } from "./io.js";
import { unreadCardOf } from "./unread-cards.js";
import { LAYOUT_NAMES } from "./usage/layouts.js";
import { endWarm } from "./usage/scan-thread.js";
import { readEarly } from "./usage/early-screen.js";
import { REPORT_FORMATS } from "./render/shared/report-format.js";
import { FORMATS, WITH_HTML } from "./render/shared/format.js";
import { visibleLines } from "./render/shared/escape.js";

const collect = (value: string, previous: string[]) => [...previous, value];
/** A card flag given more than once: versions of one provider's card, never the last one silently. */
const versions = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

// The options several commands share, declared once each.

function outputOption(): Option {
  return new Option("-o, --output <file>", "write to FILE atomically instead of stdout (- for stdout)");
}

function formatOption(formats: readonly string[], about = "default: from -o's extension, else table on a terminal, JSON in a pipe"): Option {
  return new Option("--format <format>", about).choices(formats);
}

function bomOption(): Option {
  return new Option("--bom", "start CSV output with a byte-order mark (for Excel)");
}

/**
 * Every command takes it, so that a pipeline can pass it to each: statement, reconcile, diff and
 * simulate have a line to hide, the others show none.
 */
function noProgressOption(): Option {
  return new Option("--no-progress", "no progress line on standard error (drawn only on a terminal, and not when CI is set)");
}

function noColorOption(): Option {
  return new Option("--no-color", "no colour, even on a terminal");
}

/** `check` and `test` print their report unless told otherwise (see reportFormat). */
const REPORT_FORMAT_ABOUT = "github gives annotations for GitHub Actions; default table, or from -o's extension";
const HTML_ABOUT = "html is a self-contained report with charts; default: from -o's extension, else table on a terminal, JSON in a pipe";

/**
 * The inputs every replaying command shares: a card, usage and its layout, and an
 * account with its command-line overrides. `usage` says whether standard input works.
 */
function replayInputs(command: Command, card: string, usage: string): Command {
  return command
    .option("--card <file>", `${card}; repeat it for versions of one provider's card (each priced from its effective:)`, versions)
    .option("--usage <file...>", usage, collect, [])
    .option("--account <file>", "account YAML: plan, anchor, time zone, grants")
    .option("--plan <key>", "plan key (overrides the account file)")
    .option("--anchor <date>", "first cycle start, a date or an instant (overrides the account file)")
    .option("--timezone <tz>", "IANA time zone (overrides the account file)")
    .option("--through <date>", "run through the cycle holding this date, even if it has no usage")
    .option("--skip-before-anchor", "leave out usage rows before the first cycle (a month exported in UTC starts hours before a western account's), counted in a note; by default they stop the run")
    .option("--dedupe-window <duration>", "remember an event_id this long (30s, 15m, 24h, 7d) from its first row, not for the whole log: bounded memory", dedupeWindow)
    .option("--mapping <file>", "column mapping YAML for another usage layout")
    .option("--layout <name>", `a known export's layout: ${LAYOUT_NAMES.join(", ")}`)
    .option("--map <canonical=source>", "map a usage column, repeatable: CANONICAL=SOURCE, dim:NAME=SOURCE, meter:KEY=VALUE, meter:KEY, ignore:SOURCE, skip:SOURCE=VALUE[,VALUE], value:DIMENSION:VALUE=EXPORTED", collect, [])
    .option("--max-lateness <duration>", "how much earlier than the rows before it a usage row may come and still stream in time order, such as 10m, 6h or 2d; later rows make the whole log be sorted on disk, or without this flag (1d) read again with its rows held as late as they come where the buffer holds them (logs the row scanner reads; other logs are sorted at their first row out of order)", maxLateness);
}

/** The command line, with each command's work in a lazily imported src/commands/NAME.ts that writes through `io`. */
function program(io: Io): Command {
  const cli = new Command("burnrate")
    .description("Replay credit-based pricing: statements, projections and bill checks from YAML rate cards and CSV usage logs")
    .version(VERSION)
    // A hint, not the command's page of help: the error above it is the line to read.
    .showHelpAfterError("(add --help for the command's options)")
    .exitOverride();

  replayInputs(
    cli.command("statement").description("per-cycle statements for each account: charges, credits used, thresholds, rejections"),
    "rate card YAML (default: the account file's card:)",
    "usage files, folders or quoted globs (CSV, gzip, JSON Lines, Parquet), repeatable, - for standard input",
  )
    .addOption(formatOption(WITH_HTML, HTML_ABOUT))
    .addOption(outputOption())
    .option("--ledger", "every transaction with a running balance, instead of the statement")
    .option("--cycle <date>", "show only the cycle holding DATE, the cycles of a MONTH (2026-11, Nov 2026), or the cycles FROM..THROUGH; the replay still starts at the anchor, so balances are carried")
    .option("--no-chart", "no burn-down and bar charts under the table on a terminal")
    .option("--strict", "warnings fail the run (exit 1) once the report, which lists them, is written")
    .addOption(bomOption())
    .addOption(noColorOption())
    .action(async (options) => {
      options.usage = checkUsage(options.usage, { allowed: true });
      readEarly(options.usage);
      const { statement } = await import("./commands/statement.js");
      await statement(options, io);
    });

  cli
    .command("check")
    .description("validate and lint rate cards (and the NAME.tests.yaml beside them), with file:line:column and a fix for each finding")
    .argument("<files...>", "rate cards; a NAME.tests.yaml is checked as the expectations of its card")
    .addOption(formatOption(REPORT_FORMATS, REPORT_FORMAT_ABOUT))
    .addOption(outputOption())
    .option("--strict", "warnings fail the check too")
    .option("--tests <file>", "the tests file of the one card given, in place of NAME.tests.yaml beside it: a card's next version checked away from its tests")
    .addOption(noColorOption())
    .action(async (files: string[], options) => {
      const { check } = await import("./commands/check.js");
      await check(files, options, io);
    });

  cli
    .command("test")
    .description("run the expectations kept beside each card (NAME.tests.yaml); ends with \"N passed, N failed\"")
    .argument("<files...>", "rate cards or their NAME.tests.yaml files")
    .addOption(formatOption(REPORT_FORMATS, REPORT_FORMAT_ABOUT))
    .addOption(outputOption())
    .option("--case <text>", "run only the cases whose name contains TEXT (in any case)")
    .option("--require-tests", "a card without a tests file fails")
    .option("--tests <file>", "the tests file of the one card given, its cases priced by that card: a card's next version tested away from its tests")
    .addOption(noColorOption())
    .action(async (files: string[], options) => {
      const { test } = await import("./commands/test.js");
      await test(files, options, io);
    });

  replayInputs(
    cli
      .command("diff")
      .description("replay one usage log through two versions of a card and show the change per meter, account, cycle and in total")
      .requiredOption("--base <file>", "the card before the change; repeat it for a set of versions", versions),
    "the card after the change (default: the account file's card:)",
    "usage files, folders or quoted globs, repeatable (read once per card, so not standard input)",
  )
    .option("--fail-over <percent>", "exit 1 when the total credits, the total money or the credits drawn from paid grants rise by more than PERCENT", failOverPercent)
    .option("--fail-over-meter <percent>", "exit 1 when any meter's amount, money item or paid credits drawn, in any cycle and account, rises by more than PERCENT (a rise from 0 counts)", gateLimit("--fail-over-meter"))
    .option("--fail-over-amount <credits>", "exit 1 when any meter's amount or paid credits drawn, in any cycle and account, rises by more than CREDITS, or a money item by more than their worth at the credit price", gateLimit("--fail-over-amount"))
    .option("--fail-under-meter <percent>", "exit 1 when any meter's amount, money item or paid credits drawn, in any cycle and account, falls by more than PERCENT", gateLimit("--fail-under-meter"))
    .option("--fail-under-amount <credits>", "exit 1 when any meter's amount or paid credits drawn, in any cycle and account, falls by more than CREDITS, or a money item by more than their worth", gateLimit("--fail-under-amount"))
    .option("--fail-over-line <percent>", "exit 1 when any priced line (meter, component and the dimension values it is priced by) costs more than PERCENT more over the whole usage (a rise from 0 counts)", gateLimit("--fail-over-line"))
    .option("--strict", "every warning fails the run (exit 1), as a gate's finding does")
    .option("--fail-on-unmeasured", "exit 1 when a price rises that the usage never exercises (a line it never priced, a plan none of its cycles is on, an overage or credits it never pays), which no other gate can measure (fail closed)")
    .option("--cycle <date>", "compare only the cycle holding DATE, the cycles of a MONTH (2026-11, Nov 2026), or the cycles FROM..THROUGH; both replays still start at the anchor")
    .addOption(formatOption(FORMATS))
    .addOption(outputOption())
    .addOption(bomOption())
    .addOption(noColorOption())
    .action(async (options) => {
      options.usage = checkUsage(options.usage, { allowed: false, command: "diff", why: "it is replayed once per card" });
      readEarly(options.usage);
      const { diff } = await import("./commands/diff.js");
      await diff(options, io);
    });

  cli
    .command("schema")
    .description("print a JSON Schema (inputs: ratecard, account, ...; outputs: statement, diff, ...); without a name, list them")
    .argument("[name]", "which schema")
    .addOption(outputOption())
    .option("--write <dir>", "write every schema as DIR/NAME.schema.json")
    .action(async (name: string | undefined, options) => {
      if (options.write !== undefined && name !== undefined) throw new UserError("a name and --write", atFlag("--write"), "either NAME or --write DIR", shown(name));
      const { schema } = await import("./commands/schema.js");
      await schema(name, options, io);
    });

  replayInputs(
    cli
      .command("reconcile")
      .description("explain a provider's bill line by line against the statement computed from the usage; exit 1 when anything is unexplained or over tolerance"),
    "rate card YAML (default: the account file's card:)",
    "usage files, folders or quoted globs, repeatable (may be read twice, so not standard input)",
  )
    .requiredOption("--bill <file>", "the provider's bill CSV (canonical layout, or mapped)")
    .option("--bill-mapping <file>", "bill mapping YAML (default: BILL.csv.mapping.yaml beside the bill, when present)")
    .option("--bill-layout <layout>", "canonical (one line per cycle and activity), ledger (one row per transaction) or focus (a FOCUS cost and usage export)")
    .option("--bill-map <canonical=source>", "map a bill column, repeatable: CANONICAL=SOURCE, or value:DIMENSION:VALUE=EXPORTED for a cell value", collect, [])
    .option("--tolerance <credits>", "accept differences up to this many credits per line (default 0)", tolerance("--tolerance"))
    .option("--tolerance-percent <pct>", "accept differences up to this percent of the billed line (default 0)", tolerance("--tolerance-percent"))
    .option("--all-lines", "list every line with its status (agrees, differs, only on bill, only in usage), not only the differences")
    .option("--every-account", "a bill that invoices every account: an account charged credits in its cycles that it names no line of needs attention (exit 1)")
    .option("--strict", "warnings fail the run (exit 1), as findings do")
    .addOption(formatOption(WITH_HTML, HTML_ABOUT))
    .addOption(outputOption())
    .addOption(bomOption())
    .addOption(noColorOption())
    .action(async (options) => {
      options.usage = checkUsage(options.usage, { allowed: false, command: "reconcile", why: "a boundary check reads it again" });
      readEarly(options.usage);
      const { reconcileCommand } = await import("./commands/reconcile.js");
      await reconcileCommand(options, io);
    });

  cli
    .command("simulate")
    .description("projected spend for a scenario: credits per cycle, when the allowance runs out, top-ups and money; compare plans")
    .argument("<scenario>", "scenario YAML")
    .option("--card <file>", "rate card YAML (default: the scenario's card:); repeat it for versions of one provider's card", versions)
    .option("--plan <key>", "plan key (overrides the scenario)")
    .option("--compare-plans", "price every plan of the card and name the cheapest")
    .option("--samples <n>", "draw per-user behaviour N times and report p50 and p90", sampleCount)
    .option("--seed <text>", "seed for --samples, any text taken as written: the same seed gives the same output (default 1)")
    .option("--emit-usage <dir>", "write DIR/usage.csv and DIR/account.yaml for burnrate statement")
    .option("--force", "with --emit-usage: replace the usage.csv and account.yaml already in DIR")
    .addOption(new Option("--no-chart").hideHelp())
    .addOption(formatOption(WITH_HTML, HTML_ABOUT))
    .addOption(outputOption())
    .addOption(bomOption())
    .addOption(noColorOption())
    .action(async (scenario: string, options) => {
      if (options.seed !== undefined && options.samples === undefined) throw new UserError("--seed without --samples", atFlag("--seed"), "--samples N with it", "no --samples");
      const { simulate } = await import("./commands/simulate.js");
      await simulate(scenario, options, io);
    });

  cli
    .command("completion")
    .description("print a completion script for the shell, made from burnrate's own commands and options")
    .addArgument(new Argument("<shell>", "the shell").choices(["bash", "zsh", "fish"]))
    .action(async (shell) => {
      const { completion } = await import("./commands/completion.js");
      await completion(shell, cli, io);
    });

  for (const command of cli.commands) command.addOption(noProgressOption());
  // Before the command too (`burnrate --no-progress statement ...`, as a pipeline may write it once for
  // every call): it was "unknown option" and a page of help. Hidden, so help and completion list it once.
  cli.addOption(noProgressOption().hideHelp());
  return cli;
}

/**
 * Run burnrate with these arguments (without `node` and the script) and streams,
 * and give the exit code: 0 done, 1 a finding, 2 bad input or usage (or a bug).
 * Importing this module runs nothing; src/main.ts runs it for the process.
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const cli = program(io);
  // Commander's own usage errors (unknown option, missing argument) get the same
  // "burnrate: error: " prefix as every other error; the exit code is 2 below.
  const output = {
    writeOut: (str: string) => void io.stdout.write(str),
    writeErr: (str: string) => void io.stderr.write(str),
    outputError: (str: string, write: (s: string) => void) => write(visibleLines(str.startsWith("error: ") ? `burnrate: ${str}` : str)),
    getOutHelpWidth: () => io.stdoutTerminal?.columns ?? 80,
    getErrHelpWidth: () => io.stderrTerminal?.columns ?? 80,
    getOutHasColors: () => false,
    getErrHasColors: () => false,
  };
  for (const command of [cli, ...cli.commands]) command.configureOutput(output);
  for (const command of cli.commands) refuseRepeats(command);
  cli.hook("preAction", (_cli, command) => {
    // Commander gives an option the program knows to the program, wherever it stands: the command is told.
    if (cli.opts().progress === false) command.setOptionValue("progress", false);
    refuseEmptyPaths(command);
    // `-o -` is the shell's usual name for standard output; written as a path it made a file called "-".
    if (command.getOptionValue("output") === "-") command.setOptionValue("output", undefined);
  });
  try {
    await cli.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    // Messages quote the data (file names, values, labels): no control character in it reaches the terminal raw.
    if (e instanceof Finding) {
      io.stderr.write(`burnrate: ${visibleLines(e.message)}\n`);
      return 1;
    }
    if (e instanceof UserError) {
      const told = await asOtherKind(e);
      io.stderr.write(`${visibleLines(told.message).split("\n").map((l) => `burnrate: error: ${l}`).join("\n")}\n`);
      return 2;
    }
    io.stderr.write(`burnrate: internal error (a bug, please report it):\n${visibleLines((e as Error)?.stack ?? String(e))}\n`);
    return 2;
  } finally {
    await endWarm();
  }
}

/** A card that did not load, told as the other of burnrate's inputs it is, where it is one (unread-cards.ts). */
async function asOtherKind(e: UserError): Promise<UserError> {
  const card = unreadCardOf(e);
  if (card === undefined) return e;
  const { notACard } = await import("./lint/file-kind.js");
  return notACard(card.source, card.file, "") ?? e;
}

/**
 * A flag that takes one value, given twice with two values (`--format json ... --format csv`, as a
 * pipeline that appends its own may write it), is refused at the flag: the last one used to win without
 * a word. The same value twice says nothing new and is taken. Flags that collect their values
 * (`--usage`, `--map`, `--bill-map`, `--card` and `--base` for versions of a card) take every one.
 */
function refuseRepeats(command: Command): void {
  for (const option of command.options) {
    if (!(option.required || option.optional) || option.variadic || option.parseArg === collect || option.parseArg === versions) continue;
    const flag = option.short && option.long ? `${option.short}/${option.long}` : (option.long ?? option.flags);
    let first: string | undefined;
    command.on(`option:${option.name()}`, (value: string) => {
      if (first === undefined) first = value;
      else if (value !== first) throw new UserError("given twice, with two values", atFlag(flag), "one value: the flag is not repeatable", `${shown(first)} and ${shown(value)}`);
    });
  }
}

/**
 * An empty path (`--card ""`, an unset shell variable) is refused at its flag: read as a file it would
 * give "cannot read file" at a location with no name, which says neither which flag nor what is wrong.
 */
function refuseEmptyPaths(command: Command): void {
  const values = command.opts() as Record<string, unknown>;
  for (const option of command.options) {
    if (!/<(file|dir)(\.\.\.)?>/.test(option.flags)) continue;
    const value = values[option.attributeName()];
    if (value === "" || (Array.isArray(value) && value.includes(""))) {
      throw new UserError(`empty ${option.long ?? option.flags} path`, atFlag(option.long ?? option.flags), "a file name", '""');
    }
  }
  const names = command.registeredArguments.map((a) => a.name());
  command.args.forEach((arg, i) => {
    if (arg === "") throw new UserError("empty path", atFlag(`<${names[Math.min(i, names.length - 1)] ?? "file"}>`), "a file name", '""');
  });
}
