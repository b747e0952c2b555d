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

/**
 * The most accounts a terminal draws charts for. A reseller's 1,200 customers drew 1,200 burn-downs under the table,
 * twice its time, and the totals of all of them scrolled away (newcomer57 M2); nor could such a log be replayed a part of
 * its accounts at a time while the charts' ledger was kept.
 */
export const MOST_CHARTED_ACCOUNTS = 20;

/** The line drawn in the charts' place for a statement of more accounts than a terminal charts. */
export function chartsLeftOut(accounts: number): string {
  return `\nNo burn-down charts on a terminal for a statement of more than ${MOST_CHARTED_ACCOUNTS} accounts (this one has ${accounts.toLocaleString("en-US")}): -o statement.html draws each account's, or a statement of one account (an account file of it alone) charts it here.\n`;
}
