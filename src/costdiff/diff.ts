import type { Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import type { Zone } from "../time.js";
import type { CardChange } from "./card-changes.js";
import type { CostComparison } from "./compare.js";
import { exceeds } from "./compare.js";
import { checkGates, type GateLimit, type GateResult } from "./gates.js";

/** Everything `burnrate diff` reports: the same usage priced by two cards, how the cards differ, and the gates. */
export interface CostDiff extends DiffInputs {
  failOver: { percent: Decimal; exceeded: boolean } | undefined;
  /** The per-meter gates asked for, in the order of GATE_FLAGS. */
  gates: GateResult[];
}

/** What the command line asks to check: the total, and each meter in each cycle and account. */
export interface DiffLimits {
  failOver: Decimal | undefined;
  gates: readonly GateLimit[];
}

export interface DiffInputs {
  base: RateCard;
  card: RateCard;
  usage: readonly string[];
  zone: Zone;
  comparison: CostComparison;
  cardChanges: CardChange[];
}

export function costDiff(inputs: DiffInputs, limits: DiffLimits): CostDiff {
  const { comparison } = inputs;
  return {
    ...inputs,
    failOver: limits.failOver === undefined ? undefined : { percent: limits.failOver, exceeded: exceeds(comparison.total, limits.failOver) },
    gates: checkGates(comparison.rows, limits.gates),
  };
}
