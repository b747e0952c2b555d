import type { Decimal } from "../money.js";
import { spanNumber, type Instant } from "../time.js";
import { add, NO_CREDITS, type Credits, type Scale } from "./credits.js";
import type { LedgerEntry, LedgerPart, LedgerSink } from "./types.js";

/** A movement of credits other than a charge, as the replay logs it: a grant's names no meter, dimensions or quantity. */
export type LedgerLine = Pick<LedgerEntry, "at" | "type" | "amount"> & Partial<Pick<LedgerEntry, "meter" | "grant" | "dimensions" | "quantity" | "parts">>;

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
  /** Where the sink asks for them (wantsParts). */
  parts?: readonly LedgerPart[];
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
   * The entries of accounts the statement may not list as customers, while nothing of their own is in them: the
   * account nothing names (ReplaySetup.unnamed), listed only where a row of its is read or at the end
   * (withoutIdleUnnamed, red61b F4), and a creator first made by a reward, listed with its rewards only and on no plan
   * unless a row of its is read (creatorOnly, red62b F7). Their entries are held until a row of theirs is read, then
   * written in their order; at the end, written only for an account the statement lists as a customer. An account
   * without rows has a few entries a cycle (its grants and their expiries), never one a row.
   */
  private readonly held = new Map<string, LedgerEntry[]>();

  constructor(
    private readonly sink: LedgerSink,
    private readonly scale: Scale,
    unnamed: string | undefined,
  ) {
    this.span = sink.foldCharges;
    if (unnamed !== undefined) this.hold(unnamed);
  }

  /** Hold an account's entries until a row of its is read (`held`), from its first. */
  hold(account: string): void {
    if (!this.held.has(account)) this.held.set(account, []);
  }

  /** Whether the sink reads each charge's components (LedgerEntry.parts). */
  get wantsParts(): boolean {
    return this.sink.parts === true;
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

  /** Every run's held charge, at the replay's end; the held accounts' entries where the statement lists them as customers. */
  finish(runs: readonly LedgerRun[], customer: (account: string) => boolean): void {
    for (const run of runs) {
      const kept = this.kept[run.ordinal];
      if (kept !== undefined) this.release(run, kept);
    }
    for (const account of [...this.held.keys()]) {
      if (customer(account)) this.writeHeld(account);
      else this.held.delete(account);
    }
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
    const { at, type, meter, grant, dimensions, quantity, amount, parts } = line;
    const entry: LedgerEntry = { at, account: run.id, type, meter, grant, dimensions: dimensions ?? NO_DIMENSIONS, quantity, amount, uncovered: this.scale.decimal(uncovered), balance: this.scale.decimal(balance), ...(parts === undefined ? {} : { parts }) };
    const held = this.held.size === 0 ? undefined : this.held.get(run.id);
    if (held !== undefined) {
      if (!run.rowsRead) return void held.push(entry);
      this.writeHeld(run.id);
    }
    this.sink.write(entry);
  }

  /** An account's held entries, in their order: written after other accounts' of later instants, as a part's are. */
  private writeHeld(account: string): void {
    const held = this.held.get(account) ?? [];
    this.held.delete(account);
    for (const entry of held) this.sink.write(entry);
  }

}

function chargeEntry(line: ChargeLine, scale: Scale): LedgerLine {
  return { at: line.at, type: "charge", meter: line.meter, dimensions: line.dimensions, quantity: line.quantity, amount: scale.decimal(line.credits).neg(), ...(line.parts === undefined ? {} : { parts: line.parts }) };
}
