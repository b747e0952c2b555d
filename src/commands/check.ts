import { Finding } from "../errors.js";
import type { Io } from "../io.js";
import { checkFiles } from "../lint/check-file.js";
import { countBySeverity } from "../lint/finding.js";
import { emit } from "../output.js";
import { checkRunInputs } from "./run-inputs.js";
import { colorFor } from "../render/shared/format.js";
import { reportFormat } from "../render/shared/report-format.js";
import { report } from "../render/shared/reporters.js";

export interface CheckOptions {
  format?: string;
  output?: string;
  strict?: boolean;
  color?: boolean;
}

export async function check(files: string[], options: CheckOptions, io: Io): Promise<void> {
  const format = reportFormat(options, io);
  const checked = checkFiles([...new Set(files)]);
  await emit(report("check", format, checked, { color: colorFor(options, io) }), options.output, io, checkRunInputs(files));
  const { errors, warnings } = countBySeverity(checked);
  if (errors > 0) throw new Finding(`check found ${errors} error(s)`);
  if (options.strict && warnings > 0) throw new Finding(`check found ${warnings} warning(s) (--strict)`);
}
