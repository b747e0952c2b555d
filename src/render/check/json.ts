import { countBySeverity, type CheckedFile } from "../../lint/finding.js";

/** `burnrate.check/v1`. */
export function checkJson(files: readonly CheckedFile[]): object {
  return {
    schema: "burnrate.check/v1",
    ...countBySeverity(files),
    files: files.map((f) => ({
      file: f.file,
      kind: f.kind,
      subject: f.subject ?? null,
      card: f.card === undefined ? null : { provider: f.card.provider, version: f.card.version, effective: f.card.effective === "" ? null : f.card.effective },
      findings: f.findings.map((x) => ({
        severity: x.severity,
        rule: x.rule,
        file: x.location.file,
        line: x.location.line,
        column: x.location.column,
        message: x.message,
        fix: x.fix,
      })),
    })),
  };
}
