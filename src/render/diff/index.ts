import type { CostDiff } from "../../costdiff/diff.js";
import { toTerminal } from "../shared/document.js";
import { json, type PlainFormat } from "../shared/format.js";
import type { FormatReporters } from "../shared/reporters.js";
import { diffCsv } from "./csv.js";
import { diffJson } from "./json.js";
import { diffBlocks, diffMarkdown } from "./report.js";

/** `burnrate diff`'s renderers by format name, registered in ../shared/reporters.ts. */
export const diffReporters: FormatReporters<PlainFormat, CostDiff> = {
  json: (d) => json(diffJson(d)),
  csv: (d, settings) => diffCsv(d, { bom: settings.bom }),
  markdown: (d) => diffMarkdown(d),
  table: (d, settings) => toTerminal(diffBlocks(d), settings.color),
};
