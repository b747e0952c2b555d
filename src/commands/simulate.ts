import { existsSync, readdirSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { atFlag, UserError, shown } from "../errors.js";
import type { Io } from "../io.js";
import { checkDestination, emit, makeFolder, ReportFile, runInputs, writeAtomically, type Destination, type RunInput } from "../output.js";
import type { RenderContext } from "../render/shared/context.js";
import { terminalWidth, toMarkdown, toTerminal } from "../render/shared/document.js";
import { chooseFormat, colorFor, json, WITH_HTML, warnFormatName } from "../render/shared/format.js";
import { simulationHtml } from "../render/simulate/html.js";
import { simulationCsv } from "../render/simulate/csv.js";
import { simulationJson } from "../render/simulate/json.js";
import { simulationBlocks } from "../render/simulate/report.js";
import { visibleLines } from "../render/shared/escape.js";
import { accountYaml, usageCsvLines } from "../scenario/emit.js";
import { accountSpend, usersOn } from "../scenario/accounts.js";
import { loadScenario } from "../scenario/load.js";
import { noteLine } from "../scenario/notes.js";
import { ACCOUNT_INPUT, sizeName } from "../inputs.js";
import { simulate as run, type Simulation } from "../scenario/simulate.js";
import { Calendar } from "../time.js";
import { render } from "../render/shared/reporters.js";
import { simulationProgress } from "../progress/simulation-progress.js";

export interface SimulateOptions {
  card?: string[];
  plan?: string;
  comparePlans?: boolean;
  samples?: number;
  seed?: string;
  emitUsage?: string;
  force?: boolean;
  /** `--no-chart`: false. Taken only to say that simulate has no chart to leave out. */
  chart?: boolean;
  format?: string;
  output?: string;
  bom?: boolean;
  color?: boolean;
  /** `--no-progress`: false. */
  progress?: boolean;
}

export async function simulate(scenarioFile: string, options: SimulateOptions, io: Io): Promise<void> {
  // A script that gives --no-chart to every command is told why simulate refuses it, not "unknown option".
  if (options.chart === false) throw new UserError("simulate draws no chart", atFlag("--no-chart"), "simulate without --no-chart: its table has no chart to leave out (--no-chart turns off statement's burn-down and bars)", "--no-chart");
  const format = chooseFormat(options.format, options.output, WITH_HTML, io);
  const samples = options.samples === undefined ? undefined : { count: options.samples, seed: options.seed ?? "1" };
  const scenario = loadScenario(scenarioFile, { card: options.card, plan: options.plan, comparePlans: options.comparePlans, samples: samples?.count });
  // A file name may hold anything, a control character included.
  for (const warning of [...scenario.warnings, ...scenario.notes.map(noteLine)]) io.stderr.write(visibleLines(warning));
  const inputs = runInputs({ scenario: scenarioFile, "scenario's card": scenario.cardFile });
  // Refused before the simulation, which may take long; checked again when each file is written.
  const emitting = options.emitUsage === undefined ? undefined : { dir: options.emitUsage, force: options.force ?? false, inputs };
  let made: string | undefined;
  if (emitting !== undefined) {
    if (!existsSync(emitting.dir)) made = emitting.dir;
    // Made now, so that an -o inside it is a path that can be checked.
    makeFolder(emitting.dir, "--emit-usage");
    checkEmitFolder(emitting);
  }
  const reportInputs = [...inputs, ...(emitting === undefined ? [] : EMITTED.map((name) => ({ path: join(emitting.dir, name), role: "--emit-usage", written: true })))];
  checkDestination({ path: options.output, inputs: reportInputs });
  warnFormatName(options, format, io);
  // A Ctrl-C during the simulation leaves no folder this run made (only while it is still empty: nothing else is taken).
  const progress = simulationProgress(io, options, () => {
    if (made !== undefined) removeIfEmpty(made);
  });
  let sim: Simulation;
  try {
    sim = await run(scenario, { comparePlans: options.comparePlans ?? false, samples, progress });
  } finally {
    progress.end();
  }

  if (emitting !== undefined) {
    const warning = emittedSizeWarning(join(emitting.dir, "account.yaml"), await emitUsage(emitting, sim));
    if (warning !== undefined) io.stderr.write(visibleLines(warning));
    // An account file names one card: the versions are given again, or the later cycles are priced by the first alone
    // (newcomer70b M3: the round trip came 3,480.80 USD low, exit 0, said only in a comment of the file).
    const versions = scenario.card.versions;
    if (versions !== undefined) {
      const cards = versions.map((v) => `--card ${JSON.stringify(v.file)}`).join(" ");
      io.stderr.write(visibleLines(`burnrate: note: ${join(emitting.dir, "account.yaml")} names the first of the card's ${versions.length} versions: replay it with statement ${cards} --account ${JSON.stringify(join(emitting.dir, "account.yaml"))} --usage ${JSON.stringify(join(emitting.dir, "usage.csv"))}, or its later cycles are priced by the first version alone\n`));
    }
  }

  const ctx: RenderContext = { card: scenario.card, zone: scenario.zone, color: colorFor(options, io) };
  await emit(render(format, {
    json: () => json(simulationJson(sim)),
    csv: () => simulationCsv(sim, { bom: options.bom }),
    markdown: () => toMarkdown(simulationBlocks(sim, ctx)),
    html: () => simulationHtml(sim, ctx),
    table: () => toTerminal(simulationBlocks(sim, ctx), ctx.color, terminalWidth(io.stdoutTerminal)),
  }), options.output, io, reportInputs);
}

/** `--emit-usage DIR` with `--force` (replace the files it would write) and the run's inputs (never replaced). */
interface EmitUsage {
  dir: string;
  force: boolean;
  inputs: readonly RunInput[];
}

const EMITTED = ["usage.csv", "account.yaml"];

function emitted(to: EmitUsage, name: string): Destination {
  return { path: join(to.dir, name), flag: "--emit-usage", inputs: to.inputs };
}

/** Files of an earlier run are replaced only with --force; an input of this run never. */
function checkEmitFolder(to: EmitUsage): void {
  const there = EMITTED.map((name) => join(to.dir, name)).filter((file) => existsSync(file));
  if (there.length > 0 && !to.force) {
    throw new UserError("--emit-usage would replace files already in the folder", { file: there[0]!, line: 1, column: 1 }, "a folder without usage.csv and account.yaml, or --force to replace them", there.map((f) => shown(f)).join(", "));
  }
  for (const name of EMITTED) checkDestination(emitted(to, name));
}

/**
 * usage.csv streams to disk (a large population is many rows) and, like
 * account.yaml, is renamed into place once whole; account.yaml comes last, so a
 * folder with an account file holds a complete pair.
 */
/** Writes the pair; gives account.yaml's size in bytes. */
async function emitUsage(to: EmitUsage, sim: Simulation): Promise<number> {
  // Checked again after the simulation, before either file is written: a refused run leaves the folder as it was.
  checkEmitFolder(to);
  const { scenario } = sim;
  const calendar = new Calendar(scenario.start, scenario.zone);
  const usage = new ReportFile(emitted(to, "usage.csv"));
  try {
    for (const line of usageCsvLines(scenario, calendar)) usage.write(line);
    usage.commitFile();
  } catch (e) {
    usage.abort();
    throw e;
  }
  // The users' purchases of the usage written, which is not drawn: under --samples the simulation's users were.
  const own = sim.plans[0]!;
  const users = sim.samples === undefined ? own.accounts : await accountSpend(scenario, usersOn(scenario, own.plan), undefined);
  const account = accountYaml(scenario, own, to.dir, calendar, users);
  await writeAtomically(emitted(to, "account.yaml"), account);
  return Buffer.byteLength(account);
}

/** Remove the folder if nothing is in it: what a user put there meanwhile keeps it. */
function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // Gone or changed meanwhile: it is no longer this run's to remove.
  }
}

/**
 * The warning for an emitted account file too large for statement to read: each user's purchases and subscription are
 * lines of it, and 5,000 users buying over 12 cycles made one that statement refuses, without a word (red63c H2).
 */
export function emittedSizeWarning(path: string, size: number): string | undefined {
  if (size <= ACCOUNT_INPUT.limit) return undefined;
  return `burnrate: warning: --emit-usage: ${path} is ${sizeName(size)}, past the ${sizeName(ACCOUNT_INPUT.limit)} an account file may be: statement refuses it; the users' own accounts of fewer users or cycles make one it reads\n`;
}
