import type { Decimal } from "../money.js";
import { delta, deltaPercent, type CostRow } from "./compare.js";

/** The per-meter gates of `burnrate diff`: by how much one meter may move, in one cycle and account. */
export const GATE_FLAGS = ["--fail-over-meter", "--fail-over-amount", "--fail-under-meter", "--fail-under-amount"] as const;
export type GateFlag = (typeof GATE_FLAGS)[number];

export interface GateLimit {
  flag: GateFlag;
  /** A percentage for the -meter gates, credits for the -amount ones; 0 or more. */
  limit: Decimal;
}

export interface GateResult extends GateLimit {
  /** The cycle, account and meter rows past the limit, largest change first. */
  tripped: CostRow[];
}

/**
 * Whether one row is past a gate. A rise is past `--fail-over-meter PCT` when
 * it is more than PCT percent of the old amount, and a rise from 0 always is
 * (no percentage is large enough); a fall to 0 is -100%.
 */
function past(row: CostRow, gate: GateLimit): boolean {
  const change = delta(row);
  const rising = gate.flag.startsWith("--fail-over");
  if (rising ? !change.gt(0) : !change.lt(0)) return false;
  if (gate.flag.endsWith("-amount")) return change.abs().gt(gate.limit);
  const percent = deltaPercent(row);
  return percent === undefined || percent.abs().gt(gate.limit);
}

export function checkGates(rows: readonly CostRow[], gates: readonly GateLimit[]): GateResult[] {
  return gates.map((gate) => ({
    ...gate,
    tripped: rows.filter((r) => past(r, gate)).sort((a, b) => delta(b).abs().comparedTo(delta(a).abs())),
  }));
}
