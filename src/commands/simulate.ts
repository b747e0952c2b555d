import { createWriteStream, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { UserError, shown } from "../errors.js";
import { emit, writeAtomically } from "../output.js";
import type { RenderContext } from "../render/shared/context.js";
import { toMarkdown, toTerminal } from "../render/shared/document.js";
import { chooseFormat, colorFor, json, WITH_HTML } from "../render/shared/format.js";
import { simulationHtml } from "../render/simulate/html.js";
import { simulationCsv } from "../render/simulate/csv.js";
import { simulationJson } from "../render/simulate/json.js";
import { simulationBlocks } from "../render/simulate/report.js";
import { accountYaml, usageCsvLines } from "../scenario/emit.js";
import { loadScenario } from "../scenario/load.js";
import { simulate as run, type Simulation } from "../scenario/simulate.js";
import { Calendar } from "../time.js";
import { render } from "../render/shared/reporters.js";

export interface SimulateOptions {
  card?: string[];
  plan?: string;
  comparePlans?: boolean;
  samples?: string;
  seed?: string;
  emitUsage?: string;
  format?: string;
  output?: string;
  bom?: boolean;
  color?: boolean;
}

/** Enough runs for stable p90s; more only burns the machine. */
const MAX_SAMPLES = 10_000;

export async function simulate(scenarioFile: string, options: SimulateOptions): Promise<void> {
  const format = chooseFormat(options.format, options.output, WITH_HTML);
  const samples = samplesOf(options);
  const scenario = loadScenario(scenarioFile, { card: options.card, plan: options.plan });
  const progress = progressOnTerminal();
  let sim: Simulation;
  try {
    sim = await run(scenario, { comparePlans: options.comparePlans ?? false, samples, progress: progress?.update });
  } finally {
    progress?.clear();
  }

  if (options.emitUsage !== undefined) await emitUsage(options.emitUsage, sim);

  const ctx: RenderContext = { card: scenario.card, zone: scenario.zone, color: colorFor(options) };
  emit(render(format, {
    json: () => json(simulationJson(sim)),
    csv: () => simulationCsv(sim, { bom: options.bom }),
    markdown: () => toMarkdown(simulationBlocks(sim, ctx)),
    html: () => simulationHtml(sim, ctx),
    table: () => toTerminal(simulationBlocks(sim, ctx), ctx.color),
  }), options.output);
}

function samplesOf(options: SimulateOptions): { count: number; seed: string } | undefined {
  if (options.samples === undefined) {
    if (options.seed !== undefined) throw new UserError("--seed without --samples", { file: "--seed", line: 1, column: 1 }, "--samples N with it", "no --samples");
    return undefined;
  }
  if (!/^\d{1,6}$/.test(options.samples) || Number(options.samples) < 1 || Number(options.samples) > MAX_SAMPLES) {
    throw new UserError("bad sample count", { file: "--samples", line: 1, column: 1 }, `a whole number from 1 to ${MAX_SAMPLES}`, shown(options.samples));
  }
  return { count: Number(options.samples), seed: options.seed ?? "1" };
}

/**
 * usage.csv streams to disk (a large population is many rows); account.yaml is
 * written last and atomically, so a directory with an account file holds a
 * complete pair.
 */
async function emitUsage(dir: string, sim: Simulation): Promise<void> {
  const where = { file: dir, line: 1, column: 1 };
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error("ENOTDIR");
  } catch (e) {
    throw new UserError(`cannot create directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, where, "a writable directory", shown(dir));
  }
  const { scenario } = sim;
  const calendar = new Calendar(scenario.start, scenario.zone);
  const file = join(dir, "usage.csv");
  const out = createWriteStream(file);
  try {
    for (const line of usageCsvLines(scenario, calendar)) if (!out.write(line)) await once(out, "drain");
    out.end();
    await once(out, "finish");
  } catch (e) {
    out.destroy();
    throw new UserError(`cannot write usage: ${(e as NodeJS.ErrnoException).code ?? "error"}`, { file, line: 1, column: 1 }, "a writable file");
  }
  writeAtomically(join(dir, "account.yaml"), accountYaml(scenario, sim.plans[0]!, dir, calendar));
}

/** A one-line progress indicator, only when stderr is a terminal: pipes and CI logs stay clean. */
function progressOnTerminal(): { update: (what: string, cycle: number, cycles: number) => void; clear: () => void } | undefined {
  if (!process.stderr.isTTY) return undefined;
  let shown = false;
  return {
    update(what, cycle, cycles) {
      process.stderr.write(`\r\x1b[Ksimulating ${what}: cycle ${cycle + 1}/${cycles}`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write("\r\x1b[K");
    },
  };
}
