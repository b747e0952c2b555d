import { cycleOfPeriod } from "../bill/period.js";
import type { IgnoredRow } from "../bill/types.js";
import { UserError } from "../errors.js";
import { type Decimal, ZERO } from "../money.js";
import { creditsBoughtIn, isPaidGrant } from "../ratecard/cycle-money.js";
import { versionOf } from "../ratecard/plan-fee.js";
import { GIVEN_KINDS } from "../ratecard/purchases.js";
import type { RateCard } from "../ratecard/types.js";
import type { Calendar, Instant } from "../time.js";
import { sumOf } from "./align.js";
import type { CutStatement } from "./recut.js";
import type { IgnoredRows, Reconciliation, UncomparedOverage } from "./types.js";

/** What a reconciliation reports beside the bill's lines: usage outside the bill's cycles, the credits granted, and the rows the bill mapping ignores. */

/** The groups' cycles, each once, in time order: accounts whose cycles differ each add their own. */
export function spans(cycles: readonly { index: number; start: Instant; end: Instant }[]): { index: number; start: Instant; end: Instant }[] {
  const seen = new Map(cycles.map((c) => [`${c.start}/${c.end}`, c]));
  return [...seen.values()].sort((a, b) => a.start - b.start || a.end - b.end);
}

/** The groups' usage outside their bill's cycles, a span's amounts summed. */
export function mergeSpans(rows: Reconciliation["outsideBill"]): Reconciliation["outsideBill"] {
  const byKey = new Map<string, Reconciliation["outsideBill"][number]>();
  for (const r of rows) {
    const key = `${r.start}/${r.end}`;
    const seen = byKey.get(key);
    byKey.set(key, seen === undefined ? r : { ...seen, amount: seen.amount.plus(r.amount) });
  }
  return [...byKey.values()].sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * The rows the bill mapping ignores, summed by activity, account and the cycle of their period, in the order the bill
 * first has each: a sheet summed per activity alone did not say whose tax or credit it was, nor in which month
 * (newcomer, stop 36). An ignored row's period is not checked: one that names no cycle is summed without one.
 */
export function ignoredRows(rows: readonly IgnoredRow[], { calendarOf, accountOf }: { calendarOf: (account: string | undefined) => Calendar; accountOf: (account: string | undefined) => string | undefined }): IgnoredRows[] {
  const sums = new Map<string, IgnoredRows>();
  for (const row of rows) {
    const account = accountOf(row.account);
    const cycleStart = cycleStartOf(row, calendarOf(account));
    const key = JSON.stringify([row.activity, account ?? null, cycleStart ?? null]);
    const seen = sums.get(key) ?? { activity: row.activity, account, cycleStart, rows: 0, amount: ZERO };
    sums.set(key, { ...seen, rows: seen.rows + 1, amount: seen.amount.plus(row.amount) });
  }
  return [...sums.values()];
}

function cycleStartOf(row: IgnoredRow, calendar: Calendar): Instant | undefined {
  try {
    return calendar.start(cycleOfPeriod(row.period, calendar, row.periodCell));
  } catch (error) {
    if (error instanceof UserError) return undefined;
    throw error;
  }
}

export function outsideBill(statement: CutStatement, cycles: ReadonlySet<number>, accounts: ReadonlySet<string> | undefined): Reconciliation["outsideBill"] {
  const byCycle = new Map<number, { start: number; end: number; amount: Decimal }>();
  for (const account of statement.accounts) {
    if (accounts && !accounts.has(account.account)) continue;
    for (const c of account.cycles) {
      if (cycles.has(c.index) || c.lines.length === 0) continue;
      const seen = byCycle.get(c.index) ?? { start: c.start, end: c.end, amount: ZERO };
      byCycle.set(c.index, { ...seen, amount: seen.amount.plus(c.total) });
    }
  }
  return [...byCycle].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

/**
 * The credits the account file grants in the compared cycles (the plan's included and onetime ones aside) that were bought, in all
 * and by grant kind, and apart those of kinds the card gives free (paid: false): a ledger's Payment rows are credits
 * bought, so a gift has none (red72b M5: a promo given free was asked of a correct ledger as a payment, exit 1).
 * The total is creditsBoughtIn's, the money's rule (each grant by the version in force when granted); the kinds are
 * told apart by the version the cycle ends on (a re-cut period's by any version that sells the kind).
 */
export interface Granted {
  total: Decimal;
  byKind: readonly { kind: string; credits: Decimal }[];
  free: readonly { kind: string; credits: Decimal }[];
}

export function granted(card: RateCard, statement: CutStatement, cycles: ReadonlySet<number>, accounts: ReadonlySet<string> | undefined): Granted {
  let total = ZERO;
  const paid: { kind: string; credits: Decimal }[] = [];
  const free: { kind: string; credits: Decimal }[] = [];
  for (const a of statement.accounts) {
    if (accounts && !accounts.has(a.account)) continue;
    for (const c of a.cycles) {
      if (!cycles.has(c.index)) continue;
      total = total.plus(creditsBoughtIn(card, c));
      const versions = c.version === undefined ? card.versions ?? [card] : [versionOf(card, c.version)];
      for (const g of c.grants) {
        if (GIVEN_KINDS.has(g.kind) || g.granted.isZero()) continue;
        (versions.some((v) => isPaidGrant(v, g.kind)) ? paid : free).push({ kind: g.kind, credits: g.granted });
      }
    }
  }
  return { total, byKind: kindsOf(paid), free: kindsOf(free) };
}

/** Credits summed by grant kind, in the order the kinds first come. */
export function kindsOf(grants: readonly { kind: string; credits: Decimal }[]): { kind: string; credits: Decimal }[] {
  const byKind = new Map<string, Decimal>();
  for (const g of grants) byKind.set(g.kind, (byKind.get(g.kind) ?? ZERO).plus(g.credits));
  return [...byKind].map(([kind, credits]) => ({ kind, credits }));
}

/**
 * The overage of the bill's cycles and accounts, where the bill's lines do not compare it (a bill of usage without an
 * overage line, Aligner.comparesOverage): its money, and the accounts past their allowance, for the note that says so.
 */
export function uncomparedOverage(statement: CutStatement, cycles: ReadonlySet<number>, accounts: ReadonlySet<string> | undefined): UncomparedOverage {
  const past = new Set<string>();
  let amount = ZERO;
  for (const a of statement.accounts) {
    if (accounts && !accounts.has(a.account)) continue;
    for (const c of a.cycles) {
      const overage = c.overage;
      // A cycle with requests past a quota is compared (Aligner.comparesOverage): not left aside.
      if (!cycles.has(c.index) || !overage || overage.credits === undefined || !overage.requests.isZero()) continue;
      past.add(a.account);
      amount = amount.plus(overage.amount);
    }
  }
  return { amount, accounts: [...past] };
}

/** The groups' overages not compared, as one: undefined where no account is past its allowance. */
export function overageNotCompared(groups: readonly UncomparedOverage[]): UncomparedOverage | undefined {
  const accounts = [...new Set(groups.flatMap((g) => g.accounts))];
  return accounts.length === 0 ? undefined : { amount: sumOf(groups.map((g) => g.amount)), accounts };
}
