import type { AccountSettings } from "../account/account.js";
import type { RateCard } from "../ratecard/types.js";
import type { Statement } from "../engine/types.js";
import { ZERO, formatExact, type Decimal } from "../money.js";
import { Zone, type Calendar, type Instant } from "../time.js";
import type { UsageInput } from "../replay/replay-files.js";
import type { Aligner, PlacedCharge } from "./align.js";
import { classify, type Verdict } from "./classify.js";
import { replayRetimed } from "./replay-retimed.js";
import type { AlignedLine, ComputedSide } from "./types.js";
import type { MovedSums, NearSums } from "./near-sums.js";
import type { Retime } from "../usage/account-rows.js";

/** Where a bill might cut its cycles instead of ours: a shift in milliseconds at each boundary (by the index of the cycle it starts). */
export interface Hypothesis {
  label: string;
  /** The cut as a bill mapping's `cut:` would declare it ("00:00 America/Los_Angeles"), for the hint where it is not the declared one. */
  cut: string;
  shifts: ReadonlyMap<number, number>;
}

/** Zones providers commonly bill in; the bill's cut is the same wall-clock time as ours, there. */
const BILLING_ZONES = [
  "UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
  "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
];
const QUARTER_HOUR = 15 * 60_000;
/** Fixed offsets up to the widest gap between two time zones' midnights that a bill plausibly has. */
const MAX_QUARTERS = 56;

/** Every hypothesis worth testing, most plausible first: another billing zone, then a fixed offset, smallest first. */
export function hypotheses(calendar: Calendar, boundaries: readonly number[]): Hypothesis[] {
  const ours = calendar.zone;
  const out: Hypothesis[] = [];
  const seen = new Set<string>();
  const add = (label: string, cut: string, shift: (b: number) => number) => {
    const shifts = new Map<number, number>();
    for (const b of boundaries) {
      const delta = shift(b);
      if (delta !== 0) shifts.set(b, delta);
    }
    const id = JSON.stringify([...shifts]);
    if (shifts.size === 0 || seen.has(id)) return;
    seen.add(id);
    out.push({ label, cut, shifts });
  };
  const wall = (b: number) => ours.dateTime(calendar.start(b));
  const first = wall(boundaries[0]!).toFormat("HH:mm");
  for (const name of BILLING_ZONES) {
    if (name === ours.name || !Zone.of(name)) continue;
    add(`the bill cuts cycles at ${first} ${name}, not ${first} ${ours.name}`, `${first} ${name}`, (b) => wall(b).setZone(name, { keepLocalTime: true }).toMillis() - calendar.start(b));
  }
  for (let q = 1; q <= MAX_QUARTERS; q++) {
    for (const sign of [-1, 1]) {
      const minutes = q * 15;
      const span = `${Math.floor(minutes / 60)}h${minutes % 60 === 0 ? "" : ` ${minutes % 60}min`}`;
      const cut = `${ours.dateTime(calendar.start(boundaries[0]!) + sign * q * QUARTER_HOUR).toFormat("HH:mm")} ${ours.name}`;
      add(`the bill cuts cycles ${span} ${sign < 0 ? "earlier" : "later"} than ${first} ${ours.name}`, cut, () => sign * q * QUARTER_HOUR);
    }
  }
  return out;
}

/** What a hypothesis moves on one line: events in and out, and their quantity and amount (into the line less out of it). */
export interface Move {
  quantity: Decimal;
  amount: Decimal;
  into: number;
  outOf: number;
}

/** What a hypothesis moves, per aligned line id: flow events only, from the events near each boundary, summed between its cuts (near-sums.ts). */
export function movesOf(h: Hypothesis, near: NearSums): Map<string, Move> {
  const moves = new Map<string, Move>();
  const move = (cycle: number, key: string, sums: MovedSums, into: boolean) => {
    const id = `${cycle}\u0000${key}`;
    const m = moves.get(id) ?? { quantity: ZERO, amount: ZERO, into: 0, outOf: 0 };
    moves.set(id, into
      ? { quantity: m.quantity.plus(sums.quantity), amount: m.amount.plus(sums.amount), into: m.into + sums.events, outOf: m.outOf }
      : { quantity: m.quantity.minus(sums.quantity), amount: m.amount.minus(sums.amount), into: m.into, outOf: m.outOf + sums.events });
  };
  for (const [b, delta] of h.shifts) {
    const [source, target] = delta > 0 ? [b, b - 1] : [b - 1, b];
    for (const [key, sums] of near.moved(b, delta)) {
      move(source, key, sums, false);
      move(target, key, sums, true);
    }
  }
  return moves;
}

/**
 * Move events that fall between our boundary and the bill's onto the boundary, on the bill's side of it. The replay
 * starts at the calendar's first cycle: an event the bill's later cut moves out of that cycle leaves the replay, as a
 * first month billed from 07:00 UTC leaves out its first seven hours (newcomer37: an account anchored at the month
 * billed found no cut there).
 */
function retimer(h: Hypothesis, calendar: Calendar): Retime {
  return (at) => {
    const i = calendar.indexOf(at);
    const after = h.shifts.get(i);
    if (after !== undefined && after > 0 && at < calendar.start(i) + after) return i === 0 ? undefined : calendar.start(i) - 1;
    const before = h.shifts.get(i + 1);
    if (before !== undefined && before < 0 && at >= calendar.start(i + 1) + before) return calendar.start(i + 1);
    return at;
  };
}

export interface BoundaryContext {
  card: RateCard;
  settings: AccountSettings;
  input: UsageInput;
  calendar: Calendar;
  aligner: Aligner;
  charges: readonly PlacedCharge[];
  cycles: ReadonlySet<number>;
  accounts: ReadonlySet<string> | undefined;
  lines: ReadonlyMap<string, AlignedLine>;
  verdicts: ReadonlyMap<string, Verdict | undefined>;
  near: NearSums;
}

export interface ShiftFinding {
  hypothesis: Hypothesis;
  /** Line ids the shift explains, with the explanation to show. */
  explained: Map<string, string>;
  /** Every line replayed at the bill's cut: what each line is judged on once the shift is found. */
  lines: Map<string, AlignedLine>;
  /** The replay at the bill's cut, whose cycles outside the bill hold what the cut moved out of it. */
  statement: Statement;
  /** The events the cut moves, per line id. */
  moves: ReadonlyMap<string, Move>;
  /** The usage replayed at the bill's cut through another card (one rounding each event). */
  replay: (card: RateCard) => Promise<Statement>;
}

/** What a line's verdict at the account's cycles says of it, as a shift is tested. */
function states(ctx: BoundaryContext): { isOpen: (id: string) => boolean; isRepeats: (id: string) => boolean; isAgreeing: (id: string) => boolean } {
  return {
    isOpen: (id) => ctx.verdicts.get(id)?.shiftable === true,
    // Repeats that fit a gap are tested too, but never prove a shift alone: a gap the boundary explains on other lines
    // as well is the boundary's, where a dollar bill's cent let 2 unrelated repeats "fit" (newcomer, stop 37).
    isRepeats: (id) => ctx.verdicts.get(id)?.class === "duplicate_events",
    isAgreeing: (id) => {
      const v = ctx.verdicts.get(id);
      return v === undefined || v.class === "rounding";
    },
  };
}

/** How many hypotheses, ranked by the cheap estimate, are replayed before giving up. */
const REPLAYS = 3;

/**
 * Find a boundary that explains gaps: rank hypotheses by how many open
 * differences their moved flow events would close without opening new ones,
 * then prove the best by replaying the usage with those events moved, and keep
 * it only if the replay makes lines agree and breaks none.
 */
export async function findBoundaryShift(ctx: BoundaryContext, candidates: readonly Hypothesis[]): Promise<ShiftFinding | undefined> {
  const { isOpen, isRepeats, isAgreeing } = states(ctx);
  const ranked: { h: Hypothesis; score: number }[] = [];
  for (const h of candidates) {
    let score = 0;
    let broken = false;
    for (const [id, m] of movesOf(h, ctx.near)) {
      const cycle = Number(id.slice(0, id.indexOf("\u0000")));
      if (!ctx.cycles.has(cycle) || (m.quantity.isZero() && m.amount.isZero())) continue;
      const line = ctx.lines.get(id);
      const now = agreesMoved(line, m, ctx.card);
      if (line && isOpen(id) && now) score += isRepeats(id) ? 0 : 1;
      else if ((!line || isAgreeing(id)) && !now) broken = true;
    }
    if (score > 0 && !broken) ranked.push({ h, score });
    // A hypothesis's moves are a Map of every line key it moves, garbage once scored. Without a turn of the event loop
    // the heap watch (a timer) never ran through some 130 of them, and a month's 3.1M-row reconcile ended 140 MB higher
    // for it (newcomer36; docs/performance.md, near47).
    await new Promise((resolve) => setImmediate(resolve));
  }
  ranked.sort((a, b) => b.score - a.score);

  // The few replayed have their moves found again: two subtractions a line key.
  for (const { h } of ranked.slice(0, REPLAYS)) {
    const { finding, broken, alone } = await replayAt(ctx, h, movesOf(h, ctx.near));
    if (!broken && !alone) return finding;
  }
  return undefined;
}

/**
 * The bill compared at the cut the bill mapping declares (`cut:`), whatever it explains: the provider's word, not a
 * hypothesis to prove. Every line is then judged there, so that December's bill charging events November's already
 * billed at that cut differs, where at the account's cycles it agreed (red team, stop 38).
 */
export async function shiftAt(ctx: BoundaryContext, h: Hypothesis): Promise<ShiftFinding> {
  return (await replayAt(ctx, h, movesOf(h, ctx.near))).finding;
}

/** The usage replayed at a hypothesis's cut: the lines it explains, and whether it breaks a line that agreed or explains only by repeats. */
async function replayAt(ctx: BoundaryContext, h: Hypothesis, moves: ReadonlyMap<string, Move>): Promise<{ finding: ShiftFinding; broken: boolean; alone: boolean }> {
  const { isOpen, isRepeats, isAgreeing } = states(ctx);
  const replay = replayer(ctx, h);
  const replayed = await replay(ctx.card);
  const after = ctx.aligner.align(replayed, ctx.charges, ctx.cycles, ctx.accounts);
  const explained = new Map<string, string>();
  let broken = false;
  let alone = true;
  for (const id of new Set([...ctx.lines.keys(), ...after.keys()])) {
    const before = ctx.lines.get(id);
    const line = after.get(id);
    const verdict = line ? classify({ ...line, duplicates: before?.duplicates ?? ZERO }, ctx.card) : undefined;
    const nowAgrees = verdict === undefined || verdict.class === "rounding";
    if (before && isOpen(id) && nowAgrees) {
      explained.set(id, explain(h, before.cycle, ctx.calendar, moves.get(id), { before, line }, ctx.card));
      if (!isRepeats(id)) alone = false;
    } else if ((!before || isAgreeing(id)) && !nowAgrees) broken = true;
  }
  return { finding: { hypothesis: h, explained, lines: after, statement: replayed, moves, replay }, broken, alone };
}

/**
 * The usage replayed at a hypothesis's cut through a card: a function of its own, so that the finding that keeps it
 * (for the replay rounding each event) keeps the settings, input and calendar, not the context and its events' sums
 * (29 MB of newcomer37's month, held through that replay).
 */
function replayer({ settings, input, calendar }: BoundaryContext, h: Hypothesis): (card: RateCard) => Promise<Statement> {
  const retime = retimer(h, calendar);
  const anchored = { ...settings, anchor: calendar.start(0) };
  return (card) => replayRetimed(card, anchored, input, retime);
}

/**
 * Whether a line would agree with the moved events added: classed as the line is, so that a bill in money agrees
 * where the moved amount rounds to its cent, as the replay that proves the shift is judged (newcomer, stop 37: a
 * dollar bill's 0.70 for 70.0155 cents was never within the card's step, so no shift was ever replayed).
 */
function agreesMoved(line: AlignedLine | undefined, m: Move, card: RateCard): boolean {
  if (!line) return m.amount.isZero();
  const c = line.computed;
  const computed = {
    quantity: (c?.quantity ?? ZERO).plus(m.quantity),
    amount: (c?.amount ?? ZERO).plus(m.amount),
    events: (c?.events ?? 0) + m.into - m.outOf,
    unitPrice: c?.unitPrice,
  };
  const verdict = classify({ ...line, computed, duplicates: ZERO, duplicateAmount: undefined }, card);
  return verdict === undefined || verdict.class === "rounding";
}

function explain(h: Hypothesis, cycle: number, calendar: Calendar, move: Move | undefined, { before, line }: { before: AlignedLine; line: AlignedLine | undefined }, card: RateCard): string {
  const local = (at: Instant) => calendar.zone.dateTime(at).toFormat("yyyy-MM-dd HH:mm");
  const from = calendar.start(cycle) + (h.shifts.get(cycle) ?? 0);
  const to = calendar.start(cycle + 1) + (h.shifts.get(cycle + 1) ?? 0);
  const unit = line?.money ? card.currency : card.unit;
  const moved = movedText(move ?? { into: 0, outOf: 0 }, before.computed, line?.computed, unit);
  const result = line?.computed ? `quantity ${formatExact(line.computed.quantity)}, ${formatExact(line.computed.amount)} ${unit}` : "nothing";
  // A bill in money agrees to its cent: said so, where "as billed" read as an exact match (newcomer, stop 37).
  const billed = line?.bill?.amount;
  const as = billed === undefined || line?.computed === undefined || billed.eq(line.computed.amount) ? "as billed" : `as billed once rounded: ${rounding(line, card)}`;
  return `${h.label}; its cycle runs ${local(from)} to ${local(to)} ${calendar.zone.name}. Replayed that way${moved ? ` (${moved})` : ""}, usage gives ${result}, ${as}`;
}

/**
 * What the bill's cut moves on a line, for its explanation: the events moved in and out, and the quantity and amount
 * they move from the line's figures at the account's cycles, so that the amount is seen to be the neighbouring
 * cycle's, not lost (newcomer, stop 38); empty where nothing moved.
 */
export function movedText(events: { into: number; outOf: number }, from: ComputedSide | undefined, to: ComputedSide | undefined, unit: string): string {
  const moved = [events.into > 0 ? `${events.into} event(s) moved in` : "", events.outOf > 0 ? `${events.outOf} event(s) moved out` : ""].filter(Boolean).join(", ");
  const [q0, a0] = [from?.quantity ?? ZERO, from?.amount ?? ZERO];
  const [q1, a1] = [to?.quantity ?? ZERO, to?.amount ?? ZERO];
  const figures = q1.eq(q0) && a1.eq(a0) ? "" : `quantity ${signed(q1.minus(q0))} and ${signed(a1.minus(a0))} ${unit}, from ${formatExact(q0)} and ${formatExact(a0)} at the account's cycles`;
  return [moved, figures].filter(Boolean).join(": ");
}

const signed = (v: Decimal) => (v.gt(0) ? `+${formatExact(v)}` : formatExact(v));

/** How a replayed line that agrees with its bill, but not exactly, is rounded to it: its classification's words. */
function rounding(line: AlignedLine, card: RateCard): string {
  const verdict = classify(line, card);
  return verdict?.class === "rounding" ? verdict.explanation : `the bill ${formatExact(line.bill!.amount)}`;
}
