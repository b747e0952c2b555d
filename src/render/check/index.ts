import type { CheckedFile } from "../../lint/finding.js";
import { json } from "../shared/format.js";
import type { ReportFormat } from "../shared/report-format.js";
import type { FormatReporters } from "../shared/reporters.js";
import { checkGithub } from "./github.js";
import { checkJson } from "./json.js";
import { checkMarkdown, checkText } from "./report.js";

/** `burnrate check`'s renderers by format name, registered in ../shared/reporters.ts. */
export const checkReporters: FormatReporters<ReportFormat, readonly CheckedFile[]> = {
  json: (checked) => json(checkJson(checked)),
  github: (checked) => checkGithub(checked),
  markdown: (checked) => checkMarkdown(checked),
  table: (checked, settings) => checkText(checked, settings.color),
};
