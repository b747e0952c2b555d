import { ONE, ZERO, type Decimal } from "../money.js";
import { UserError } from "../errors.js";
import { INCLUDED, ONETIME, type GrantKind, type RateCard } from "../ratecard/types.js";
import type { AccountChange, AccountTerms, CycleStatement, ReplaySetup, TimelineEntry } from "./types.js";
import { budgetsApply } from "./rules.js";
import type { Instant } from "../time.js";
import { add, NO_CREDITS, sub, type Credits } from "./credits.js";
import { Run } from "./account-run.js";
import { OpenCycle, type CycleSpan } from "./cycle.js";
import { unitPrice } from "./pricing.js";
import { Wallet, type Grant } from "./wallet.js";
import type { LedgerLine } from "./ledger-out.js";
import { changedTerms, lapsedByCap, termsOnVersion } from "./timeline.js";
import { FAR_AWAY, ReplayState, type AccountRun } from "./replay-state.js";
import { endsBy, endsWithSubscription } from "./subscription-end.js";
import { kindMissing } from "./grant-versions.js";

/**
 * Kinds whose grants expire in the cycle that ends at their expiry, reported as expired there, where the next cycle
 * never holds them: every kind but the plan's own allowance that ends with its cycle. Add-ons and rolled-over credits
 * that expire exactly at a cycle's end (red team, stop 37: 30 add-on credits bought at a renewal left the statement
 * twelve months on), and bought or given credits that end with their cycle (newcomer, stop 38: 1,800 of a paid pack's
 * credits shown as closing, and gone from the next cycle, where a diff saw no change). The allowance that ends with
 * its cycle lapses at the boundary, shown as closing: the plan's "does not roll over", which the next cycle's own
 * allowance replaces.
 */
export const outlivesCycle = (kind: GrantKind): boolean => kind.expires.kind !== "cycle_end" || kind.key !== INCLUDED;

/** Every kind expires at a boundary the subscription ends at. */
const ALL_KINDS = (): boolean => true;

/** The budgets of a run none apply to, shared (close() only reads them): a map is about 180 bytes an account of 100,000. */
const NO_BUDGETS: ReadonlyMap<string, Decimal> = new Map();

/** An account's run through its cycles: opened at its first event, its clock moved by each, its cycles closed and opened, its grants expired. */
export abstract class AccountRuns extends ReplayState {
  protected run(account: string): AccountRun {
    let run = this.runs.get(account);
    if (!run) {
      const opening = this.anchorChange(account);
      const initial = this.initialTerms(account);
      const terms = opening === undefined ? initial : this.termsAfter(initial, opening);
      run = new Run(account, this.runList.length, terms, new Wallet(), terms.subscriptionEnd ?? this.setup.subscriptionEnd);
      this.runs.set(account, run);
      this.runList.push(run);
      this.openCycle(run, 0);
    }
    return run;
  }

  /**
   * The terms a change leads to, on the version in force: its plan is that version's, not the account file's first
   * version's (red62 F2), and a plan the version lacks is refused at the change (red62 F7), at the anchor too (red62b F1).
   */
  protected termsAfter(before: AccountTerms, c: AccountChange): AccountTerms {
    const changed = changedTerms(before, c.change);
    if (changed === before || this.version === undefined) return changed;
    if (c.change.kind === "plan" && !this.card.plans.has(c.change.plan.key)) {
      const plans = [...this.card.plans.keys()].join(", ");
      throw new UserError(`plan ${c.change.plan.key} is not in version ${this.card.version} of the card, in force at the change`, c.origin, `a plan of version ${this.card.version}: ${plans}`, c.change.plan.key);
    }
    return termsOnVersion(changed, this.card, c.account);
  }

  /** The account's terms as its setup gives them, before any change. */
  protected initialTerms(account: string): AccountTerms {
    const terms = this.setup.accounts.get(account) ?? this.setup.fallback;
    return this.version === undefined ? terms : termsOnVersion(terms, this.card, account);
  }

  /** A plan or allowance change at the anchor: it says what the first cycle is. */
  protected anchorChange(account: string): AccountChange | undefined {
    const anchor = this.setup.calendar.start(0);
    return this.setup.changes?.find((c) => c.account === account && c.at === anchor && (c.change.kind === "plan" || c.change.kind === "allowance"));
  }

  /** Move an account's clock to `at`: close every cycle that ended, expire what is due. */
  protected advance(run: AccountRun, at: Instant): void {
    for (let next = this.cycleStart(run, run.cycle.index + 1); next <= at; next = this.cycleStart(run, run.cycle.index + 1)) {
      // A subscription that ends at this boundary takes the allowance with it in the cycle that ends there, as
      // docs/timelines.md says: its lapse was the next cycle's, which never held it (newcomer65 M1: 1,036 credits
      // shown closing, then removed in a cycle of no grants).
      this.expire(run, next, false, run.subscriptionEnd === next ? ALL_KINDS : outlivesCycle);
      this.closedCycles.add(run.ordinal, this.close(run));
      const lapsed = this.lapse(run, next);
      this.openCycle(run, run.cycle.index + 1);
      for (const entry of lapsed) run.cycle.note(entry);
    }
    if (run.wallet.dueBy(at)) this.expire(run, at, true);
    if (endsBy(run, at)) this.endPlan(run);
  }

  /**
   * The clock passed the subscription's end within the open cycle: its included credits lapsed there (expiryOf
   * capped them), and from now on the plan gives nothing (subscription-end.ts). The targets and what the known
   * path learnt were made while it still did.
   */
  private endPlan(run: AccountRun): void {
    run.ended = "instant";
    run.cycle.endedAt = run.subscriptionEnd;
    this.dropCaches();
  }

  /**
   * Grants that end with the cycle lapse at its boundary: the old cycle shows them as closing, the new one starts without them.
   * Returns the timeline entries of capped grants lapsing there, for the new cycle.
   */
  protected lapse(run: AccountRun, boundary: Instant): TimelineEntry[] {
    const gone = run.wallet.expire(boundary, true);
    this.logExpiries(run, gone);
    return lapsedByCap(run, gone, (c) => this.scale.decimal(c));
  }

  protected expire(run: AccountRun, at: Instant, inclusive: boolean, atBoundary?: (kind: GrantKind) => boolean): void {
    const gone = run.wallet.expire(at, inclusive, atBoundary);
    for (const grant of gone) run.cycle.expired(grant.kind.key, grant.remaining);
    this.logExpiries(run, gone);
    for (const entry of lapsedByCap(run, gone, (c) => this.scale.decimal(c))) run.cycle.note(entry);
  }

  /**
   * Expired grants' unspent credits leave the ledger at their expiry (a lapsing grant expires at the boundary it lapses
   * at), one entry a grant, each with the balance after it: the wallet let them all go at once, so the balance before
   * them is worked back (red62 F4: two expiries at one instant both showed the balance after the second).
   */
  protected logExpiries(run: AccountRun, gone: readonly Grant[]): void {
    if (this.ledger === undefined) return;
    let balance = gone.reduce((sum, grant) => add(sum, grant.remaining), run.wallet.balance());
    for (const grant of gone) {
      if (grant.remaining <= NO_CREDITS) continue;
      balance = sub(balance, grant.remaining);
      this.ledger.entry(run, { at: grant.expiresAt!, type: "expiry", grant: grant.kind.key, amount: this.scale.decimal(grant.remaining).neg() }, balance);
    }
  }

  /** Where the run's cycle `index` starts: on the replay's calendar, or on the one an upgrade re-anchored the run to. */
  protected cycleStart(run: AccountRun, index: number): Instant {
    const own = run.calendar;
    return own === undefined || index < own.index ? this.setup.calendar.start(index) : own.calendar.start(index - own.index);
  }

  protected openCycle(run: AccountRun, index: number): void {
    const start = this.cycleStart(run, index);
    const end = this.cycleStart(run, index + 1);
    if (run.pending !== undefined) {
      run.terms = run.pending;
      run.pending = undefined;
      this.dropCaches();
    }
    const { plan } = run.terms;
    // A cycle opening at or after the subscription's end opens without the plan: no included credits, one-time
    // credits or top-ups, and no fee (planBilled); a later end given back restores it (TimelineApplication.restorePlan).
    const ends = run.subscriptionEnd;
    run.ended = ends !== undefined && ends <= start ? "cycle" : undefined;
    const ended = run.ended === "cycle";
    const allowance = ended ? ZERO : run.terms.allowance;
    run.wallet.startCycle();
    const included = this.card.grantKinds.get(INCLUDED)!;
    if (allowance.gt(0)) run.wallet.add(included, this.scale.of(allowance), start, this.expiryOf(included, start, end, run));
    const onetime = this.card.grantKinds.get(ONETIME);
    if (index === 0 && !ended && onetime && plan.onetime.gt(0)) run.wallet.add(onetime, this.scale.of(plan.onetime), start, this.expiryOf(onetime, start, end, run));
    // The cycle opens with its allowance: it is part of the opening balance, not a grant during the cycle.
    // A list, not a map: one or two kinds an account, and a map is about 180 bytes.
    const opening = this.sharedOpening(run.wallet.kinds().map((kind) => ({ kind, credits: run.wallet.balanceOf(kind) })));
    const last = this.lastSpan;
    const span = last.index === index && last.start === start && last.end === end ? last : (this.lastSpan = { index, start, end });
    const lines = run.cycle?.linesAtClose ?? 0;
    run.cycle = new OpenCycle(span, { allowance, plan }, opening, this.grantRules, this.scale);
    run.cycle.makeRoom(lines);
    run.cycle.version = this.version;
    if (ended) run.cycle.endedAt = ends;
    run.serial = ++this.cyclesOpened;
    if (allowance.gt(0)) this.log(run, { at: start, type: "allowance", grant: INCLUDED, amount: allowance });
    if (index === 0 && !ended && onetime && plan.onetime.gt(0)) this.log(run, { at: start, type: "allowance", grant: ONETIME, amount: plan.onetime });
    // A subscription that tops the balance up each period pays in at the cycle's start, before its charges.
    for (const g of ended ? [] : run.terms.recurringGrants) {
      const kind = this.card.grantKinds.get(g.kind);
      if (kind === undefined) throw kindMissing(this.card, g.kind, start);
      run.wallet.add(kind, this.scale.of(g.amount), start, this.expiryOf(kind, start, end, run));
      run.cycle.granted(g.kind, g.amount);
      this.log(run, { at: start, type: "payment", grant: g.kind, amount: g.amount });
    }
    this.chargeCycleStart(run, start);
  }

  /**
   * The last opening balance made, when `opening` holds the same: a cycle only reads it, and every account of
   * a log of many opens its cycles with the same allowance (a list and an entry each were about 130 bytes).
   */
  private sharedOpening(opening: readonly { kind: string; credits: Credits }[]): readonly { kind: string; credits: Credits }[] {
    const last = this.lastOpening;
    if (last.length === opening.length && last.every((o, i) => o.kind === opening[i]!.kind && o.credits === opening[i]!.credits)) return last;
    this.lastOpening = opening;
    return opening;
  }

  private lastOpening: readonly { kind: string; credits: Credits }[] = [];

  /** The last cycle span made: the accounts of a log open the same cycles, one after another. */
  private lastSpan: CycleSpan = { index: -1, start: 0, end: 0 };

  /** Recurring items and gauge levels are charged at the cycle's start, before any of its events. */
  protected chargeCycleStart(run: AccountRun, start: Instant): void {
    for (const meter of this.card.meters.values()) {
      if (meter.aggregation === "recurring") {
        const active = run.active?.get(meter.key);
        // The cycle's set of charged items is made only for an account with items active: a set and a map are about 400 bytes an account.
        if (active === undefined || active.size === 0) continue;
        const charged = run.cycle.chargedItems(meter.key);
        for (const [key, item] of active) {
          if (this.charge(run, { at: start, meter, kind: "recurring", dims: item.dims, quantity: ONE, event: undefined, probe: false, shape: undefined })) charged.add(key);
        }
      } else if (meter.aggregation === "gauge") {
        for (const gauge of run.gauges?.get(meter.key)?.values() ?? []) {
          gauge.chargedLevel = ZERO;
          gauge.refundedLevel = ZERO;
          if (gauge.level.isZero()) continue;
          gauge.chargedPrice = unitPrice(meter, gauge.dims, meter.location);
          if (this.charge(run, { at: start, meter, kind: "gauge", dims: gauge.dims, quantity: gauge.level, event: undefined, probe: false, shape: undefined })) gauge.chargedLevel = gauge.level;
        }
      }
    }
  }

  /** When a grant of `kind` made at `at` expires: its own expiry, brought forward to the subscription's end where it ends with it. */
  protected expiryOf(kind: GrantKind, at: Instant, cycleEnd: Instant, run: AccountRun): Instant | undefined {
    const own = this.ownExpiry(kind, at, cycleEnd);
    const cap = endsWithSubscription(kind) ? run.subscriptionEnd : undefined;
    return cap !== undefined && (own === undefined || cap < own) ? cap : own;
  }

  /** A grant's expiry by its kind alone, the subscription's end aside. */
  protected ownExpiry(kind: GrantKind, at: Instant, cycleEnd: Instant): Instant | undefined {
    switch (kind.expires.kind) {
      case "never":
        return undefined;
      case "cycle_end":
        return cycleEnd;
      case "after_months":
        return this.setup.calendar.addMonths(at, kind.expires.months);
    }
  }

  protected close(run: AccountRun): CycleStatement {
    const statement = closeCycle(run, this.closing());
    run.cycle.release();
    return statement;
  }

  /**
   * The statement of the run's open cycle, made when asked (and again each time): at the end of the replay
   * nothing changes an open cycle any more, and an account's last cycle is made as its statement is written,
   * rather than every account's at once, held or spilled as text, and made again from it. It holds the run and
   * what it reads of the replay (one object for every run), not the replay, and works out the cycle's terms when
   * called: a closure of three and an object of the terms were about 200 bytes an account of 100,000.
   */
  protected finalCycle(run: AccountRun): () => CycleStatement {
    const closing = this.closing();
    return () => closeCycle(run, closing);
  }

  /** What closing a cycle reads of the replay: made again only when the card changed. */
  private closing(): Closing {
    if (this.closingOf?.card !== this.card) this.closingOf = { card: this.card, setup: this.setup, order: this.order, versionAt: (at) => this.versionAt(at) };
    return this.closingOf;
  }

  private closingOf: Closing | undefined;

  /** The cycle holding `at`: the last one found, unless `at` left it. */
  protected cycleOf(at: Instant): number {
    const found = this.found;
    if (at >= found.start && at < found.end) return found.index;
    if (at >= this.farFrom) return FAR_AWAY;
    const calendar = this.setup.calendar;
    const index = calendar.indexOf(at);
    if (index >= 0) this.found = { index, start: calendar.start(index), end: calendar.start(index + 1) };
    return index;
  }

  /** A ledger entry of the run's, with its uncovered credits and balance as they stand. */
  protected log(run: AccountRun, line: LedgerLine): void {
    this.ledger?.entry(run, line);
  }
}

/** What closing a cycle reads of the replay: its card, setup (calendar, renewal) and order of meters and kinds. */
interface Closing {
  readonly card: RateCard;
  readonly setup: ReplaySetup;
  readonly order: { meters: readonly string[]; kinds: readonly string[] };
  /** The card version in force at an instant, when several are given: its plans' prices are a cycle's fees. */
  readonly versionAt: (at: Instant) => string | undefined;
}

/** The run's open cycle's statement, with the terms it closes on (quota, budgets, renewal) as they stand. */
function closeCycle(run: AccountRun, { card, setup, order, versionAt }: Closing): CycleStatement {
  const own = run.calendar;
  const renews = own === undefined ? setup.calendar.renewalAfter(run.cycle.index, setup.renewalMonths) : own.calendar.renewalAfter(run.cycle.index - own.index, setup.renewalMonths);
  // The version whose plan prices the cycle's fee: a version that raised a plan's price was billed at the first's (red team, stop 36).
  // Of the cycle's last instant, whatever cut it (a calendar boundary, an upgrade's new cycle at a version's switch):
  // a version from the instant a cycle ends prices the next one (red team, stop 36: November at December's price).
  const terms = { quota: run.terms.plan.quota?.requests, budgets: budgetsApply(card, run) ? run.terms.budgets : NO_BUDGETS, renews };
  const statement = run.cycle.close(run.wallet, order, terms);
  const version = versionAt(statement.end - 1);
  if (version !== undefined) statement.version = version;
  // The plan served until the end, or not at all in a cycle opened after it: what the cycle owes follows (planBilled).
  const end = run.cycle.endedAt ?? run.subscriptionEnd;
  if (end !== undefined && end < statement.end) statement.subscriptionEnd = end;
  return statement;
}
