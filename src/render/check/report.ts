import type { ChalkInstance } from "chalk";
import { formatLocation } from "../../errors.js";
import { countBySeverity, type CheckedFile } from "../../lint/finding.js";
import { markdownText, visible } from "../shared/escape.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function checkSummary(files: number, counts: { errors: number; warnings: number }): string {
  return `${plural(files, "file")} checked: ${plural(counts.errors, "error")}, ${plural(counts.warnings, "warning")}`;
}

/** Compiler-style: one line per finding, `file:line:col: severity [rule] message`, its fix below. */
export function checkText(files: readonly CheckedFile[], color: ChalkInstance): string {
  const out: string[] = [];
  for (const f of files) {
    const what = f.subject ? ` (${visible(f.subject)})` : "";
    if (f.findings.length === 0) {
      out.push(`${color.green("ok")}   ${visible(f.file)}${what}`);
      continue;
    }
    const failed = f.findings.some((x) => x.severity === "error");
    out.push(`${failed ? color.red("FAIL") : color.yellow("warn")} ${visible(f.file)}${what}`);
    for (const x of f.findings) {
      const severity = x.severity === "error" ? color.red.bold("error") : color.yellow.bold("warning");
      out.push(`  ${visible(formatLocation(x.location))}: ${severity} [${x.rule}] ${visible(x.message)}`);
      out.push(`    ${color.dim(`fix: ${visible(x.fix)}`)}`);
    }
  }
  out.push("", checkSummary(files.length, countBySeverity(files)));
  return `${out.join("\n")}\n`;
}

export function checkMarkdown(files: readonly CheckedFile[]): string {
  const counts = countBySeverity(files);
  const out = [`### burnrate check: ${checkSummary(files.length, counts)}`, ""];
  const cell = markdownText;
  const rows = files.flatMap((f) => f.findings);
  if (rows.length > 0) {
    out.push("| | Where | Rule | Finding | Fix |", "| --- | --- | --- | --- | --- |");
    for (const x of rows) out.push(`| ${x.severity} | ${cell(formatLocation(x.location))} | ${x.rule} | ${cell(x.message)} | ${cell(x.fix)} |`);
  }
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}
