import type { Decimal } from "../money.js";
import { spanNumber, type Instant } from "../time.js";
import { add, NO_CREDITS, type Credits, type Scale } from "./credits.js";
import type { LedgerEntry, LedgerSink } from "./types.js";

/** A movement of credits other than a charge, as the replay logs it: a grant's names no meter, dimensions or quantity. */
export type LedgerLine = Pick<LedgerEntry, "at" | "type" | "amount"> & Partial<Pick<LedgerEntry, "meter" | "grant" | "dimensions" | "quantity">>;

/**
 * A charge as the replay logs it, its credits as the replay counts them: made a Decimal only where written. No
 * meter for the known rows' charges taken together (KnownRows' deferred units), which name none.
 */
export interface ChargeLine {
  at: Instant;
  meter: string | undefined;
  dimensions: Readonly<Record<string, string>> | undefined;
  quantity: Decimal | undefined;
  credits: Credits;
}

/** What the ledger reads of an account's run: where its credits stand after the movement logged. */
export interface LedgerRun {
  readonly id: string;
  readonly ordinal: number;
  /** A row of the account's has been read (AccountRun.rowsRead). */
  readonly rowsRead: boolean;
  readonly wallet: { balance(): Credits };
  readonly cycle: { readonly uncovered: Credits };
}

/** A run's last entry as a folding sink keeps it; `held`, a charge not yet written that a later one may fold into. */
interface Kept {
  held: boolean;
  at: Instant;
  credits: Credits;
  balance: Credits;
  uncovered: Credits;
  /** The held charge's own line while it is one charge, else undefined. */
  line: ChargeLine | undefined;
  /** Whether the last entry kept left nothing uncovered: the next charge that does starts the grace. */
  covered: boolean;
}

const NO_DIMENSIONS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The replay's ledger, written to its sink. Every movement is an entry, unless the sink folds charges
 * (LedgerSink.foldCharges): then of an account's charges in a row within one span, only the last is written,
 * with the credits of those before it summed into it, and named by its own meter only if it is the only one. A
 * charge that first leaves credits uncovered (the grace buffer's first draw) is written as it is, and so is every
 * other movement (a payment, an allowance, a refund, an expiry), after the charge held before it. A burn-down so
 * keeps a point an account an hour, whatever the rows, and no Decimal is made for a charge folded away.
 */
export class LedgerOut {
  private readonly kept: (Kept | undefined)[] = [];
  /** The sink's span (LedgerSink.foldCharges), undefined where it folds none. */
  readonly span: number | undefined;
  /**
   * The entries of the account nothing names (ReplaySetup.unnamed) while nothing of its own is in it: the statement
   * lists it only where a row of its is read, or at the end (withoutIdleUnnamed), and so does the ledger (red61b F4).
   * Undefined once they are written, or where there is no such account. An account without rows has a few entries a
   * cycle (its grants and their expiries), never one a row.
   */
  private unnamedHeld: LedgerEntry[] | undefined;

  constructor(
    private readonly sink: LedgerSink,
    private readonly scale: Scale,
    private readonly unnamed: string | undefined,
  ) {
    this.span = sink.foldCharges;
    if (unnamed !== undefined) this.unnamedHeld = [];
  }

  /** Whether every charge is an entry of its own: the known path, which takes charges together, is then off. */
  get chargeByCharge(): boolean {
    return this.span === undefined;
  }

  /** A movement that is not a charge, after the run's held charge; `balance` where the wallet's is not the one after it. */
  entry(run: LedgerRun, line: LedgerLine, balance: Credits = run.wallet.balance()): void {
    const uncovered = run.cycle.uncovered;
    const kept = this.span === undefined ? undefined : this.keptOf(run);
    if (kept !== undefined) this.release(run, kept);
    this.write(run, line, balance, uncovered);
    if (kept !== undefined) kept.covered = uncovered === NO_CREDITS;
  }

  /** A charge, written or held to fold the run's next charges of its span into. */
  charge(run: LedgerRun, line: ChargeLine): void {
    const balance = run.wallet.balance();
    const uncovered = run.cycle.uncovered;
    if (this.span === undefined) return this.write(run, chargeEntry(line, this.scale), balance, uncovered);
    const kept = this.keptOf(run);
    const graceStarts = uncovered > NO_CREDITS && kept.covered;
    if (!graceStarts && kept.held && spanNumber(line.at, this.span) === spanNumber(kept.at, this.span)) {
      kept.at = line.at;
      kept.credits = add(kept.credits, line.credits);
      kept.balance = balance;
      kept.uncovered = uncovered;
      kept.line = undefined;
      kept.covered = uncovered === NO_CREDITS;
      return;
    }
    this.release(run, kept);
    kept.covered = uncovered === NO_CREDITS;
    if (graceStarts) return this.write(run, chargeEntry(line, this.scale), balance, uncovered);
    kept.held = true;
    kept.at = line.at;
    kept.credits = line.credits;
    kept.balance = balance;
    kept.uncovered = uncovered;
    kept.line = line;
  }

  /** Every run's held charge, at the replay's end; the unnamed account's entries where the statement lists it (`unnamedListed`). */
  finish(runs: readonly LedgerRun[], unnamedListed: boolean): void {
    for (const run of runs) {
      const kept = this.kept[run.ordinal];
      if (kept !== undefined) this.release(run, kept);
    }
    if (unnamedListed) this.writeUnnamed();
    this.unnamedHeld = undefined;
  }

  private keptOf(run: LedgerRun): Kept {
    return (this.kept[run.ordinal] ??= { held: false, at: 0, credits: NO_CREDITS, balance: NO_CREDITS, uncovered: NO_CREDITS, line: undefined, covered: true });
  }

  private release(run: LedgerRun, kept: Kept): void {
    if (!kept.held) return;
    kept.held = false;
    const line = kept.line ?? { at: kept.at, meter: undefined, dimensions: undefined, quantity: undefined, credits: kept.credits };
    kept.line = undefined;
    this.write(run, chargeEntry(line, this.scale), kept.balance, kept.uncovered);
  }

  private write(run: LedgerRun, line: LedgerLine, balance: Credits, uncovered: Credits): void {
    const { at, type, meter, grant, dimensions, quantity, amount } = line;
    const entry: LedgerEntry = { at, account: run.id, type, meter, grant, dimensions: dimensions ?? NO_DIMENSIONS, quantity, amount, uncovered: this.scale.decimal(uncovered), balance: this.scale.decimal(balance) };
    if (this.unnamedHeld !== undefined && run.id === this.unnamed) {
      if (!run.rowsRead) return void this.unnamedHeld.push(entry);
      this.writeUnnamed();
    }
    this.sink.write(entry);
  }

  /** The unnamed account's held entries, in their order: written after other accounts' of later instants, as a part's are. */
  private writeUnnamed(): void {
    const held = this.unnamedHeld;
    this.unnamedHeld = undefined;
    for (const entry of held ?? []) this.sink.write(entry);
  }
}

function chargeEntry(line: ChargeLine, scale: Scale): LedgerLine {
  return { at: line.at, type: "charge", meter: line.meter, dimensions: line.dimensions, quantity: line.quantity, amount: scale.decimal(line.credits).neg() };
}
