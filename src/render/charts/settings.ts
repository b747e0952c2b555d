import { glyphsFor } from "./glyphs.js";
import type { TerminalChartSettings } from "./terminal.js";
import type { Format } from "../shared/format.js";
import type { Io } from "../../io.js";

/** A chart reads well in 80 columns; a wider terminal gains nothing but longer bars. */
const CHART_WIDTH = 80;

/**
 * Whether the statement table gets its charts under it, and how to draw them:
 * only for people, so only a table on a terminal, never into a file or a pipe,
 * and not with `--no-chart`.
 */
export function terminalChart(options: { chart?: boolean; output?: string }, format: Format, io: Pick<Io, "stdoutTerminal" | "env">): TerminalChartSettings | undefined {
  if (options.chart === false || options.output !== undefined || format !== "table" || !io.stdoutTerminal) return undefined;
  return { width: Math.min(CHART_WIDTH, io.stdoutTerminal.columns || CHART_WIDTH), glyphs: glyphsFor(io.env) };
}
