import type { CycleStatement, Statement } from "../engine/types.js";
import { cycleMoney } from "../ratecard/cycle-money.js";
import type { RateCard } from "../ratecard/types.js";
import type { Location } from "../errors.js";
import { Decimal, ZERO, formatExact } from "../money.js";
import { parseInstant, formatInstant, type Instant, type Zone } from "../time.js";
import type { CycleExpectation, Expectation } from "./schema.js";

/** One expectation that did not hold, at the line of the tests file that states it. */
export interface Mismatch {
  location: Location;
  what: string;
  expected: string;
  actual: string;
  /**
   * Where a charge came out short and the statement refused events it counts: how many, of which meter and why. A
   * case's "expected 21000, got 0" read as a price wrong, where an allowance cut had refused its one row (newcomer71 L4).
   */
  refused?: string;
}

type At = (path: readonly (string | number)[]) => Location;

/** Whether an expectation names nothing compare() compares: a case that passes whatever the card charges. */
export function expectsNothing(expect: Expectation): boolean {
  return [expect.total, expect.money, expect.uncovered, expect.rejected, expect.cycles].every((e) => e === undefined) && (expect.meters?.size ?? 0) === 0;
}

/** Compare a statement with what the case says it must cost. Amounts compare by value. */
export function compare(statement: Statement, expect: Expectation, { at, defaultAccount, zone, card }: { at: At; defaultAccount: string; zone: Zone; card: RateCard }): Mismatch[] {
  const out: Mismatch[] = [];
  const amount = (what: string, path: (string | number)[], expected: Decimal | undefined, actual: Decimal, refusedIn: readonly CycleStatement[] = [], meter?: string) => {
    if (expected === undefined || expected.eq(actual)) return;
    const refused = expected.gt(actual) ? refusedText(refusedIn, meter) : undefined;
    out.push({ location: at(path), what, expected: formatExact(expected), actual: formatExact(actual), ...(refused === undefined ? {} : { refused }) });
  };
  const number = (what: string, path: (string | number)[], expected: number | undefined, actual: number) => {
    if (expected !== undefined && expected !== actual) out.push({ location: at(path), what, expected: String(expected), actual: String(actual) });
  };

  const cycles = statement.accounts.flatMap((a) => a.cycles);
  amount("total", ["total"], expect.total, sum(cycles.map((c) => c.total)), cycles);
  // Each cycle's money as the statement bills it (cycleMoney, the one statement of the rule), on the cycle's own plan
  // (red61c F3: the account's last plan priced a cycle before a change): none on a card of no prices, and unknown where
  // credits were bought at no price, as the statement's money total is (red61c F6).
  const moneyOf = (c: CycleStatement): Decimal | undefined => {
    const billed = cycleMoney(card, c.plan, c);
    return billed === undefined ? ZERO : billed.unpriced.isZero() ? billed.total : undefined;
  };
  const money = (what: string, path: (string | number)[], expected: Decimal | undefined, cycles: readonly CycleStatement[]) => {
    if (expected === undefined) return;
    const each = cycles.map(moneyOf);
    if (each.every((m) => m !== undefined)) return amount(what, path, expected, sum(each as Decimal[]));
    out.push({ location: at(path), what, expected: formatExact(expected), actual: "unknown (credits bought at no price)" });
  };
  money("money", ["money"], expect.money, cycles);
  amount("uncovered", ["uncovered"], expect.uncovered, sum(cycles.map((c) => c.uncovered)));
  number("rejected events", ["rejected"], expect.rejected, cycles.reduce((n, c) => n + c.rejected.reduce((m, r) => m + r.events, 0), 0));
  for (const [meter, expected] of expect.meters ?? []) {
    amount(`meter ${meter}`, ["meters", meter], expected, sum(cycles.flatMap((c) => c.lines.filter((l) => l.meter === meter).map((l) => l.amount))), cycles, meter);
  }

  const wanted = new Map<string, { entry: CycleExpectation; index: number }[]>();
  (expect.cycles ?? []).forEach((entry, index) => {
    const account = entry.account ?? defaultAccount;
    wanted.set(account, [...(wanted.get(account) ?? []), { entry, index }]);
  });
  for (const [account, entries] of wanted) {
    const actual = statement.accounts.find((a) => a.account === account)?.cycles ?? [];
    const first = entries[0]!.index;
    if (actual.length !== entries.length) {
      out.push({ location: at(["cycles", first]), what: `cycles of account ${account}`, expected: String(entries.length), actual: String(actual.length) });
    }
    entries.forEach(({ entry, index }, n) => {
      const c = actual[n];
      if (!c) return;
      const path = (...rest: (string | number)[]) => ["cycles", index, ...rest];
      // With several accounts, which one's cycle: the line:column alone told it (newcomer59 L5).
      const label = wanted.size > 1 ? `cycle ${n + 1} of account ${account}` : `cycle ${n + 1}`;
      if (entry.start !== undefined) {
        const parsed = parseInstant(entry.start, zone);
        if (!parsed.ok || parsed.at !== c.start) out.push({ location: at(path("start")), what: `${label} start`, expected: entry.start, actual: startShown(entry.start, c.start, zone) });
      }
      amount(`${label} total`, path("total"), entry.total, c.total, [c]);
      money(`${label} money`, path("money"), entry.money, [c]);
      amount(`${label} uncovered`, path("uncovered"), entry.uncovered, c.uncovered);
      number(`${label} rejected events`, path("rejected"), entry.rejected, c.rejected.reduce((m, r) => m + r.events, 0));
      for (const [meter, expected] of entry.meters ?? []) {
        amount(`${label} meter ${meter}`, path("meters", meter), expected, sum(c.lines.filter((l) => l.meter === meter).map((l) => l.amount)), [c], meter);
      }
      if (entry.thresholds !== undefined) {
        const crossed = c.thresholds.map((t) => t.percent).join(", ");
        if (crossed !== entry.thresholds.join(", ")) out.push({ location: at(path("thresholds")), what: `${label} thresholds crossed`, expected: `[${entry.thresholds.join(", ")}]`, actual: `[${crossed}]` });
      }
      for (const [kind, fields] of entry.grants ?? []) {
        const row = c.grants.find((g) => g.kind === kind);
        for (const field of ["opening", "granted", "consumed", "expired", "closing"] as const) {
          amount(`${label} ${kind} ${field}`, path("grants", kind, field), fields[field], row?.[field] ?? ZERO);
        }
      }
    });
  }
  return out;
}

/** The events the cycles refused (of one meter, where given): `2 events refused: image, credits exhausted`; none, undefined. */
function refusedText(cycles: readonly CycleStatement[], meter: string | undefined): string | undefined {
  const rows = cycles.flatMap((c) => c.rejected).filter((r) => meter === undefined || r.meter === meter);
  const events = rows.reduce((n, r) => n + r.events, 0);
  if (events === 0) return undefined;
  const why = [...new Set(rows.map((r) => `${r.meter}, ${r.reason}`))];
  return `${events} event${events === 1 ? "" : "s"} refused: ${why.slice(0, 3).join("; ")}${why.length > 3 ? `; and ${why.length - 3} more` : ""}`;
}

function sum(values: readonly Decimal[]): Decimal {
  return values.reduce((a, b) => a.plus(b), ZERO);
}

/**
 * A cycle's start as its expectation writes one: a local date where it writes a date and the cycle starts at a local
 * midnight (newcomer59 L3: "expected 2026-04-02, got 2026-03-31T22:00:00Z" for a cycle of 1 April in Berlin), else the
 * instant.
 */
function startShown(expected: string, start: Instant, zone: Zone): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(expected)) return formatInstant(start);
  const date = zone.localDate(start);
  const midnight = parseInstant(date, zone);
  return midnight.ok && midnight.at === start ? date : formatInstant(start);
}
