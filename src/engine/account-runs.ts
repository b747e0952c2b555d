import { Decimal, ONE, ZERO } from "../money.js";
import { INCLUDED, ONETIME, type GrantKind } from "../ratecard/types.js";
import type { LedgerType } from "./types.js";
import type { Instant } from "../time.js";
import { Deferred, NO_CREDITS, type Credits } from "./credits.js";
import { OpenCycle } from "./cycle.js";
import { unitPrice } from "./pricing.js";
import { Wallet, type Grant } from "./wallet.js";
import { termsOnVersion } from "./timeline.js";
import { FAR_AWAY, ReplayState, type AccountRun } from "./replay-state.js";

/** An account's run through its cycles: opened at its first event, its clock moved by each, its cycles closed and opened, its grants expired. */
export abstract class AccountRuns extends ReplayState {
  protected run(account: string): AccountRun {
    let run = this.runs.get(account);
    if (!run) {
      const terms = this.setup.accounts.get(account) ?? this.setup.fallback;
      run = {
        id: account, ordinal: this.runList.length, serial: 0, slots: undefined, deferred: new Deferred(), terms: this.version === undefined ? terms : termsOnVersion(terms, this.card, account), wallet: new Wallet(),
        cycle: undefined as unknown as OpenCycle, closed: [], active: undefined, refused: undefined, gauges: undefined, daily: undefined, day: undefined, pending: undefined, subscriptionEnd: this.setup.subscriptionEnd,
      };
      this.runs.set(account, run);
      this.runList.push(run);
      this.openCycle(run, 0);
    }
    return run;
  }

  /** Move an account's clock to `at`: close every cycle that ended, expire what is due. */
  protected advance(run: AccountRun, at: Instant): void {
    const calendar = this.setup.calendar;
    for (let next = calendar.start(run.cycle.index + 1); next <= at; next = calendar.start(run.cycle.index + 1)) {
      this.expire(run, next, false);
      run.closed.push(this.close(run));
      this.lapse(run, next);
      this.openCycle(run, run.cycle.index + 1);
    }
    if (run.wallet.dueBy(at)) this.expire(run, at, true);
  }

  /** Grants that end with the cycle lapse at its boundary: the old cycle shows them as closing, the new one starts without them. */
  protected lapse(run: AccountRun, boundary: Instant): void {
    for (const grant of run.wallet.expire(boundary, true)) this.logExpiry(run, grant);
  }

  protected expire(run: AccountRun, at: Instant, inclusive: boolean): void {
    for (const grant of run.wallet.expire(at, inclusive)) {
      run.cycle.expired(grant.kind.key, grant.remaining);
      this.logExpiry(run, grant);
    }
  }

  /** An expired grant's unspent credits leave the ledger at its expiry (a lapsing grant expires at the boundary it lapses at). */
  protected logExpiry(run: AccountRun, grant: Grant): void {
    if (grant.remaining > NO_CREDITS) this.log(run, grant.expiresAt!, "expiry", undefined, grant.kind.key, {}, undefined, this.scale.decimal(grant.remaining).neg());
  }

  protected openCycle(run: AccountRun, index: number): void {
    const calendar = this.setup.calendar;
    const start = calendar.start(index);
    const end = calendar.start(index + 1);
    if (run.pending !== undefined) {
      run.terms = run.pending;
      run.pending = undefined;
      this.dropCaches();
    }
    const { plan, allowance } = run.terms;
    run.wallet.startCycle();
    const included = this.card.grantKinds.get(INCLUDED)!;
    if (allowance.gt(0)) run.wallet.add(included, this.scale.of(allowance), start, this.expiryOf(included, start, end, run));
    const onetime = this.card.grantKinds.get(ONETIME);
    if (index === 0 && onetime && plan.onetime.gt(0)) run.wallet.add(onetime, this.scale.of(plan.onetime), start, this.expiryOf(onetime, start, end, run));
    // The cycle opens with its allowance: it is part of the opening balance, not a grant during the cycle.
    const opening = new Map<string, Credits>();
    for (const kind of run.wallet.kinds()) opening.set(kind, run.wallet.balanceOf(kind));
    run.cycle = new OpenCycle(index, start, end, allowance, plan, opening, this.counting, this.scale);
    run.cycle.version = this.version;
    run.serial = ++this.cyclesOpened;
    if (allowance.gt(0)) this.log(run, start, "allowance", undefined, INCLUDED, {}, undefined, allowance);
    if (index === 0 && onetime && plan.onetime.gt(0)) this.log(run, start, "allowance", undefined, ONETIME, {}, undefined, plan.onetime);
    // A subscription that tops the balance up each period pays in at the cycle's start, before its charges.
    for (const g of run.terms.recurringGrants) {
      const kind = this.card.grantKinds.get(g.kind)!;
      run.wallet.add(kind, this.scale.of(g.amount), start, this.expiryOf(kind, start, end, run));
      run.cycle.granted(g.kind, g.amount);
      this.log(run, start, "payment", undefined, g.kind, {}, undefined, g.amount);
    }
    this.chargeCycleStart(run, start);
  }

  /** Recurring items and gauge levels are charged at the cycle's start, before any of its events. */
  protected chargeCycleStart(run: AccountRun, start: Instant): void {
    for (const meter of this.card.meters.values()) {
      if (meter.aggregation === "recurring") {
        for (const [key, item] of run.active?.get(meter.key) ?? []) {
          if (this.charge(run, start, meter, "recurring", item.dims, ONE, undefined)) run.cycle.chargedItems(meter.key).add(key);
        }
      } else if (meter.aggregation === "gauge") {
        for (const gauge of run.gauges?.get(meter.key)?.values() ?? []) {
          gauge.chargedLevel = ZERO;
          gauge.refundedLevel = ZERO;
          if (gauge.level.isZero()) continue;
          gauge.chargedPrice = unitPrice(meter, gauge.dims, meter.location);
          if (this.charge(run, start, meter, "gauge", gauge.dims, gauge.level, undefined)) gauge.chargedLevel = gauge.level;
        }
      }
    }
  }

  protected expiryOf(kind: GrantKind, at: Instant, cycleEnd: Instant, run: AccountRun): Instant | undefined {
    switch (kind.expires.kind) {
      case "never":
        return undefined;
      case "cycle_end":
        return cycleEnd;
      case "after_months": {
        const after = this.setup.calendar.addMonths(at, kind.expires.months);
        const cap = kind.expires.capAtSubscriptionEnd ? run.subscriptionEnd : undefined;
        return cap !== undefined && cap < after ? cap : after;
      }
    }
  }

  protected close(run: AccountRun) {
    const renews = this.setup.calendar.renewalAfter(run.cycle.index, this.setup.renewalMonths);
    const statement = { ...run.cycle.close(run.wallet, this.order, { quota: run.terms.plan.quota?.requests, budgets: this.budgetsApply(run) ? run.terms.budgets : new Map() }), renews };
    run.cycle.release();
    return statement;
  }

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

  protected log(run: AccountRun, at: Instant, type: LedgerType, meter: string | undefined, grant: string | undefined, dims: Readonly<Record<string, string>>, quantity: Decimal | undefined, amount: Decimal): void {
    if (!this.ledger) return;
    this.ledger({ at, account: run.id, type, meter, grant, dimensions: dims, quantity, amount, uncovered: this.scale.decimal(run.cycle.uncovered), balance: this.scale.decimal(run.wallet.balance()) });
  }
}
