import type { Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import type { Zone } from "../time.js";
import type { CardChange } from "./card-changes.js";
import type { CostComparison } from "./compare.js";
import { delta, exceeds, type PricedLine } from "./compare.js";
import { checkGates, type GateLimit, type GateResult } from "./gates.js";
import { unmeasuredRises } from "./unmeasured.js";

/** Everything `burnrate diff` reports: the same usage priced by two cards, how the cards differ, and the gates. */
export interface CostDiff extends DiffInputs {
  failOver: { percent: Decimal; exceeded: boolean } | undefined;
  /** The per-meter gates asked for, in the order of GATE_FLAGS. */
  gates: GateResult[];
  /** `--fail-over-line PCT`: the priced lines whose cost over the corpus rose by more, largest rise first. */
  failOverLine: { percent: Decimal; tripped: PricedLine[] } | undefined;
  /** Price rises in the card on lines the usage never priced: no gate can measure them. */
  unmeasured: CardChange[];
}

/** What the command line asks to check: the total, each meter in each cycle and account, and each priced line over the corpus. */
export interface DiffLimits {
  failOver: Decimal | undefined;
  gates: readonly GateLimit[];
  failOverLine: Decimal | undefined;
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
    failOverLine: limits.failOverLine === undefined ? undefined : {
      percent: limits.failOverLine,
      tripped: comparison.lines.filter((l) => exceeds(l, limits.failOverLine!)).sort((a, b) => delta(b).comparedTo(delta(a))),
    },
    unmeasured: unmeasuredRises(inputs.cardChanges, comparison.lines),
  };
}
