import { Command, CommanderError, Option } from "commander";
import { Finding, UserError } from "./errors.js";

const collect = (value: string, previous: string[]) => [...previous, value];

function formatOption(): Option {
  return new Option("--format <format>", "table, json, csv or markdown (default: from -o's extension, else table on a terminal, JSON in a pipe)");
}

export function program(): Command {
  const cli = new Command("burnrate")
    .description("Replay credit-based pricing: statements, projections and bill checks from YAML rate cards and CSV usage logs")
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();

  cli
    .command("statement")
    .description("per-cycle statements for each account: charges, credits used, thresholds, rejections")
    .option("--card <file>", "rate card YAML (default: the account file's card:)")
    .option("--usage <file>", "usage CSV, repeatable, - for standard input", collect, [])
    .option("--account <file>", "account YAML: plan, anchor, time zone, grants")
    .option("--plan <key>", "plan key (overrides the account file)")
    .option("--anchor <date>", "first cycle start, a date or an instant (overrides the account file)")
    .option("--timezone <tz>", "IANA time zone (overrides the account file)")
    .option("--through <date>", "run through the cycle holding this date, even if it has no usage")
    .option("--mapping <file>", "column mapping YAML for another usage layout")
    .option("--map <canonical=source>", "map one canonical column to a source column, repeatable", collect, [])
    .addOption(formatOption())
    .option("-o, --output <file>", "write to FILE atomically instead of stdout")
    .option("--ledger", "every transaction with a running balance, instead of the statement")
    .option("--bom", "start CSV output with a byte-order mark (for Excel)")
    .option("--no-color", "no colour, even on a terminal")
    .action(async (options) => {
      if (options.usage.length === 0) throw new UserError("no usage", { file: "<command line>", line: 1, column: 1 }, "--usage FILE", "none");
      const { statement } = await import("./commands/statement.js");
      await statement(options);
    });

  // Each command registers below: options here, work in a lazily imported src/commands/NAME.ts.

  return cli;
}

export async function main(argv: readonly string[]): Promise<number> {
  // A reader that stops early (`| head`) is not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  try {
    await program().parseAsync([...argv], { from: "user" });
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
