import { formatExact, ZERO } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import { movedText, type Move, type ShiftFinding } from "./boundary.js";
import { classify, type Tolerated, type Verdict } from "./classify.js";
import type { AlignedLine } from "./types.js";

/**
 * Every line judged at the bill's cut, once a boundary shift is found for the bill: its usage figures are those of
 * the replay at that cut (quantity as billed, then price), each with what the cut moved on it. A line the cut explains
 * is `boundary_shift`; any other is classed as it stands at the cut, so that a rate drift hidden by the shift is a
 * `rate_drift` of the drift's amount (newcomer, stop 38: Haiku output billed 0.00055 a token was "quantity and price
 * both differ", +60 cents, where at the bill's cut it is a rate drift of +60.75).
 */
export function atBillsCut(found: ShiftFinding, before: ReadonlyMap<string, AlignedLine>, card: RateCard, judged: { tolerated: Tolerated; repeatsMoved: ReadonlyMap<string, Move> | undefined }): { lines: Map<string, AlignedLine>; verdicts: Map<string, Verdict | undefined> } {
  const { tolerated, repeatsMoved } = judged;
  const lines = new Map<string, AlignedLine>();
  const verdicts = new Map<string, Verdict | undefined>();
  for (const id of new Set([...before.keys(), ...found.lines.keys()])) {
    const was = before.get(id);
    const cut = found.lines.get(id);
    // The usage scan's findings (repeats, skipped rows) and the replay's refusals stay the line's wherever the cut puts its events.
    const line: AlignedLine = cut === undefined ? { ...was!, computed: undefined } : { ...cut, ...scanned(was) };
    const repeats = repeatsMoved?.get(id);
    if (repeats !== undefined) movedRepeats(line, was, repeats);
    const move = found.moves.get(id);
    const quantity = (line.computed?.quantity ?? ZERO).minus(was?.computed?.quantity ?? ZERO);
    const amount = (line.computed?.amount ?? ZERO).minus(was?.computed?.amount ?? ZERO);
    if (!quantity.isZero() || !amount.isZero() || (move !== undefined && move.into + move.outOf > 0)) {
      line.moved = { quantity, amount, into: move?.into ?? 0, outOf: move?.outOf ?? 0, accountCycles: was?.computed };
    }
    lines.set(id, line);
    const explained = found.explained.get(id);
    if (explained !== undefined) {
      verdicts.set(id, { class: "boundary_shift", explanation: explained, shiftable: false });
      continue;
    }
    const verdict = classify(line, card, tolerated);
    verdicts.set(id, verdict === undefined || line.moved === undefined ? verdict : { ...verdict, explanation: `${atCutText(found, line, card)}: ${verdict.explanation}` });
  }
  return { lines, verdicts };
}

/**
 * The repeats the cut moves onto or off a line, as its events are: a repeat at 02:30 UTC of a read at 02:00, October's at
 * New York's cycles and November's at the bill's UTC cut, was the bill's November line's `quantity_mismatch` where the
 * same rows mid-month were `duplicate_events` (red team, red34 #5). A line whose repeats are not all priced (another
 * meter's) keeps no amount for them.
 */
function movedRepeats(line: AlignedLine, was: AlignedLine | undefined, repeats: Move): void {
  const priced = was === undefined || was.duplicates.isZero() || was.duplicateAmount !== undefined;
  line.duplicates = (was?.duplicates ?? ZERO).plus(repeats.quantity);
  if (priced) line.duplicateAmount = (was?.duplicateAmount ?? ZERO).plus(repeats.amount);
}

function scanned(line: AlignedLine | undefined): Partial<AlignedLine> {
  if (line === undefined) return {};
  return {
    duplicates: line.duplicates,
    ...(line.duplicateAmount === undefined ? {} : { duplicateAmount: line.duplicateAmount }),
    // The first repeat's row and event_id, what the provider is sent: lost at the cut, the explanation said neither (newcomer70 M3).
    ...(line.firstRepeat === undefined ? {} : { firstRepeat: line.firstRepeat }),
    ...(line.skipped === undefined ? {} : { skipped: line.skipped }),
    ...(line.refused === undefined ? {} : { refused: line.refused }),
  };
}

/** A line the cut moved events on but does not explain: where its figures come from, and what moved. */
function atCutText(found: ShiftFinding, line: AlignedLine, card: RateCard): string {
  const moved = line.moved!;
  const unit = line.money ? card.currency : card.unit;
  const result = line.computed ? `quantity ${formatExact(line.computed.quantity)}, ${formatExact(line.computed.amount)} ${unit}` : "nothing";
  return `at the bill's cut (${found.hypothesis.label}) usage gives ${result} (${movedText(moved, moved.accountCycles, line.computed, unit)})`;
}
