import type { Location } from "../../errors.js";
import type { CheckedFile } from "../../lint/finding.js";
import { countBySeverity } from "../../lint/finding.js";
import { checkSummary } from "./report.js";
import { visible } from "../shared/escape.js";

/**
 * GitHub's workflow-command escaping: data loses %, CR and LF; properties also : and ,.
 * Other control characters (an escape sequence in a file name or a found value) are then shown
 * escaped, as on a terminal: the workflow log is one.
 */
const data = (text: string) => visible(text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A"));
const property = (text: string) => data(text).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** One `::error file=...,line=...,col=...::message` line: GitHub shows it on the pull request's diff. */
export function annotation(level: "error" | "warning" | "notice", location: Location, title: string, message: string): string {
  return `::${level} file=${property(location.file)},line=${location.line},col=${location.column},title=${property(title)}::${data(message)}`;
}

export function checkGithub(files: readonly CheckedFile[]): string {
  const lines = files.flatMap((f) => f.findings.map((x) => annotation(x.severity, x.location, `burnrate check: ${x.rule}`, `${x.message}. Fix: ${x.fix}`)));
  return `${[...lines, checkSummary(files.length, countBySeverity(files))].join("\n")}\n`;
}
