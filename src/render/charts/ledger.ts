import type { LedgerEntry } from "../../engine/types.js";
import { Decimal, formatExact, ZERO } from "../../money.js";
import type { BurnEntries, BurnEntry } from "./series.js";

const HOUR = 3_600_000;

/** An account's points, a list a field: a number, a name and two texts a point, where an object with its Decimals was 190 bytes. */
class AccountPoints {
  readonly at: number[] = [];
  readonly type: LedgerEntry["type"][] = [];
  readonly balance: string[] = [];
  readonly uncovered: string[] = [];
  /** A payment's credits and grant, by its point's place: its mark. */
  readonly payments = new Map<number, { amount: Decimal; grant: string | undefined }>();
}

/**
 * The ledger as a burn-down needs it: of an account's charges in a row within
 * one hour, the replay writes only the last, which holds the run's lowest balance
 * and highest grace used (LedgerSink.foldCharges, src/engine/ledger-out.ts); the
 * other movements (payments, allowances, refunds, expiries) and the charge that
 * first draws on the grace buffer are all written. Memory then grows with the
 * time the statement spans, not with the number of events, so a month of ten
 * million rows draws from a few thousand points, and the known path stays on.
 *
 * The points are kept by account as a burn-down reads them (BurnEntry), their
 * amounts as exact text, and made entries again an account at a time: a month of
 * 200 accounts is some 140,000 points. The replay restarts it when it replays the
 * input again (unsorted, or needing the full CSV parser).
 */
export class BurnLedger implements BurnEntries {
  private byAccount = new Map<string, AccountPoints>();

  readonly foldCharges = HOUR;

  push(entry: LedgerEntry): void {
    let points = this.byAccount.get(entry.account);
    if (points === undefined) this.byAccount.set(entry.account, (points = new AccountPoints()));
    if (entry.type === "payment") points.payments.set(points.at.length, { amount: entry.amount, grant: entry.grant });
    points.at.push(entry.at);
    points.type.push(entry.type);
    points.balance.push(formatExact(entry.balance));
    points.uncovered.push(entry.uncovered.isZero() ? "0" : formatExact(entry.uncovered));
  }

  restart(): void {
    this.byAccount = new Map();
  }

  of(account: string): readonly BurnEntry[] {
    const points = this.byAccount.get(account);
    if (points === undefined) return [];
    return points.at.map((at, i) => {
      const payment = points.payments.get(i);
      const uncovered = points.uncovered[i]!;
      return { at, type: points.type[i]!, balance: new Decimal(points.balance[i]!), uncovered: uncovered === "0" ? ZERO : new Decimal(uncovered), amount: payment?.amount ?? ZERO, grant: payment?.grant };
    });
  }

  /** An account's points are let go once its burn-downs are drawn. */
  release(account: string): void {
    this.byAccount.delete(account);
  }
}
