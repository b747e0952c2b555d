import { formatLocation, shown } from "../errors.js";
import { formatExact } from "../money.js";
import { CREDITS_BOUGHT, PLAN_FEE } from "../bill/mapping.js";
import { formatInstant } from "../time.js";
import type { ReconciledLine, Reconciliation } from "./types.js";

/** At most this many lines of a bill's cycle, against its others', read as a few rows dated in the wrong period. */
const FEW = 3;
/** Lines of the bill's other cycles, and usage lines the sparse one lacks, that make the few stand out. */
const MANY = 20;

/**
 * A cycle the bill gives a few lines, beside cycles it gives many, where the usage has many lines the bill lacks: most
 * likely rows dated in the wrong period (newcomer, stop 48: one November row dated 2026-12-01 made the usage's
 * December 1,434 lines missing on the bill, and the summary a bill 245,000 credits short). The lines are compared as
 * the bill has them; the note says which cycle to look at, on stderr.
 */
export function sparseCycleNotes(r: Reconciliation): string[] {
  const billed = new Map<number, number>();
  const missing = new Map<number, number>();
  for (const l of r.lines) {
    const counts = l.status === "only_in_usage" ? missing : billed;
    counts.set(l.cycleStart, (counts.get(l.cycleStart) ?? 0) + 1);
  }
  const notes: string[] = [];
  for (const [start, lines] of billed) {
    const others = [...billed].reduce((n, [s, count]) => (s === start ? n : n + count), 0);
    const lacking = missing.get(start) ?? 0;
    if (lines > FEW || others < MANY || lacking < MANY) continue;
    const n = (count: number) => count.toLocaleString("en-US");
    notes.push(`burnrate: note: the bill gives ${n(lines)} line(s) in the cycle from ${formatInstant(start)} and ${n(others)} in its other cycle(s); the usage's ${n(lacking)} other line(s) of that cycle are missing_on_bill. If the bill does not cover that cycle, a row of it is dated in the wrong period\n`);
  }
  return notes;
}

/** Lines the same every month: a plan's fee, credits bought each month (a pack). */
const MONTHLY: ReadonlySet<string> = new Set([PLAN_FEE, CREDITS_BOUGHT]);

/**
 * A bill line the usage does not have (`missing_in_usage`) that a line of another of the bill's cycles repeats exactly
 * (its account, activity, dimensions, quantity and amount): a row copied with the wrong period most likely
 * (newcomer49 F10: November's line dated 2026-12-01). Not a plan's fee nor credits bought: a fee, or a pack bought each
 * month, is the same every month, and a fee after the subscription ended read as a row dated in the wrong period beside
 * its own explanation (newcomer72a L5). An overage line is, as it varies (red72a L4).
 */
export function periodCopyNotes(r: Reconciliation): string[] {
  const key = (l: ReconciledLine) => JSON.stringify([l.line.account ?? "", l.line.activity, l.line.dimensions, l.line.bill?.quantity?.toFixed() ?? "", l.line.bill?.amount.toFixed()]);
  const billed = new Map<string, ReconciledLine[]>();
  for (const l of r.lines) {
    if (l.line.bill === undefined) continue;
    const list = billed.get(key(l));
    if (list === undefined) billed.set(key(l), [l]);
    else list.push(l);
  }
  return r.lines.flatMap((l) => {
    if (l.status !== "only_on_bill" || l.line.bill === undefined || MONTHLY.has(l.line.meters[0]!)) return [];
    const same = billed.get(key(l))?.find((o) => o.cycleStart !== l.cycleStart);
    if (same === undefined) return [];
    return [`burnrate: note: ${formatLocation(l.line.bill.origin)}, a line the usage does not have in the cycle from ${formatInstant(l.cycleStart)}, repeats ${formatLocation(same.line.bill!.origin)} of the cycle from ${formatInstant(same.cycleStart)} exactly: a row dated in the wrong period?\n`];
  });
}

/**
 * The note for a bill of plan fees and overage alone, whose usage lines are not compared (Aligner.usageBilled): said,
 * so that a bill meant to list usage, all of it mapped to money by mistake, is not read as agreeing on it.
 */
export function feesOnlyNotes(r: Reconciliation): string[] {
  if (r.lines.length === 0 || !r.lines.every((l) => l.line.money)) return [];
  return ["burnrate: note: the bill lists no usage, only money (plan fees, overage, credits bought): the usage in credits is not compared line by line (such an invoice bills the usage past the allowance as its overage line, which is compared)\n"];
}

/**
 * The note for a bill of usage without an overage line, beside usage past its allowance: the overage is not compared
 * (Aligner.comparesOverage), and is told, so that an invoice that should bill it in money and left it out is seen.
 */
export function overageNotComparedNotes(r: Reconciliation): string[] {
  const o = r.overageNotCompared;
  if (o === undefined) return [];
  const named = o.accounts.slice(0, FEW).map(shown).join(", ");
  const more = o.accounts.length > FEW ? ` and ${(o.accounts.length - FEW).toLocaleString("en-US")} more` : "";
  const one = o.accounts.length === 1;
  return [`burnrate: note: the bill has no overage line, so the usage's overage is not compared: ${formatExact(o.amount)} ${r.currency} in the bill's cycles, of ${one ? "account" : `${o.accounts.length.toLocaleString("en-US")} accounts`} ${named}${more} past ${one ? "its" : "their"} allowance. A bill of usage in credits lists the credits past the allowance among its usage lines; an invoice that bills overage in money lists it on a line of activity Overage (or a word mapped to overage under activities:)\n`];
}

/**
 * The note for a bill that names no account, beside usage of several, where it differs past the tolerance: each of
 * its lines is compared with every account's usage summed, which a customer's own invoice is not (newcomer60 M1: one
 * customer's bill read "-393,820.93 credits undercharged" against 301 accounts summed, with no hint). A fleet's bill
 * that agrees with the sum is told nothing.
 */
export function summedAccountsNotes(r: Reconciliation): string[] {
  if (r.lines.length === 0 || r.lines.some((l) => l.line.account !== undefined) || r.differences.every((d) => d.withinTolerance)) return [];
  const used = r.replayed.accounts.filter((a) => a.cycles.some((c) => c.lines.length > 0)).length;
  if (used < 2) return [];
  return [`burnrate: note: the bill names no account: each of its lines is compared with the usage of all ${used.toLocaleString("en-US")} accounts summed; a bill of one customer names it, account: NAME in its bill mapping (a bill of several, columns: { account: COLUMN })\n`];
}
