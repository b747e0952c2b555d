import type { Location } from "../errors.js";
import type { Decimal } from "../money.js";
import type { Instant } from "../time.js";
import { add, addCount, countDecimal, type Credits, type Scale } from "./credits.js";
import type { Rejection } from "./types.js";

/** A row refused (OpenCycle.reject): its quantity's `count` of millionths where it is a safe count, its row where it has one. */
export interface RejectedRow {
  meter: string;
  reason: string;
  quantity: Decimal;
  count?: number;
  at: Instant;
  origin?: Location;
  /** What it would have been charged; undefined where it was not priced whole. */
  credits?: Credits;
}

/**
 * A cycle's refusals by meter and reason, in the order they came, and what rows refused since added to their
 * quantities, by the same places, in millionths: a row past the credits adds an integer, not a Decimal (a log
 * that ran out of credits early refuses most of its rows, each a Decimal sum before).
 */
interface Refusals {
  rejections: Rejection[] | undefined;
  rejectedCounts: number[] | undefined;
  /** By place, what the refusal's rows would have been charged; null once one of them was not priced whole. */
  rejectedCredits: (Credits | null)[] | undefined;
}

const NO_REFUSALS: readonly Rejection[] = [];
const NO_COUNTS: readonly number[] = [];
const NO_CREDITS_BY_PLACE: readonly (Credits | null)[] = [];

/** The place of the refusal of the meter for the reason, -1 where there is none. */
export function refusalPlace(rejections: readonly Rejection[], meter: string, reason: string): number {
  for (let i = 0; i < rejections.length; i++) if (rejections[i]!.meter === meter && rejections[i]!.reason === reason) return i;
  return -1;
}

/** A row refused: the first of its meter and reason names it; the others are counted, their quantities added as integers where they can be. */
export function addRefusal(refusals: Refusals, { meter, reason, quantity, count, at, origin, credits }: RejectedRow): void {
  const rejections = refusals.rejections ?? NO_REFUSALS;
  const place = refusalPlace(rejections, meter, reason);
  if (place < 0) {
    // A copy of the length it needs (concat): a push leaves room for seventeen, and 42% of a 100,000-account log's cycles refuse a meter or two (heap54).
    refusals.rejections = rejections.concat({ meter, reason, events: 1, quantity, firstAt: at, firstOrigin: origin });
    refusals.rejectedCredits = (refusals.rejectedCredits ?? NO_CREDITS_BY_PLACE).concat(credits ?? null);
    return;
  }
  const r = rejections[place]!;
  r.events++;
  const sofar = refusals.rejectedCredits![place]!;
  refusals.rejectedCredits![place] = sofar === null || credits === undefined ? null : add(sofar, credits);
  let counts = refusals.rejectedCounts;
  const length = counts?.length ?? 0;
  if (counts === undefined || length < rejections.length) refusals.rejectedCounts = counts = (counts ?? NO_COUNTS).concat(new Array<number>(rejections.length - length).fill(0));
  const sum = count === undefined ? undefined : addCount(counts[place]!, count);
  if (sum === undefined) r.quantity = r.quantity.plus(quantity);
  else counts[place] = sum;
}

/** The refusals, with what rows added as integers in their quantities; those start again from zero, so that closing twice gives the same statement. */
export function foldRefusals(refusals: Readonly<Refusals>, scale: Scale): readonly Rejection[] {
  const rejections = refusals.rejections ?? [];
  const credits = refusals.rejectedCredits;
  for (let i = 0; i < rejections.length; i++) {
    const c = credits?.[i];
    if (c !== undefined && c !== null) rejections[i]!.credits = scale.decimal(c);
  }
  const counts = refusals.rejectedCounts;
  if (counts === undefined) return rejections;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    rejections[i]!.quantity = rejections[i]!.quantity.plus(countDecimal(counts[i]!));
    counts[i] = 0;
  }
  return rejections;
}
