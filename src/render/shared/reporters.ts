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
