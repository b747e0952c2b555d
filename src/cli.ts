import { Command, CommanderError, Option } from "commander";
import { Finding, UserError } from "./errors.js";

const collect = (value: string, previous: string[]) => [...previous, value];
/** A card flag given more than once: versions of one provider's card, never the last one silently. */
const versions = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function formatOption(formats = "table, json, csv or markdown"): Option {
  return new Option("--format <format>", `${formats} (default: from -o's extension, else table on a terminal, JSON in a pipe)`);
}

/**
 * The inputs every replaying command shares: a card, usage and its layout, and an
 * account with its command-line overrides. `usage` says whether standard input works.
 */
function replayInputs(command: Command, card: string, usage: string): Command {
  return command
    .option("--card <file>", `${card}; repeat it for versions of one provider's card (each priced from its effective:)`, versions)
    .option("--usage <file>", usage, collect, [])
    .option("--account <file>", "account YAML: plan, anchor, time zone, grants")
    .option("--plan <key>", "plan key (overrides the account file)")
    .option("--anchor <date>", "first cycle start, a date or an instant (overrides the account file)")
    .option("--timezone <tz>", "IANA time zone (overrides the account file)")
    .option("--through <date>", "run through the cycle holding this date, even if it has no usage")
    .option("--mapping <file>", "column mapping YAML for another usage layout")
    .option("--map <canonical=source>", "map one canonical usage column to a source column, repeatable", collect, []);
}

export function program(): Command {
  const cli = new Command("burnrate")
    .description("Replay credit-based pricing: statements, projections and bill checks from YAML rate cards and CSV usage logs")
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();

  replayInputs(
    cli.command("statement").description("per-cycle statements for each account: charges, credits used, thresholds, rejections"),
    "rate card YAML (default: the account file's card:)",
    "usage CSV, repeatable, - for standard input",
  )
    .addOption(formatOption("table, json, csv, markdown or html (a self-contained report with charts)"))
    .option("-o, --output <file>", "write to FILE atomically instead of stdout")
    .option("--ledger", "every transaction with a running balance, instead of the statement")
    .option("--no-chart", "no burn-down and bar charts under the table on a terminal")
    .option("--bom", "start CSV output with a byte-order mark (for Excel)")
    .option("--no-color", "no colour, even on a terminal")
    .action(async (options) => {
      if (options.usage.length === 0) throw new UserError("no usage", { file: "<command line>", line: 1, column: 1 }, "--usage FILE", "none");
      const { statement } = await import("./commands/statement.js");
      await statement(options);
    });

  // Each command registers below: options here, work in a lazily imported src/commands/NAME.ts.

  cli
    .command("check")
    .description("validate and lint rate cards (and the NAME.tests.yaml beside them), with file:line:column and a fix for each finding")
    .argument("[files...]", "rate cards; a NAME.tests.yaml is checked as the expectations of its card")
    .addOption(new Option("--format <format>", "table, json, markdown or github (annotations for GitHub Actions); default table").choices(["table", "json", "markdown", "github"]))
    .option("-o, --output <file>", "write to FILE atomically instead of stdout")
    .option("--strict", "warnings fail the check too")
    .option("--no-color", "no colour, even on a terminal")
    .action(async (files: string[], options) => {
      const { check } = await import("./commands/check.js");
      await check(files, options);
    });

  cli
    .command("test")
    .description("run the expectations kept beside each card (NAME.tests.yaml); ends with \"N passed, N failed\"")
    .argument("[files...]", "rate cards or their NAME.tests.yaml files")
    .addOption(new Option("--format <format>", "table, json, markdown or github (annotations for GitHub Actions); default table").choices(["table", "json", "markdown", "github"]))
    .option("-o, --output <file>", "write to FILE atomically instead of stdout")
    .option("--case <text>", "run only the cases whose name contains TEXT")
    .option("--require-tests", "a card without a tests file fails")
    .option("--no-color", "no colour, even on a terminal")
    .action(async (files: string[], options) => {
      const { test } = await import("./commands/test.js");
      await test(files, options);
    });

  replayInputs(
    cli
      .command("diff")
      .description("replay one usage log through two versions of a card and show the change per meter, account, cycle and in total")
      .option("--base <file>", "the card before the change; repeat it for a set of versions", versions),
    "the card after the change (default: the account file's card:)",
    "usage CSV, repeatable (read once per card, so not standard input)",
  )
    .option("--fail-over <percent>", "exit 1 when the total rises by more than PERCENT")
    .addOption(formatOption())
    .option("-o, --output <file>", "write to FILE atomically instead of stdout")
    .option("--bom", "start CSV output with a byte-order mark (for Excel)")
    .option("--no-color", "no colour, even on a terminal")
    .action(async (options) => {
      const { diff } = await import("./commands/diff.js");
      await diff(options);
    });

  cli
    .command("schema")
    .description("print a JSON Schema (inputs: ratecard, account, ...; outputs: statement, diff, ...); without a name, list them")
    .argument("[name]", "which schema")
    .option("-o, --output <file>", "write to FILE atomically instead of stdout")
    .option("--write <dir>", "write every schema as DIR/NAME.schema.json")
    .action(async (name: string | undefined, options) => {
      const { schema } = await import("./commands/schema.js");
      await schema(name, options);
    });

  replayInputs(
    cli
      .command("reconcile")
      .description("explain a provider's bill line by line against the statement computed from the usage; exit 1 when anything is unexplained or over tolerance"),
    "rate card YAML (default: the account file's card:)",
    "usage CSV, repeatable (may be read twice, so not standard input)",
  )
    .option("--bill <file>", "the provider's bill CSV (canonical layout, or mapped)")
    .option("--bill-mapping <file>", "bill mapping YAML (default: BILL.csv.mapping.yaml beside the bill, when present)")
    .option("--bill-layout <layout>", "canonical (one line per cycle and activity) or ledger (one row per transaction)")
    .option("--bill-map <canonical=source>", "map one canonical bill column to a bill column, repeatable", collect, [])
    .option("--tolerance <credits>", "accept differences up to this many credits per line (default 0)")
    .option("--tolerance-percent <pct>", "accept differences up to this percent of the billed line (default 0)")
    .addOption(formatOption("table, json, csv, markdown or html (a self-contained report with charts)"))
    .option("-o, --output <file>", "write to FILE atomically instead of stdout")
    .option("--bom", "start CSV output with a byte-order mark (for Excel)")
    .option("--no-color", "no colour, even on a terminal")
    .action(async (options) => {
      const where = { file: "<command line>", line: 1, column: 1 };
      if (options.usage.length === 0) throw new UserError("no usage", where, "--usage FILE", "none");
      if (options.bill === undefined) throw new UserError("no bill", where, "--bill FILE", "none");
      const { reconcileCommand } = await import("./commands/reconcile.js");
      await reconcileCommand(options);
    });

  cli
    .command("simulate")
    .description("projected spend for a scenario: credits per cycle, when the allowance runs out, top-ups and money; compare plans")
    .argument("<scenario>", "scenario YAML")
    .option("--card <file>", "rate card YAML (default: the scenario's card:); repeat it for versions of one provider's card", versions)
    .option("--plan <key>", "plan key (overrides the scenario)")
    .option("--compare-plans", "price every plan of the card and name the cheapest")
    .option("--samples <n>", "draw per-user behaviour N times and report p50 and p90")
    .option("--seed <seed>", "seed for --samples: the same seed gives the same output (default 1)")
    .option("--emit-usage <dir>", "write DIR/usage.csv and DIR/account.yaml for burnrate statement")
    .addOption(formatOption("table, json, csv, markdown or html (a self-contained report with charts)"))
    .option("-o, --output <file>", "write to FILE atomically instead of stdout")
    .option("--bom", "start CSV output with a byte-order mark (for Excel)")
    .option("--no-color", "no colour, even on a terminal")
    .action(async (scenario: string, options) => {
      const { simulate } = await import("./commands/simulate.js");
      await simulate(scenario, options);
    });

  return cli;
}

export async function main(argv: readonly string[]): Promise<number> {
  // A reader that stops early (`| head`) is not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  // Commander's own usage errors (unknown option, missing argument) get the same
  // "burnrate: error: " prefix as every other error; the exit code is 2 below.
  const cli = program();
  const prefixed = { outputError: (str: string, write: (s: string) => void) => write(str.startsWith("error: ") ? `burnrate: ${str}` : str) };
  for (const command of [cli, ...cli.commands]) command.configureOutput(prefixed);
  try {
    await cli.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof Finding) {
      process.stderr.write(`burnrate: ${e.message}\n`);
      return 1;
    }
    if (e instanceof UserError) {
      process.stderr.write(`${e.message.split("\n").map((l) => `burnrate: error: ${l}`).join("\n")}\n`);
      return 2;
    }
    process.stderr.write(`burnrate: internal error (a bug, please report it):\n${(e as Error)?.stack ?? String(e)}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
