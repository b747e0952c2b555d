import { chooseFormat } from "./format.js";

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
  return ext === ".json" ? "json" : ext === ".md" || ext === ".markdown" ? "markdown" : "table";
}
