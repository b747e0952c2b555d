import { atFlag, shown, UserError } from "../../errors.js";
import { chooseFormat, formatNameWarning } from "./format.js";

export const REPORT_FORMATS = ["table", "json", "markdown", "github"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * `check` and `test` are read in CI logs as often as on a terminal, so they
 * print their report unless another format is asked for, by flag or by the
 * extension of `-o` (.json, .md).
 */
export function reportFormat(options: { format?: string; output?: string }): ReportFormat {
  if (options.format !== undefined) return chooseFormat(options.format, undefined, REPORT_FORMATS, {});
  const ext = options.output?.match(/\.[^./]+$/)?.[0]?.toLowerCase();
  if (ext === undefined || ext === ".txt" || ext === ".log") return "table";
  if (ext === ".json") return "json";
  if (ext === ".md" || ext === ".markdown") return "markdown";
  // An extension no format owns (out.xlsx) is a slip, not a request for the plain report.
  throw new UserError(`${shown(options.output!)} has an extension no format owns`, atFlag("-o"), "an -o name ending .json, .md, .markdown, .txt or .log, or --format", shown(ext));
}

/** A --format the -o name says otherwise (format.ts formatNameWarning), by check's and test's own extensions: said once -o is known to be written. */
export function reportNameWarning(options: { format?: string; output?: string }, format: ReportFormat): string | undefined {
  return options.format === undefined ? undefined : formatNameWarning(format, options.output, (ext) => (ext === ".json" ? "json" : ext === ".md" || ext === ".markdown" ? "markdown" : undefined));
}
