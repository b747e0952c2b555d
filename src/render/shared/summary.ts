import { ZERO, type Decimal } from "../../money.js";
import type { StatementLine } from "../../engine/types.js";

/** Totals of a cycle's lines by some property, keeping first-seen order. Every split sums to the cycle total. */
export function splitBy(lines: readonly StatementLine[], keyOf: (line: StatementLine) => string): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  for (const line of lines) {
    const key = keyOf(line);
    out.set(key, (out.get(key) ?? ZERO).plus(line.amount));
  }
  return out;
}

/** Lines without a project dimension (workspace-level charges) are grouped under this name. */
const NO_PROJECT = "(workspace)";

/** The project a line's amount counts to in a split by project. */
export function projectOf(line: StatementLine): string {
  return line.dimensions.project ?? NO_PROJECT;
}

export function byProject(lines: readonly StatementLine[]): Map<string, Decimal> {
  return splitBy(lines, projectOf);
}

/** `project=alpha channel=web` for files and Markdown, where width does not matter. */
export function dimensionText(dims: Readonly<Record<string, string>>): string {
  return Object.entries(dims).map(([k, v]) => `${k}=${v}`).join(" ");
}

/** `alpha · web · public` for a terminal table, where the header names the dimensions. */
export function dimensionValues(dims: Readonly<Record<string, string>>): string {
  return Object.values(dims).join(" · ");
}
