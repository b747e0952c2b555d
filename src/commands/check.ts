import { Finding } from "../errors.js";
import type { Io } from "../io.js";
import { distinctFiles } from "../cardtest/suite.js";
import { checkFiles } from "../lint/check-file.js";
import { countBySeverity } from "../lint/finding.js";
import { checkDestination, emit } from "../output.js";
import { checkRunInputs } from "./run-inputs.js";
import { colorFor } from "../render/shared/format.js";
import { reportFormat, reportNameWarning } from "../render/shared/report-format.js";
import { report } from "../render/shared/reporters.js";

export interface CheckOptions {
  format?: string;
  output?: string;
  strict?: boolean;
  /** `--tests FILE`: the tests file of the one card given, wherever either is (check-file.ts). */
  tests?: string;
  color?: boolean;
}

export async function check(files: string[], options: CheckOptions, io: Io): Promise<void> {
  const format = reportFormat(options);
  const checked = checkFiles(distinctFiles(files), options.tests);
  const inputs = checkRunInputs(files, options.tests);
  // A refusal of -o onto an input stands alone: the format's warning only for a file that will be written.
  checkDestination({ path: options.output, inputs });
  const warning = reportNameWarning(options, format);
  if (warning !== undefined) io.stderr.write(warning);
  await emit(report("check", format, checked, { color: colorFor(options, io) }), options.output, io, inputs);
  const { errors, warnings } = countBySeverity(checked);
  if (errors > 0) throw new Finding(`check found ${errors} error(s)`);
  if (options.strict && warnings > 0) throw new Finding(`check found ${warnings} warning(s) (--strict)`);
}
