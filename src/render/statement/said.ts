import type { Block } from "../shared/document.js";

/**
 * What a run said beside its statement that the statement's figures do not show: its warnings (commands/told.ts) and
 * the days its daily files skip (usage/missing-days.ts). A job that keeps the report and not the run's standard error
 * (newcomer70 M1, M2: a customer billed twice over a typo, a day's file missing, exit 0) reads them in the report.
 */
export interface Said {
  readonly warnings: readonly string[];
  readonly usageGaps: readonly string[];
}

export const NOTHING_SAID: Said = { warnings: [], usageGaps: [] };

/** The JSON's keys for them, each only where there is something to say: a clean run's statement is byte for byte as before. */
export function saidJson(said: Said): Record<string, unknown> {
  return {
    ...(said.usageGaps.length === 0 ? {} : { usage_gaps: said.usageGaps }),
    ...(said.warnings.length === 0 ? {} : { warnings: said.warnings }),
  };
}

/** The lines a table, markdown or page opens with. */
export function* saidBlocks(said: Said): Generator<Block> {
  for (const gap of said.usageGaps) yield { kind: "note", text: `Usage gap: ${gap}; a day's usage missing from the log is missing from this statement` };
  for (const warning of said.warnings) yield { kind: "note", text: `Warning: ${warning}` };
}
