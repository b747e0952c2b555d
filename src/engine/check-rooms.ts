import { Decimal } from "../money.js";
import type { Meter } from "../ratecard/types.js";
import type { Instant } from "../time.js";
import { countDecimal, countOf, exact, NO_CREDITS, type Units } from "./credits.js";
import type { AccountRun, Dimensions } from "./replay-state.js";
import { CHARGE_CHECKS, type CheckRoom, type RuleContext } from "./rules.js";
import type { RoomDraw } from "./full-path.js";

/** A target no check applies to: nothing to draw on. */
const NO_ROOMS: readonly number[] = [];
/** A room without bound, in the known path's numbers: the largest safe integer, which no safe sum of draws passes. */
const UNBOUNDED = 9_007_199_254_740_991;
/** What a room holds when it has none left: a draw of nothing does not fit. */
const NONE = -1;

/**
 * The rooms the charge checks declare (rules.ts), numbered for the known path:
 * one a run, check and key (a run's quota, a budget's value), made at the
 * first charge target that draws on it and kept, as few as the runs' keys. The
 * known path counts what its rows draw in numbers, a quantity in millionths,
 * credits in units (Units); the rooms are converted to them and the draws back
 * here, and the checks' own declarations say how far and what they record.
 */
export class CheckRooms {
  private readonly numbers = new Map<string, number>();
  private readonly rooms: { room: CheckRoom; run: AccountRun; dims: Dimensions }[] = [];

  constructor(
    private readonly rules: RuleContext,
    private readonly units: Units,
  ) {}

  /**
   * The rooms of the checks that apply to usage of this meter and these dimensions: none (an empty list) where
   * no check applies, nothing credits alone could refuse; undefined where one applies that declares no room.
   */
  of(run: AccountRun, meter: Meter, dims: Dimensions): readonly number[] | undefined {
    let rooms: number[] | undefined;
    for (let i = 0; i < CHARGE_CHECKS.length; i++) {
      const check = CHARGE_CHECKS[i]!;
      if (!check.applies(this.rules, run, meter, dims)) continue;
      if (check.room === undefined) return undefined;
      (rooms ??= []).push(this.number(run, i, { room: check.room, dims }));
    }
    return rooms ?? NO_ROOMS;
  }

  private number(run: AccountRun, check: number, { room, dims }: { room: CheckRoom; dims: Dimensions }): number {
    const key = `${run.ordinal}\u0000${check}\u0000${room.key(this.rules, dims)}`;
    let n = this.numbers.get(key);
    if (n === undefined) {
      this.numbers.set(key, (n = this.rooms.length));
      this.rooms.push({ room, run, dims });
    }
    return n;
  }

  /**
   * Number the rooms afresh: a room's key and the values it records by are the card's and terms' in force (a
   * version may credit a reward to another column, or budget by another dimension), so after a change of either
   * they are made again with the targets that list them (red team red22c: a reward went to the old column's value).
   */
  clear(): void {
    this.numbers.clear();
    this.rooms.length = 0;
  }

  /** Whether charges draw on the room by their credits, in units; else by their quantity, in millionths. */
  drawsCredits(n: number): boolean {
    return this.rooms[n]!.room.draws === "credits";
  }

  /** What the room's charges may draw in all from `at` on, as it stands: in units or millionths, -1 for none. */
  left(n: number, at: Instant): number {
    const { room, run, dims } = this.rooms[n]!;
    if (room.draws === "quantity") {
      const left = room.left(this.rules, run, dims, at);
      if (left === undefined) return UNBOUNDED;
      return left.lt(0) ? NONE : (countOf(exact(left.toDecimalPlaces(6, Decimal.ROUND_DOWN))) ?? UNBOUNDED);
    }
    const left = room.left(this.rules, run, dims, at);
    if (left === undefined) return UNBOUNDED;
    return left < NO_CREDITS ? NONE : this.units.within(left);
  }

  /** Where what left() told at `at` stops holding: Infinity where only a clock event of the run's (which settles every room) ends it. */
  until(n: number, at: Instant): Instant {
    const { room, run, dims } = this.rooms[n]!;
    return room.until === undefined ? Infinity : room.until(this.rules, { run, dims, at });
  }

  /**
   * Record what was drawn on each room (units or millionths), the last draw at `at`, as the charges one by one
   * would. The rooms are looked up first: a record may move another run's clock (a reward's creator past its
   * subscription's end), which numbers the rooms afresh (clear) before the next is recorded.
   */
  recordAll(draws: readonly RoomDraw[]): void {
    const entries = draws.map((d) => ({ ...this.rooms[d.room]!, drawn: d.drawn, at: d.at }));
    for (const { room, run, dims, drawn, at } of entries) {
      if (room.draws === "quantity") room.records(this.rules, { run, dims, amount: countDecimal(drawn), at });
      else room.records(this.rules, { run, dims, amount: this.units.credits(drawn), at });
    }
  }
}
