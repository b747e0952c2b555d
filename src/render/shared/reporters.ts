import type { ChalkInstance } from "chalk";
import { checkReporters } from "../check/index.js";
import { diffReporters } from "../diff/index.js";
import { testReporters } from "../test/index.js";
import { dataForTerminal, type Output } from "../../output.js";

/**
 * A command's renderers, registered by format name. The type makes a command
 * handle every format it accepts, and only the chosen renderer runs.
 */
export type Reporters<F extends string> = Readonly<Record<F, () => Output>>;

/** Formats that carry the data's characters as they are (a spreadsheet, a browser reads them), unlike the table, JSON and Markdown, which escape them. */
const DATA_AS_IS: ReadonlySet<string> = new Set(["csv", "html"]);

export function render<F extends string>(format: F, reporters: Reporters<F>): Output {
  const report = reporters[format]();
  return DATA_AS_IS.has(format) ? dataForTerminal(report) : report;
}

/** What a registered renderer may use besides the command's result: the table's colours, CSV's byte-order mark. */
export interface RenderSettings {
  color: ChalkInstance;
  bom?: boolean;
}

/** One command's renderers by format name, each given the command's result. */
export type FormatReporters<F extends string, R> = Readonly<Record<F, (result: R, settings: RenderSettings) => Output>>;

/** Every command whose renderers live in render/<command>/index.ts, by command name. */
const REGISTRY = { check: checkReporters, test: testReporters, diff: diffReporters };

type Registry = typeof REGISTRY;
type FormatOf<C extends keyof Registry> = keyof Registry[C] & string;
type ResultOf<C extends keyof Registry> = Registry[C] extends FormatReporters<string, infer R> ? R : never;

/** Render a command's result in the format asked for by name; only that renderer runs. */
export function report<C extends keyof Registry>(command: C, format: FormatOf<C>, result: ResultOf<C>, settings: RenderSettings): Output {
  const reporters = REGISTRY[command] as unknown as FormatReporters<string, ResultOf<C>>;
  const output = reporters[format]!(result, settings);
  return DATA_AS_IS.has(format) ? dataForTerminal(output) : output;
}
