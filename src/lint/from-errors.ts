import { UserError, UserErrors, YamlLayoutError } from "../errors.js";
import type { LintFinding } from "./finding.js";

const DID_YOU_MEAN = /did you mean "([^"]*)"\?/;

/**
 * The loaders reject a file with located UserErrors; `check` shows each one as an
 * error finding, with a fix read from what was expected and what was found.
 */
export function findingsFromError(e: UserError): LintFinding[] {
  const errors = e instanceof UserErrors ? e.errors : [e];
  return errors.map((err) => ({
    severity: "error",
    rule: err.expected === "valid YAML" || err instanceof YamlLayoutError ? "syntax" : "schema",
    location: err.location !== undefined && "file" in err.location ? err.location : { file: "<unknown>", line: 1, column: 1 },
    message: err.expected !== undefined ? `${err.problem} (expected ${err.expected}${err.found !== undefined ? `, found ${err.found}` : ""})` : err.problem,
    fix: fixFor(err),
  }));
}

function fixFor(err: UserError): string {
  const near = DID_YOU_MEAN.exec(err.problem);
  if (near && err.found !== undefined) return `rename ${err.found} to "${near[1]}"`;
  if (err.problem.startsWith("unknown key")) return `remove ${err.found ?? "the key"}; the known keys are listed above`;
  if (err.problem.startsWith("missing key")) return `add ${err.expected?.replace(/^keys? /, "") ?? "the missing keys"}`;
  if (err.expected === "valid YAML") return "fix the YAML syntax at this position";
  if (err.expected !== undefined) return `write ${err.expected}`;
  return "correct the value at this position";
}
