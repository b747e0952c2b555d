import { Finding } from "../errors.js";
import type { Io } from "../io.js";
import { checkFile } from "../lint/check-file.js";
import { countBySeverity } from "../lint/finding.js";
import { emit } from "../output.js";
import { checkRunInputs } from "./run-inputs.js";
import { checkGithub } from "../render/check/github.js";
import { checkJson } from "../render/check/json.js";
import { checkMarkdown, checkText } from "../render/check/report.js";
import { colorFor, json } from "../render/shared/format.js";
import { reportFormat } from "../render/shared/report-format.js";
import { render } from "../render/shared/reporters.js";

export interface CheckOptions {
  format?: string;
  output?: string;
  strict?: boolean;
  color?: boolean;
}

export async function check(files: string[], options: CheckOptions, io: Io): Promise<void> {
  const format = reportFormat(options);
  const checked = [...new Set(files)].map(checkFile);
  emit(render(format, {
    json: () => json(checkJson(checked)),
    github: () => checkGithub(checked),
    markdown: () => checkMarkdown(checked),
    table: () => checkText(checked, colorFor(options, io)),
  }), options.output, io, checkRunInputs(files));
  const { errors, warnings } = countBySeverity(checked);
  if (errors > 0) throw new Finding(`check found ${errors} error(s)`);
  if (options.strict && warnings > 0) throw new Finding(`check found ${warnings} warning(s) (--strict)`);
}
