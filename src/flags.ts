import { expandUsage } from "./usage/sources.js";
import { atFlag, shown, UserError } from "./errors.js";
import { parsePlainDecimal, type Decimal } from "./money.js";

// What the flags' values must look like, checked as the command line is read, so
// every command gets them as values and a bad one is an error that names its flag.

/** Enough runs for stable p90s; more only burns the machine. */
const MAX_SAMPLES = 10_000;

export function sampleCount(text: string): number {
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1 || Number(text) > MAX_SAMPLES) {
    throw new UserError("bad sample count", atFlag("--samples"), `a whole number from 1 to ${MAX_SAMPLES}`, shown(text));
  }
  return Number(text);
}

/** A percentage may be written with its sign (`10%`): the same number, since every percentage gate is already of the base. */
const percentOf = (text: string) => parsePlainDecimal(text.endsWith("%") ? text.slice(0, -1) : text);

export function failOverPercent(text: string): Decimal {
  const value = percentOf(text);
  if (value === undefined || value.isNegative()) throw new UserError("bad --fail-over", atFlag("--fail-over"), "a percentage of 0 or more, such as 10 or 2.5", JSON.stringify(text));
  return value;
}

/** A diff gate's limit: a percentage for the -meter gates, an amount in credits for the -amount ones. */
export function gateLimit(flag: string): (text: string) => Decimal {
  const what = flag.endsWith("-amount") ? "an amount in credits of 0 or more, such as 50 or 2.5" : "a percentage of 0 or more, such as 10 or 2.5";
  return (text) => {
    const value = flag.endsWith("-amount") ? parsePlainDecimal(text) : percentOf(text);
    if (value === undefined || value.isNegative()) throw new UserError(`bad ${flag}`, atFlag(flag), what, JSON.stringify(text));
    return value;
  };
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** A window of at most ten years: a longer one is the whole log of any card's anchor (FAR_CYCLES), and a typo. */
const MAX_WINDOW_DAYS = 3650;

/** `--dedupe-window`: a whole number of seconds, minutes, hours or days, in milliseconds. */
export function dedupeWindow(text: string): number {
  const match = /^([1-9]\d{0,6})(s|m|h|d)$/.exec(text);
  const ms = match === null ? undefined : Number(match[1]) * DURATION_UNITS[match[2]!]!;
  if (ms === undefined || ms > MAX_WINDOW_DAYS * DURATION_UNITS.d!) {
    throw new UserError("bad dedupe window", atFlag("--dedupe-window"), `a whole number above 0 of s, m, h or d, such as 24h or 7d, up to ${MAX_WINDOW_DAYS}d`, shown(text));
  }
  return ms;
}

/** The longest lateness taken: a year, past which a value is more likely a slip than a plan. */
export const MAX_LATENESS_DAYS = 366;

/** `--max-lateness`: a whole number of seconds, minutes, hours or days (0 alone: rows must come in time order), in milliseconds. */
export function maxLateness(text: string): number {
  const match = /^(\d{1,9})([smhd])$/.exec(text) ?? (text === "0" ? ["0", "0", "s"] : null);
  const ms = match === null ? NaN : Number(match[1]) * DURATION_UNITS[match[2]!]!;
  if (!(ms <= MAX_LATENESS_DAYS * DURATION_UNITS.d!)) {
    throw new UserError("bad duration", atFlag("--max-lateness"), `a whole number of s, m, h or d up to ${MAX_LATENESS_DAYS}d, such as 10m, 6h or 1d (or 0)`, shown(text));
  }
  return ms;
}

/** A tolerance of 0 or more, for the flag `name`. */
export function tolerance(name: string): (text: string) => Decimal {
  return (text) => {
    const value = parsePlainDecimal(text.trim());
    if (!value || value.isNegative()) throw new UserError("bad tolerance", atFlag(name), "a plain decimal of 0 or more", shown(text));
    return value;
  };
}

/**
 * Usage files, at least one, with folders and quoted globs expanded (src/usage/sources.ts);
 * `-` (standard input) only for a command that reads its usage once (`why` says why the others cannot).
 */
export function checkUsage(values: readonly string[], stdin: { allowed: true } | { allowed: false; command: string; why: string }): string[] {
  if (values.length === 0) throw new UserError("no usage", atFlag("--usage"), "--usage FILE", "none");
  if (!stdin.allowed && values.includes("-")) {
    throw new UserError(`${stdin.command} cannot read usage from standard input`, atFlag("--usage"), `a usage file (${stdin.why})`, "-");
  }
  return expandUsage(values);
}
